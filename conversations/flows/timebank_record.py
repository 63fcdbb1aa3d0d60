"""Recording an exchange told in the member's own words: which member was meant, how
long, and a correction or cancel by the recorder just after. See timebank.md."""

from __future__ import annotations

from conversations import timebank, timebank_words
from conversations import timebank_notices as notices
from conversations.flows.common import Context, ask, choice_named, end_flow, flow_data
from conversations.flows.common import parse_yes_no as yes_no
from conversations.flows.timebank_member import by
from conversations.timebank import Exchange, LedgerError, Member
from conversations.timebank_words import Said
from conversations.types import Outbound, Session

RECORDING = frozenset({"which", "hours"})  # recording's states


def record_said(ctx: Context, session: Session, me: Member, said: Said) -> list[Outbound]:
    if me.status != "active":
        return [Outbound("A coordinator hasn't approved your membership yet, so I haven't "
                         "recorded this. I'll message you when they have: then tell me again.")]
    session.data["flow"] = {"kind": "timebank", "i_gave": said.i_gave, "what": said.what,
                            "minutes": said.minutes, "name": said.other}
    found = timebank.named(ctx.db, said.other, excluding=me.id)
    if not found:
        end_flow(session)
        return [Outbound(f"I don't know a time bank member called {said.other}. Check the "
                         "spelling, or ask them to join by texting JOIN TIME BANK.")]
    if len(found) > 1:
        choices = [(m.described, f"answer:member:{m.id}") for m in found[:4]]
        return [ask(session, "timebank:which", f"Which {said.other} do you mean?",
                    [*choices, ("None of these", "answer:no")])]
    flow_data(session)["other"] = found[0].id
    return _ready(ctx, session, me)


def _ready(ctx: Context, session: Session, me: Member) -> list[Outbound]:
    flow = flow_data(session)
    if not flow.get("minutes"):
        return [ask(session, "timebank:hours", "How long was it? For example \"2 hours\" or "
                    "\"30 minutes\".")]
    other = timebank.member(ctx.db, flow["other"])
    assert other is not None
    giver, receiver = (me, other) if flow["i_gave"] else (other, me)
    end_flow(session)
    if (told := timebank.same_pending(ctx.db, giver.id, receiver.id, int(flow["minutes"]),
                                      flow.get("what", ""), by(me), ctx.now)) is not None:
        return [Outbound(f"You've told me that already: {other.name} was asked to confirm "
                         f"{timebank.hours_text(told.minutes)} and hasn't answered yet. If it "
                         "was another time, tell me again with the day (\"... on Tuesday\").")]
    try:
        made = timebank.record(ctx.db, giver.id, receiver.id, int(flow["minutes"]),
                               flow.get("what", ""), by(me), ctx.now, ctx.timebank)
    except LedgerError as error:
        return [Outbound(f"I couldn't record that. {error}")]
    session.data["recorded"] = made.id  # "oops i meant 3 hours" next: `correct_recorded`
    hours = timebank.hours_text(made.minutes)
    if not _ask_other(ctx, made, me, other):
        return [Outbound(f"Recorded {hours} with {other.name}. {other.name} can't get "
                         "messages, so a coordinator will confirm it.")]
    return [Outbound(f"Thanks! I've asked {other.name} to confirm {hours}. It counts once "
                     "they say yes; I'll let you know.")]


def _ask_other(ctx: Context, made: Exchange, me: Member, other: Member,
               instead_of: Exchange | None = None) -> bool:
    """Ask the other member to confirm (True), or, when they can't get messages, tell the
    coordinators, who confirm it for them (False)."""
    if notices.ask_to_confirm(ctx.db, made, me, other, ctx.now, instead_of):
        return True
    replaces = f" It replaces exchange {instead_of.id}, which won't count." if instead_of \
        else ""
    notices.tell_coordinators(ctx.db, ctx.timebank, f"timebank-unreachable:{made.id}",
                              f"Time bank: exchange {made.id} "
                              f"({timebank.hours_text(made.minutes)}) needs {other.name} "
                              f"#{other.id} to confirm; they have no phone or have asked for "
                              f"no messages.{replaces}", ctx.now)
    return False


