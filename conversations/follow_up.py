"""Follow-up questions about the entry just shown: "where is it?", "what time does it open",
"how do I apply", "how much is it", "who can go", "tell me more", "sign me up".

Answers come from the entry's fields (catalogue/model.py `Entry`). `TOPICS` says, for each
topic, which fields answer it and how to say them: a field added to the catalogue is one
more `Say` line in its topic's table. Pure: no database, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from catalogue.model import Entry
from conversations.flows.common import words

# What "it", "that", "them", "there" stand for; any of these makes a message a follow-up.
REFERENCE = re.compile(r"\b(?:it|its|it's|that|this|them|they|there|their|theirs|one)\b")


@dataclass(frozen=True)
class Say:
    """One field and how to say it: `template` gets the field's value as {value} and the
    entry's title as {title}."""

    field: str
    template: str


@dataclass(frozen=True)
class Topic:
    name: str
    pattern: re.Pattern[str]
    says: tuple[Say, ...]
    missing: str  # said (with the best contact) when no field has a value


def _topic(name: str, pattern: str, says: tuple[Say, ...], missing: str) -> Topic:
    return Topic(name, re.compile(pattern), says, missing)


CONTACT = (
    Say("phone", "Call {value}."),
    Say("url", "Online: {value}"),
    Say("email", "Email {value}."),
)
# Ordered: the first topic whose pattern is found in the message wins.
TOPICS: tuple[Topic, ...] = (
    _topic("sign_up", r"\b(?:sign (?:me |us )?up|signup|join|enrol|enroll|register|"
           r"get involved|take part|book (?:a |me )?(?:place|in|on)?)\b",
           (Say("how_to_apply", "To sign up for {title}: {value}"), *CONTACT),
           "I don't have sign-up details for {title}."),
    _topic("apply", r"\b(?:appl(?:y|ying|ication)|claim|vouchers?|how (?:do|can|would) "
           r"(?:i|we|you) (?:get|use) (?:it|that|this|them|one)|refer(?:ral)?|"
           r"what (?:do|should|shall) i do (?:now|next)|what next|next steps?|what happens next|"
           r"how (?:do|can|should) i report (?:it|this|that|them))\b",
           (Say("how_to_apply", "How to apply for {title}: {value}"),
            Say("required_documents", "You will need: {value}"), *CONTACT),
           "I don't have application details for {title}."),
    _topic("documents", r"\b(?:documents?|bring|proof|evidence|paperwork|what do i need)\b",
           (Say("required_documents", "For {title} you will need: {value}"),),
           "I don't know what {title} asks you to bring."),
    # "i cant afford it" after a card: not its price, but help with the cost
    _topic("afford", r"\b(?:cant|can not|cannot|couldnt|could not|struggl\w* to|unable to) "
           r"(?:afford|pay)\b",
           (Say("cost_help", "{title} is there to help with that. {value}"),),
           "If the cost is the problem, ask {title} about help with it when you get in touch, "
           "or tell me what you need to pay for and I'll look for help with money."),
    # "how long will it take": the time the card gives ("within 24 hours", "within 6 weeks")
    _topic("how_long", r"\b(?:how long (?:will|does|would|do|is|till|until|before|for)|"
           r"how soon|how quick(?:ly)?|waiting (?:time|list))\b",
           (Say("time_sentences", "{value}"),),
           "I don't know how long {title} takes: ask them when you get in touch."),
    _topic("cost", r"\b(?:cost|costs|price|how much|is (?:it|that|this) free|free\b.*\?|"
           r"pay|charge|fee|fees|afford)\b",
           (Say("fees", "{title}: {value}"), Say("cost_sentences", "{value}")),
           "I don't know what {title} costs."),
    _topic("when", r"\b(?:when|what time|times|open|opening|hours|close|closing|days?|"
           r"weekend|tonight|today|tomorrow)\b",
           (Say("opening_hours", "{title} is open {value}."),),
           "I don't have opening times for {title}."),
    _topic("where", r"\b(?:where|address|location|located|directions|postcode|find (?:it|them)|"
           r"get there|near(?:est)?)\b",
           (Say("address", "{title} is at {value}."),
            Say("areas_served", "It serves {value}.")),
           "I don't have an address for {title}."),
    _topic("languages", r"\b(?:language|languages|speak|interpreter|translat\w*|english|"
           r"arabic|polish|urdu|punjabi|bengali|romanian|somali|ukrainian)\b",
           (Say("languages", "At {title} they speak {value}."),),
           "I don't know which languages {title} offers: ask them about an interpreter."),
    _topic("access", r"\b(?:wheelchair|step free|step-free|accessible|access|disabled|"
           r"lift|ramp|hearing loop|parking)\b",
           (Say("accessibility", "{title}: {value}"),),
           "I don't have access details for {title}."),
    _topic("website", r"\b(?:website|web site|web|link|url|online|site|page)\b",
           (Say("url", "The website for {title} is {value}"),),
           "I don't have a website for {title}."),
    _topic("email", r"\b(?:email|e-mail|mail)\b",
           (Say("email", "Email {title} at {value}."),),
           "I don't have an email address for {title}."),
    _topic("phone", r"\b(?:phone|number|ring|call|telephone|tel|contact|speak to|talk to)\b",
           (Say("phone", "Call {title} on {value}."), Say("email", "Email {value}.")),
           "I don't have a phone number for {title}."),
    _topic("provider", r"\b(?:who runs|run by|provider|organisation|charity)\b",
           (Say("provider", "{title} is run by {value}."),),
           "I don't know who runs {title}."),
    _topic("who", r"\b(?:who|age|ages|old|eligible|allowed|can i (?:go|come|use)|for me|"
           r"anyone|qualify)\b",
           (Say("eligibility", "{title}: {value}"), Say("age_text", "{title} is for {value}."),
            Say("wards_text", "It is for {value}.")),
           "{title} has no age limit that I know of."),
    _topic("more", r"\b(?:more|info|information|details?|tell me|explain|what is (?:it|that)|"
           r"what do they do|what's (?:it|that))\b",
           (Say("description", "{value}"), Say("provider", "Run by {value}.")),
           "That is all I know about {title}."),
)
_SMS_SPEAK = {
    "wat": "what", "wot": "what", "wen": "when", "wer": "where", "whr": "where",
    "wheres": "where is", "u": "you", "r": "are", "ur": "your", "tel": "tell", "plz": "please",
    "pls": "please", "nfo": "info", "adress": "address", "addres": "address", "opn": "open",
    "websit": "website", "fone": "phone", "numbr": "number", "hw": "how", "mch": "much",
    "whats": "what is", "hows": "how is", "wats": "what is", "ppl": "people",
}
_COST_WORDS = re.compile(r"£|\bfree\b|\bfee\b|\bcost|\bcharge|\bpay\b|\bprice|\bcheap", re.I)
_SMALL = (
    "a an the is are was be it its it's that this them they there their one do does did "
    "can could i i'm im me my we us our you your please what whats how where when who "
    "which to for of on at in from by with and or so then ok okay hi about any again "
    "get got go going have has need want would like know tell say said give find see "
    "thanks thank cheers just also still yet now please plz pls mate hun sorry "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "morning afternoon evening week weekend time address number website details place "
    "sessions session form way best opening postcode site page hours times")
