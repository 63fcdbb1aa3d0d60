"""The conversation engine: one pure step from (session, message, now) to replies.

No transport lives here. Channels turn their payloads into `Inbound`, call `Engine.step`,
and render the `Outbound` replies; the caller loads and saves the `Session` around it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from catalogue.matcher import Matcher, SearchResult
from catalogue.model import Entry
from conversations.safeguarding import CRISIS_TEXT, in_danger
from conversations.types import Inbound, Outbound, Session

IDLE_RESET = timedelta(days=1)
MAX_CHOICES = 3
GREETINGS = {"hi", "hello", "hey", "hiya", "yo", "/start", "start", "good morning", "hi there"}
MENU_WORDS = {"help", "menu", "/help", "/menu", "?", "options"}
EXAMPLES = ("Free school meals", "Help with council tax", "Things to do after school")
NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")

MENU_TEXT = (
    "I can help you find local support from the council. Ask me in your own words, "
    "for example \"help paying rent\" or \"somewhere to go after school\". "
    "Send MENU at any time to come back here."
)
WELCOME = "Hi! I'm Local Support, the council's assistant. " + MENU_TEXT
NOTHING = (
    "Sorry, I couldn't find anything that fits that. Try saying it another way, "
    "or send MENU to see what I can help with."
)


class Engine:
    """Holds the catalogue index; `step` is the whole conversation logic."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.entries = {e.id: e for e in matcher.entries}

    def step(self, session: Session, inbound: Inbound, now: datetime) -> list[Outbound]:
        """Safeguarding first: crisis contacts lead the replies whatever else was asked."""
        replies = self._step(session, inbound, now)
        if in_danger(inbound.text):
            session.data["safeguarding"] = True
            replies.insert(0, Outbound(CRISIS_TEXT, urgent=True))
        return replies

    def _step(self, session: Session, inbound: Inbound, now: datetime) -> list[Outbound]:
        if session.updated_at is not None and now - session.updated_at > IDLE_RESET:
            session.state, session.data = "start", {}
        first = session.updated_at is None
        session.updated_at = now
        text = inbound.text.strip()
        word = normalise_command(text)

        picked = self._picked(session, inbound, text)
        if picked is not None:
            return picked
        if word in MENU_WORDS:
            return self._menu(session, MENU_TEXT)
        if word in GREETINGS or (first and not text):
            return self._menu(session, WELCOME)
        if not text:
            return self._menu(session, "I didn't get any words there. " + MENU_TEXT)
        return self.answer(session, text)

    # -- answering ----------------------------------------------------------------------

    def answer(self, session: Session, text: str) -> list[Outbound]:
        result = self.matcher.search(text, limit=MAX_CHOICES + 1)
        session.state = "answered"
        if result.answered and result.best is not None:
            best = result.best.entry
            session.data["last_entry"] = best.id
            replies = [Outbound(best.summary, entry=best)]
            others = alternatives(result)
            if others:
                replies.append(
                    self._offer(session, "Not what you wanted? It might be one of these:", others)
                )
            return replies
        suggestions = [m.entry for m in result.matches[:MAX_CHOICES] if m.score > 0]
        if suggestions:
            return [self._offer(session, "I'm not sure I found that. Did you mean:", suggestions)]
        session.data.pop("choices", None)
        return [Outbound(NOTHING)]

    def show(self, session: Session, entry: Entry) -> list[Outbound]:
        session.state = "answered"
        session.data["last_entry"] = entry.id
        session.data.pop("choices", None)
        return [Outbound(entry.summary, entry=entry)]

    # -- choices ------------------------------------------------------------------------

    def _offer(self, session: Session, text: str, entries: Sequence[Entry]) -> Outbound:
        session.data["choices"] = [f"entry:{e.id}" for e in entries]
        return Outbound(text, choices=tuple(e.title for e in entries))

    def _menu(self, session: Session, text: str) -> list[Outbound]:
        session.state = "menu"
        session.data["choices"] = [f"ask:{example}" for example in EXAMPLES]
        return [Outbound(text, choices=EXAMPLES)]

    def _picked(self, session: Session, inbound: Inbound, text: str) -> list[Outbound] | None:
        """A button press or a typed number against the last choices offered."""
        choices: list[str] = session.data.get("choices") or []
        index = inbound.choice
        if index is None:
            number = NUMBER.match(text)
            if number is None or not choices:
                return None
            index = int(number.group(1)) - 1
        if not 0 <= index < len(choices):
            count = len(choices)
            listed = "1" if count == 1 else f"a number from 1 to {count}"
            return [Outbound(f"Please reply with {listed}, or ask me something else.",
                             choices=tuple(self._labels(choices)))]
        action, _, value = choices[index].partition(":")
        if action == "entry" and value in self.entries:
            return self.show(session, self.entries[value])
        return self.answer(session, value)

    def _labels(self, choices: Sequence[str]) -> list[str]:
        labels = []
        for choice in choices:
            action, _, value = choice.partition(":")
            entry = self.entries.get(value) if action == "entry" else None
            labels.append(entry.title if entry else value)
        return labels


def alternatives(result: SearchResult) -> list[Entry]:
    """Other plausible entries after the best, closest first."""
    best = result.best
    if best is None:
        return []
    return [m.entry for m in result.matches[1 : MAX_CHOICES + 1] if m.score >= best.score * 0.6]


def normalise_command(text: str) -> str:
    """A message as a command word: lower case, no surrounding punctuation."""
    return re.sub(r"\s+", " ", text.strip().lower().strip(".!?,")).strip()
