"""Reading time-bank messages in people's own words: "I helped Priya with her garden for 2
hours", "Priya gave me a lift, an hour and a half", "STATEMENT 2025"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_WORDS = {"fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
          "sixty": 60, "ninety": 90}
_TENS = r"(twenty|thirty|forty|fourty|fifty)[\s-](one|two|three|four|five|six|seven|eight|nine)"
_FRACTIONS = {"\u00bd": " 1/2", "\u00bc": " 1/4", "\u00be": " 3/4"}
_AMOUNT = r"(\d+(?:[.,]\d+)?|an?)"
_HOUR = r"(?:hours?|hrs?|h)"
# "2 hours", "45 mins", "1hr 30", "2h15" (minutes after the hours)
# Minutes after the hours are read only where nothing else can be meant: written against
# the unit ("2h15", "1hr30") or ending the phrase ("1 hour 30", "1 hour 30 mins"), never a
# number starting something else ("an hour 2 days ago", "1 hour 20 miles away").
_MINUTES_AFTER = (r"(?:\s*(\d{1,2})\b(?!\s*(?:[.,]\d|" + _HOUR + r"\b))"
                  r"(?:(?<=[a-z]\d)|(?<=[a-z]\d\d)|(?=\s*(?:$|[^\w\s]|(?:m|mins?|minutes?)\b))))?")
_DURATION = re.compile(r"\b" + _AMOUNT + r"\s*(" + _HOUR + r"|minutes?|mins?|m)(?:\b|(?=\d))"
                       + _MINUTES_AFTER)
_HALF_HOUR = re.compile(r"\bhalf (?:an? )?(?:hour|hr)\b")
_QUARTERS = re.compile(r"\b(?:(\d) )?quarters? (?:of )?(?:an? )?(?:hour|hr)\b")
_N_AND_A_HALF = re.compile(r"\b" + _AMOUNT + r" and a half " + _HOUR + r"\b")
_AND_A_HALF = re.compile(r"\b" + _HOUR + r" and a half\b|\band a half " + _HOUR + r"\b")
_AND_QUARTERS = re.compile(r"\b" + _HOUR + r" and (?:a|(\d)) quarters?\b")


def numbers_as_digits(said: str) -> str:
    """Number words and fractions as digits, "a"/"an" kept: "forty five minutes" -> "45
    minutes", "1 1/2 hours" -> "1.5 hours", "¾ hour" -> "0.75 hour"."""
    for mark, written in _FRACTIONS.items():
        said = said.replace(mark, written)
    said = re.sub(r"\b" + _TENS + r"\b",
                  lambda m: str(_WORDS[m.group(1)] + NUMBERS[m.group(2)]), said)
    said = re.sub(r"\b(" + "|".join([*(w for w in NUMBERS if w not in ("a", "an")), *_WORDS])
                  + r")\b", lambda m: str(NUMBERS.get(m.group(1)) or _WORDS[m.group(1)]), said)
    said = re.sub(r"\b(\d+)(?:\s+|\s*and\s*)(\d)/(\d)\b",
                  lambda m: f"{int(m.group(1)) + int(m.group(2)) / int(m.group(3)):g}", said)
    return re.sub(r"(?<![\d/])(\d)/(\d)\b", lambda m: f"{int(m.group(1)) / int(m.group(2)):g}",
                  said)


_ME_GAVE = re.compile(  # "i helped priya ...", and without the "i": "gave priya an hour ..."
    r"^(?P<who>i(?:'ve| have)? |we )?(?:just )?(?P<verb>helped|gave|did|drove|taught|visited|"
    r"walked|fixed|cleaned for|cooked for|shopped for|sat with|spent (?:.+?) (?:helping|with))"
    r"\s+(?P<name>[a-z][a-z'-]*)\b(?P<rest>.*)$")
