"""What every flow shares: the context it runs in, asking a question, reading answers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
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
        "correct", "i do", "i am", "true", "aye", "yes i do", "yes i am", "check", "go on",
        "deffo", "defo", "def", "definitely", "ye innit", "yeah innit", "yes innit", "ya innit",
        "for sure", "obviously", "obvs", "course", "of course", "100%", "yh", "yass", "yas",
        "yeh", "yeh please", "yea please", "go on then", "yes go on", "yep please"}
_NO = {"n", "no", "nah", "nope", "no thanks", "no thank you", "not really", "i don't",
       "i dont", "i'm not", "im not", "false", "no i don't", "no i dont", "none",
       "i don't think so", "i dont think so", "don't think so", "dont think so",
       "used to", "i used to", "we used to", "he used to", "she used to", "they used to"}
_UNKNOWN = {"dunno", "not sure", "don't know", "dont know", "idk", "unsure", "maybe",
            "no idea", "i don't know", "i dont know", "i'm not sure", "im not sure", "?",
            "unknown", "not certain", "dk", "rather not say", "skip", "pass",
            "i don't want to say", "i dont want to say", "prefer not to say",
            "i'd rather not say", "id rather not say", "i would rather not say", "not saying",
            "idk tbh", "tbh idk", "dunno tbh", "idek", "no clue", "not a clue", "idk really",
            "yes and no", "yes or no", "yes and no really", "kind of", "kinda", "sort of",
            "sorta", "sometimes", "on and off", "some of the time"}
_SKIP = {"skip", "no", "n", "nah", "nope", "no thanks", "none", "nothing", "no comment",
         "pass", "-", "nothing else", "that's all", "thats all"}
_UNKNOWN_SIGN = re.compile(
    r"\b(?:dunno|don'?t know|dont know|do not know|idk|not sure|unsure|no idea|not certain|"
    r"maybe|possibly|might be|might do|could be|no clue|can'?t remember|cant remember|"
    r"not sure|i think so|think so|i guess|guess so|probably|perhaps)\b")
_YES_SIGN = re.compile(
    r"^(?:y|ye|yes|yeah|yea|yep|yup|ya|yh|aye|sure|correct|definitely|of course|absolutely|"
    r"right|true|indeed|certainly)\b"
    r"|\b(?:yes|yeah|yep|yup|i do|we do|i am|we are|he is|she is|they are|he does|she does|"
    r"they do|i have|we have|i was|he was|she was|that's right|thats right|that's me|"
    r"thats me|definitely|of course|absolutely)\b"
    r"|\bmy (?:mum|mam|mom|dad|parents?|carer|nan|gran|step ?dad|step ?mum) "
    r"(?:does|do|is|gets|has)$")
_NO_SIGN = re.compile(
    r"^(?:n|no|nah|nope|naw|nay|never|none|negative)\b"
    r"|\b(?:no|nah|nope|not really|i don'?t|we don'?t|i'm not|im not|i am not|we'?re not|"
    r"we are not|he isn'?t|she isn'?t|he'?s not|she'?s not|they'?re not|they aren'?t|"
    r"doesn'?t|don'?t|haven'?t|hasn'?t|wasn'?t|weren'?t|aren'?t|isn'?t|not at the moment|"
    r"not any ?more|no longer|not now|not yet|never|not me)\b")
_FILLERS = (
    "not i we you he she they it that this do does did am is are was were be get gets got have "
    "has had one any a an the so well um er erm hmm mate thanks thank please ok okay think "
    "really moment at anymore more now yet currently still on them him her my our us son "
    "daughter mum dad kids kid child children wife husband partner both all of just sure "
    "course actually check for me uc pip dla benefit benefits universal credit sadly "
    "unfortunately lol haha i'm im it's that's thats fam innit tbh bro")
_FILLER = frozenset(_FILLERS.split())
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
    replying_to: str | None = None  # the provider's id of our message answered (Telegram)


@lru_cache(maxsize=1024)  # one message is read by many of the parsers below
def words(text: str) -> str:
    """Lower case, single spaces, no surrounding punctuation, straight apostrophes."""
    text = text.replace("\u2019", "'").lower()
    return re.sub(r"\s+", " ", text).strip().strip(".!,;:").strip()


def parse_yes_no(text: str) -> YesNo | None:
    """yes / no / unknown ("dunno"), or None when the text is not such an answer.

    Exact forms first ("nah", "i don't"); then a short answer that is not a question is
    read by the signs in it: any doubt ("dunno i think so") is "unknown", otherwise the
    yes or no it leads with or holds ("yeah we do", "not at the moment")."""
    said = words(text)
    if said in _UNKNOWN:
        return "unknown"
    if len(said.split()) <= 8 and _EMPHATIC_NO.match(said):
        return "no"  # "absolutely not": its "absolutely" is no yes
    if said in _YES:
        return "yes"
    if said in _NO:
        return "no"
    first, _, rest = said.partition(" ")
    if len(said.split()) > 8 or _QUESTION_START.match(rest) or _QUESTION_START.match(said):
        return None
    plain = said.rstrip("?").strip()
    signs = _YES_SIGN.sub(" ", _NO_SIGN.sub(" ", _UNKNOWN_SIGN.sub(" ", plain)))
    rest = re.sub(r"[^\w' ]", " ", signs)
    if any(w not in _FILLER for w in rest.split()):
        return None  # more is said than yes or no ("I'm not happy with that")
    if _UNKNOWN_SIGN.search(plain):
        return "unknown"
    yes, no = _YES_SIGN.search(plain), _NO_SIGN.search(plain)
    if yes and no:
        return "yes" if yes.start() < no.start() and first.strip(",") in _YES else "unknown"
    if no:
        return "no"
    if yes:
        return "yes"
    return None


# a no said emphatically: "absolutely not", "definitely not", "of course not", "hell no"
_EMPHATIC_NO = re.compile(
    r"^(?:(?:no|nope|nah|oh)[ ,!.]+)?(?:absolutely|definitely|def|defo|deffo|defiantly|"
    r"certainly|most certainly|of course|course|obviously|obvs|totally|surely) "
    r"(?:not|no|nope|nah)\b(?! sure| certain)"
    r"|^(?:oh )?(?:hell|god|heck|lord) no\b|^no (?:way|chance)\b"
    r"|^(?:not at all|not a chance|not likely|not in a million years|nope nope|no no no)\b")


_LEADING = re.compile(r"^(?:(yes|yeah|yea|ye|ya|yep|yup|yh|aye)|(no|nope|nah|naw))\b[ ,.!;:-]+"
                      r"(?:(?:and|but|although|though|cos|because)\b)?.{2,}$")


_NOT_A_NO = re.compile(r"^(?:no|nope|nah|naw)\b[ ,.!;:-]*(?:problem|probs?|worries|worry|"
                       r"bother|trouble|doubt|need|rush|but|wait|i mean)\b")
# A yes taken back: "ye nah never happened", "yes wait no" are a no; "yes wait", "yeah
# actually" are neither
_NOT_A_YES = re.compile(r"^(?:yes|yeah|yea|ye|ya|yep|yup|yh|aye)\b[ ,.!;:-]*"
                        r"(?:(wait|hang on|hold on|actually|i mean)\b[ ,.!;:-]*)?"
                        r"(no|nope|nah|naw|never(?! mind)|not really)?\b(?![ ,.!;:-]*(?:problem|"
                        r"probs?|worries|worry|bother|trouble|doubt|need|rush)\b)")
_YES_LATER = re.compile(r"\b(?:yes|yeah|yep|i do|we do|she does|he does|they do)\b")


def leading_yes_no(text: str) -> YesNo | None:
    """The yes or no a longer answer starts with ("yes but only 16 hours a week", "no, I
    rent from a private landlord"); None when it does not start with one, is a question, or
    its yes or no is taken back ("no worries", "no but my partner does", "no wait yes", "ye
    nah never happened", "yes wait no")."""
    said = words(text)
    found = _LEADING.match(said)
    if found is None or said.endswith("?") or _QUESTION_START.match(said.partition(" ")[2]):
        return None
    back = _NOT_A_YES.match(said)
    if found.group(1) and back is not None and (back.group(1) or back.group(2)):
        return "no" if back.group(2) else None
    if found.group(1):
        return "yes"
    rest = said.partition(" ")[2]
    return None if _NOT_A_NO.match(said) or _YES_LATER.search(rest) else "no"


_FIRST_NAME = re.compile(
    r"^(?:(?:[Hh]i|[Hh]ello|[Hh]ey|[Hh]iya)[ ,!]+)?(?:(?:[Mm]y name is|[Mm]y names|[Mm]y name's|"
    r"[Nn]ame's|[Nn]ames|[Ii]'m|[Ii]m|[Ii] am|[Ii]t's|[Ii]ts|[Ii]t is|[Tt]his is|[Cc]all me)\s+)?"
    r"([^\W\d_](?:[^\W\d_]|['-]){0,29})((?:\s+[^\W\d_](?:[^\W\d_]|['-]){0,29}){0,2}?)"
    r"(?:\s+here)?$")
# Words sent where a first name was asked that are no name: answers to other questions.
NOT_A_NAME = frozenset({"yes", "yeah", "yep", "no", "nope", "nah", "ok", "okay", "skip",
    "none", "nothing", "menu", "help", "stop", "start", "cancel", "hi", "hello", "hey",
    "thanks", "weekends", "weekend", "weekdays", "evenings", "evening", "mornings",
    "afternoons", "any", "anytime", "sure", "join", "why", "what", "who", "me", "you", "it",
    "not", "maybe", "dunno", "idk", "i", "my", "mr", "mrs", "ms", "miss", "dr", "thank", "whats",
    "how", "can", "rather", "prefer", "sorry", "just", "only", "at", "wait", "the", "a", "an",
    "hang", "hold", "please", "yo", "wot", "what's",
    # "im fine": how the person is, not who
    "fine", "good", "great", "alright", "ready", "done", "busy", "back", "confused", "lost",
    "scared", "worried", "tired", "bored", "sad", "cool", "here", "new",
    # "call me later", "my name is private": when, or that they would rather not say
    "later", "tomorrow", "today", "tonight", "soon", "now", "asap", "sometime", "whenever",
    "private", "secret", "anonymous", "confidential", "unknown", "nobody",
    "whatever", "anything"})


# "my name is ellie-mae smith and i live at ...": after these words, the next is the name,
# whatever follows
_NAMED = re.compile(r"^(?:(?:hi|hello|hey|hiya)[ ,!]+)?(?:my name is|my names|my name's|"
                    r"call me)\s+([^\W\d_](?:[^\W\d_]|['-]){0,29})(?:[\s,.!]|$)",
                    re.IGNORECASE)


def first_name(text: str) -> str | None:
    """The first name in "Jess", "it's Jess", "Jess Smith", "my name is Jess", "jess here",
    "my name is jess and i live at ...", in any alphabet ("Małgorzata", "Siobhán", "محمد");
    None for anything else, and for words that answer another question ("weekends", "no")."""
    said = text.strip().strip(".!").replace("\u2019", "'")
    found = _FIRST_NAME.match(said)
    if found is None and (named := _NAMED.match(said)) is not None and \
            named.group(1).lower() not in NOT_A_NAME:
        name = named.group(1)
        return name.title() if name.islower() or name.isupper() else name
    if found is None or found.group(1).lower() in NOT_A_NAME:
        return None
    if any(word[0].islower() for word in found.group(2).split()):
        return None  # a family name starts with a capital: "jess is busy" is no name
    name = found.group(1)
    return name.title() if name.islower() or name.isupper() else name  # "o'brien": O'Brien


_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2,
             "fourth": 3, "4th": 3}
_LABEL_WORD = re.compile(r"[a-z0-9']+")
_ORDINAL_ANSWER = re.compile(r"^(?:the )?(" + "|".join(_ORDINALS) + r")(?: one)?(?: please)?$")


def choice_named(session: Session, text: str) -> str | None:
    """The stored action of the one choice offered that the words pick out ("northgate",
    "priya from northgate" or "the gardening one" for "Priya (Northgate, gardening)", "the
    first one"), by the most words that not every label has; None when no choice, or more
    than one, fits best."""
    labels: list[str] = session.data.get("labels") or []
    actions: list[str] = session.data.get("choices") or []
    said_text = words(text)
    said = set(_LABEL_WORD.findall(said_text))
    own = [set(_LABEL_WORD.findall(label.lower())) for label in labels]
    shared = set.intersection(*own) if own else set()
    scores = [len((label_words - shared) & said) for label_words in own]
    best = max(scores, default=0)
    fits = [n for n, score in enumerate(scores) if score == best]
    if best and len(fits) == 1 and fits[0] < len(actions):  # "priya from hillside"
        return actions[fits[0]]
    ordinal = _ORDINAL_ANSWER.match(said_text)  # "the second one", not "hang on a second"
    if ordinal is not None and _ORDINALS[ordinal.group(1)] < len(actions):
        return actions[_ORDINALS[ordinal.group(1)]]
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
    session.data["asked"] = text  # put again after small talk or a follow-up answer
    return Outbound(text, choices=tuple(label for label, _ in choices))


def offer(session: Session, choices: Sequence[Choice]) -> None:
    session.data.pop("list", None)
    session.data.pop("asked", None)
    if choices:
        session.data["choices"] = [action for _, action in choices]
        session.data["labels"] = [label for label, _ in choices]
    else:
        session.data.pop("choices", None)
        session.data.pop("labels", None)


MORE: Choice = ("More", "more:")
# Replies sized for SMS: the web chat's too, so that its SMS look shows what a text would
SMS_SIZED = frozenset({"sms", "web"})
SMS_PAGE = 3  # SMS lists three at a time so a reply fits two texts
PAGE_SIZE = 8  # Telegram: up to eight buttons at once


def sms_sized(session: Session) -> bool:
    return session.channel in SMS_SIZED


def ask_list(session: Session, text: str, choices: Sequence[Choice],
             state: str = "answered") -> Outbound:
    """A list to pick from, a page at a time: the last choice, "More", shows the next."""
    size = SMS_PAGE if sms_sized(session) else PAGE_SIZE
    listing = {"text": text, "choices": [list(c) for c in choices], "at": 0, "size": size,
               "state": state}
    return list_page(session, listing)


def list_page(session: Session, listing: dict[str, Any]) -> Outbound:
    at, size, every = listing["at"], listing["size"], listing["choices"]
    page: list[Choice] = [(str(label), str(action)) for label, action in every[at:at + size]]
    if at + size < len(every):
        page.append(MORE)
    last = min(at + size, len(every))
    text = listing["text"] if at == 0 else \
        f"{at + 1} to {last} of {len(every)}:" if last > at + 1 else f"The last of {len(every)}:"
    reply = ask(session, str(listing["state"]), text, page)
    session.data["list"] = listing
    session.data["last_list"] = [action.partition(":")[2] for label, action in every
                                 if action.startswith("entry:")]
    return reply


def more(session: Session) -> Outbound | None:
    """The next page of the last list, or None when there is none."""
    listing = session.data.get("list")
    if not listing or listing["at"] + listing["size"] >= len(listing["choices"]):
        return None
    listing = {**listing, "at": listing["at"] + listing["size"]}
    return list_page(session, listing)


def flow_data(session: Session) -> dict[str, Any]:
    data: dict[str, Any] = session.data.setdefault("flow", {})
    return data


def end_flow(session: Session, state: str = "answered") -> None:
    session.state = state
    session.data.pop("flow", None)
    offer(session, ())


GONE = ("What we were talking about has been taken off the council's list since, so I've "
        "stopped that question. Tell me what you're looking for, or send MENU.")


def drop_removed(session: Session, entries: Mapping[str, Entry]) -> bool:
    """Forget what the session holds about entries the council has since removed from its
    catalogue (a re-import): the last answer, the check kept for a correction, a question
    set aside. True when the question being asked was about one: it is ended."""
    if session.data.get("last_entry") and session.data["last_entry"] not in entries:
        session.data.pop("last_entry")
    if _about_removed({"check": (session.data.get("checked") or {}).get("check")}, entries):
        session.data.pop("checked")
    kept = session.data.get("set_aside") or {}
    if _about_removed(kept.get("flow") or {}, entries):
        session.data.pop("set_aside")
    if not _about_removed(session.data.get("flow") or {}, entries):
        return False
    end_flow(session)
    return True


def _about_removed(flow: Mapping[str, Any], entries: Mapping[str, Entry]) -> bool:
    named = [flow[key] for key in ("entry", "check") if isinstance(flow.get(key), str)]
    return any(entry_id != "all" and entry_id not in entries for entry_id in named)


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


# words of a title that name nothing on their own ("Help for young people")
_NOT_NAMING = frozenset({"the", "and", "for", "with", "help", "free", "your", "you", "from",
                         "about", "plan", "new", "our", "out", "all", "any", "get", "has",
                         "can", "not", "support", "people", "young", "older", "year", "old"})


def _stems(text: str) -> set[str]:
    return {w[:-1] if w.endswith("s") and not w.endswith("ss") else w
            for w in re.findall(r"[a-z]{3,}", text.lower())}


def named_by_title(entry: Entry, text: str, others: Iterable[Entry] = ()) -> bool:
    """Whether the message names the entry by a word of its title ("bus pass" for "Free bus
    pass for older people", "my bin" for "Bin collections"), one that none of `others`'
    titles has ("befriend" names "Befriend an older person"; "food bank" names the food
    bank as well as the role of volunteering there)."""
    shared = set().union(*(_stems(other.title) for other in others))
    return bool((_stems(entry.title) - _NOT_NAMING - shared) & _stems(words(text)))

