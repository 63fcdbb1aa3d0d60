"""The time bank by text: join, record an exchange in your own words, confirm one, BALANCE,
STATEMENT, offers and requests, matches and introductions. See timebank.md.

States: `timebank:name`, `timebank:ward`, `timebank:offers`, `timebank:needs` (joining),
`timebank:which` (which member was meant), `timebank:hours` (how long), `timebank:confirm`
(the other member's YES or NO, set by conversations/timebank_notices.py), `timebank:intro`
(agreeing to an introduction), `timebank:matches` (picking whom to ask), `timebank:pick`
(which of several waiting exchanges a YES or NO is for), `timebank:pick_intro` (the same
for introductions).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from catalogue.model import Entry
from conversations import records, timebank, timebank_words
from conversations import timebank_notices as notices
from conversations.flows.common import (
    Context,
    ask,
    choice_named,
    end_flow,
    first_name,
    flow_data,
    is_skip,
    leading_yes_no,
    looks_like_question,
    words,
)
from conversations.flows.common import parse_yes_no as yes_no
from conversations.flows.objection import postcode_in
from conversations.flows.timebank_matches import (
    answer_intros,
    ask_introduction,
    close_listing,
    in_touch,
    intro_answer,
    matches,
    post_listing,
    relay,
    show_listings,
)
from conversations.flows.volunteering import read_age
from conversations.outbox import replied_to
from conversations.people import own_age, relation
from conversations.timebank import Exchange, LedgerError, Member
from conversations.timebank_words import Said
from conversations.types import Outbound, Session

# Questions whose answer is the person's own words: never read as a new request
# (conversations/engine.py WAITING), and asked again after small talk.
WAITING = frozenset({"timebank:age", "timebank:name", "timebank:ward", "timebank:offers",
                     "timebank:needs", "timebank:hours", "timebank:which", "timebank:confirm",
                     "timebank:intro"})
REACHABLE = ("sms", "telegram")  # channels the outbox can start a message on
SKILLS = "gardening, shopping, lifts, company, DIY, tech help, cooking"
HOW_TO_RECORD = ("Just tell me in your own words, e.g. \"I helped Priya with her garden for 2 "
                 "hours\" or \"Priya gave me a lift, 1 hour\". I'll ask them to confirm, and "
                 "it counts once they say YES.")
NOT_MEMBER = ("That's for time bank members. Send JOIN TIME BANK to join: it's free, and "
              "you can ask for help before you have given any.")

def member_of(ctx: Context, session: Session) -> Member | None:
    return timebank.member_for(ctx.db, session.channel, session.address)


def by(member: Member) -> str:
    return by_id(member.id)


def by_id(member_id: int) -> str:
    """Who recorded or decided an exchange, as the ledger keeps it."""
    return f"member:{member_id}"


def route(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """A new message the time bank answers, or None when it is something else."""
    recorded = session.data.pop("recorded", None)  # only the next message may correct it
    if timebank_words.wants_join(text):
        return start_join(ctx, session, own_age(text))
    me = member_of(ctx, session)
    if me is not None and recorded and (
            fixed := correct_recorded(ctx, session, me, int(recorded), text)) is not None:
        return fixed
    if timebank_words.wants_leave(text):
        return [Outbound(NOT_MEMBER if me is None else "To leave the time bank, send FORGET "
                         "ME. It deletes what I hold about you and ends your membership ("
                         + leaving_note(ctx, me) + "); past exchanges stay in the books "
                         "without your name.")]
    coordinator = ctx.timebank.is_coordinator(session.channel, session.address)
    if coordinator and (number := timebank_words.approval_said(text)) is not None:
        return approve(ctx, number)
    if (figures := figures_asked(ctx, me, text)) is not None:
        return [figures]
    if me is not None and timebank_words.wants_how_to_record(text):
        return [Outbound(HOW_TO_RECORD)]
    said = timebank_words.exchange_said(text)
    if said is not None:
        said = _owner_named(ctx, said, me)
    if said is not None and not said.certain and not timebank.named(
            ctx.db, said.other, excluding=me.id if me is not None else None):
        said = None  # "spent 2 hours on the phone to universal credit": nobody's hour
    if said is not None and me is not None:
        return record_said(ctx, session, me, said)
    if said is not None and said.minutes is not None and (
            timebank.named(ctx.db, said.other) or _told_like_a_member(text, said)):
        return [Outbound(NOT_MEMBER)]  # else it may be a question ("I care for my nan ...")
    if me is None:
        return None
    if (answered := answer_waiting(ctx, session, text)) is not None:
        return answered
    if (listing := timebank_words.listing_said(text)) is not None:
        return post_listing(ctx, me, *listing)
    if timebank_words.wants_listings(text):
        return show_listings(ctx, session, me)
    if (number := timebank_words.close_said(text)) is not None:
        return close_listing(ctx, session, me, number)
    if timebank_words.wants_matches(text):
        return matches(ctx, session, me)
    if (relayed := timebank_words.relay_said(text)) is not None:
        return relay(ctx, me, *relayed)
    if (loose := timebank_words.loose_relay_said(text)) is not None and \
            in_touch(ctx, me, loose[0]):
        return relay(ctx, me, loose[0], "", loose[1])
    return None


def _owner_named(ctx: Context, said: Said, me: Member | None) -> Said:
    """"did priyas garden 2 hours": the member Priya, and "their garden", when no member is
    called Priyas."""
    owner = timebank_words.owner_of(said.other)
    excluding = me.id if me is not None else None
    if owner is None or timebank.named(ctx.db, said.other, excluding=excluding) or \
            not timebank.named(ctx.db, owner, excluding=excluding):
        return said
    return replace(said, other=owner, what=f"their {said.what}" if said.what else "")


# a question anywhere in a message ("..., how do i complain")
_ASKS = re.compile(r"\?|\b(?:can|could|do|does|should|will|would) (?:i|we|you)\b|"
                   r"\b(?:how|what|where|why|who|is there|are there)\b", re.IGNORECASE)


def _told_like_a_member(text: str, said: Said) -> bool:
    """"I helped Tom with his garden for 2 hours": hours given to someone named as a name is
    written (not "Mum"), and no question asked, from someone who is no member yet."""
    named = re.search(rf"\b{re.escape(said.other)}\b", text) is not None
    relative = relation(f"my {said.other}") is not None  # "Mum", "Grandma"
    return said.certain and said.i_gave and named and not relative and \
        _ASKS.search(text) is None


def leaving_note(ctx: Context, me: Member) -> str:
    """What FORGET ME does to a member's place in the time bank, for them to agree to."""
    balance = timebank.hours_text(timebank.balance(ctx.db, me.id))
    waiting = len(timebank.undecided(ctx.db, me.id))
    pending = f", {waiting} waiting won't count" if waiting else ""
    return f"balance {balance} goes{pending}"