# verbs more often of a thing than a person ("i did homework", "i taught maths"): a member
# only if one has that name
_THING_VERBS = frozenset({"did", "drove", "taught", "walked", "fixed"})
# "i did an hour of shopping for priya", "i did 2hrs gardening for priya", "gave 2 hours to
# priya", "spent an hour on priya's garden" (the time first, then what, then whom)
_ME_GAVE_TIME = re.compile(
    r"^(?:i(?:'ve| have)? |we )?(?:did|done|gave|spent|put in) (?P<time>(?:an? |half an? |\S+ "
    r"|\d+(?:[.,]\d+)?)(?:and a half )?(?:hours?|hrs?|minutes?|mins?)"
    r"|(?:an? |\S+ )?quarters? of an? (?:hour|hr))"  # "a quarter of an hour of shopping"
    r"(?: (?:(?:of|doing|on) )?(?P<what>.+?))? "
    r"(?:for|to|with|helping) (?P<name>[a-z][a-z'-]*)\b(?P<rest>.*)$")
_GAVE_ME = re.compile(
    r"^(?P<name>[a-z][a-z'-]*) (?:has |have )?(?:helped|gave|did|drove|taught|visited|"
    r"fixed|cleaned for|cooked for|shopped for|sat with) (?:me|us)\b(?P<rest>.*)$")
# Where the time starts in what follows the name: " for 2 hours", ", an hour and a half",
# " for forty five minutes"; read on the words as written, so the note keeps them ("on 3/4")
_NUMBER_WORD = ("(?:" + _TENS + "|" + "|".join([*(w for w in NUMBERS if w not in ("a", "an")),
                                                 *_WORDS]) + ")")
_SOME = (r"(?:\d+(?:\.\d+)?(?:\s*(?:and\s*)?(?:\d/\d|[\u00bd\u00bc\u00be]))?|\d/\d|"
         r"[\u00bd\u00bc\u00be]|" + _NUMBER_WORD + r")")
_TIME_TAIL = re.compile(
    r"(?:\s*,\s*|\s+for\s+|\s+)(?:about |around |roughly |nearly |over |just |only )?"
    r"(?:" + _SOME + r"|an?|half(?: an?)?|(?:a |\w+ )?quarters?(?: of)?(?: an?)?)\s*"
    r"(?:and a half\s*)?(?:hours?|hrs?|h|minutes?|mins?|an hour)(?:\b|(?=\d))"
    + _MINUTES_AFTER + r"(?:\s*(?:m|mins?|minutes?)\b)?"
    r"(?:\s*and (?:a half|a quarter|\w+ quarters?)\b)?"
    r"(?:\s*(?:and\s*)?" + _SOME + r"\s*(?:minutes?|mins?)\b)?")
_WHEN_FIRST = re.compile(r"^(?:yesterday|today|this morning|this afternoon|last night|"
                         r"on (?:mon|tues|wednes|thurs|fri|satur|sun)day)\b[ ,]+(?=\S)")
_LEADING = re.compile(r"^(?:\s*(?:with|for|on|to|of)\s+)+")
_TOOK = re.compile(r"[,\s]*(?:it |which |that )?(?:took|lasted|spent)$")


def what_of(rest: str) -> str:
    """What the help was, from the words after the name: "her garden" from " with her
    garden for 2 hours", "a lift to the hospital" from " a lift to the hospital for 3 hours",
    "set up his new phone" from " set up his new phone for 1 hour"."""
    what = re.sub(r"\s+,", ",", re.sub(r"\s+", " ", _TIME_TAIL.sub(" ", rest))).strip(" ,.!")
    what = _TOOK.sub("", _LEADING.sub("", " " + what)).strip(" ,.!")
    what = _WHEN_FIRST.sub("", what)  # "yesterday doing her shopping": "doing her shopping"
    return "" if what in ("", "out", "today", "yesterday") else what