SMALL_WORDS = frozenset(_SMALL.split())
_NOT_FOLLOW_UP = re.compile(r"^(?:i need|i want|i'm looking|looking for|help with|find)\b"
                            r"|\bare you\b|^what time is it$|^what day is it$")
MAX_WORDS = 9


def plain(text: str) -> str:
    """The message in words, text-speak spelt out ("wat time does it open")."""
    return " ".join(_SMS_SPEAK.get(w, w) for w in re.findall(r"[\w'£]+", words(text)))


def topic_of(text: str, entry: Entry) -> Topic | None:
    """The follow-up topic when the message asks about `entry` rather than something new:
    it names a topic, and whatever else it says is small words, the entry's own name, or
    a detail after "it"/"there" ("is it free for kids")."""
    said = plain(text)
    if not said or len(said.split()) > MAX_WORDS or _NOT_FOLLOW_UP.match(said):
        return None
    topic = next((t for t in TOPICS if t.pattern.search(said)), None)
    if topic is None:
        return None
    rest = set(leftover(said))
    if not rest or rest <= title_words(entry):
        return topic
    return topic if REFERENCE.search(said) and len(rest) <= 2 else None


# how a message asks for a way to get in touch ("council tax phone number", "whats the number
# for council tax"): not what it is about, so not searched for ("number" would find Tell Us
# Once's "reference number")
_CONTACT_ASKED = re.compile(r"\b(?:(?:phone|telephone|contact|tel) )?(?<!house )(?<!reference )"
                            r"(?<!account )(?<!insurance )(?<!plate )number\b")