def answer_waiting(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """A YES or NO from a member with exchanges waiting for them: it answers those (the
    engine asks this before reading a lone "yes" as small talk)."""
    if (answer := member_answering(ctx, session, text)) is None:
        return _who_waiting(ctx, session, text) or _unsure_or_another_time(ctx, session, text)
    me, yes, replied, times = answer
    if timebank.awaiting(ctx.db, me.id) and not yes:  # "no it was 1 hour not 3": a correction
        return answer_pending(ctx, session, me, False, replied,
                              times=timebank_words.durations(text), why=_reason_of_no(text))
    if timebank.awaiting(ctx.db, me.id):
        return answer_pending(ctx, session, me, yes, replied, times=times)
    if replied is not None:
        return [Outbound(ALREADY_ANSWERED)]
    return answer_intros(ctx, session, me, yes)


_UNSURE = re.compile(r"\b(?:not sure|unsure|dunno|dont know|don'?t know|idk|no idea|maybe|"
                     r"can'?t remember|cant remember)\b")
UNSURE = ("No problem: nothing counts until you say YES. If it isn't right, reply NO, or NO "
          "and the right time, e.g. \"NO, 1 hour\".")


def _unsure_or_another_time(ctx: Context, session: Session, text: str
                            ) -> list[Outbound] | None:
    """"not sure", or another time without a yes or no ("i think it was only 1 hour"), from
    a member an exchange waits for: how to put it right, nothing decided (as while the
    question is open, `handle`)."""
    if looks_like_question(text) or len(text.split()) > 8:
        return None  # "the bus was 20 minutes late, is there help": a request of its own
    unsure = _UNSURE.search(text.lower()) is not None
    if not unsure and not _CORRECTION.search(text.lower()):
        return None
    me = member_of(ctx, session)
    if me is None or not timebank.awaiting(ctx.db, me.id):
        return None
    if unsure:
        return [Outbound(UNSURE)]
    times = timebank_words.durations(text)
    if not times:
        return None
    return answer_pending(ctx, session, me, True, answered_exchange(ctx, me), keep_flow=True,
                          times=times, vague=True)


def answer_replied(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """A YES or NO replying to an exchange's message (or pressed on its button) answers
    that exchange whatever else the session waits for; that question stays open (the
    engine puts it again). None when the message answers no exchange's message."""
    if (answer := member_answering(ctx, session, text)) is None or answer[2] is None:
        return None
    me, yes, replied, times = answer
    elsewhere = not session.state.startswith("timebank:")
    return answer_pending(ctx, session, me, yes, replied, keep_flow=elsewhere, times=times)


def said_yes_no(text: str) -> tuple[str | None, tuple[int, ...]]:
    """(yes / no / None, the times said with a yes) for "YES", "no, he didn't come",
    "yeah thanks sam x", "yes but it was only an hour and a half"."""
    said = yes_no(text)
    if said is not None:
        return said, ()
    led = leading_yes_no(text)
    corrects = led == "yes" and _CORRECTION.search(text.lower()) is not None
    return led, timebank_words.durations(text) if corrects else ()


def member_answering(ctx: Context, session: Session, text: str
                     ) -> tuple[Member, bool, int | None, tuple[int, ...]] | None:
    """(the member, whether they said yes, the exchange their message replies to, the
    times they said with a yes) for a YES or NO from a time-bank member; None for
    anything else."""
    said, minutes = said_yes_no(text)
    if said not in ("yes", "no"):
        return None
    me = member_of(ctx, session)
    if me is None:
        return None
    return me, said == "yes", answered_exchange(ctx, me), minutes


# -- joining ----------------------------------------------------------------------------------

_TIME_BANK = re.compile(r"\btime ?bank\b", re.IGNORECASE)
# a yes that gives another time ("yes but it was only an hour"), not "yes see you in 2 mins"
_CORRECTION = re.compile(r"\b(?:but|only|actually|really|more like|nearer|closer to|was|were|"
                         r"took)\b")


def is_time_bank(entry: Entry) -> bool:
    """A catalogue entry that is the time bank itself ("Sample Borough Time Bank"): joining
    it is joining this time bank, not a volunteering sign-up for an organiser."""
    return _TIME_BANK.search(entry.title) is not None


def offer_join(session: Session) -> Outbound:
    """After showing the time bank's entry: join it here."""
    return ask(session, "answered", "You can join it here: I'll ask your first name, where you "
               "live and what you could offer.", [("Join the time bank", "ask:join time bank")])


def start_join(ctx: Context, session: Session, said_age: int | None = None) -> list[Outbound]:
    """Joining, from its age question; `said_age` is an age the request itself gave ("im 13
    can i join the time bank")."""
    me = member_of(ctx, session)
    if me is not None:
        end_flow(session)
        waiting = " A coordinator will approve you soon." if me.status == "waiting" else ""
        return [Outbound(f"You're already a time bank member, {me.name}.{waiting} Send "
                         "BALANCE, STATEMENT or MATCHES, or tell me when you help someone.")]
    if session.channel not in REACHABLE:
        end_flow(session)
        return [Outbound("The time bank works by text message or Telegram, so other members "
                         "can reach you through me. Text JOIN TIME BANK from your phone.")]
    session.data["flow"] = {"kind": "timebank"}
    age = said_age if said_age is not None else (session.data.get("answers") or {}).get("age")
    if isinstance(age, int):
        return _age_given(session, age)
    return [ask(session, "timebank:age", "Welcome to the time bank: an hour of help given "
                "earns an hour back. Members meet to help each other, so it is for adults. "
                "How old are you?")]


TOO_YOUNG = ("Thank you for wanting to help! The time bank is for adults (18 and over), "
             "because members meet people they don't know. Ask me about volunteering "
             "instead: some roles are for young people, with an organiser there.")


def _age(session: Session, text: str) -> list[Outbound] | None:
    age = read_age(text)
    if age is None:
        return None if len(text.split()) > 3 else [
            ask(session, "timebank:age", "Please send your age as a number, like 34.")]
    session.data.setdefault("answers", {})["age"] = age
    return _age_given(session, age)


def _age_given(session: Session, age: int) -> list[Outbound]:
    if age < timebank.MIN_AGE:
        end_flow(session)
        return [Outbound(TOO_YOUNG)]
    return [ask(session, "timebank:name", "What's your first name? Other members see only "
                "that and your ward, never your number.")]


def _name(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    name = first_name(text)
    if name is None:
        return [ask(session, "timebank:name", "Please send just your first name, in "
                    "letters (for example Sam).")]
    flow_data(session)["name"] = name
    person = records.get_person(ctx.db, session.channel, session.address) or {}
    if person.get("ward"):
        flow_data(session)["ward"] = person["ward"]
        return _ask_offers(session)
    return [ask(session, "timebank:ward", "Which ward or postcode do you live in? It helps "
                "find members near you. Reply SKIP to leave it out.")]


def _ward(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    ward = None
    if (postcode := postcode_in(text)) is not None:  # alone, or "i live in ZZ1 1AA, near ..."
        ward = records.ward_for_postcode(ctx.db, postcode)
    elif not is_skip(text):
        ward = records.ward_named(ctx.db, text)
        if ward is None and looks_like_question(text):
            return None  # "what is the time bank?": answered, the joining set aside
        flow = flow_data(session)
        if ward is None and not flow.get("ward_asked_again"):
            flow["ward_asked_again"] = True
            return [ask(session, "timebank:ward", f'I don\'t know a ward called "{text[:30]}". '
                        "Send your postcode (like AB1 2CD), a ward's name, or SKIP.")]
        if ward is None:  # twice: go on without it rather than ask a third time
            flow["ward"] = None
            return _ask_offers(session, "I'll leave your ward out for now. ")
    flow_data(session)["ward"] = ward
    return _ask_offers(session)


def _ask_offers(session: Session, before: str = "") -> list[Outbound]:
    return [ask(session, "timebank:offers", f"{before}What could you offer? For example "
                f"{SKILLS}, or your own words. Reply SKIP if nothing yet: you can still get "
                "help.")]


def _offers(ctx: Context, session: Session, text: str) -> list[Outbound]:
    if yes_no(text) == "yes":  # "ok", "sure": no offer said yet
        return _ask_offers(session, "Great! ")
    flow_data(session)["offers"] = "" if is_skip(text) else text.strip()[:200]
    return _ask_needs(session)


def _ask_needs(session: Session, before: str = "") -> list[Outbound]:
    return [ask(session, "timebank:needs", f"{before}And what might you need help with? The "
                "same kinds of thing, your own words, or SKIP.")]


def _needs(ctx: Context, session: Session, text: str) -> list[Outbound]:
    if yes_no(text) == "yes":
        return _ask_needs(session, "Great! ")
    flow = flow_data(session)
    needs = "" if is_skip(text) else text.strip()[:200]
    me = timebank.join(ctx.db, session.channel, session.address, flow["name"], flow.get("ward"),
                       flow.get("offers", ""), needs, ctx.now, ctx.timebank)
    end_flow(session)
    if me.status == "waiting":
        notices.new_member(ctx.db, me, ctx.timebank, ctx.now)
        return [Outbound(f"Thanks, {me.name}! A coordinator approves new members here; I'll "
                         "message you as soon as they have.")]
    other = "Sam" if me.name == "Priya" else "Priya"
    return [Outbound(f"Welcome, {me.name}! When you help someone, tell me, e.g. \"I helped "
                     f"{other} with the garden for 2 hours\". Send MATCHES to find help, "
                     "BALANCE or STATEMENT any time.")]


def approve(ctx: Context, member_id: int) -> list[Outbound]:
    found = timebank.member(ctx.db, member_id)
    if found is not None and found.status == "active" and found.first_name:
        return [Outbound(f"{found.name} #{member_id} is already a member: nothing to do.")]
    if found is None or not timebank.approve(ctx.db, member_id):
        return [Outbound(f"There is no member #{member_id} waiting for approval.")]
    notices.approved(ctx.db, found, ctx.now)
    return [Outbound(f"Approved {found.name} #{member_id}; I've told them.")]


# -- recording an exchange ------------------------------------------------------------------

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


# -- answering YES or NO to an exchange -------------------------------------------------------

def answer_pending(ctx: Context, session: Session, me: Member, yes: bool,
                   exchange_id: int | None = None, keep_flow: bool = False,
                   times: tuple[int, ...] = (), why: str = "", vague: bool = False
                   ) -> list[Outbound]:
    """YES or NO to an exchange waiting for `me`; a yes that gives another time than the
    one recorded (among the `times` said) confirms nothing, and says how to put it right; a
    no that does is passed on as a correction, and a no's other words (`why`) as its
    reason."""
    if not keep_flow:
        end_flow(session)
    waiting = timebank.awaiting(ctx.db, me.id)
    if exchange_id is None and len(waiting) > 1:  # what was said waits for the pick
        return ask_which_exchange(ctx, session, me, waiting, yes,
                                  {"times": list(times), "why": why, "vague": vague})
    if exchange_id is None:
        chosen = waiting[0] if waiting else None
    else:  # the one meant, never another in its place
        chosen = next((e for e in waiting if e.id == exchange_id), None)
    if chosen is None:
        return [Outbound(ALREADY_ANSWERED)]
    minutes = next((t for t in times if t != chosen.minutes), None)  # "1 hour not 3 hours"
    if vague and minutes is None:
        return [Outbound(f"Reply YES to confirm {timebank.hours_text(chosen.minutes)}, or NO "
                         "if not.")]
    if yes and minutes is not None and minutes != chosen.minutes:
        other = timebank.member(ctx.db, chosen.other(me.id))
        name = other.name if other else "They"
        recorded, said = timebank.hours_text(chosen.minutes), timebank.hours_text(minutes)
        return [Outbound(f"{name} recorded {recorded}. If it was {said}, reply \"NO, {said}\" "
                         f"and I'll tell {name}. Or reply YES to confirm {recorded}.")]
    if not yes:
        timebank.decline(ctx.db, chosen.id, by(me), ctx.now)
        other = timebank.member(ctx.db, chosen.other(me.id))
        name = other.name if other else "them"
        if minutes is not None and minutes != chosen.minutes:
            notices.answered(ctx.db, chosen, me, False, ctx.timebank, ctx.now, minutes=minutes)
            return [Outbound(f"OK, the {timebank.hours_text(chosen.minutes)} won't count. I've "
                             f"told {name} it was {timebank.hours_text(minutes)}, so they can "
                             "record that.")]
        notices.answered(ctx.db, chosen, me, False, ctx.timebank, ctx.now, why=why)
        return [Outbound("OK, it won't count. I've told them, and a coordinator may check "
                         "with you both.")]
    outcome = timebank.confirm(ctx.db, chosen.id, by(me), ctx.now, ctx.timebank)
    if outcome == "over_limit":
        notices.over_limit(ctx.db, chosen, ctx.timebank, ctx.now, me)
        return [Outbound("I can't count that yet: it would go past the time bank's limit. "
                         "A coordinator will be in touch.")]
    if outcome != "confirmed":
        return [Outbound("That exchange has already been answered.")]
    notices.answered(ctx.db, chosen, me, True, ctx.timebank, ctx.now)
    return [Outbound(f"Thank you, confirmed. {balance_text(ctx, me)}")]


ALREADY_ANSWERED = "That exchange has already been answered. Send STATEMENT to see yours."


def decline_after_disclosure(ctx: Context, session: Session) -> None:
    """A NO to "Is that right?" that also raised a safeguarding concern ("NO. he's my ex,
    he keeps following me"): the exchange does not count, and only the coordinators are
    told, never the member who recorded it, nor the words."""
    me = member_of(ctx, session)
    exchange_id = flow_data(session).get("exchange")
    if me is None or not exchange_id or \
            timebank.decline(ctx.db, int(exchange_id), by(me), ctx.now) != "declined":
        return
    notices.tell_coordinators(
        ctx.db, ctx.timebank, f"timebank-declined:{exchange_id}",
        f"Time bank: exchange {exchange_id} was declined by {me.name} #{me.id} in a message "
        "that raised a safeguarding concern (the council's safeguarding contact has it). "
        "Please look into it before anything more passes between these members.", ctx.now)


# a time told of help already given ("it was 1 hour", "not 3"), not offered ("i can do 1 hour")
_DONE = re.compile(r"\b(?:it was|it were|was only|wasn'?t|more like|took|not (?:\d|an?|one|two|"
                   r"three))\b")


def _reason_of_no(text: str) -> str:
    """"he never turned up" from "no, he never turned up"; "" for a bare NO."""
    rest = re.sub(r"^\W*(?:no+|nope|nah|na)\b\W*", "", text.strip(), flags=re.IGNORECASE)
    return rest.strip(" .!") if len(rest.split()) >= 2 else ""


def answered_exchange(ctx: Context, me: Member) -> int | None:
    """The exchange whose "please confirm" message the member replied to or pressed a
    button on (Telegram gives its id; the outbox kept it when it was sent), or None."""
    if not ctx.replying_to or not me.channel or not me.address:
        return None
    sent = replied_to(ctx.db, me.channel, me.address, ctx.replying_to)
    prefix, _, number = sent.key.rpartition(":") if sent else ("", "", "")
    return int(number) if prefix == notices.CONFIRM_KEY and number.isdigit() else None


def ask_which_exchange(ctx: Context, session: Session, me: Member, waiting: list[Exchange],
                       yes: bool, said: dict[str, Any] | None = None) -> list[Outbound]:
    choices = []
    for pending in waiting[:4]:
        other = timebank.member(ctx.db, pending.other(me.id))
        label = f"{other.name if other else 'Someone'}, {timebank.hours_text(pending.minutes)}"
        if pending.note:
            label += f", {pending.note[:20]}"
        choices.append((label, f"answer:exchange:{pending.id}"))
    session.data["flow"] = {"kind": "timebank", "yes": yes, **(said or {})}
    word = "confirm" if yes else "say no to"
    return [ask(session, "timebank:pick", f"{len(waiting)} exchanges are waiting for you. "
                f"Which one do you want to {word}?", choices)]


_NOT_PICKING = re.compile(r"\b(?:the|one|ones|please|pls|yes|yeah|yep|no|nope|that|this|for|"
                          r"with|i|mean|meant|it|its|it's|was|a|an|of|about|ok|okay|confirm|"
                          r"is|one's)\b")


def _exchange_picked(session: Session, text: str) -> int | None:
    """The exchange a pick names: its button or number, or in words ("the garden one",
    "sams garden", "the first one", "the last one"), read without the words every answer
    has ("the", "one"), which would pick "the shopping" for "the garden one"."""
    if text.startswith("exchange:") and text[9:].isdigit():
        return int(text[9:])
    said = re.sub(r"\s+", " ", _NOT_PICKING.sub(" ", words(text))).strip()
    actions: list[str] = session.data.get("choices") or []
    if said in ("last", "latest", "newest", "other") and actions:
        picked: str | None = actions[-1]
    else:
        picked = choice_named(session, said) if said else None
    if picked is None or not picked.startswith("answer:exchange:"):
        return None
    number = picked.removeprefix("answer:exchange:")
    return int(number) if number.isdigit() else None


def _answer_picked(ctx: Context, session: Session, me: Member, exchange_id: int,
                   flow: dict[str, Any]) -> list[Outbound]:
    """The YES or NO said before the pick, for the exchange picked; when one other waits,
    its question is put next, so a "yes" after it is plainly for that one."""
    times = tuple(flow.get("times") or ())
    replies = answer_pending(ctx, session, me, bool(flow.get("yes")), exchange_id,
                             times=times, why=flow.get("why", ""),
                             vague=bool(flow.get("vague")))  # "no it was 1 hour not 3"
    left = timebank.awaiting(ctx.db, me.id)
    if times or flow.get("vague") or len(left) != 1:
        return replies
    return [*replies, confirm_again(ctx, session, me, left[0])]


def confirm_again(ctx: Context, session: Session, me: Member, exchange: Exchange) -> Outbound:
    """"Sam says they helped you ... Is that right?" put (again): the session waits for the
    YES or NO to that exchange."""
    recorder = timebank.member(ctx.db, exchange.other(me.id))
    text = notices.confirm_text(ctx.db, exchange, recorder) if recorder is not None else \
        f"Reply YES to confirm {timebank.hours_text(exchange.minutes)}, or NO if not."
    asked = ask(session, "timebank:confirm", text, [("Yes", "answer:yes"), ("No", "answer:no")])
    session.data["flow"] = {"exchange": exchange.id}
    return asked


def _asked_back(ctx: Context, session: Session, me: Member, text: str
                ) -> list[Outbound] | None:
    """"who is sam?", "who's that?", "what is this?" at "Is that right?" or at "would like
    to be put in touch": who the other member is (first name and ward, as members see each
    other), and the question again; None for any other question."""
    who = timebank_words.asks_who(text)
    if who is None:
        return None
    flow = flow_data(session)
    if session.state == "timebank:intro":
        other = timebank.intro_asker(ctx.db, int(flow.get("intro") or 0))
        if other is None or not _names(who, other):
            return None
        return [Outbound(who_is(other)), ask(
            session, "timebank:intro", f"Would you like to be put in touch with {other.name}? "
            "Your number stays private. Reply YES or NO.", [("Yes", "answer:yes"),
                                                            ("No", "answer:no")])]
    waiting = timebank.awaiting(ctx.db, me.id)
    asked = next((e for e in waiting if e.id == flow.get("exchange")),
                 waiting[0] if len(waiting) == 1 else None)
    other = timebank.member(ctx.db, asked.other(me.id)) if asked is not None else None
    if asked is None or other is None or not _names(who, other):
        return None
    return [Outbound(who_is(other)), confirm_again(ctx, session, me, asked)]


def _names(who: str, member: Member) -> bool:
    """Whether "who is X?" asks about this member: their name ("sam", "sams") or a
    pronoun, at a question about them."""
    name = member.name.lower()
    return who in timebank_words.WHO_PRONOUNS or who == name or \
        timebank_words.owner_of(who) == name


def who_is(member: Member) -> str:
    where = f" in {member.ward}" if member.ward else ""
    return (f"{member.name} is a time bank member{where}. Members see each other's first name "
            "and ward, never a phone number.")


def _who_waiting(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """"who is sam?" later, from a member with Sam's exchange waiting for them: who Sam is,
    and that exchange's question again."""
    who = timebank_words.asks_who(text)
    busy = ":" in session.state and not session.state.startswith(notices.PASSING)
    named = who is not None and who not in timebank_words.WHO_PRONOUNS  # "who is he?": who?
    me = member_of(ctx, session) if named and not busy else None  # not mid-way in a check
    if me is None or who is None:
        return None
    for waiting in timebank.awaiting(ctx.db, me.id):
        other = timebank.member(ctx.db, waiting.other(me.id))
        if other is not None and other.first_name and _names(who, other):
            return [Outbound(who_is(other)), confirm_again(ctx, session, me, waiting)]
    return None


# -- BALANCE and STATEMENT ----------------------------------------------------------------------

def figures_asked(ctx: Context, me: Member | None, text: str) -> Outbound | None:
    """The reply to BALANCE or STATEMENT (NOT_MEMBER for someone who is none); None for any
    other message."""
    wants_statement, year = timebank_words.wants_statement(text)
    wants_balance = timebank_words.wants_balance(text)
    if not (wants_statement or wants_balance) and me is not None:  # "statement please"
        wants_statement, year = timebank_words.asks_statement(text)
        wants_balance = timebank_words.asks_balance(text)
    if not (wants_statement or wants_balance):
        return None
    if me is None:
        return Outbound(NOT_MEMBER)
    return Outbound(statement_text(ctx, me, year) if wants_statement else balance_text(ctx, me))


def balance_text(ctx: Context, me: Member) -> str:
    hours = timebank.hours_text(timebank.balance(ctx.db, me.id))
    waiting = timebank.pending_count(ctx.db, me.id)
    limit = timebank.hours_text(ctx.timebank.min_balance_minutes)
    text = f"Your time bank balance is {hours}."
    if waiting:
        text += f" {waiting} exchange{'s' if waiting != 1 else ''} waiting to be confirmed."
    return text + f" Balances can go down to {limit}: you can ask for help any time."


def statement_text(ctx: Context, me: Member, year: int | None) -> str:
    found = timebank.statement(ctx.db, me.id, year)
    when = f"in {year}" if year else "so far"
    text = (f"Your statement {when}: you gave {timebank.hours_text(found.given)} and "
            f"received {timebank.hours_text(found.received)}.")
    shown = 0
    for line in reversed(found.lines[-3:]):
        way = "gave" if line.minutes > 0 else "got from"
        note = line.exchange.note
        if len(note) > STATEMENT_NOTE:  # cut at a word, and say so
            note = note[:STATEMENT_NOTE].rsplit(" ", 1)[0] + "..."
        what = f" ({_note_as_read(line, me, note)})" if note else ""
        piece = (f" {timebank.uk_day(line.exchange.decided_at):%d/%m}: {way} "
                 f"{line.other} {timebank.hours_text(abs(line.minutes))}{what}.")
        if len(text) + len(piece) > 230:
            break
        text += piece
        shown += 1
    if earlier := len(found.lines) - shown:
        text += f" And {earlier} earlier: a coordinator can send them all."
    if found.pending:
        text += f" {found.pending} waiting to be confirmed."
    return text


STATEMENT_NOTE = 30  # characters of an exchange's note in an SMS statement
# words that are the writer's point of view: "her garden" was Sam's word for Priya's
_POINT_OF_VIEW = re.compile(r"\b(?:my|me|mine|i|i'm|im|her|his|their|him|them|she|he|they|"
                            r"our|us)\b", re.IGNORECASE)


def _note_as_read(line: timebank.Line, me: Member, note: str) -> str:
    """The note as written; "Sam wrote: her garden" when the other member wrote it in
    words of their own point of view, which read wrongly in this member's statement."""
    theirs = line.exchange.recorded_by == by_id(line.exchange.other(me.id))
    return f"{line.other} wrote: {note}" if theirs and _POINT_OF_VIEW.search(note) else note


# -- the flow's states ---------------------------------------------------------------------------

def handle(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    state = session.state.partition(":")[2]
    if state == "age":
        return _age(session, text)
    if state == "name":
        return _name(ctx, session, text)
    if state == "ward":
        return _ward(ctx, session, text)
    if state == "offers":
        return _offers(ctx, session, text)
    if state == "needs":
        return _needs(ctx, session, text)
    me = member_of(ctx, session)
    if me is None:
        return None
    if session.data.get("asked") and (figures := figures_asked(ctx, me, text)) is not None:
        # BALANCE while picking an exchange: answered, and the question stays open
        return [figures, Outbound(str(session.data["asked"]),
                                  choices=tuple(session.data.get("labels") or ()))]
    flow: dict[str, Any] = flow_data(session)
    if state == "which":
        return _which(ctx, session, me, text)
    if state == "hours":
        return _hours(ctx, session, me, text)
    if state == "pick" and (picked := _exchange_picked(session, text)) is not None:
        return _answer_picked(ctx, session, me, picked, flow)
    said, times = said_yes_no(text)
    said_times = timebank_words.durations(text)  # "no it was 1 hour not 3": the exchange's
    if state == "intro" and said != "yes" and said_times and _DONE.search(text.lower()) \
            and timebank.awaiting(ctx.db, me.id):  # answer, not the introduction's
        state = "confirm"
    if state in ("confirm", "intro") and said not in ("yes", "no") and not said_times and \
            (asked := _asked_back(ctx, session, me, text)) is not None:
        return asked  # "who is sam?": answered, and the question put again
    if state == "confirm" and said not in ("yes", "no") and not said_times and \
            timebank_words.yes_in_words(text):
        said = "yes"  # "oh wait yes", "oh yes the man with the hedge trimmer", a thumbs up
    if state == "intro" and said not in ("yes", "no") and timebank_words.declines(text):
        said = "no"  # "no sorry too busy", "not right now"
    if state == "confirm" and (said in ("yes", "no") or said_times):
        # with several waiting, a YES means the one whose message it answers (Telegram's
        # reply or button); a bare YES could be any of them: ask
        several = len(timebank.awaiting(ctx.db, me.id)) > 1
        chosen = answered_exchange(ctx, me) or (None if several else flow.get("exchange"))
        if said == "no":
            return answer_pending(ctx, session, me, False, chosen, times=said_times,
                                  why=_reason_of_no(text))
        if said is None:  # "it was more like 90 mins": how to put it right, nothing decided
            return answer_pending(ctx, session, me, True, chosen, keep_flow=True,
                                  times=said_times, vague=True)
        return answer_pending(ctx, session, me, True, chosen, times=times)
    if state == "intro" and said in ("yes", "no"):
        return answer_intros(ctx, session, me, said == "yes", int(flow.get("intro", 0))) or [
            Outbound("That request has already been answered.")]
    if state == "pick_intro" and text.startswith("intro:") and text[6:].isdigit():
        return intro_answer(ctx, session, me, int(text[6:]), bool(flow.get("yes")))
    if state == "matches" and text.startswith("intro:"):
        return ask_introduction(ctx, session, me, text[6:])
    return None