NOT_NAMES = frozenset({"my", "the", "a", "an", "out", "her", "him", "them", "someone",
                       "somebody", "with", "at", "to", "in", "on", "it", "this", "that",
                       "some", "people", "me", "myself", "you", "everyone", "loads", "lots",
                       "he", "she", "they", "we", "i", "our", "your", "his", "their", "up",
                       "away", "back", "birth", "blood", "notice", "home"})


@dataclass(frozen=True)
class Said:
    """An exchange as the member told it: who the other member is and which way it went."""

    other: str  # the other member's first name as written
    i_gave: bool  # True: the sender helped the other member
    minutes: int | None  # None when no duration was given
    what: str
    certain: bool = True  # False when told without "I", time first ("did 2 hours for
    # tesco") or with a verb of a thing ("i did homework"): an exchange only if the name is a
    # member's (conversations/flows/timebank.py)


def duration(text: str) -> int | None:
    """Minutes in "2 hours", "1.5 hrs", "an hour and a half", "90 minutes", "half an hour",
    "1 1/2 hours", "3/4 hour", "forty five minutes", "a quarter of an hour", "an hour and a
    quarter", "1hr 30"; None when the text gives no time."""
    said = _ISH.sub(r"\1", numbers_as_digits(text.lower()))  # "2ish hours": 2 hours
    if (whole := _N_AND_A_HALF.search(said)) is not None:  # "2 and a half hours"
        return round(_amount(whole.group(1)) * 60) + 30
    if _HALF_HOUR.search(said):
        return 30
    if (quarters := _QUARTERS.search(said)) is not None and not _AND_QUARTERS.search(said):
        return 15 * int(quarters.group(1) or 1)  # "a quarter of an hour", "3 quarters of an hour"
    minutes, found = 0.0, False
    for amount, unit, extra in _DURATION.findall(said):
        value = _amount(amount)
        hours = not unit.startswith("m")
        minutes += value * (60 if hours else 1) + (int(extra) if extra and hours else 0)
        found = True
    if not found:
        return None
    if _AND_A_HALF.search(said):
        minutes += 30
    if (more := _AND_QUARTERS.search(said)) is not None:
        minutes += 15 * int(more.group(1) or 1)
    return round(minutes)


_ISH = re.compile(r"\b(\d+(?:[.,]\d+)?)-?ish\b")


_PIECES = re.compile(r",|;|\bnot\b|\bbut\b|\bit was\b|\bwas\b|\bjust\b|\binstead of\b|"
                     r"\brather than\b|\bmore like\b")


def durations(text: str) -> tuple[int, ...]:
    """Each time a message gives, in order: (60, 180) for "it was 1 hour not 3 hours"."""
    return tuple(found for piece in _PIECES.split(text.lower())
                 if (found := duration(piece)) is not None)


def _amount(said: str) -> float:
    """"2", "1,5", "two" -> the number."""
    return float(NUMBERS.get(said, 0) or said.replace(",", "."))


def exchange_said(text: str) -> Said | None:
    """The exchange a message tells of, or None when it is not one."""
    said = re.sub(r"\s+", " ", text.replace("\u2019", "'").lower()).strip().strip(".!")
    timed = _ME_GAVE_TIME.match(said)
    if timed is not None and timed.group("name") not in NOT_NAMES:
        what = " ".join(part for part in (what_of(timed.group("what") or ""),
                                          what_of(timed.group("rest"))) if part)
        return Said(timed.group("name").capitalize(), True, duration(said), what, False)
    for pattern, i_gave in ((_ME_GAVE, True), (_GAVE_ME, False)):
        found = pattern.match(said)
        if found is None or found.group("name") in NOT_NAMES:
            continue
        minutes = duration(said)
        if i_gave and not found.group("who") and minutes is None:
            continue  # "visited nan in hospital": without "I" and a time, no exchange told
        certain = not i_gave or (bool(found.group("who"))
                                 and found.group("verb") not in _THING_VERBS)
        return Said(found.group("name").capitalize(), i_gave, minutes,
                    what_of(found.group("rest")), certain)
    return None