def correct_recorded(ctx: Context, session: Session, me: Member, exchange_id: int, text: str
                     ) -> list[Outbound] | None:
    """"oops i meant 3 hours", "sorry that was wrong, cancel it", just after recording an
    exchange: put right before the other member confirms the wrong one. None for any
    other message."""
    if (said := timebank_words.correction_said(text)) is None:
        return None
    found = timebank.exchange(ctx.db, exchange_id)
    other = timebank.member(ctx.db, found.other(me.id)) if found else None
    if found is None or other is None or found.recorded_by != by(me):
        return None
    hours = timebank.hours_text(found.minutes)
    if found.state != "pending":
        return [Outbound(f"{other.name} has already confirmed the {hours}, so I can't change "
                         "it here: a coordinator can put it right." if found.state ==
                         "confirmed" else f"The {hours} with {other.name} doesn't count "
                         "already: there's nothing to change.")]
    kind, minutes = said
    session.data["recorded"] = exchange_id  # still open to a correction
    if minutes == found.minutes:
        return [Outbound(f"That's what I recorded: {hours} with {other.name}, waiting for "
                         "their YES.")]
    if kind == "unclear":
        return [Outbound(f"Do you want to cancel the {hours} with {other.name}? Reply CANCEL "
                         "IT, or send the right time, e.g. \"I meant 90 minutes\".")]
    if kind == "cancel" or minutes is None:  # the id kept: said twice, "nothing to change"
        timebank.take_back(ctx.db, exchange_id, by(me), ctx.now)
        told = notices.taken_back(ctx.db, found, me, other, ctx.now)
        return [Outbound(f"OK, I've cancelled the {hours} with {other.name}: it won't count"
                         + (", and I've told them." if told else ", and they won't be asked "
                            "about it."))]
    try:
        made = timebank.correct(ctx.db, exchange_id, minutes, by(me), ctx.now, ctx.timebank)
    except LedgerError as error:
        return [Outbound(f"I couldn't change that. {error} The {hours} still waits for "
                         f"{other.name}'s YES.")]
    session.data["recorded"] = made.id
    new = timebank.hours_text(made.minutes)
    asked = f"I've asked {other.name} to confirm {new} instead." if _ask_other(
        ctx, made, me, other, found) else "A coordinator will confirm it."
    return [Outbound(f"OK, changed to {new}: the {hours} won't count. {asked}")]


def _which(ctx: Context, session: Session, me: Member, text: str) -> list[Outbound] | None:
    if text.startswith("member:") and text[7:].isdigit():
        flow_data(session)["other"] = int(text[7:])
        return _ready(ctx, session, me)
    if yes_no(text) == "no":
        end_flow(session)
        return [Outbound("OK, nothing recorded.")]
    picked = choice_named(session, text)  # "the one in northgate"
    if picked is not None and picked.startswith("answer:"):
        return _which(ctx, session, me, picked.removeprefix("answer:"))
    return None


def _hours(ctx: Context, session: Session, me: Member, text: str) -> list[Outbound] | None:
    minutes = timebank_words.duration(text)
    if minutes is None:
        return None if len(text.split()) > 4 else [ask(
            session, "timebank:hours", "Please say how long, like \"2 hours\" or \"45 minutes\".")]
    flow_data(session)["minutes"] = minutes
    return _ready(ctx, session, me)



def answer_recording(ctx: Context, session: Session, me: Member, state: str, text: str
                     ) -> list[Outbound] | None:
    """The answer to one of recording's questions (`state` is one of RECORDING)."""
    if state == "which":
        return _which(ctx, session, me, text)
    return _hours(ctx, session, me, text)
