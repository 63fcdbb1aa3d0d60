"""Entitlement check: "can I get it?" for one entitlement, or "what can I get?" for all.

States: `entitlement:offer` (after showing a checkable entitlement), `entitlement:ask`
(waiting for the answer to `flow["asking"]`). Answers live in `session.data["answers"]`
for the whole conversation, so nothing is asked twice. See entitlement.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from catalogue.model import Entry
from conversations.eligibility import (
    AGE,
    assess,
    checkable,
    fitting,
    next_question_across,
    question_for,
)
from conversations.flows import feedback
from conversations.flows.common import (
    GUIDE,
    NO,
    NOT_SURE,
    YES,
    Context,
    ask,
    end_flow,
    entry_choices,
    flow_data,
    how_to_apply,
    parse_yes_no,
    words,
)
from conversations.types import Outbound, Session

ALL = "all"
MAX_LISTED = 5
_AGE = re.compile(r"^(?:i'?m |i am |age |aged )?(\d{1,3})(?: ?(?:years?|yrs?|y/?o)(?: old)?)?$")
_ALL_CHECK = re.compile(
    r"^(?:what|which)(?: \w+){0,2} (?:can|could|do|might) i (?:get|claim|have|qualify for)$"
    r"|^what (?:am i|are we) (?:entitled|eligible) (?:to|for)$"
    r"|^(?:am i|are we) (?:entitled|eligible) (?:to|for) anything$"
    r"|^check (?:what i can get|my entitlements?)$"
)
_ONE_CHECK = re.compile(
    r"^(?:can i (?:get|claim|have)|am i (?:entitled to|eligible for)|do i qualify for|"
    r"could i get|check if i can get) (.+)$"
)


def wants_all(text: str) -> bool:
    return _ALL_CHECK.match(words(text).rstrip("?").strip()) is not None


def wants_one(text: str) -> str | None:
    """The thing named in "can I get X?" / "am I entitled to X?", if that is what was said."""
    found = _ONE_CHECK.match(words(text).rstrip("?").strip())
    return found.group(1) if found else None


def offer(ctx: Context, session: Session, entry: Entry, others: Sequence[Entry]
          ) -> list[Outbound]:
    """After showing a checkable entitlement: offer the check (and the alternatives), or
    the verdict straight away when earlier answers already decide it."""
    verdict = assess(entry, session.data.get("answers") or {})
    if verdict.next_question is None:
        session.data["flow"] = {"check": entry.id}
        return result_one(ctx, session, entry.id)
    session.data["flow"] = {"entry": entry.id}
    text = "Would you like to check if you can get it? I'll ask a few quick questions."
    if others:
        text += " Or it might be one of these:"
    choices = [("Check if I can get it", f"check:{entry.id}"), ("No thanks", "answer:no")]
    return [ask(session, "entitlement:offer", text, choices + entry_choices(others))]


def start(ctx: Context, session: Session, target: str) -> list[Outbound]:
    """Begin a check of one entry id, or of every entitlement when `target` is ALL."""
    session.data["flow"] = {"check": target}
    session.data.setdefault("answers", {})
    return step(ctx, session)


def candidates(ctx: Context, target: str) -> list[Entry]:
    if target == ALL:
        return sorted((e for e in ctx.entries.values() if checkable(e)), key=lambda e: e.title)
    return [ctx.entries[target]] if target in ctx.entries else []


def step(ctx: Context, session: Session) -> list[Outbound]:
    """Ask the next unknown question, or give the result when none is left."""
    target = flow_data(session).get("check", ALL)
    answers = session.data.setdefault("answers", {})
    question = next_question_across(candidates(ctx, target), answers, ctx.questions)
    if question is None:
        return result_all(ctx, session) if target == ALL else result_one(ctx, session, target)
    flow_data(session)["asking"] = question
    text = question_for(question, ctx.questions)
    choices = () if question == AGE else (YES, NO, NOT_SURE)
    return [ask(session, "entitlement:ask", text, choices)]


def parse_age(text: str) -> int | str | None:
    """Whole years, None for "dunno"/"skip", "bad" for an impossible age, "" when the text
    is not an answer at all."""
    if parse_yes_no(text) == "unknown":
        return None
    found = _AGE.match(words(text))
    if found is None:
        return ""
    age = int(found.group(1))
    return age if age <= 120 else "bad"


def handle(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    flow = flow_data(session)
    if session.state == "entitlement:offer":
        said = parse_yes_no(text)
        if said == "yes":
            return start(ctx, session, flow.get("entry", ALL))
        if said == "no" and flow.get("entry") in ctx.entries:
            return [feedback.ask_helpful(session, ctx.entries[flow["entry"]], (), "OK.")]
        return None
    asking = flow.get("asking")
    if asking is None:
        return None
    answers = session.data.setdefault("answers", {})
    if asking == AGE:
        age = parse_age(text)
        if age == "":
            return None
        if age == "bad":
            return [ask(session, "entitlement:ask", "Please reply with your age in years, "
                        "for example 15, or SKIP.")]
        answers[AGE] = age
    else:
        said = parse_yes_no(text)
        if said is None:
            return None
        answers[asking] = {"yes": True, "no": False, "unknown": None}[said]
    return step(ctx, session)


def _unsure_text(ctx: Context, codes: Sequence[str]) -> str:
    return " ".join(question_for(c, ctx.questions) if c != AGE else "Your age."
                    for c in codes)


def result_one(ctx: Context, session: Session, entry_id: str) -> list[Outbound]:
    entry = ctx.entries[entry_id]
    answers = session.data.get("answers", {})
    verdict = assess(entry, answers, ctx.questions)
    if verdict.status == "likely":
        text = (f"You are likely to be able to get {entry.title}. "
                f"How to apply: {how_to_apply(entry)}. {GUIDE}")
    elif verdict.status == "unknown":
        text = (f"You may be able to get {entry.title}. Check: {_unsure_text(ctx, verdict.unsure)} "
                f"How to apply: {how_to_apply(entry)}. {GUIDE}")
    else:
        others = fitting(ctx.entries.values(), answers, ctx.questions, exclude=entry.id)[:3]
        text = (f"It looks like you can't get {entry.title}, because "
                + " and ".join(verdict.reasons) + ".")
        if others:
            end_flow(session)
            text += " You might try: " + "; ".join(e.title for e in others) + ". " + GUIDE
            return [ask(session, "answered", text, entry_choices(others))]
        text += " " + GUIDE
    end_flow(session)
    return [Outbound(text), feedback.ask_helpful(session, entry, ())]


def result_all(ctx: Context, session: Session) -> list[Outbound]:
    answers = session.data.get("answers", {})
    verdicts = [assess(e, answers, ctx.questions) for e in candidates(ctx, ALL)]
    likely = [v.entry for v in verdicts if v.status == "likely"]
    maybe = [v.entry for v in verdicts if v.status == "unknown"]
    end_flow(session)
    if not likely and not maybe:
        return [Outbound("From your answers I couldn't find an entitlement that fits. "
                         "Ask me about anything else, or send MENU. " + GUIDE)]
    parts = []
    if likely:
        parts.append("You are likely to be able to get: "
                     + "; ".join(e.title for e in likely) + ".")
    if maybe:
        parts.append("You may be able to get (you weren't sure of something): "
                     + "; ".join(e.title for e in maybe) + ".")
    listed = (likely + maybe)[:MAX_LISTED]
    parts.append("Pick one to see how to apply. " + GUIDE)
    return [ask(session, "answered", " ".join(parts), entry_choices(listed))]