_POSSESSIVE = re.compile(r"^(.{2,}?)(?:'s|'|s)$")


def owner_of(name: str) -> str | None:
    """"Priya" for "Priyas" or "Priya's" ("did priyas garden 2 hours"), else None."""
    found = _POSSESSIVE.match(name)
    return found.group(1) if found else None


_STATEMENT = re.compile(r"^(?:my )?(?:time ?bank )?statement(?: (?:for )?(\d{4}|all|all time))?$")
_BALANCE = re.compile(r"^(?:my |what'?s my |what is my )?(?:time ?bank )?balance$")
# The same asked in more words, from a member ("statement please", "how many hours have i
# got"): for anyone else these may be about a council tax statement or childcare hours.
_PLEASE = r"(?:[,!.]? ?(?:please|pls|plz|thanks|thank you|ta))?"
_CAN_I_HAVE = (r"(?:(?:can|could|may) i (?:have|see|get) |(?:can|could) you (?:send|show) "
               r"(?:me )?|(?:please )?(?:send|show) (?:me )?|i'?d like |id like |i want )?")
_STATEMENT_ASKED = re.compile(r"^" + _CAN_I_HAVE + r"(?:my |a )?(?:time ?bank )?statement"
                              r"(?: (?:for )?(\d{4}|all|all time))?" + _PLEASE + r"$")
_BALANCE_ASKED = re.compile(
    r"^(?:" + _CAN_I_HAVE + r"(?:my |what'?s my |whats my |what is my |check my )?"
    r"(?:time ?bank )?balance|how many (?:time ?bank )?hours (?:have i got|have i|do i have|"
    r"am i on|i got|i have|have i earned)(?: left| now| so far| saved| in the time ?bank)?)"
    + _PLEASE + r"$")
_JOIN = re.compile(r"^(?:(?:hi|hello|hey|hiya|good morning|good afternoon|yes|ok|okay|please)"
                   r"[,!. ]+)*(?:i want to |i wanna |i'd like to |id like to |i would like to |"
                   r"can i |could i |may i |how do i |how can i |how to |please )?(?:please )?"
                   r"(?:join|sign up (?:to|for)|sign me up (?:to|for)|become a member of|"
                   r"register (?:with|for))(?: the| a| your)? time ?bank"
                   r"(?: please| pls| plz)?[?.!]*$"
                   r"|^time ?bank$")
_OFFER = re.compile(r"^(?:post an? )?(offer|request)[:\s]+(.{3,})$"
                    r"|^i can offer (.{3,})$|^i(?:'d| would) like help with (.{3,})$")
_MATCHES = re.compile(r"^(?:see |show |show me |my )?matches$|^who can help(?: me)?\??$")
_LISTINGS = re.compile(r"^(?:my|show(?: me)? my|see my|list my) (?:open )?(?:offers?|requests?|"
                       r"offers? and requests?|listings?|posts?)$")
_CLOSE = re.compile(r"^(?:close|remove|delete|take down) (?:my )?(?:offer |request |listing |"
                    r"number |no\.? )?#?(\d{1,2})$")
_APPROVE = re.compile(r"^approve (\d+)$")
_RELAY = re.compile(r"^(?:to|tell|message) ([a-z][a-z'-]*)"
                    r"(?:\s*\(\s*([a-z][a-z '-]*?)\s*\)|\s+(?:in|from|at|of)\s+([a-z][a-z '-]*?)"
                    r"(?=\s*:))?\s*(?:[:,]|\s[-\u2013]|-)\s*(.+)$", re.S)  # a ward: "(Riverside)"
# or "in Riverside:"; "to Dave - ...", "to Dave, ..."
_RELAY_LOOSE = re.compile(r"^(?:to|tell) ([a-z][a-z'-]*)\s+(\S.*)$", re.S)  # "tell dave ..."


