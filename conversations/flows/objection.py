"""Veto complaints: object to a service or a council proposal, withdraw it, list proposals.

States: `objection:offer` (a plan was shown: "yes" objects; or "not happy with that" came
after a service: object or the wrong answer, "yes" alone asks which; "no" records nothing),
`objection:what` (waiting for
what it is about), `objection:confirm` ("Do you mean X?"), `objection:postcode`,
`objection:reason`. See objection.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from catalogue.model import Entry
from conversations import councillors, objections, records, smalltalk
from conversations.flows import feedback
from conversations.flows.common import (
    NO,
    YES,
    Context,
    ask,
    ask_list,
    end_flow,
    entry_choices,
    flow_data,
    is_skip,
    leading_yes_no,
    looks_like_question,
    named_by_title,
    parse_yes_no,
    words,
)
from conversations.types import Outbound, Session

SURE = 75.0  # a title this alike is confirmed with "Do you want to object to X?"
MAYBE = 45.0  # alike enough to offer as a choice
REASON_LIMIT = records.COMMENT_LIMIT
_ABOUT_US = re.compile(r"(?:you|u|ur|your|you'?re|this (?:bot|app|chat|thing))\b", re.IGNORECASE)
WHAT = "What would you like to object to? Tell me the name of the service or council plan."
_OBJECT = re.compile(
    r"^(?:(?:i'?m|i am|im) )?(?:not happy|unhappy|upset|angry|not ok|not okay) (?:with|about) ?"
    r"(.*)$|^(?:i'?m|i am|im) (?:not happy|unhappy)()$"
    r"|^(?:i )?(?:don'?t|do not|dont) (?:like|agree with) (it|that|this|them|the plan|"
    r"that plan|this plan)$"
    r"|^(?:i want to |i wanna |i would like to |i'd like to |want to |i )?"
    r"(?:complain|make a complaint|object)\b(?: about| to| against)? ?(.*)$"
    r"|^(?:i )?(?:don'?t|do not|dont) want (?!to )(.+)$"
    r"|^(?:i )?(?:oppose|object to|am against|veto) (.+)$"
    r"|^(?:complaint|objection)(?: about| to)? ?(.*)$"
    # "please dont shut the toilets at castle hill" (not "please dont take away my kids")
    r"|^(?:please )?(?:don'?t|do not|dont) (?:shut|close|cut|scrap|get rid of|take away|"
    r"shut down|close down|sell off|sell) (?!(?:my|me|our|us)\b)(.+)$"
)
# "closing the library is a disgrace, my nan uses it": an objection when it names a plan
# (`judged`), not "my landlord is a disgrace" or "the price of food is shocking"
_JUDGED = re.compile(
    r"^(?!(?:you|u|ur|it|this|that|he|she|they|i|im|my)\b)(.+?) (?:is|are|would be|will be|"
    r"'?s) (?:a disgrace|disgraceful|an? (?:terrible|bad|stupid|awful|rubbish|crazy) idea|"
    r"ridiculous|outrageous|shocking|unfair|madness|a joke|a rip ?off|daylight robbery|a "
    r"scandal|scandalous|a con|a scam|a waste of money)\b")
_WITHDRAW = re.compile(
    r"^(?:(?:actually|ok|okay|oh|um|hi|sorry|no|please|pls)[, ]+)*"
    r"(?:(?:can|could|may) (?:i|you|u) (?:please )?"
    r"|i(?:'d|d| would)? (?:like|want|wanna) (?:to )?|i )?(?:please )?"
    r"(?:withdraw|take back|cancel|remove|delete|drop|undo|retract|scrap"
    r"|(?:have |ive |i've )?changed my mind about)"
    r"(?: my| the)? (?:objections?|complaints?)(?: (?:to|about|against|on) (.+?))?"
    r"(?: please| pls)?$"
)
_PLANS = re.compile(
    r"^(?:what(?:'s| is| are)? (?:the )?council(?:'s)? (?:planning|plans?|proposals?)"
    r"(?: near me| for my area)?|(?:council )?(?:plans|proposals)|what(?:'s| is) planned"
    r"(?: near me)?|planning proposals)$"
)
_STRIP = re.compile(r"^(?:the|a|an|this|that|it|them)\b ?|[?.!]+$")
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
_ADD_REASON = re.compile(  # after an objection without a reason: "because ...", "my reason is"
    r"^(?:(?P<because>because|cos|coz)\b|(?:(?:can|could|may) i |i want to |i'?d like to |"
    r"i wanna |let me )?(?:add|give) (?:a|my|the) reason\b|(?:my|the) reason is\b)"
    r"\W*(?P<reason>.*)$", re.IGNORECASE | re.DOTALL)
_A_CHANGE = re.compile(r"\b(?:clos(?:e|ed|es|ing|ure)|shut(?:ting|s)?|cut(?:s|ting)?|"
                       r"build(?:ing)?|built|scrap(?:ped|ping)?|sell(?:ing)?|sold|demolish\w*|"
                       r"knock(?:ing)? down|charg(?:e|es|ing)|mov(?:e|ing)|merg(?:e|ing)|"
                       r"replac\w+|plan(?:s|ned)?|proposal|going|every \w+ weeks?|\w+[ -]weekly|"
                       r"fortnightly|rais(?:e|ed|ing)|increas\w*|reduc\w*|fewer|less often)\b")
PLAN_BOOST = 15.0  # a plan named by the change it makes wins over the place it changes
_ASKS = re.compile(r"\?|[,;]\s*(?:can|could|how|what|where|when|is|are|do|does|will|who)\b",
                   re.IGNORECASE)
_POSTCODE_FIRST = re.compile(
    r"^(?:my\s+post\s*code\s+is|my\s+post\s*code'?s|post\s*code:?|i\s+live\s+(?:at|in)|"
    r"i'?m\s+in|i\s+am\s+in)\s+(?P<postcode>[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b"
    r"(?:\s*(?:[,.;&-]|\band\b)\s*)+(?P<rest>\S.*)$", re.IGNORECASE | re.DOTALL)
# An answer to "Do you want to object?" that gives the reason with the yes: "yes, it will
# ruin the green" (`_BECAUSE`: "because there's nowhere else to park"; `_REASON`, only once
# the person has said yes: "it'll kill the high street").
_YES_AND = re.compile(r"^(?:y|yes|yeah|yep|yup|yh|ya|aye|definitely|absolutely|of course|i do)"
                      r"\b[\s,.!:;-]*(?:(?:and|but|because|cos|coz)\b(?!\s+of\b)\s*)?"
                      r"(?P<reason>.{3,})$",
                      re.IGNORECASE | re.DOTALL)
_BECAUSE = re.compile(r"^(?:because|cos|coz|cause|as)\b")
_LABEL_WORDS = re.compile(r"[a-z0-9']+")
_NO_REASON = frozenset({
    "yes", "yeah", "please", "go", "ahead", "do", "it", "i", "object", "objection", "to",
    "that", "this", "one", "the", "plan", "right", "correct", "is", "ok", "okay", "sure",
    "definitely", "thanks", "thank", "you", "mate", "that's", "thats", "it's", "its", "a", "an",
    "me", "my", "want", "wanna", "would", "like"})
_REASON = re.compile(
    r"^(?:because|cos|coz|cause|it will|it'?ll|it would|it'?d|it is|it'?s|its|this will|"
    r"this would|that will|that would|they will|they'?ll|they would|it has|there is|"
    r"there'?s|theres|there are|there aren'?t|we need|we don'?t|we dont|we have|we'?ve|"
    r"too|no one|nobody|the (?:plan|scheme|idea|proposal|council)|"
    # what the place is to the person and theirs: "we use it every week" (not a need of
    # theirs, "my kids need school uniform", which is a new request)
    r"(?:we|i) (?:use|love|walk|go|rely on|depend on)|so many|lots of|loads of|without "
    r"(?:it|this|that|the)|my (?:\w+ )?(?:kids?|children|son|daughter|mum|mam|mom|dad|nan|gran|"
    r"grandchildren|family|husband|wife|partner) (?:uses?|goes|go|loves?|rel(?:y|ies) on|"
    r"needs? (?:it|this|that|them|somewhere))|(?:people|kids|children|families|pensioners|"
    r"older people|residents) (?:use|rely on|go|love|need (?:it|this|that|them|somewhere)))\b")
_WHY_POSTCODE = re.compile(r"\bwhy\b|what(?:'s| is| do you need)? (?:it|that|my postcode|the "
                           r"postcode) for|do i have to")
# the reason after what is objected to, without its "because" ("I object to it closing
# because they never asked": "they never asked"), but with it before "of" ("because of the
# homework club": "of the homework club" is no reason)
_WITH_REASON = re.compile(r"\s*(?:[,;]|\s[-\u2013]\s|\b(?:because|cos|coz)\b(?!\s+of\b)|\bas\b)"
                          r"\s*|\s+(?=(?:because|cos|coz)\s+of\b)", re.IGNORECASE)
PRONOUNS = {"", "it", "that", "this", "them", "that one", "this one", "plan", "that plan",
            "this plan", "one", "service", "that service", "this service", "answer"}


def wants_to_object(text: str) -> str | None:
    """What the person objects to ("" when they did not say), or None when it is not that."""
    found = _OBJECT.match(words(text))
    if found is None:
        return None
    target = next((g for g in found.groups() if g is not None), "")
    return _STRIP.sub("", target.strip()).strip()


def wanted(text: str) -> tuple[str, str | None] | None:
    """(what the person objects to, the reason they gave with it) for "I'm not happy with
    that, my kids go there every week" or "I don't want the car park because it's ugly";
    None when the message is not an objection."""
    target = wants_to_object(text)
    if target is None:
        return None
    head, *rest = _WITH_REASON.split(text.strip(), maxsplit=1)
    reason = rest[0].strip(" .!") if rest else ""
    if len(reason.split()) >= 2 and (named := wants_to_object(head)) is not None:
        return named, a_reason(reason)
    return target, None


def judged(ctx: Context, text: str) -> tuple[str, str | None] | None:
    """(the plan, the reason given with it) for a judgement of a council plan ("3 weekly bins
    is a terrible idea, my bin is already overflowing"); None when it names no plan."""
    found = _JUDGED.match(words(text))
    if found is None:
        return None
    ranked_here = ranked(ctx, found.group(1))
    if not ranked_here or ranked_here[0][1].kind != "proposal" or ranked_here[0][0] < SURE:
        return None
    _, *rest = _WITH_REASON.split(text.strip(), maxsplit=1)
    reason = rest[0].strip(" .!") if rest else ""
    return found.group(1), a_reason(reason) if len(reason.split()) >= 2 else None


def wants_to_withdraw(text: str) -> str | None:
    found = _WITHDRAW.match(words(text))
    if found is None:
        return None
    return (found.group(1) or "").strip()


def wants_plans(text: str) -> bool:
    return _PLANS.match(words(text).rstrip("?").strip()) is not None


def offer(session: Session, entry: Entry) -> Outbound:
    """After showing a proposal: offer to object to it."""
    end_flow(session)
    session.data["flow"] = {"kind": "object", "entry": entry.id}
    return ask(session, "objection:offer", "You can object to this plan, or ask me something "
               "else.", [("Object to this plan", f"object:{entry.id}")])


def list_plans(ctx: Context, session: Session) -> list[Outbound]:
    end_flow(session)
    plans = [e for e in ctx.entries.values() if e.kind == "proposal"]
    person = records.get_person(ctx.db, session.channel, session.address) or {}
    ward = (person.get("ward") or "").lower()
    plans.sort(key=lambda e: (ward not in {w.lower() for w in e.wards}, e.title))
    if not plans:
        return [Outbound("The council has no plans open for comment right now.")]
    text = ("The council is planning this. Pick it to read about it; you can object to it."
            if len(plans) == 1 else f"The council is planning these {len(plans)}. Pick one "
            "to read about it; you can object to it.")
    return [ask_list(session, text, entry_choices(plans))]


def about(ctx: Context, session: Session, entry: Entry, reason: str | None = None
          ) -> list[Outbound]:
    """"I'm not happy with that" after an answer: object to that plan, or (after a service)
    object to it or say the answer was wrong (`reason`: one given with it, kept)."""
    session.data["flow"] = {"kind": "object", "entry": entry.id, "tries": 1}
    if reason is not None:
        session.data["flow"]["reason"] = reason
    if entry.kind == "proposal":
        return [ask(session, "objection:confirm", f"Do you want to object to {entry.title}?",
                    [YES, NO])]
    return [ask(session, "objection:offer", f"Sorry to hear that. Do you want to object to "
                f"{entry.title}, or was it the wrong answer?",
                [(f"Object to {entry.title}", f"object:{entry.id}"),
                 ("Wrong answer", f"unhelpful:{entry.id}")])]


def start(ctx: Context, session: Session, target: str, reason: str | None = None
          ) -> list[Outbound]:
    session.data["flow"] = {"kind": "object"}
    if reason is not None:
        session.data["flow"]["reason"] = reason
    if not target and reason and not _ABOUT_US.match(reason) and any(
            score >= MAYBE and named_by_title(entry, reason)
            for score, entry in ranked(ctx, reason)):
        target = reason  # "i want to complain, my bin has been missed 3 weeks in a row"
    if not target:
        return [ask(session, "objection:what", WHAT)]
    return find(ctx, session, target)


def title_likeness(target: str, title: str, **_: object) -> float:
    """How alike a name and a title are: words in common, in any order, without letting a
    short title win just by being contained in a longer message."""
    return (fuzz.token_set_ratio(target, title) + fuzz.token_sort_ratio(target, title)) / 2


def ranked(ctx: Context, target: str) -> list[tuple[float, Entry]]:
    """Entries the person may mean, best first: the matcher's ranking, and the title's
    fuzzy likeness (people name what they object to), proposals first on a tie."""
    scores: dict[str, float] = {}
    result = ctx.matcher.search(target, limit=4)
    if result.answered:
        scores = {match.entry.id: match.score for match in result.matches}
    titles = {e.id: e.title.lower() for e in ctx.entries.values()}
    for _, score, entry_id in process.extract(target.lower(), titles, scorer=title_likeness,
                                              limit=4):
        scores[entry_id] = max(scores.get(entry_id, 0.0), float(score))
    found = [(score, ctx.entries[i]) for i, score in scores.items() if i in ctx.entries]
    if _A_CHANGE.search(target.lower()):  # "millbrook library to close": the plan to close
        found = [(min(score + PLAN_BOOST, 100.0), entry) if entry.kind == "proposal"
                 else (score, entry) for score, entry in found]  # it, not the library
    found.sort(key=lambda pair: (-pair[0], pair[1].kind != "proposal", pair[1].title))
    return found


def find(ctx: Context, session: Session, target: str) -> list[Outbound]:
    """Look the target up and confirm it with the person."""
    flow = flow_data(session)
    flow["tries"] = flow.get("tries", 0) + 1
    found = ranked(ctx, target)
    likely = [entry for score, entry in found if score >= SURE]
    if likely and likely[0].kind == "service" and likely[0].title.lower().startswith("report "):
        end_flow(session)  # "complain about potholes": the way to report them, no objection
        session.data["last_entry"] = likely[0].id  # "how do i report it?" follows it up
        return [Outbound(likely[0].summary, entry=likely[0]),
                ask(session, "answered", "That is how to report it. To object to a council "
                    "plan or service instead, tell me its name.")]
    if likely:
        best = likely[0]
        flow.update({"entry": best.id, "others": [e.id for _, e in found[1:4] if e != best]})
        return [ask(session, "objection:confirm", f"Do you want to object to {best.title}?",
                    [YES, NO])]
    suggestions = [entry for score, entry in found[:3] if score >= MAYBE]
    if suggestions:
        return [ask(session, "objection:confirm", "Which one do you mean?",
                    [*entry_choices(suggestions, "object"), ("None of these", "answer:no")])]
    if flow["tries"] > 1:
        end_flow(session)
        return [Outbound("Sorry, I couldn't find that either. Send MENU to see what I can do.")]
    return [ask(session, "objection:what", f'I couldn\'t find "{target}". What is the name of '
                "the service or council plan?")]


def reason_given(text: str, openers: bool = False) -> str | None:
    """The reason in an answer that says more than yes ("yes, it will ruin the green",
    "because there's nowhere else to park"; with `openers`, once the person has said yes,
    "it will bring more traffic" too); None for a plain yes or no, a new question, words
    that are no reason ("yes go ahead", "yes RV1 1AA"), or anything else (then it is a new
    request, and the objection is set aside)."""
    if parse_yes_no(text) is not None or looks_like_question(text):
        return None
    text = text.strip()
    if (found := _YES_AND.match(text)) is not None:
        return a_reason(found.group("reason").strip(" ,.;:-"))
    said = words(text)
    if _BECAUSE.match(said) or (openers and _REASON.match(said)):
        return a_reason(text)
    return None


def said_yes(text: str) -> bool:
    """A yes with words that are no reason ("yes go ahead", "yes i object"), not a question
    nor a doubt ("yes and no")."""
    return (leading_yes_no(text) == "yes" and parse_yes_no(text) != "unknown"
            and not looks_like_question(text))


def a_reason(text: str) -> str | None:
    """`text` when it gives a reason: not a question, not a postcode, and at least two words
    that are more than "go ahead", "I object", "that one"."""
    if looks_like_question(text) or postcode_in(text) is not None:
        return None
    meant = [w for w in _LABEL_WORDS.findall(words(text)) if w not in _NO_REASON]
    return text[:REASON_LIMIT] if len(meant) >= 2 else None


def confirmed(ctx: Context, session: Session, entry_id: str, reason: str | None = None
              ) -> list[Outbound]:
    """The person confirmed the entry (`reason`: the reason they gave with it): check they
    haven't objected, then ask what's missing."""
    entry = ctx.entries[entry_id]
    kept = session.data.get("flow") or {}
    if reason is None and kept.get("kind") == "object":
        reason = kept.get("reason")  # given with "I'm not happy with that, ..."
    if (standing := objections.find_objection(ctx.db, session.channel, session.address,
                                              entry_id)) is not None:
        return already_objected(ctx, session, entry, standing.get("reason"), reason)
    session.data["flow"] = {"kind": "object", "entry": entry_id}
    if reason is not None:
        session.data["flow"]["reason"] = reason
    if records.get_person(ctx.db, session.channel, session.address) is None:
        return [ask_postcode(session, noted=reason is not None)]
    return reason_or_record(ctx, session, entry)


def already_objected(ctx: Context, session: Session, entry: Entry, kept: str | None,
                     reason: str | None) -> list[Outbound]:
    """Objecting again: nothing is counted twice, but a reason given now is added to an
    objection that has none ("yes, because it's the only library near me"), and one without
    a reason can have it added next ("because ...", as just after recording it)."""
    end_flow(session)
    done = f"You already objected to {entry.title}"
    if not kept and reason:
        return _add_reason(ctx, session, entry, reason, f"{done}, so I've added your reason "
                           "to it.")
    if not kept:
        session.data["objected"] = entry.id  # "because ..." next adds the reason
        return [Outbound(f"{done}. To add your reason, send it now (\"because ...\"). Send "
                         "WITHDRAW MY OBJECTION to take it back.")]
    return [Outbound(f"{done}. Send WITHDRAW MY OBJECTION to take it back.")]


def ask_postcode(session: Session, noted: bool = False) -> Outbound:
    return ask(session, "objection:postcode", ("Thank you, I've noted your reason. " if noted
               else "") + "What is your postcode? It tells councillors which ward you live "
               "in. Reply SKIP to leave it out.")


def reason_or_record(ctx: Context, session: Session, entry: Entry) -> list[Outbound]:
    """Record the objection when its reason was given already, else ask for it."""
    reason = flow_data(session).get("reason")
    return ask_reason(session, entry) if reason is None else record(ctx, session, entry, reason)


def ask_reason(session: Session, entry: Entry) -> list[Outbound]:
    return [ask(session, "objection:reason", f"Why do you object to {entry.title}? "
                "Reply with your reason, or SKIP.")]


_WRONG_ONE = re.compile(r"\b(?:wrong|not what i|not it|not that one|different one|wasnt it)\b")
_SAYS_OBJECT = re.compile(r"\bobject(?:ing|ion)?\b|\bcomplain\b")


def handle(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    flow = flow_data(session)
    if session.state == "objection:what":
        if parse_yes_no(text) is not None:  # "yes": what, then, is still the question
            return [ask(session, "objection:what", WHAT)]
        return None if looks_like_question(text) else find(ctx, session, text)
    if session.state == "objection:confirm":
        said = parse_yes_no(text)
        if said == "yes" and flow.get("entry") in ctx.entries:
            return confirmed(ctx, session, flow["entry"])
        if (reason := reason_given(text)) is not None and flow.get("entry") in ctx.entries:
            return confirmed(ctx, session, flow["entry"], reason)
        if said_yes(text) and flow.get("entry") in ctx.entries:  # "yes go ahead"
            return confirmed(ctx, session, flow["entry"])
        if said == "unknown" and flow.get("entry") in ctx.entries and not flow.get("unsure"):
            flow["unsure"] = True  # "not sure": whether to object, not which plan
            title = ctx.entries[flow["entry"]].title
            return [ask(session, "objection:confirm", "That's fine: nothing is recorded unless "
                        f"you say yes, and you can ask me about it first. Do you want to "
                        f"object to {title}?", [YES, NO])]
        if said in ("no", "unknown"):
            others = [ctx.entries[i] for i in flow.get("others", []) if i in ctx.entries]
            if others and "entry" in flow:
                flow.pop("others")  # "no": not objecting, or another one meant
                return [ask(session, "objection:confirm", "OK, nothing is recorded. Or did "
                            "you mean one of these?",
                            [*entry_choices(others, "object"), ("None of these", "answer:no")])]
            end_flow(session)
            return [Outbound("OK, nothing recorded. Tell me its name another way, or send MENU.")]
        return None
    if flow.get("entry") not in ctx.entries:
        return None
    if session.state == "objection:offer":
        if parse_yes_no(text) == "no":
            end_flow(session)
            return [Outbound("OK, nothing recorded. Ask me anything else whenever you like, "
                             "or send MENU.")]
        entry = ctx.entries[flow["entry"]]
        if entry.kind != "proposal":  # "object to X, or was it the wrong answer?": either
            plain = words(text)
            if _WRONG_ONE.search(plain):  # "yes, it was wrong"
                return feedback.not_helpful(ctx, session, entry)
            if not _SAYS_OBJECT.search(plain) and reason_given(text) is None:
                return [ask(session, "objection:offer", f"Reply 1 to object to {entry.title}, "
                            "or 2 if it was the wrong answer.",
                            [(f"Object to {entry.title}", f"object:{entry.id}"),
                             ("Wrong answer", f"unhelpful:{entry.id}")])]
        if parse_yes_no(text) == "yes":
            return confirmed(ctx, session, flow["entry"])
        reason = reason_given(text)  # "yes, it will ruin the green", "because ..."
        if reason is None and said_yes(text):  # "yes please object"
            return confirmed(ctx, session, flow["entry"])
        return None if reason is None else confirmed(ctx, session, flow["entry"], reason)
    if session.state == "objection:postcode":
        return _postcode(ctx, session, text)
    if session.state == "objection:reason":
        reason = "" if is_skip(text) else text.strip()[:REASON_LIMIT]
        return record(ctx, session, ctx.entries[flow["entry"]], reason)
    if session.state == "objection:later":
        end_flow(session)
        if is_skip(text):
            return [Outbound("OK, your objection stays as it is.")]
        if looks_like_question(text):
            return None
        return _add_reason(ctx, session, ctx.entries[flow["entry"]], text.strip())
    return None


def later_reason(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """A reason given just after an objection recorded without one ("because it's the
    only green space", "can I add a reason?"); None when the message is not that."""
    entry = ctx.entries.get(str(session.data.get("objected", "")))
    found = _ADD_REASON.match(text.strip())
    if entry is None or session.state != "answered" or found is None or \
            (found.group("because") and _ASKS.search(text)):  # "because of what?", "because
        return None  # my son is disabled, can he get help with transport": questions
    session.data.pop("objected")
    reason = found.group("reason").strip(" .!")
    if len(reason.split()) < 2:
        session.data["flow"] = {"kind": "object", "entry": entry.id}
        return [ask(session, "objection:later", f"What is your reason for objecting to "
                    f"{entry.title}? Reply with it, or SKIP.")]
    return _add_reason(ctx, session, entry, found.group(0) if found.group("because")
                       else reason)


def _add_reason(ctx: Context, session: Session, entry: Entry, reason: str,
                added: str = "") -> list[Outbound]:
    if not objections.add_reason(ctx.db, session.channel, session.address, entry.id,
                                 reason[:REASON_LIMIT]):
        return [Outbound(f"I couldn't find your objection to {entry.title} without a reason.")]
    return [Outbound(added or f"Thank you, I've added your reason to your objection to "
                     f"{entry.title}.")]


# "i dont know my postcode": a SKIP, not a new question ("what is my postcode")
_NO_POSTCODE = re.compile(r"^(?:sorry |um |erm )?(?:i )?(?:dont|do not|don'?t) (?:know|remember|"
                          r"have|want to (?:give|say)) (?:my|the|a|our) (?:post ?code|address)"
                          r"(?: sorry)?$|^(?:not sure|no idea|dunno|idk) (?:of |what )?(?:my|the) "
                          r"post ?code(?: is)?$")


def _postcode(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    flow = flow_data(session)
    entry = ctx.entries[flow["entry"]]
    if is_skip(text) or parse_yes_no(text) == "unknown" or _NO_POSTCODE.match(words(text)):
        records.set_postcode(ctx.db, session.channel, session.address, None, None, ctx.now)
        return reason_or_record(ctx, session, entry)
    if (postcode := postcode_in(text)) is not None:
        ward = records.ward_for_postcode(ctx.db, postcode)
        records.set_postcode(ctx.db, session.channel, session.address, postcode, ward, ctx.now)
        return reason_or_record(ctx, session, entry)
    if ward := records.ward_named(ctx.db, text):
        records.set_postcode(ctx.db, session.channel, session.address, None, ward, ctx.now)
        return reason_or_record(ctx, session, entry)
    if len(text.split()) <= 2 and any(c.isdigit() for c in text):
        return [ask(session, "objection:postcode", "That doesn't look like a UK postcode. "
                    "Send it like AB1 2CD, or SKIP.")]
    if _WHY_POSTCODE.search(words(text)):
        return [ask(session, "objection:postcode", "It tells councillors which ward your "
                    "objection comes from; they never see your postcode itself. Send it (like "
                    "AB1 2CD) or your ward's name, or SKIP.")]
    if "reason" not in flow and (reason := reason_given(text, openers=True)) is not None:
        flow["reason"] = reason  # the reason, given before the postcode
        return [ask_postcode(session, noted=True)]
    if parse_yes_no(text) == "no":  # "no": not giving it
        records.set_postcode(ctx.db, session.channel, session.address, None, None, ctx.now)
        return reason_or_record(ctx, session, entry)
    where = len(text.split()) <= 10 and re.search(r"\b(?:live|living|ward|area)\b", words(text))
    if (where or len(text.split()) <= 4) and not looks_like_question(text) and \
            smalltalk.reply_to(text) is None:  # "Southfields", "i dont live in X": a place
        return [ask(session, "objection:postcode", "I couldn't match that to a ward here. Send "
                    "your postcode (like AB1 2CD), or SKIP to leave it out.")]
    return None


def postcode_in(text: str) -> str | None:
    """A UK postcode in the message, alone or in a sentence ("my postcode is ZZ1 1AB"),
    written "ZZ1 1AB"."""
    if records.looks_like_postcode(text):
        plain = records.normalise_postcode(text)
        return f"{plain[:-3]} {plain[-3:]}"
    found = _POSTCODE_IN_TEXT.search(text)
    if found is None:
        return None
    return f"{found.group(1).upper()} {found.group(2).upper()}"


def postcode_first(text: str) -> tuple[str, str] | None:
    """(postcode, the rest) for a message that gives the postcode before what it asks: "my
    postcode is ZZ1 1AA and I want to object to the car park"."""
    found = _POSTCODE_FIRST.match(text.strip())
    if found is None:
        return None
    postcode = postcode_in(found.group("postcode"))
    return (postcode, found.group("rest")) if postcode else None


def record(ctx: Context, session: Session, entry: Entry, reason: str) -> list[Outbound]:
    person = records.get_person(ctx.db, session.channel, session.address) or {}
    ward = person.get("ward") or None
    objections.add_objection(
        ctx.db, session.channel, session.address, entry.id, ward, reason, ctx.now)
    councillors.objection_recorded(ctx.db, entry, ward, ctx.now, channel=session.channel)
    end_flow(session)
    if not reason:
        session.data["objected"] = entry.id  # "because ..." next adds the reason
    return [Outbound(f"Thank you, your objection to {entry.title} is recorded. "
                     + acknowledgement(ctx, entry.id, ward)
                     + " Send WITHDRAW MY OBJECTION to take it back.")]


def acknowledgement(ctx: Context, entry_id: str, ward: str | None) -> str:
    """"You and 3 others in Riverside have objected." (counting this person's objection)."""
    others = objections.objection_count(ctx.db, entry_id, ward) - 1
    where = f" in {ward}" if ward else ""
    if others <= 0:
        return f"You are the first{where} to object."
    return f"You and {others} other{'s' if others != 1 else ''}{where} have objected."


def withdraw(ctx: Context, session: Session, target: str) -> list[Outbound]:
    end_flow(session)
    mine = [o["entry_id"] for o in
            objections.person_objections(ctx.db, session.channel, session.address)]
    if not mine:
        return [Outbound("You have no objections to withdraw.")]
    if len(mine) == 1 and not target:
        return withdraw_entry(ctx, session, mine[0])
    if target:
        best = _closest(ctx, target, mine)
        if best is not None:
            return withdraw_entry(ctx, session, best)
    entries = [ctx.entries[i] for i in mine if i in ctx.entries]
    choices = [(e.title, f"withdraw:{e.id}") for e in entries]
    return [ask(session, "answered", "Which objection do you want to withdraw?", choices)]


def _closest(ctx: Context, target: str, entry_ids: Sequence[str]) -> str | None:
    scored = [(fuzz.token_set_ratio(target, ctx.entries[i].title.lower()), i)
              for i in entry_ids if i in ctx.entries]
    scored.sort(reverse=True)
    return scored[0][1] if scored and scored[0][0] >= 60 else None


def withdraw_entry(ctx: Context, session: Session, entry_id: str) -> list[Outbound]:
    end_flow(session)
    entry = ctx.entries.get(entry_id)
    title = entry.title if entry else entry_id
    if objections.withdraw_objection(ctx.db, session.channel, session.address, entry_id):
        return [Outbound(f"Your objection to {title} is withdrawn.")]
    return [Outbound(f"You have no objection to {title} to withdraw.")]