def searched_words(text: str) -> str:
    """`text` without how it asks for a phone number, when something else is left to search."""
    rest = _CONTACT_ASKED.sub(" ", plain(text))
    return " ".join(rest.split()) if leftover(rest) else text


BACK = re.compile(r"\b(?:it|its|it's|that|them|they|there|their)\b")
NEED_NAMING = {"sign_up", "apply", "where", "phone", "website", "email"}
TOPIC_NAMED = {topic.name: topic for topic in TOPICS}


def topic_in(text: str) -> Topic | None:
    """The topic of a follow-up about a list ("where are they?", "which is open today"):
    it refers back or names nothing else."""
    said = plain(text)
    if not said or len(said.split()) > MAX_WORDS or _NOT_FOLLOW_UP.match(said):
        return None
    topic = next((t for t in TOPICS if t.pattern.search(said)), None)
    if topic is None or topic.name in ("more", "sign_up"):
        return None
    rest = leftover(said)
    return topic if not rest or (REFERENCE.search(said) and len(rest) <= 2) else None


def bare(text: str) -> bool:
    """A follow-up that names nothing ("where is it?", "how do I sign up"): it needs the
    entry it is about."""
    said = plain(text)
    if not said or len(said.split()) > MAX_WORDS or leftover(said):
        return False
    topic = next((t for t in TOPICS if t.pattern.search(said)), None)
    return topic is not None and (BACK.search(said) is not None or topic.name in NEED_NAMING)


def leftover(said: str) -> list[str]:
    """The words of a message that neither a topic nor a small word explains."""
    for topic in TOPICS:
        said = topic.pattern.sub(" ", said)
    return [w for w in said.split() if w not in SMALL_WORDS and not w.isdigit()]


def title_words(entry: Entry) -> set[str]:
    return {w for w in re.findall(r"\w+", entry.title.lower()) if w not in SMALL_WORDS}


def field_value(entry: Entry, name: str) -> str:
    """A field of the entry, or a fact worked out from its fields (`*_text`, `*_sentences`)."""
    derived = DERIVED.get(name)
    if derived is not None:
        return derived(entry)
    value = getattr(entry, name, "")
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value).strip()


def age_text(entry: Entry) -> str:
    low, high = entry.min_age, entry.max_age
    if low is not None and high is not None:
        return f"ages {low} to {high}"
    if low is not None:
        return f"people aged {low} and over"
    if high is not None:
        return f"people aged {high} and under"
    return ""


def wards_text(entry: Entry) -> str:
    if not entry.wards:
        return ""
    return "people in " + " and ".join(entry.wards)


def cost_sentences(entry: Entry) -> str:
    """What the summary and description say about money ("free", "£5 a week")."""
    found = [s for s in _sentences(entry.summary + " " + entry.description)
             if _COST_WORDS.search(s)]
    return " ".join(found[:2])