@lru_cache(maxsize=256)  # one message is read by each of the patterns above
def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").lower()).strip().strip(".!")


def wants_statement(text: str) -> tuple[bool, int | None]:
    found = _STATEMENT.match(plain(text))
    if found is None:
        return False, None
    year = found.group(1)
    return True, int(year) if year and year.isdigit() else None


def wants_balance(text: str) -> bool:
    return _BALANCE.match(plain(text).rstrip("?")) is not None


def asks_statement(text: str) -> tuple[bool, int | None]:
    """STATEMENT in more words: "statement please", "can i have my statement"."""
    found = _STATEMENT_ASKED.match(plain(text).rstrip("?"))
    if found is None:
        return False, None
    year = found.group(1)
    return True, int(year) if year and year.isdigit() else None


def asks_balance(text: str) -> bool:
    """BALANCE in more words: "how many hours have i got", "what's my balance please"."""
    return _BALANCE_ASKED.match(plain(text).rstrip("?")) is not None


# An age said first: "im 13 can i join the time bank", "hi, i'm 45 and i'd like to join"
_AGE_FIRST = re.compile(r"^(?:(?:hi|hello|hey|hiya)[,!. ]+)?(?:i'?m|i am) (?:only |just )?"
                        r"\w+(?:[- ]\w+)?? ?(?:years? old|yrs? old|y/?o)?[,.!]*\s+(?:and |so )?")


def wants_join(text: str) -> bool:
    said = plain(text)
    return _JOIN.match(said) is not None or _JOIN.match(_AGE_FIRST.sub("", said)) is not None


_LEAVE = re.compile(r"^(?:i want to |i wanna |i'?d like to |id like to |how do i |how can i |"
                    r"can i |please |pls )?(?:leave|quit|stop|cancel|end|come out of) (?:the |"
                    r"my )?time ?bank(?: membership)?(?: please| pls)?$")


def wants_leave(text: str) -> bool:
    """"leave the time bank", "I want to quit the timebank"."""
    return _LEAVE.match(plain(text).rstrip("?")) is not None


def listing_said(text: str) -> tuple[str, str] | None:
    """("offer" | "request", what) for "offer dog walking", "I can offer lifts"."""
    found = _OFFER.match(plain(text))
    if found is None:
        return None
    kind, what, can_offer, like_help = found.groups()
    if can_offer:
        return "offer", can_offer
    if like_help:
        return "request", like_help
    return kind, what


def wants_matches(text: str) -> bool:
    return _MATCHES.match(plain(text)) is not None


def wants_listings(text: str) -> bool:
    """"MY OFFERS", "show my requests"."""
    return _LISTINGS.match(plain(text).rstrip("?")) is not None


def close_said(text: str) -> int | None:
    """The number in "CLOSE 2", "remove offer 1", or None."""
    found = _CLOSE.match(plain(text))
    return int(found.group(1)) if found else None


def approval_said(text: str) -> int | None:
    found = _APPROVE.match(plain(text))
    return int(found.group(1)) if found else None


def relay_said(text: str) -> tuple[str, str, str] | None:
    """("priya", "", "can you come on Tuesday?") for "to Priya: can you come on Tuesday?";
    ("priya", "riverside", ...) for "to Priya in Riverside: ..." or "to Priya (Riverside): ..."."""
    found = _RELAY.match(text.strip().replace("\u2019", "'").lower())
    if found is None or found.group(1) in NOT_NAMES:
        return None
    start = len(text.strip()) - len(found.group(4))
    return found.group(1), found.group(2) or found.group(3) or "", text.strip()[start:].strip()


