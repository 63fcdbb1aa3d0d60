"""What every flow shares: the context it runs in, asking a question, reading answers."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from catalogue.matcher import Matcher
from catalogue.model import Entry
from conversations.timebank import Policy
from conversations.types import Outbound, Session

YesNo = Literal["yes", "no", "unknown"]
Choice = tuple[str, str]  # (label shown, action stored in the session)

YES: Choice = ("Yes", "answer:yes")
NO: Choice = ("No", "answer:no")
NOT_SURE: Choice = ("Not sure", "answer:unknown")
GUIDE = "This is a guide, not a decision: the council decides when you apply."

_YES = {"y", "yes", "yeah", "yep", "yup", "ya", "yea", "yes please", "sure", "ok", "okay",
        "correct", "i do", "i am", "true", "aye", "yes i do", "yes i am", "check", "go on"}
_NO = {"n", "no", "nah", "nope", "no thanks", "no thank you", "not really", "i don't",
       "i dont", "i'm not", "im not", "false", "no i don't", "no i dont", "none"}
_UNKNOWN = {"dunno", "not sure", "don't know", "dont know", "idk", "unsure", "maybe",
            "no idea", "i don't know", "i dont know", "i'm not sure", "im not sure", "?",
            "unknown", "not certain", "dk", "rather not say", "skip", "pass"}
_SKIP = {"skip", "no", "n", "nah", "nope", "no thanks", "none", "nothing", "no comment",
         "pass", "-", "nothing else", "that's all", "thats all"}
_QUESTION_START = re.compile(
    r"^(what|where|when|how|who|which|why|can|could|is there|are there|do you|does|i need|"
    r"i want|help|find|looking for)\b", re.IGNORECASE)


@dataclass
class Context:
    """What a flow may use: the catalogue, the database (inside the caller's transaction)
    and the time of the message. Flows never read the clock or touch the network."""

    db: Any  # sqlite_utils.Database
    matcher: Matcher
    entries: Mapping[str, Entry]
    questions: Mapping[str, str]  # circumstance code -> question
    now: datetime
    timebank: Policy = field(default_factory=Policy)  # TIMEBANK_* (bot/settings.py)


def words(text: str) -> str:
    """Lower case, single spaces, no surrounding punctuation, straight apostrophes."""
    text = text.replace("\u2019", "'").lower()
    return re.sub(r"\s+", " ", text).strip().strip(".!,;:").strip()


def parse_yes_no(text: str) -> YesNo | None:
    """yes / no / unknown ("dunno"), or None when the text is not such an answer."""
    said = words(text)
    if said in _UNKNOWN:
        return "unknown"
    if said in _YES:
        return "yes"
    if said in _NO:
        return "no"
    first, _, rest = said.partition(" ")
    if len(said.split()) <= 4 and not _QUESTION_START.match(rest):
        if first.strip(",") in {"yes", "yeah", "yep", "y"}:
            return "yes"
        if first.strip(",") in {"no", "nah", "nope", "n"}:
            return "no"
    return None


def is_skip(text: str) -> bool:
    return words(text) in _SKIP


def looks_like_question(text: str) -> bool:
    """A free-text answer that is really a new request ("where is the library?")."""
    said = words(text)
    return text.strip().endswith("?") or _QUESTION_START.match(said) is not None


def ask(session: Session, state: str, text: str, choices: Sequence[Choice] = ()) -> Outbound:
    """Put one question to the person: the session waits in `state` for the answer."""
    session.state = state
    offer(session, choices)
    return Outbound(text, choices=tuple(label for label, _ in choices))


def offer(session: Session, choices: Sequence[Choice]) -> None:
    if choices:
        session.data["choices"] = [action for _, action in choices]
        session.data["labels"] = [label for label, _ in choices]
    else:
        session.data.pop("choices", None)
        session.data.pop("labels", None)


def flow_data(session: Session) -> dict[str, Any]:
    data: dict[str, Any] = session.data.setdefault("flow", {})
    return data


def end_flow(session: Session, state: str = "answered") -> None:
    session.state = state
    session.data.pop("flow", None)
    offer(session, ())


def entry_choices(entries: Sequence[Entry], action: str = "entry") -> list[Choice]:
    return [(e.title, f"{action}:{e.id}") for e in entries]


def how_to_apply(entry: Entry) -> str:
    """The one best way to apply or get in touch."""
    if entry.how_to_apply:
        return entry.how_to_apply.strip().rstrip(".")
    for label, value in (("call", entry.phone), ("go to", entry.url), ("email", entry.email)):
        if value:
            return f"{label} {value}"
    return "ask the council"


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