_TIME_WORDS = re.compile(r"\b(?:within|same day|days?|weeks?|months?|hours?|minutes?|"
                         r"working days?)\b", re.I)
_HELPS_PAY = re.compile(r"\b(?:help (?:with|to pay|paying)|grant|fund|payment|money off|"
                        r"discount|reduction)\b", re.I)


def time_sentences(entry: Entry) -> str:
    """What the summary and description say about how long it takes (not opening hours)."""
    found = [s for s in _sentences(entry.summary + " " + entry.description)
             if _TIME_WORDS.search(s)]
    return " ".join(found[:2])


def cost_help(entry: Entry) -> str:
    """How to apply, when the entry is itself help with a cost ("Help with funeral costs")."""
    if not _HELPS_PAY.search(entry.title + " " + entry.summary):
        return ""
    return f"How to apply: {entry.how_to_apply}" if entry.how_to_apply else ""


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


DERIVED: dict[str, Callable[[Entry], str]] = {
    "age_text": age_text, "wards_text": wards_text, "cost_sentences": cost_sentences,
    "time_sentences": time_sentences, "cost_help": cost_help,
}


def answer(topic: Topic, entry: Entry, asked: str = "") -> str:
    """The follow-up answer: every field of the topic that has a value; when none has,
    the topic's "I don't have ..." with the best way to ask them. A day `asked` about ("is
    it open on saturday") is answered yes or no first when the opening times say."""
    if topic.name == "sign_up":  # for a volunteering role it is a flow (flows/volunteering.py)
        topic = next(t for t in TOPICS if t.name == "apply")
    said = [say.template.format(value=sentence_value(value, say), title=entry.title)
            for say in topic.says if (value := field_value(entry, say.field))]
    if topic.name == "who" and entry.criteria:
        said.append("I can check if you can get it.")
    if topic.name == "when" and said and (day := open_on(entry.opening_hours, asked)):
        said.insert(0, day)
    if said:
        return " ".join(said[:2])
    return topic.missing.format(title=entry.title) + contact_line(entry)


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY = (r"(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday|s|rs)?s?\b")  # not "fridge"
_DAY_WORD = re.compile(r"\b" + _DAY)
_DAY_RANGE = re.compile(r"\b" + _DAY + r"\s*(?:-|to|\u2013)\s*" + _DAY)
_EVERY_DAY = re.compile(r"\b(?:every day|daily|7 days|seven days|24/7|24 hours)\b")


def open_on(hours: str, asked: str) -> str:
    """"Yes, on Saturday." or "Not on Saturday." for a day named in `asked`, when `hours`
    name their days ("Tue and Fri 10am-1pm", "Mon-Sat 9am-5pm"); "" when either is silent."""
    named = _DAY_WORD.findall(plain(asked))
    if len(set(named)) != 1 or not hours:
        return ""
    day = [d[:3] for d in DAYS].index(named[0])
    text = hours.lower()
    if _EVERY_DAY.search(text):
        covered = set(range(7))
    else:
        covered = set()
        for start, end in _DAY_RANGE.findall(text):
            first, last = (next(i for i, d in enumerate(DAYS) if d.startswith(x))
                           for x in (start, end))
            covered.update(range(first, last + 1) if first <= last else [])
        covered.update(next(i for i, d in enumerate(DAYS) if d.startswith(x))
                       for x in _DAY_WORD.findall(_DAY_RANGE.sub(" ", text)))
    if not covered:
        return ""
    name = DAYS[day].capitalize()
    return f"Yes, on {name}." if day in covered else f"Not on {name}."


def sentence_value(value: str, say: Say) -> str:
    """A value as the template wants it: no doubled full stop."""
    return value.rstrip(".") if say.template.endswith(".") else value


def contact_line(entry: Entry) -> str:
    for say in CONTACT:
        value = field_value(entry, say.field)
        if value:
            return " " + say.template.format(value=sentence_value(value, say))
    return " Ask the council."