def loose_relay_said(text: str) -> tuple[str, str] | None:
    """("dave", "yes fine") for "To Dave yes fine" or "tell dave i'm running late": a
    message for a member only if the sender is in touch with one of that name."""
    found = _RELAY_LOOSE.match(text.strip().replace("\u2019", "'").lower())
    if found is None or found.group(1) in NOT_NAMES:
        return None
    start = len(text.strip()) - len(found.group(2))
    return found.group(1), text.strip()[start:].strip()


_HOW_TO_RECORD = re.compile(
    r"^(?:how (?:do|can|should|would) (?:i|we) |how to |(?:can|could) (?:i|you) |where do i |"
    r"i (?:want|need|would like|'d like) to |id like to |i wanna |i'd like to |help me )"
    r"(?:log|record|add|put in|enter|claim|report|register|note|tell you about|write down|"
    r"count)(?: (?:my|some|the|our|an?|more))? ?(?:time ?bank )?(?:hours?|time|exchanges?|"
    r"help i (?:gave|did))\b(?: (?:i (?:did|gave|spent)|i'?ve (?:done|given)|for \w+))?"
    r"(?: please| pls)?$")


def wants_how_to_record(text: str) -> bool:
    """"how do i log my hours", "i want to record some hours": how to tell me of help."""
    return _HOW_TO_RECORD.match(plain(text).rstrip("?")) is not None


# The member who recorded an exchange takes it back ("sorry that was wrong, cancel it") or
# gives the right time ("oops i meant 3 hours"), just after recording it
_TAKE_BACK = re.compile(r"\b(?:cancel|delete|remove|scrap|undo|ignore|withdraw|take back|"
                        r"bin)(?: (?:it|that|this|that one|this one|the last one|my last one|"
                        r"what i (?:said|sent|put)|those hours|the hours|that exchange))?"
                        r"(?: (?:please|pls|thanks|thx))?$")
_MEANT = re.compile(r"^(?:(?:oops|whoops|sorry|oh|ah|no|wait|actually|my mistake|my bad)"
                    r"[ ,!.]+)*(?:i meant|i mean|meant|i should have said|should have said|"
                    r"(?:it )?should (?:be|have been|say)|make (?:that|it)|change (?:that|it) "
                    r"to|correction)\b")
_WRONG = re.compile(r"^(?:(?:oops|whoops|sorry|oh|ah|wait)[ ,!.]+)*(?:that was wrong|that'?s "
                    r"wrong|that is wrong|i got that wrong|my mistake|my bad|i made a "
                    r"mistake|wrong)$")


def correction_said(text: str) -> tuple[str, int | None] | None:
    """("cancel", None) for "cancel that"; ("time", 180) for "oops i meant 3 hours";
    ("unclear", None) for "sorry that was wrong" or "i meant Tuesday"; None otherwise."""
    said = plain(text)
    if _TAKE_BACK.search(said):
        return "cancel", None
    if _MEANT.match(said):
        times = durations(said)
        return ("time", times[0]) if times else ("unclear", None)
    return ("unclear", None) if _WRONG.match(said) else None


_WHO = re.compile(r"^(?:(?:sorry|um+|er+|oh|hmm+|hi)[ ,!.]+)*(?:who(?:'?s| is| was| are)? ?"
                  r"(?P<name>[a-z][a-z'-]*)?(?: again)?|(?:do|should) i know (?P<known>[a-z]"
                  r"[a-z'-]*)|i don'?t know (?:a |any |who )?(?P<unknown>[a-z][a-z'-]*)"
                  r"(?: is)?|what(?:'?s| is) (?:this|that)(?: about)?)$")
# pronouns (or nothing) in "who is he?": the member the question is about
WHO_PRONOUNS = frozenset({"", "he", "she", "they", "that", "this", "it", "him", "her",
                          "them"})


def asks_who(text: str) -> str | None:
    """The name (or pronoun, or "") in "who is sam?", "who's that", "do i know sam?",
    "what is this?"; None when the message asks nothing of the kind."""
    found = _WHO.match(plain(text).rstrip("?").strip())
    if found is None:
        return None
    name = found.group("name") or found.group("known") or found.group("unknown") or ""
    return "" if name in ("this", "that") else name


