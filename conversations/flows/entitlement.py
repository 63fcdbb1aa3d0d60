"""Entitlement check: "can I get it?" for one entitlement, or "what can I get?" for all.

States: `entitlement:offer` (after showing a checkable entitlement), `entitlement:who`
("Is this for you or for someone else?"), `entitlement:ask` (waiting for the answer to
`flow["asking"]`). `flow["for"]` says whose check it is; answers are kept per person for
the whole conversation (conversations/people.py), so nothing is asked twice. See
entitlement.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from catalogue.model import Entry
from conversations import follow_up, people, smalltalk
from conversations.eligibility import (
    AGE,
    age_fails,
    age_range,
    and_list,
    assess,
    checkable,
    fitting,
    next_question_across,
    plural,
    question_for,
)
from conversations.flows import feedback
from conversations.flows.common import (
    GUIDE,
    NO,
    NOT_SURE,
    YES,
    Choice,
    Context,
    YesNo,
    ask,
    ask_list,
    end_flow,
    entry_choices,
    flow_data,
    how_to_apply,
    leading_yes_no,
    looks_like_question,
    parse_yes_no,
    sms_sized,
    words,
)
from conversations.types import Outbound, Session

ALL = "all"
_AGE = re.compile(r"^(?:i'?m |i am |age |aged )?(\d{1,3})(?: ?(?:years?|yrs?|y/?o)(?: old)?)?$")
# an age, then a part without numbers after a comma or dash: the age is the answer
_AGE_FIRST = re.compile(r"^(\d{1,3})\s*(?:,|;|:|-|\u2013)\s*[^\d]+$")
_TURNED = re.compile(r"^(?:i |he |she |they |ive |hes |shes |theyve )?(?:has |have )?"
                     r"(?:just |only just |recently )?turned (\w+)$")
# "2 kids, 4 and 11", "i have 3 children: 2, 5 and 13": the count, then their ages
_COUNTED = re.compile(r"^(?:i have |ive got |i got |got |we have |weve got )?(?:\d|two|three|"
                      r"four|five|six) (?:kids|children|boys|girls|sons|daughters|of them)"
                      r"[\s,:;-]+(?:aged |ages |they are |theyre |who are )?(.+)$")
_WHO = r"(?:i|we|my \w+(?: and i)?|my \w+ \w+|he|she|they|our \w+)"
# an age said after the question: "what can i get im 14", "what can my son get, he's 9"
_AGE_AFTER = (r"(?:[,?.!]*\s*(?:and )?(?:i'?m|i am|he'?s|he is|she'?s|she is|they'?re|they are|"
              r"(?:my|our) \w+ (?:is|are)|aged?) \d{1,2}(?: (?:years? old|yrs?(?: old)?|yo))?)?")
# "what help can i get", not "what childcare can i get": that names what to look for
_GENERAL = (r"(?: (?:else|other|extra|more|financial|money|help|support|benefits?|grants?|"
            r"discounts?|entitlements?|things|stuff|sort of|kind of|kinds of|types? of))")
# "what can i get for my 3 kids, theyre 2, 5 and 13 and we're on uc": the facts follow
_FOR_FAMILY = (r"(?P<family> for (?:my|our) (?:\d |two |three |four |five )?(?:kids|children|"
               r"child|sons?|daughters?|boys|girls|family|baby|grandchildren)"
               r"(?:,? (?:they'?re|theyre|they are|aged|who are|he'?s|she'?s|he is|she is|and|"
               r"we|we'?re|were|as|on)\b.*)?)?")
_ALL_CHECK = re.compile(
    rf"^(?:what|wat|wot|which){_GENERAL}{{0,2}} (?:can|could|do|might) {_WHO} (?:get|claim|have|"
    rf"qualify for){_FOR_FAMILY}{_AGE_AFTER}$"
    rf"|^what (?:am i|are we|is my \w+|are my \w+) (?:entitled|eligible) (?:to|for){_AGE_AFTER}$"
    r"|^(?:am i|are we) (?:entitled|eligible) (?:to|for) anything$"
    r"|^check (?:what i can get|my entitlements?)$"
)
_ONE_CHECK = re.compile(
    rf"^(?:(?:can|could|does|do|would|will) {_WHO} (?:get|claim|have|qualify for|be "
    rf"entitled to)|(?:am i|is {_WHO}|are {_WHO}) (?:entitled to|eligible for)|"
    r"check if (?:i|we|my \w+|he|she|they) can get) (.+)$"
)
# "oops i meant no", "sorry, my mistake, yes": a change to the answer just given
_CORRECTION = re.compile(
    r"^(?:(?:oops|oh|sorry|soz|whoops|no|wait|hang on|actually|my bad|my mistake|mistake|"
    r"wrong one|wrong|typo|correction)\W+)*(?:i meant|meant|meant to say|it should be|"
    r"(?:sorry|soz|wait|oops|whoops|no wait) i mean|"
    r"should be|should have said|make that|change (?:it|that) to|my bad|my mistake|oops|"
    r"whoops|wrong one|typo|correction)\W+(?P<answer>.+?)\W*$")
_SORRY_I_MEAN = re.compile(r"^(?:(?:sorry|soz|wait|oops|whoops|oh|no)\W+)+i mean\W+"
                           r"(?P<answer>.+?)\W*$")  # "sorry, i mean yes"; not "i mean no"
BENEFITS_ADVICE = "benefits advice to check what i can claim"
ANSWER_WORDS = 8  # an answer longer than this may say more than the answer
_AGE_ALONE = re.compile(r"(?:i'?m |im |i am |(?:s?he|they)'?s |(?:s?he|they) (?:is|are) )?\d{1,3}"
                        r"(?: (?:years? old|yrs?(?: old)?|yo))?")
_NOT_FOR_A_CHILD = re.compile(r"^(?:no,? )?(?:(?:it'?s|its|it is) )?(?:just )?for (?:me|myself)\b"
                              r"|\b(?:(?:i )?(?:don'?t|dont|do not) have (?:any )?(?:kids|"
                              r"children)|no (?:kids|children)|not for (?:a|my) (?:child|kid))\b")
ADULT = 18  # an entry for ages up to this is a child's, even when a parent asks for it
SCHOOL_LEAVER = 16  # an entry from this age on is no young child's, whoever is spoken of
YOUNGEST_WRITER = 10  # an entry only for children younger than this is never the writer's
# "1" or "2" to "How old are you?" is a menu's number typed by habit, not the writer's age
YOUNGEST_TEXTING = 5
_FILLER = re.compile(r"^(?:(?:i mean|well|erm+|um+|uh+|hmm+|so|oh|wait|hang on|sorry|actually)"
                     r"\b[,.!\s]*)+", re.IGNORECASE)
_ANSWER_CLAUSES = re.compile(r"\s*(?:[,;.!?]|\bbut\b|\bthough\b|\balthough\b)\s*")
# "no, but my partner does": the household's benefit is the answer (not a disability's)
_HOUSEHOLD_WHO = "partner|husband|wife|mum|mam|mom|dad|parents|boyfriend|girlfriend"
_HOUSEHOLD_GETS = re.compile(rf"(?:^|[,;]\s*|\bbut\s+)(?:my|our) (?:{_HOUSEHOLD_WHO}) "
                             r"(?:does|do|is|are)(?: on it| on them)?$")
_HOUSEHOLD_MEMBER = re.compile(rf"\b(?:my|our) (?:{_HOUSEHOLD_WHO}|other half|hubby)\b")
_ONLY_NOT_ME = re.compile(r"^(?:but )?(?:i dont|i do not|i dont get (?:it|anything|any)|not me|"
                          r"i dont claim|i am not|im not|i dont personally|not in my name)$")
_READ_AS: dict[bool | None, YesNo] = {True: "yes", False: "no", None: "unknown"}
_READ_AS_VALUE: dict[YesNo, bool | None] = {"yes": True, "no": False, "unknown": None}
_DOUBT_FIRST = re.compile(r"^(?:i think so|think so|i believe so|probably|possibly|not sure|"
                          r"dunno|i don'?t know|idk)\b")
# an age put right in words ("sorry im 67 not 45", "shes 9 not 8")
_AGE_NOT = re.compile(r"^(?:(?:sorry|soz|oops|wait|no|actually|oh)\W+)*(?:i'?m|i am|she'?s|she is|"
                      r"he'?s|he is|they'?re|they are) (?P<answer>\d{1,3})(?: years old)? not "
                      r"\d{1,3}\b")
# an adult come to live with the person ("my son moved back in", "my partner moved in")
_MOVED_IN = re.compile(r"\b(?:son|daughter|partner|boyfriend|girlfriend|husband|wife|brother|"
                       r"sister|mum|dad|mother|father|friend|lodger|he|she|they)s? (?:has |have |"
                       r"just |now )*(?:moved|come|came) (?:back )?(?:in|home|back)\b")
_RESTATED = re.compile(r"\b(?:actually|any ?more|no longer|not now|these days|stopped|"
                       r"(?:came|come) off|oh wait|wait)\b")
_ABOUT_THE_QUESTION = re.compile(
    r"^(?:why|how come|(?:whats?|wots?) (?:that|it|this) for"
    r"|(?:what|wot|wat) does (?:that|it|this) mean|(?:what|wot|wat) do (?:you|u) mean"
    r"|i don'?t understand|dont understand|(?:what|wot|wat)'?s? that mean)\b.{0,30}$")
WHY_ASKED = ("I only ask what the rules for it depend on. Answers are kept for this chat only "
             "and never shared. Not sure? Say so, or SKIP.")
_PRONOUN_THING = {"it", "that", "this", "them", "that one", "this one", "one"}
OFFER = "Would you like to check if you can get it?"
WHO_QUESTION = "Is this for you or for someone else?"


def _all_check(text: str) -> re.Match[str] | None:
    said = words(text).rstrip("?").strip()
    starts = [0, *(found.start() for found in re.finditer(r"\b(?:what|which)\b", said))]
    return next((found for start in starts if (found := _ALL_CHECK.match(said[start:]))), None)


def wants_all(text: str) -> bool:
    """"what can I get?", also after facts: "my son is 9, what can he get?"."""
    return _all_check(text) is not None


def for_family(text: str) -> bool:
    """"what can i get for my kids": the check is theirs, though "i" asks."""
    return (found := _all_check(text)) is not None and bool(found.group("family"))


def wants_one(text: str) -> str | None:
    """The thing named in "can I get X?" / "can my kids get X?", if that is what was said
    ("it" when it names nothing but the last answer)."""
    found = _ONE_CHECK.match(words(text).rstrip("?").strip())
    if found is None:
        return None
    thing = found.group(1).strip()
    return "it" if thing in _PRONOUN_THING else thing


def offer(ctx: Context, session: Session, entry: Entry, others: Sequence[Entry],
          subject: people.Subject | None = None) -> list[Outbound]:
    """After showing a checkable entitlement: offer the check (for the writer or someone
    else, and the alternatives), or the verdict straight away when the message said whose
    it is and earlier answers already decide it."""
    if subject == "other" and _children_too_young(ctx, entry.id, session):
        subject = "you"  # the housing register from 16, "with my two children, aged 3 and 7"
    known = subject
    checked = session.data.get("checked") or {}
    if known is None and checked.get("check") == ALL:
        known = _subject_in(checked)  # picked from "what can my son get": his verdict
    if known is None and not session.data.get("other"):
        known = "you"  # nobody else spoken of: earlier answers are the writer's
    if known is not None:
        answers = people.answers_for(session, known)
        if assess(entry, answers).next_question is None:
            session.data["flow"] = {"check": entry.id, "for": known}
            return result_one(ctx, session, entry.id)
    session.data["flow"] = {"entry": entry.id, "for": subject}
    if sms_sized(session):
        others = others[:1]  # the card, the offer and its choices fit two texts
    text = OFFER + (" Or it might be one of these:" if others else " I'll ask a few questions.")
    choices = [*check_choices(session, entry), ("No thanks", "answer:no")]
    return [ask(session, "entitlement:offer", text, choices + entry_choices(others))]


def check_choices(session: Session, entry: Entry) -> list[Choice]:
    """"Check for me" and "For your son" (or "For someone else": a carer's help is never
    for the wife they said they look after)."""
    other = session.data.get("other") or {}
    named = str(other.get("who") or "")
    cared_for = (session.data.get("answers") or {}).get(people.CARER) is True and any(
        c.code == people.CARER and not c.negated for c in entry.criteria)
    label = f"For {named}" if named.startswith("your ") and not cared_for else \
        "For someone else"
    return [("Check for me", f"check:{entry.id}"), (label, f"check-other:{entry.id}")]


def start(ctx: Context, session: Session, target: str,
          subject: people.Subject | None = "you") -> list[Outbound]:
    """Begin a check of one entry id, or of every entitlement when `target` is ALL, for
    `subject`; None asks whose it is first."""
    session.data["flow"] = {"check": target}
    session.data.setdefault("answers", {})
    if subject is None:
        return [ask(session, "entitlement:who", WHO_QUESTION, [
            ("For me", "answer:for me"), ("For my child", "answer:for my child"),
            ("For someone else", "answer:for someone else")])]
    if subject == "other" and not session.data.get("other"):
        session.data["other"] = {"who": "they", "pronoun": "they", "child": False,
                                 "answers": {}}
    note: list[Outbound] = []
    child = session.data.get("other") or {}
    if subject == "other" and _children_too_young(ctx, target, session):
        subject = "you"  # the housing register from 16: the writer's check, not the children's
    entry = _for_children(ctx, {"check": target}) if subject == "you" else None
    own = (session.data.get("answers") or {}).get(AGE)
    if entry is not None and entry.max_age is not None and entry.max_age < YOUNGEST_WRITER \
            and not child.get("child"):
        people.note_subject(session, "my child")  # nobody of 4 writes: "Check for me" of 30
        child = session.data["other"]  # hours childcare is for the child
    if entry is not None and child.get("child") and not (
            isinstance(own, int) and own < ADULT and (entry.max_age or 0) >= YOUNGEST_WRITER):
        subject = "other"  # "Check for me" of 30 hours childcare, "my youngest is 3": theirs
        note = [_for_the_child(session, entry)]
    flow_data(session)["for"] = subject
    return [*note, *step(ctx, session)]


def _children_too_young(ctx: Context, target: str, session: Session) -> bool:
    """Whether the children spoken of are all younger than the entry checked is for, when
    it is for school leavers and older ("a one-bedroom flat with my two children, aged 3
    and 7": the housing register is the writer's check, not theirs)."""
    if not (session.data.get("other") or {}).get("child"):
        return False
    entry = ctx.entries.get(target)
    ages = people.answers_for(session, "other").get(AGE)
    ages = [ages] if isinstance(ages, int) and not isinstance(ages, bool) else ages
    return entry is not None and entry.min_age is not None and entry.min_age >= SCHOOL_LEAVER and \
        isinstance(ages, list) and bool(ages) and max(ages) < entry.min_age


def candidates(ctx: Context, target: str) -> list[Entry]:
    if target == ALL:
        return sorted((e for e in ctx.entries.values() if checkable(e)), key=lambda e: e.title)
    return [ctx.entries[target]] if target in ctx.entries else []


def step(ctx: Context, session: Session) -> list[Outbound]:
    """Ask the next unknown question, or give the result when none is left."""
    target = flow_data(session).get("check", ALL)
    subject = subject_of(session)
    answers = people.answers_for(session, subject)
    question = next_question_across(candidates(ctx, target), answers, ctx.questions)
    if question is None:  # kept for "oops i meant no" after the verdict
        session.data["checked"] = {key: value for key, value in flow_data(session).items()
                                   if key in ("check", "for", "answered")}
        return result_all(ctx, session) if target == ALL else result_one(ctx, session, target)
    flow_data(session)["asking"] = question
    if question == AGE:
        return [ask(session, "entitlement:ask", people.age_question(session, subject))]
    text = people.question_about(question_for(question, ctx.questions), session, subject,
                                 question)
    return [ask(session, "entitlement:ask", text, (YES, NO, NOT_SURE))]


def subject_of(session: Session) -> people.Subject:
    return _subject_in(flow_data(session))


def _subject_in(flow: dict[str, Any]) -> people.Subject:
    return "other" if flow.get("for") == "other" else "you"


def age_alone(said: str) -> int | None:
    """An age said as nothing but an age ("13", "im 13", "13 years old"), within 0-120."""
    found = _AGE.match(said)
    return int(found.group(1)) if found is not None and int(found.group(1)) <= 120 else None


def parse_age(text: str) -> int | list[int] | str | None:
    """Whole years (a list of them for several children: "7 and 12"), None for
    "dunno"/"skip", "bad" for an impossible age, "" when the text is not an answer at all."""
    said = words(text)
    if parse_yes_no(said) == "unknown":
        return None
    if (counted := _COUNTED.match(said)) is not None:
        said = counted.group(1)  # "2 kids, 4 and 11": their ages
    if (in_year := people.school_year_age(said)) is not None:
        return in_year[0]  # "he is in year 5": 9
    if len(re.findall(r"\d+", said)) <= 1:
        if (coming := people.age_to_come(said)) is not None:
            return coming  # "im 16 next week": 15 until then
        if (turned := _TURNED.match(said)) and (age := people.number(turned.group(1))):
            return age
    several = people.several_ages(said, answer=True)
    if several is not None:
        return several if max(several) <= 120 else "bad"
    found = _AGE.match(said)
    if found is not None:
        age = int(found.group(1))
        return age if age <= 120 else "bad"
    spelt = people.stated_age(said)
    if spelt is not None:
        return spelt
    first = _AGE_FIRST.match(said)  # "9 - its for my son", "7, for my daughter"
    return parse_age(first.group(1)) if first is not None else ""


# only the one named, with an age perhaps: not "what about my partner, do his wages count?"
_WHAT_ABOUT = re.compile(r"^(?:and |ok |okay |so )?(?:what|how) about (?:for )?(?:my|our) "
                         r"(?:\d{1,2} year old |little |eldest |youngest |other )?\w+"
                         r"(?:,? (?:too|as well|then|hes \d{1,2}|shes \d{1,2}|he is \d{1,2}|"
                         r"she is \d{1,2}|theyre \d{1,2}|who is \d{1,2}|aged \d{1,2}|"
                         r"\d{1,2}))?\??$")


def about_another(text: str) -> bool:
    """"what about my daughter shes 15": the same check, for someone else named."""
    return _WHAT_ABOUT.match(words(text)) is not None and people.relation(text) is not None


def check_another(ctx: Context, session: Session, text: str, target: str) -> list[Outbound]:
    """The check of `target` again, for the one "what about my daughter" names (the
    household's answers kept, as for a child)."""
    people.note_subject(session, text)
    people.note_facts(session, text)
    return start(ctx, session, target, "other")


def handle(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    flow = flow_data(session)
    if session.state == "entitlement:ask" and about_another(text) and \
            flow.get("check", ALL) != ALL:
        return check_another(ctx, session, text, flow["check"])  # mid-check: for them now
    if session.state == "entitlement:offer":
        return _offered(ctx, session, text)
    if session.state == "entitlement:who":
        subject = people.subject_of(text)
        age = parse_age(text)
        if subject is None and (parse_yes_no(text) == "yes" or isinstance(age, int)):
            subject = "you"  # "yes" or "45" to "Is this for you or for someone else?"
            if isinstance(age, int):
                people.record(session, "you", AGE, age)
        if subject is None:
            return None
        if subject == "other":
            people.note_subject(session, text)
        people.note_facts(session, text)
        return start(ctx, session, flow.get("check", ALL), subject)
    asking = flow.get("asking")
    if asking is None:
        return None
    if (changed := _corrected(ctx, session, text, flow)) is not None:
        return changed
    if _ABOUT_THE_QUESTION.search(words(text)):  # "why do you need to know?"
        return [Outbound(WHY_ASKED), *step(ctx, session)]
    subject = subject_of(session)
    note = ""
    if subject == "other" and not str((session.data.get("other") or {}).get("who") or ""
                                      ).startswith("your ") and \
            _FOR_SOMEONE.match(words(text)) and people.relation(text) is not None:
        people.note_subject(session, text)  # "my husband" after "For someone else": him
        people.note_facts(session, text)  # "my daughter is 8": her age too
        return [Outbound(f"OK, I'll check for {people.whom(session, 'other')}."),
                *step(ctx, session)]
    if asking == AGE and subject == "you" and people.subject_of(text) == "other":
        people.note_subject(session, text)  # "she's 9" to "How old are you?": it is for her
        flow["for"] = subject = "other"
        note = f"OK, I'll check for {people.whom(session, subject)}."
    if asking == AGE and flow.get("handed") and parse_age(text) == "" and \
            _NOT_FOR_A_CHILD.search(words(text)):
        flow.update({"for": "you", "handed": False})  # "its for me", "i dont have kids":
        session.data.pop("other", None)  # the writer's own check, their age given already
        return step(ctx, session)
    if asking == AGE:
        age = parse_age(text)
        if age == "" and note:  # "it's for my son": now ask how old he is
            return [Outbound(note), *step(ctx, session)]
        if age == "":
            return _other_facts(ctx, session, text)
        if age == "bad" or (isinstance(age, list) and subject == "you") or (  # or "34 and 36"
                subject == "you" and isinstance(age, int) and age < YOUNGEST_TEXTING):
            whose = "your age" if subject == "you" else "the age"
            return [ask(session, "entitlement:ask", f"Please reply with {whose} in years, "
                        "for example 15, or SKIP.")]
        if isinstance(age, list):  # "7 and 12" to "How old is your child?"
            people.for_children(session, age)
        elif subject == "you" and (entry := _for_children(ctx, flow)) is not None and \
                isinstance(age, int) and age >= ADULT:
            # "can i get help with school uniform" from a parent of 34: the child's check
            people.record(session, subject, AGE, age)
            people.note_subject(session, "my child")
            flow.update({"for": "other", "handed": True})
            return [_for_the_child(session, entry), *step(ctx, session)]
        else:
            people.record(session, subject, AGE, age)
            flow["answered"] = AGE  # "sorry i meant 15" changes it
            whose = "your" if subject == "you" else "the"
            if people.age_to_come(words(text)) is not None:  # "im 16 next week"
                note = (f"I've counted {whose} age as {age} for now: the answer may change "
                        "on the birthday.")
            elif (in_year := people.school_year_age(words(text))) is not None:
                note = f"I've counted {in_year[1]} as age {age}, the youngest in it."
    else:
        if (held := _held(text, asking)) is not None:  # "ok", "hang on", "does ctc count?"
            if held == _PAUSED:  # the question stays open, not put again
                return [ask(session, "entitlement:ask", held, (YES, NO, NOT_SURE))]
            return [Outbound(held), *step(ctx, session)]
        value, note = _circumstance(text, asking)
        if value == "" and subject == "you" and _FOR_SOMEONE.match(words(text)) and \
                people.subject_of(text) == "other":  # "its for my husband": his check
            people.note_subject(session, text)
            people.note_facts(session, text)
            flow["for"] = "other"
            return [Outbound(f"OK, I'll check for {people.whom(session, 'other')}."),
                    *step(ctx, session)]
        if value == "":
            return _other_facts(ctx, session, text)
        people.record(session, subject, asking, value)
        flow["answered"] = asking  # "oops i meant no" changes it
    named = people.relation(text)  # "my husband gets uc": the household's answer, and the
    # check stays the daughter's
    if asking == AGE or named is None or named[0] == people.who(session, subject):
        people.note_facts(session, text)
    replies = step(ctx, session)
    return [Outbound(note), *replies] if note else replies


def _no_benefit_only(entry: Entry, answers: dict[str, Any]) -> bool:
    """Refused only for getting no income-related benefit (the age fits)."""
    return answers.get(people.INCOME_BENEFIT) is False and all(
        c.code == people.INCOME_BENEFIT or answers.get(c.code) != c.negated
        for c in entry.criteria) and not (isinstance(age := answers.get(AGE), int)
                                          and age_fails(entry, age))


def _benefits_advice(ctx: Context) -> list[Entry]:
    """The catalogue's benefits advice, for someone who may be owed a benefit they don't
    claim (the council's own wording for it varies)."""
    found = ctx.matcher.search(BENEFITS_ADVICE, limit=1)
    best = found.best.entry if found.answered and found.best else None
    return [best] if best is not None and best.kind == "service" else []


def _for_the_child(session: Session, entry: Entry) -> Outbound:
    """Why the check is the child's: "School uniform grant is for children aged 4 to 16, so
    I'll check for your child."."""
    ages = f"{entry.min_age} to {entry.max_age}" if entry.min_age is not None else \
        f"{entry.max_age} or under"
    return Outbound(f"{entry.title} is for children aged {ages}, so I'll check for "
                    f"{people.whom(session, 'other')}.")


def _for_children(ctx: Context, flow: dict[str, Any]) -> Entry | None:
    """The entry checked when it is for children only (a parent asks for it as their own)."""
    entry = ctx.entries.get(str(flow.get("check", ALL)))
    return entry if entry is not None and entry.max_age is not None and \
        entry.max_age <= ADULT else None


def _corrected(ctx: Context, session: Session, text: str, flow: dict[str, Any]
               ) -> list[Outbound] | None:
    """"oops i meant no" just after a yes/no answer in the check `flow`, or "we're not on uc
    actually": that answer changed, and the check goes on from there (just after the
    verdict, the verdict is given again); None, changing nothing, when the message is no
    such change."""
    said = words(text)
    subject = _subject_in(flow)
    code = flow.get("answered")
    found = _CORRECTION.match(said) or _SORRY_I_MEAN.match(said)
    answer = found.group("answer") if found else None
    if answer is None and _RESTATED.search(said) and people.names_benefit(said) and \
            people.INCOME_BENEFIT in people.answers_for(session, subject):
        code, answer = people.INCOME_BENEFIT, said  # "we're not on uc actually"
    if answer is None and (age_said := _AGE_NOT.match(said)) is not None and \
            AGE in people.answers_for(session, subject):
        code, answer = AGE, age_said.group("answer")  # "sorry im 67 not 45"
    if answer is None and people.LIVES_ALONE in people.answers_for(session, subject) and \
            (people.another_adult_at_home(said) or _MOVED_IN.search(said)):
        code, answer = people.LIVES_ALONE, "no"  # "oh my son moved back in last month"
    if not code or answer is None:
        return None
    if code != AGE and AGE in people.answers_for(session, subject) and isinstance(
            parse_age(answer), int) and _circumstance(answer, code)[0] == "":
        code = AGE  # "she's 5", "yes", then "sorry i meant 17": the age
    if code == AGE:  # "sorry i meant 15"
        age = parse_age(answer)
        if not isinstance(age, int):
            return None
        session.data["flow"] = flow
        people.record(session, subject, AGE, age)
        return [Outbound(f"OK, I've changed the age to {age}."), *step(ctx, session)]
    value, _ = _circumstance(answer, code)
    if value == "":
        return None
    session.data["flow"] = flow
    people.record(session, subject, code, value)
    shown = {True: "Yes", False: "No", None: "Not sure"}[value]  # type: ignore[index]
    return [Outbound(f"OK, I've changed that answer to {shown}."), *step(ctx, session)]


def correct_verdict(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """"oops i meant no" or "we're not on uc actually" just after a check's verdict: the
    answer changed, and the verdict given again; otherwise "Was this helpful?" stays."""
    checked = session.data.get("checked")
    if not checked or session.state not in ("answered", "feedback:helpful"):
        return None
    return _corrected(ctx, session, text, dict(checked))


def _other_facts(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """A reply that answers another question than the one asked ("we get universal credit"
    to "How old are you?"): kept, and the check goes on; None for anything else (a new
    question leaves the check)."""
    if looks_like_question(text):
        return None
    ages = people.several_ages(words(text), answer=True)  # "2 and 5", about the children
    if ages and (session.data.get("other") or {}).get("child") and max(ages) <= 120:
        people.for_children(session, ages)
    elif not people.note_facts(session, text):
        return None
    return [Outbound("Thanks, I've noted that."), *step(ctx, session)]

# how a request for something else begins (a question about the offer begins otherwise)
_FINDS = re.compile(r"(?:where|is there|are there|any ?where|some ?where|"
                    # not "i want to check", "i need to know if i qualify": the offer's own
                    r"(?:i|we)? ?(?:need|want)(?! to (?:check|know|see|find out|ask)\b)|"
                    r"looking for|help with|can (?:i|we|you|u) (?:get|have|find) "
                    r"(?:help|some|any)|how (?:do|can) (?:i|we) (?:find|get) (?:help|some|any))\b")


def _offered(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """The answer to "Would you like to check if you can get it?"."""
    flow = flow_data(session)
    said = parse_yes_no(text)
    target = flow.get("entry", ALL)
    topic = follow_up.topic_of(text, ctx.entries[target]) if target in ctx.entries else None
    if said is None and topic is not None and topic.name != "who":
        return None  # "tell me more", "who runs it": a follow-up; "do i qualify?" checks
    if smalltalk.reply_to(text) == smalltalk.CONFUSED:
        return None  # "im confused": said sorry to, not a check started
    if said is None and _asks_for_another(ctx, text, target):
        return None  # "where can i get food": a new request, though it speaks of "i"
    subject = people.subject_of(text)
    if subject == "other" and flow.get("for") in (None, "you") and \
            people.household_fact(text) and people.names_benefit(words(text)) and \
            not session.data.get("other"):
        people.note_facts(session, text)  # "my mum gets uc", from a pupil: their check,
        session.data.pop("other", None)  # with the household's benefit, not their mum's
        people.record(session, "you", people.INCOME_BENEFIT, True)
        return start(ctx, session, target, "you")
    if subject is not None and said != "no":
        if subject == "other":
            people.note_subject(session, text)
        people.note_facts(session, text)
        return start(ctx, session, target, subject)
    if said == "yes":  # whose it is, if the message that found it said so
        return start(ctx, session, target, flow.get("for"))
    if (age := _AGE_OFFERED.fullmatch(words(text))) is not None:  # "72": the writer's age
        people.record(session, "you", AGE, int(age.group(1)))
        return start(ctx, session, target, "you")
    if (ages := people.several_ages(words(text), answer=True)) is not None and \
            (session.data.get("other") or {}).get("child"):
        people.for_children(session, ages, words(text))  # "theyre 6 and 9": the children's
        return start(ctx, session, target, "other")
    if said == "no" and target in ctx.entries:
        return [feedback.ask_helpful(session, ctx.entries[target], (), "OK.")]
    if said == "unknown" and target in ctx.entries and not flow.get("unsure"):
        flow["unsure"] = True  # "maybe": what the check is, and the offer again
        return [ask(session, "entitlement:offer", "It's a few yes/no questions, a guide only, "
                    "and you can stop any time. " + OFFER,
                    [*check_choices(session, ctx.entries[target]), ("No thanks", "answer:no")])]
    return None


def _asks_for_another(ctx: Context, text: str, target: str) -> bool:
    """A request for something that finds another entry than the one offered ("where can i
    get food", "i need help with council tax"); not a question about the offer ("am i
    eligible?", "what if i work part time?")."""
    if not _FINDS.match(words(text)):
        return False
    result = ctx.matcher.search(text, limit=1)
    return result.answered and result.best is not None and result.best.entry.id != target


# a bare age in answer to "Would you like to check...?", more than any choice's number
_AGE_OFFERED = re.compile(r"(1\d|[2-9]\d|1[01]\d)")
# whose the check is, said in answer to one of its questions: "for my husband", "its for my
# mum, she's 80", "not for me, my son"
_FOR_SOMEONE = re.compile(r"^(?:no,? |not for me,? )?(?:(?:it'?s|its|it is|this is|that'?s|"
                          r"thats) )?(?:(?:for|about) )?(?:my|our) [\w', ]{2,40}$")
_ACKNOWLEDGED = {"ok", "okay", "k", "kk", "okey", "okie", "alright", "right", "fine", "cool",
                 "hmm", "oh", "ah", "oh ok", "ah ok", "i see", "ok then", "right ok"}
_PAUSE = re.compile(r"^(?:hang on|hold on|wait|one (?:sec|second|min|minute|mo)|"
                    r"give me a (?:sec|second|min|minute)|brb|let me (?:ask|check|find out)|"
                    r"i(?:'ll| will| need to| have to|ll) (?:ask|check|find out))\b")
_PAUSED = "No rush: reply yes, no or not sure when you know."
_MEANING = re.compile(r"\b(?:what|wot|wat|which)(?:'s| is| are| does| do| counts?)? ?(?:an? |the )?"
                      r"(?:income[- ]related|benefits? (?:count|counts|are|is|do)|counts?\b)")
INCOME_RELATED = ("Income-related means paid because income is low, such as Universal "
                  "Credit, Pension Credit, Child Tax Credit or Housing Benefit. Child Benefit, "
                  "PIP and DLA are not.")
# whether a benefit asked about counts, by why benefit_answer would put it as it does
_COUNTS = {"": "Yes, that counts.", people.PENDING_NOTE: "It counts once it is paid.",
           people.SOME_BENEFIT_NOTE: "It depends which benefit it is.",
           people.DISABILITY_NOTE: "No: PIP and DLA are not income-related on their own.",
           people.CHILD_BENEFIT_NOTE: "No: Child Benefit is not income-related."}
_AT_WORK = re.compile(r"^(?:i|we|we both|me and my \w+|my \w+)(?: am| are|'m|m| is|s)? "
                      r"(?:work|works|working)\b(?! (?:and|but) (?:get|gets|getting|on|claim))")


def _held(text: str, code: str) -> str | None:
    """What to say before the same yes/no question is put again, for a reply that is not
    yet an answer: "ok" or "hang on" (`_PAUSED`: the question stays open), a question about
    which benefits count ("does child tax credit count?", "what does income related
    mean"), or, to the benefit question, "i work part time"; None for anything else."""
    said = words(text)
    if said in _ACKNOWLEDGED:
        return "Please reply yes, no or not sure."
    if _PAUSE.match(said) and parse_yes_no(text) is None:
        return _PAUSED
    if code not in people.BENEFIT_QUESTIONS:
        return None
    if looks_like_question(text) and (named := people.benefit_answer(text)) is not None:
        return _COUNTS[named[1]]  # "does child tax credit count?", "is pip the same?"
    if _MEANING.search(said):
        return INCOME_RELATED
    if _AT_WORK.match(said) and parse_yes_no(text) is None and leading_yes_no(text) is None:
        return "Many people in work get Universal Credit too."
    return None


def _circumstance(text: str, code: str) -> tuple[bool | str | None, str]:
    """(True/False/None, a note to say) for an answer to a yes/no circumstance; ("", "")
    when the text is not an answer. A benefit's name answers the benefit question."""
    if code in people.BENEFIT_QUESTIONS:
        named = people.benefit_answer(text)
        if named is not None:
            return named
    if code == people.LIVES_ALONE and people.another_adult_at_home(text):
        return False, people.ANOTHER_ADULT_NOTE  # "yes but my 20 year old son lives with me"
    text = _FILLER.sub("", text.strip())  # "i mean no, we dont", "well yes"
    # "yes but only 16 hours a week", "we used to but not anymore", "i think so, mum does",
    # "my partner gets uc but i dont" (the household's)
    said = (code in people.BENEFIT_QUESTIONS and _household_has(words(text)) and "yes") \
        or parse_yes_no(text) or leading_yes_no(text) or _in_clauses(text, code)
    if said is None:
        return "", ""
    notes = [named[1] for part in _ANSWER_CLAUSES.split(words(text))
             if code in people.BENEFIT_QUESTIONS and (named := people.benefit_answer(part))
             and named[1]]  # "not yet but ive applied for uc": why it is "not sure"
    return _READ_AS_VALUE[said], notes[-1] if notes else ""


def _in_clauses(text: str, code: str) -> YesNo | None:
    """The answer a longer reply gives in one of its clauses, the last word on it winning
    ("we used to but not anymore": no; "no but my husband gets uc": yes), or the doubt it
    starts with ("i think so mum gets something": not sure)."""
    said = words(text)
    if _DOUBT_FIRST.match(said):
        return "unknown"
    read: list[YesNo | None] = []
    for part in _ANSWER_CLAUSES.split(said):
        named = people.benefit_answer(part) if code in people.BENEFIT_QUESTIONS else None
        read.append(_READ_AS[named[0]] if named else parse_yes_no(part) or leading_yes_no(part))
    given = [answer for answer in read if answer is not None]
    return given[-1] if len(read) > 1 and given else None


def _household_has(said: str) -> bool:
    """"my partner gets uc but i dont", "no, but my husband does": a benefit of the
    household, whoever's name it is in."""
    if _HOUSEHOLD_GETS.search(said):
        return True
    parts = _ANSWER_CLAUSES.split(said)
    return any(
        _HOUSEHOLD_MEMBER.search(part) and "used to" not in part
        and (named := people.benefit_answer(part)) is not None and named[0] is True
        and all(_ONLY_NOT_ME.match(later.strip()) for later in parts[i + 1:] if later.strip())
        for i, part in enumerate(parts))


def reads_as_answer(session: Session, text: str) -> bool:
    """Whether the message is only an answer to the check question being asked: a few words
    ("i think so mum gets some benefit"), each clause of them read as the answer, or the
    age alone. The safeguarding classifier alone does not interrupt such an answer
    (conversations/engine.py); the phrase rules still do, and anything longer or with more
    in it ("no, he took my bank card and says i cant leave") is never exempt."""
    asking = flow_data(session).get("asking") if session.state == "entitlement:ask" else None
    said = words(text)
    if asking is None or len(said.split()) > ANSWER_WORDS:
        return False
    if asking == AGE:
        return _AGE_ALONE.fullmatch(said) is not None
    return all(_pure_answer(part, asking) for part in _ANSWER_CLAUSES.split(said) if part)


def _pure_answer(part: str, code: str) -> bool:
    """A clause that is nothing but an answer: "no", "not really", "we do", "mum gets some
    benefit", "my partner does"; not a yes or no with more after it ("no I don't want to do
    this anymore")."""
    if code in people.BENEFIT_QUESTIONS and (people.benefit_answer(part) is not None
                                          or _HOUSEHOLD_GETS.search(part)):
        return True
    return parse_yes_no(_FILLER.sub("", part)) is not None


def _unsure_text(ctx: Context, entry: Entry, codes: Sequence[str], session: Session,
                 subject: people.Subject) -> str:
    """What to check, each question as it was put ("Do you get Universal Credit...?"), the
    age as whose it is ("Your son's age: it is for ages 4 to 18.")."""
    whose = "Your" if subject == "you" else people.capital(people.who(session, subject)) + "'s"
    age = f"{whose} age: it is for {age_range(entry)}."  # AGE is asked only with a limit
    return " ".join(people.question_about(question_for(c, ctx.questions), session, subject, c)
                    if c != AGE else age for c in codes)


def result_one(ctx: Context, session: Session, entry_id: str) -> list[Outbound]:
    entry = ctx.entries[entry_id]
    subject = subject_of(session)
    answers = people.answers_for(session, subject)
    name = people.who(session, subject)
    verdict = assess(entry, answers, ctx.questions, name)
    not_for = ""
    if verdict.too_old_or_young:  # several children, and it is not for all of them
        name = _children_aged(verdict.ages)
        not_for = (f" Not for {_children_aged(verdict.too_old_or_young)}: it is for "
                   f"{age_range(entry)}.")
    be = people.capital(name) + (" are" if plural(name) else " is")
    if verdict.status == "likely":
        text = (f"{be} likely to be able to get {entry.title}.{not_for} {GUIDE} "
                f"How to apply: {how_to_apply(entry)}.")
    elif verdict.status == "unknown":  # what to check first: an SMS may show no more
        text = (f"{people.capital(name)} may be able to get {entry.title}. Check: "
                f"{_unsure_text(ctx, entry, verdict.unsure, session, subject)}{not_for} {GUIDE} "
                f"How to apply: {how_to_apply(entry)}.")
    elif (twin := _twin_for_age(ctx, entry, answers)) is not None:
        # "help with council tax" at 70: not refused, the pension-age scheme checked instead
        flow_data(session)["check"] = twin.id
        return [Outbound(f"{entry.title} is for {age_range(entry)}, so I'll check "
                         f"{twin.title}."), *step(ctx, session)]
    else:
        others = fitting(ctx.entries.values(), answers, ctx.questions, exclude=entry.id)[:3]
        if isinstance(age := answers.get(AGE), int) and age_fails(entry, age):
            # "Help with council tax" at 70: the scheme of its kind for that age, still to
            # be checked, before others that fit outright
            kin = [e for e in ctx.entries.values() if e.id != entry.id and checkable(e)
                   and e.category == entry.category and not age_fails(e, age)
                   and assess(e, answers, ctx.questions).next_question is not None]
            others = [*kin[:1], *(e for e in others if e not in kin)][:3]
        if not others and _no_benefit_only(entry, answers):
            others = _benefits_advice(ctx)  # on a low wage, a benefit may be due after all
        reasons = " and ".join(verdict.reasons)
        for criterion in entry.criteria:  # quoted as it was put: "Do you get ...?"
            asked = question_for(criterion.code, ctx.questions)
            reasons = reasons.replace(asked, people.question_about(asked, session, subject,
                                                                   criterion.code))
        text = f"It looks like {name} can't get {entry.title}, because {reasons}."
        if others:
            end_flow(session)
            text += (" You might try " + ("this" if len(others) == 1 else "one of these")
                     + ". " + GUIDE)  # the choices name them
            return [ask(session, "answered", text, entry_choices(others))]
        text += " " + GUIDE
    end_flow(session)
    return [Outbound(text), feedback.ask_helpful(session, entry, ())]


def _twin_for_age(ctx: Context, entry: Entry, answers: dict[str, Any]) -> Entry | None:
    """The same scheme for the age given, when `entry` is not for it: an entitlement of its
    category whose title begins with its title ("Council Tax Reduction for pension age")."""
    age = answers.get(AGE)
    if not isinstance(age, int) or isinstance(age, bool) or not age_fails(entry, age):
        return None
    return next((e for e in ctx.entries.values() if e.id != entry.id and checkable(e)
                 and e.category == entry.category and e.title.startswith(entry.title)
                 and not age_fails(e, age)), None)


def _children_aged(ages: Sequence[int]) -> str:
    """"your child aged 7", "your children aged 7 and 9"."""
    return ("your child" if len(ages) == 1 else people.CHILDREN) + " aged " + and_list(ages)


def result_all(ctx: Context, session: Session) -> list[Outbound]:
    subject = subject_of(session)
    answers = people.answers_for(session, subject)
    name = people.who(session, subject)
    verdicts = [assess(e, answers, ctx.questions, name) for e in candidates(ctx, ALL)]
    likely = [v.entry for v in verdicts if v.status == "likely"]
    maybe = [v.entry for v in verdicts if v.status == "unknown"]
    end_flow(session)
    if not likely and not maybe:
        return [Outbound("From the answers I couldn't find an entitlement that fits. "
                         "Ask me about anything else, or send MENU. " + GUIDE)]
    be = people.capital(name) + (" are" if plural(name) else " is")
    unsure = " (something was \"not sure\")"
    if likely:
        text = f"{be} likely to be able to get {_things(len(likely))}"
        text += f", and may get {len(maybe)} more{unsure}." if maybe else "."
    else:
        text = f"{people.capital(name)} may be able to get {_things(len(maybe))}{unsure}."
    partly = any(v.too_old_or_young for v in verdicts if v.status != "unlikely")
    which = " and which of them it is for" if partly else ""  # several children's ages
    text += f" Pick one to see how to apply{which}. {GUIDE}"
    return [ask_list(session, text, entry_choices(likely + maybe))]


def _things(count: int) -> str:
    return "1 thing" if count == 1 else f"{count} things"