_YES_WORD = re.compile(r"^(?:(?:oh|ah|aha|ahh?|ooh?|wait|right|ok|okay|sorry|um+|er+|hmm+|"
                       r"oh wait|oh right|of course|ha|haha|lol)[ ,!.]+){0,3}"
                       r"(?:yes|yeah|yep|yup|yea|ye|aye|yh|correct|that'?s right|that is right|"
                       r"right|sure|indeed|he did|she did|they did)\b")
_NOT_YES = re.compile(r"\b(?:no|not|nope|nah|never|didn'?t|did not|wasn'?t|wrong|but|only|"
                      r"wait no|isn'?t)\b|\?")
THUMBS_UP = ("\U0001f44d", "\U0001f44d\U0001f3fb", "\U0001f44d\U0001f3fc", "\U0001f44d\U0001f3fd",
             "\U0001f44d\U0001f3fe", "\U0001f44d\U0001f3ff", "\u2705", "\u2714\ufe0f", "\u2714")


def yes_in_words(text: str) -> bool:
    """A yes said with more ("oh wait yes", "oh yes the man with the hedge trimmer") or a
    thumbs up, read only where YES was asked for: nothing in it takes it back or asks."""
    said = plain(text)
    if said.replace("\ufe0f", "") in THUMBS_UP or said in THUMBS_UP:
        return True
    found = _YES_WORD.match(said)
    return len(said.split()) <= 12 and found is not None and _NOT_YES.search(said) is None \
        and _HELD.search(said, found.end()) is None and \
        _ASKS_NEXT.match(said[found.end():].strip(" ,.!")) is None


# a request after the yes: "yes can i get help with council tax" is no answer
_ASKS_NEXT = re.compile(r"(?:and |but |also |so )?(?:can|could|would|will|what|where|when|how|"
                        r"who|which|why|is there|are there|do you|does|i need|i want|i'?d like|"
                        r"id like|help|find|looking for|please|pls|tell me)\b")
# a yes held back by what follows it: "yes wait", "yeah hang on, let me check"
_HELD = re.compile(r"\b(?:wait|hang on|hold on|actually|i mean|let me|one sec|a sec|hmm+|"
                   r"maybe|think|not sure|dunno|idk)\b")


_DECLINE = re.compile(r"^(?:(?:oh|ah|sorry|um+|er+|hmm+|i'?m afraid|afraid)[ ,!.]+)*"
                      r"(?:no|nope|nah|naw|not (?:right )?now|not at the moment|not this time|"
                      r"not today|not really|i can'?t|i cannot|can'?t|cannot|i'?m (?:too )?"
                      r"busy|im (?:too )?busy|too busy|i'?d rather not|id rather not|rather "
                      r"not|better not|i'?ll pass|pass)\b")
_NOT_DECLINE = re.compile(r"^(?:no|nope|nah)\b[ ,!.]*(?:problem|probs?|worries|bother|"
                          r"trouble|doubt)\b|\byes\b|\bhappy to\b|\bof course\b|\?")


def declines(text: str) -> bool:
    """A no in more words ("no sorry too busy", "not right now", "no thanks im busy"),
    read only where a member was asked to be put in touch."""
    said = plain(text)
    return len(said.split()) <= 15 and _DECLINE.match(said) is not None and \
        _NOT_DECLINE.search(said) is None


# help recorded, denied in words with no yes or no: "he didnt turn up", "never heard of
# him", "sam never came", "that didnt happen", "wrong person", "she cancelled"
_DENIES = re.compile(
    r"^(?:(?:oh|um+|er+|hmm+|sorry|erm|wait|but|no+|nope|nah)[ ,!.]+){0,2}"
    r"(?:(?:(?:he|she|they|it|that|this|[a-z]+) )?(?:did ?n'?t|did not|never|has ?n'?t|"
    r"have ?n'?t|has not|never actually) (?:turn(?:ed)? up|show(?:ed)? up|come|came|happen(?:ed)?|"
    r"help(?:ed)?(?: me)?|do(?:ne)? (?:it|that|anything)|(?:come|came) round)|"
    r"(?:i'?ve |i have |i )?never (?:heard of|met|seen) (?:him|her|them|[a-z]+)|"
    r"(?:wrong|not the right) (?:person|name|member|one)|no idea who|"
    r"(?:i )?do ?n'?t know (?:him|her|them|who)|(?:he|she|they) cancell?ed|"
    r"(?:it )?was ?n'?t (?:me|him|her|them|[a-z]+ it was)|(?:he|she|they) (?:is|are|s|re)? ?lying|"
    r"(?:he'?s|she'?s|they'?re|that'?s|that is|it'?s|it is) (?:a lie|lying|not true|lies)|"
    r"not true|(?:never|not) happened)\b")


def denies(text: str) -> bool:
    """Help recorded denied in a few words ("he didnt turn up", "never heard of him",
    "wrong person"): read only from a member an exchange waits for, who is then asked for
    the NO that would tell the other member."""
    said = plain(text)
    return len(said.split()) <= 10 and "?" not in said and _DENIES.match(said) is not None


_MEANT_ANSWER = re.compile(r"^(?:(?:sorry|soz|oops|whoops|my bad|oh)[ ,!.]+){0,2}"
                           r"(?:i )?(?:meant|mean|meant to say|mean to say|wanted to say) "
                           r"(yes|no)\b")


def meant(text: str) -> str | None:
    """"yes" or "no" for "sorry i meant yes", "oops meant no"; None for anything else."""
    found = _MEANT_ANSWER.match(plain(text))
    return found.group(1) if found else None


# a yes to an exchange with a request of its own after it: "yes and can someone fix my tap"
_YES_THEN_ASKS = re.compile(
    r"^(?:yes|yeah|yep|yup|yea|ye|aye|yh)\b[ ,.!]*(?:(?:thanks|thank you|cheers|ta)\b[ ,.!]*)?"
    r"(?:and|also|plus|oh and|btw|by the way)\b[ ,]+(?P<rest>(?:can|could|would|will|what|where|"
    r"when|how|who|which|is there|are there|do you|does|i need|i want|i'?d like|id like|"
    r"i'?m looking for|im looking for|looking for|please|pls)\b.{6,})$")


def request_after_yes(text: str) -> str | None:
    """"can someone fix my tap" from "yes and can someone fix my tap": answered after the
    YES is; None when the yes has nothing of the kind after it."""
    found = _YES_THEN_ASKS.match(plain(text))
    return found.group("rest") if found else None


# help not given yet: "not yet, hes coming next week"
_NOT_YET = re.compile(r"^(?:not yet|(?:it )?(?:hasnt|has not) happened yet|(?:he|she|they) "
                      r"(?:hasnt|has not|havent|have not) (?:been|come|done it) yet|(?:hes|shes|"
                      r"theyre|he is|she is|they are) coming (?:next|on|tomorrow|later))\b")


def not_yet(text: str) -> bool:
    """Help recorded before it was given ("not yet, hes coming next week")."""
    return _NOT_YET.match(plain(text)) is not None


# a yes said last, after thanks: "cheers sam yes", "thanks, yes"; or the word "confirmed"
_THANKS_YES = re.compile(r"^(?:(?:cheers|thanks|thank you|ta|lovely)\b[ ,!.]*(?:[a-z]+[ ,!.]*)?"
                         r"(?:yes|yeah|yep)|confirmed|i confirm|confirm|thats correct|that is "
                         r"correct)[ !.x]*$")


def thanks_yes(text: str) -> bool:
    return _THANKS_YES.match(plain(text)) is not None
