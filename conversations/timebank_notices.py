"""Messages the time bank starts: the other member asked to confirm, the recorder told of
the answer, coordinators told of a NO or a new member to approve, introductions and the
messages passed between introduced members. Each is queued in the outbox
(conversations/outbox.py) inside the caller's transaction, under an idempotency key.

Members are reached only on their own channel; nobody's number or chat id is ever put in
another member's message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import sqlite_utils

from conversations import timebank
from conversations.outbox import Message, enqueue, opted_out
from conversations.store import load_session, save_session
from conversations.telegram_html import escape
from conversations.timebank import Exchange, Member, Policy
from conversations.types import CHANNELS

KIND = "timebank"
CONFIRM_KEY = "timebank-confirm"  # "timebank-confirm:<exchange id>": asks the other member
NOTE_SHOWN = 60  # characters of an exchange's note in a message (two SMS segments a reply)


def body_for(channel: str, text: str) -> str:
    return escape(text) if channel == "telegram" else text


def tell(db: sqlite_utils.Database, member: Member, key: str, text: str, now: datetime,
         choices: Sequence[str] = ()) -> bool:
    """Queue a message to a member on their own channel (none for a member without one, or
    who sent STOP: False, so the caller can tell a coordinator instead)."""
    if not member.channel or not member.address or \
            opted_out(db, member.channel, member.address):
        return False
    return enqueue(db, Message(key, KIND, member.channel, member.address,
                               body_for(member.channel, text), choices=tuple(choices)), now)


def tell_coordinators(db: sqlite_utils.Database, policy: Policy, key: str, text: str,
                      now: datetime) -> int:
    sent = 0
    for channel, address in policy.coordinators:
        message = Message(f"{key}:{channel}:{address}", KIND, channel, address,
                          body_for(channel, text), subject="Time bank" if channel == "email"
                          else "")
        sent += enqueue(db, message, now)
    return sent


# Questions a member may be left in without losing anything they were typing in
# questions whose YES gives something away or deletes it (FORGET ME, consent to pass a
# number on): dropped when this question comes after them, so a YES meant for it never
# answers them (round 21's second exploratory test: Priya's number went to an organiser)
GIVES_AWAY = frozenset({"privacy:forget", "volunteering:consent", "volunteering:withdraw"})
PASSING = ("feedback:helpful", "volunteering:offer", "timebank:confirm", "timebank:intro",
           "timebank:matches")


def expect_answer(db: sqlite_utils.Database, member: Member, state: str, flow: dict[str, int],
                  now: datetime, asked: str = "") -> None:
    """The member's next YES or NO answers this question (their session waits for it),
    unless they are half-way through something else: then a YES or NO sent once that is
    done still answers it (conversations/flows/timebank.py `route`). `asked` is the
    question, put again after small talk or a question of theirs ("who is Sam?")."""
    if member.channel not in CHANNELS or not member.address:
        return
    session = load_session(db, member.channel, member.address)
    if ":" in session.state and not session.state.startswith(PASSING) and \
            session.state not in GIVES_AWAY:
        return
    session.state, session.updated_at = state, now
    session.data["flow"] = dict(flow)
    session.data["choices"], session.data["labels"] = ["answer:yes", "answer:no"], ["Yes", "No"]
    if asked:
        session.data["asked"] = asked
    save_session(db, session)


def stop_expecting(db: sqlite_utils.Database, member: Member, exchange_id: int,
                   now: datetime) -> None:
    """The member's session no longer waits for a YES to an exchange taken back by the
    member who recorded it: their next "yes" is read afresh."""
    if member.channel not in CHANNELS or not member.address:
        return
    session = load_session(db, member.channel, member.address)
    if session.state != "timebank:confirm" or \
            (session.data.get("flow") or {}).get("exchange") != exchange_id:
        return
    session.state, session.updated_at = "answered", now
    for kept in ("flow", "choices", "labels", "asked"):
        session.data.pop(kept, None)
    save_session(db, session)


def what_of(exchange: Exchange, to_them: bool = False) -> str:
    """" with her garden"; told to the member it was about, " with your garden"."""
    note = exchange.note[:NOTE_SHOWN].rsplit(" ", 1)[0] if len(exchange.note) > NOTE_SHOWN \
        else exchange.note
    if to_them:
        note = re.sub(r"\b(?:her|his|their)\b", "your", note)
    if not note:
        return ""
    first = note.split()[0]  # "set up his new phone": helped you to set it up
    return f" to {note}" if first in _DOING else f" with {note}"


_DOING = frozenset({"set", "fix", "move", "clean", "paint", "put", "build", "take", "get",
                    "do", "make", "cook", "walk", "mow", "cut", "sort", "fill", "write", "read",
                    "carry", "collect", "tidy", "wash", "learn", "use", "find", "change"})


def confirm_text(db: sqlite_utils.Database, exchange: Exchange, recorder: Member,
                 instead_of: Exchange | None = None) -> str:
    """"Sam says they helped you with your garden for 2 hours. Is that right? ..."; with
    `instead_of`, the exchange this one corrects, which the other member was asked about."""
    hours = timebank.hours_text(exchange.minutes)
    name = called(db, recorder)[0]
    told = "they helped you" if exchange.giver == recorder.id else "you helped them"
    said = f"{told}{what_of(exchange, True)} for {hours}"
    if instead_of is None:
        return f"{name} says {said}. Is that right? Reply YES to confirm or NO if not."
    was = timebank.hours_text(instead_of.minutes)
    return (f"{name} has corrected the time: {said}, not {was}. Is that right? Reply YES to "
            "confirm or NO if not.")


def ask_to_confirm(db: sqlite_utils.Database, exchange: Exchange, recorder: Member,
                   other: Member, now: datetime, instead_of: Exchange | None = None) -> bool:
    """Ask the other member to confirm; with `instead_of` (an exchange the recorder has
    just corrected), its question is called back if it has not gone yet, else this one
    says what changed."""
    heard = instead_of is not None and not call_back_question(db, instead_of)
    text = confirm_text(db, exchange, recorder, instead_of if heard else None)
    expect_answer(db, other, "timebank:confirm", {"exchange": exchange.id}, now, text)
    return tell(db, other, f"{CONFIRM_KEY}:{exchange.id}", f"Time bank: {text}", now,
                ("Yes", "No"))


def call_back_question(db: sqlite_utils.Database, exchange: Exchange) -> bool:
    """Cancel the other member's "Is that right?" about an exchange its recorder has taken
    back, when it has not been sent yet (as FORGET ME does, timebank_schema.py
    CANCEL_ON_FORGET): True when it was still waiting, so they never heard of it."""
    return bool(db.execute(
        "UPDATE outbox SET state = 'cancelled', body = '', choices = NULL WHERE key = ? AND "
        "state IN ('queued', 'failed')", [f"{CONFIRM_KEY}:{exchange.id}"]).rowcount)


def taken_back(db: sqlite_utils.Database, exchange: Exchange, recorder: Member,
               other: Member, now: datetime) -> bool:
    """The recorder cancelled an exchange before the other member answered: an unsent
    question is called back, else they are told there is nothing to answer. True when
    they were told."""
    stop_expecting(db, other, exchange.id, now)
    if call_back_question(db, exchange):
        return False
    hours = timebank.hours_text(exchange.minutes)
    # under the declined key, so FORGET ME cancels it unsent (timebank_schema.py)
    return tell(db, other, f"timebank-declined:{exchange.id}", f"Time bank: "
                f"{called(db, recorder)[0]} has cancelled the {hours}{what_of(exchange, True)} "
                "they asked you to confirm, so there is nothing to answer.", now)


def answered(db: sqlite_utils.Database, exchange: Exchange, answerer: Member, yes: bool,
             policy: Policy, now: datetime, why: str = "", minutes: int | None = None) -> None:
    """Tell whoever recorded the exchange; on a NO, the coordinators too, with what the
    member said (`why`: "he never turned up", for the coordinators alone). A NO that gives
    the time it really took (`minutes`) is a correction: the recorder is told how to record
    that instead, and the coordinators are not troubled."""
    recorder_id = exchange.other(answerer.id)
    recorder = timebank.member(db, recorder_id)
    hours = timebank.hours_text(exchange.minutes)
    if yes:
        if recorder is not None:
            text = (f"Time bank: {answerer.name} confirmed {hours}{what_of(exchange)}. Your "
                    f"balance is {timebank.hours_text(timebank.balance(db, recorder.id))}.")
            tell(db, recorder, f"timebank-confirmed:{exchange.id}", text, now)
        return
    said = f' ("{why[:NOTE_SHOWN]}")' if why else ""
    if recorder is not None and minutes is not None:
        really = timebank.hours_text(minutes)
        say = (f"I helped {answerer.name} for {really}" if exchange.giver == recorder.id
               else f"{answerer.name} helped me for {really}")  # as the time bank reads it
        tell(db, recorder, f"timebank-declined:{exchange.id}", f"Time bank: {answerer.name} "
             f"says it was {really}, not {hours}, so the {hours} do not count. To record "
             f'{really}, send "{say}".', now)
        return
    if recorder is not None:  # what they said goes to the coordinators only: it may accuse
        tell(db, recorder, f"timebank-declined:{exchange.id}", f"Time bank: {answerer.name} "
             f"said no to the {hours}{what_of(exchange)} you recorded, so it does not count. "
             "A coordinator may be in touch.", now)
    tell_coordinators(db, policy, f"timebank-declined:{exchange.id}",
                      f"Time bank: exchange {exchange.id} ({hours}, recorded by "
                      f"{recorder.name if recorder else 'a member'} #{recorder_id}) was "
                      f"declined by {answerer.name} #{answerer.id}{said}. Please look into "
                      "it.", now)


def leaving(db: sqlite_utils.Database, member: Member, now: datetime) -> int:
    """Just before a member is forgotten, which declines each exchange still waiting for a
    YES (conversations/timebank_schema.py): the other member of each is told, and so is
    each member they were put in touch with, without the name being erased. Returns how
    many exchanges were waiting."""
    waiting = timebank.undecided(db, member.id)
    for found in waiting:
        other = timebank.member(db, found.other(member.id))
        mine = other is not None and found.recorded_by == f"member:{other.id}"
        if other is None or not (mine or _was_asked(db, found.id)):
            continue  # a question still queued is cancelled: they never heard of it
        hours = timebank.hours_text(found.minutes)
        what = (f"the {hours}{what_of(found)} you recorded" if mine
                else f"the {hours}{what_of(found, True)} you were asked to confirm")
        tell(db, other, f"timebank-left:{found.id}", f"Time bank: the other member of {what} "
             "has left the time bank, so it cannot be confirmed and does not count.", now)
    told: set[int] = set()  # put in touch both ways: told once
    for intro_id, other_id in timebank.contacts(db, member.id):
        if other_id in told:
            continue
        told.add(other_id)
        if (contact := timebank.member(db, other_id)) is not None:
            tell(db, contact, f"timebank-left-contact:{intro_id}", "Time bank: one of the "
                 "members you were put in touch with has left the time bank, so messages to "
                 "them are no longer passed on.", now)
    return len(waiting)


def _was_asked(db: sqlite_utils.Database, exchange_id: int) -> bool:
    """Whether the other member's "Is that right?" has gone out (or is going)."""
    return db.execute("SELECT 1 FROM outbox WHERE key = ? AND state IN ('sent', 'sending')",
                      [f"{CONFIRM_KEY}:{exchange_id}"]).fetchone() is not None


def over_limit(db: sqlite_utils.Database, exchange: Exchange, policy: Policy,
               now: datetime, answerer: Member | None = None) -> None:
    """A YES that would take the receiver past the limit: the coordinators are told, and
    the member who recorded it hears it waits for them (not why: that is the receiver's)."""
    tell_coordinators(db, policy, f"timebank-limit:{exchange.id}",
                      f"Time bank: exchange {exchange.id} could not be confirmed: it would take "
                      f"member #{exchange.receiver} below the limit.", now)
    recorder = timebank.member(db, exchange.other(answerer.id)) if answerer else None
    if recorder is not None and exchange.recorded_by == f"member:{recorder.id}":
        tell(db, recorder, f"timebank-limit:{exchange.id}", f"Time bank: the "
             f"{timebank.hours_text(exchange.minutes)}{what_of(exchange)} you recorded can't "
             "count yet: a coordinator will be in touch.", now)


def new_member(db: sqlite_utils.Database, member: Member, policy: Policy,
               now: datetime) -> None:
    tell_coordinators(db, policy, f"timebank-join:{member.id}",
                      f"Time bank: {member.described} #{member.id} asks to join. "
                      f"Reply APPROVE {member.id} to let them in.", now)


def approved(db: sqlite_utils.Database, member: Member, now: datetime) -> None:
    tell(db, member, f"timebank-approved:{member.id}", f"Time bank: welcome, {member.name}! "
         "A coordinator has approved you. Tell me when you help someone, e.g. \"I helped "
         "Priya with her garden for 2 hours\".", now)


def introduce(db: sqlite_utils.Database, intro_id: int, asker: Member, asked: Member,
              about: str, now: datetime) -> bool:
    wants = f" about {about}" if about else ""
    stop = "" if wants.endswith("...") else "."
    text = (f"Time bank: {asker.described} would like to be put in touch with you{wants}{stop} "
            "Your number stays private: I pass messages on. Reply YES to agree or NO.")
    expect_answer(db, asked, "timebank:intro", {"intro": intro_id}, now,
                  text.removeprefix("Time bank: "))
    return tell(db, asked, f"timebank-intro:{intro_id}", text, now, ("Yes", "No"))


def called(db: sqlite_utils.Database, member: Member) -> tuple[str, str]:
    """(how a member is named to others, how to address a message to them): "Priya
    (Hillside)" and "to Priya in Hillside:" when another member has the same first name."""
    if member.ward and len(timebank.named(db, member.name)) > 1:
        return f"{member.name} ({member.ward})", f"to {member.name} in {member.ward}:"
    return member.name, f"to {member.name}:"


def introduced(db: sqlite_utils.Database, intro_id: int, asker: Member, asked: Member,
               yes: bool, now: datetime) -> None:
    name, address = called(db, asked)
    if yes:
        text = (f"Time bank: {name} agreed to be put in touch. Send \"{address} your "
                "message\" and I'll pass it on; numbers stay private.")
    else:
        text = f"Time bank: {name} can't help this time. Send MATCHES to see others."
    tell(db, asker, f"timebank-intro-answer:{intro_id}", text, now)


def relay(db: sqlite_utils.Database, sender: Member, to: Member, text: str,
          now: datetime) -> bool:
    key = f"timebank-relay:{sender.id}:{to.id}:{now.isoformat()}"
    name, address = called(db, sender)
    room = RELAYED - len(name) - len(address)  # the whole message in two texts
    said = text if len(text) <= room else text[:room - 3].rsplit(" ", 1)[0] + "..."
    return tell(db, to, key, f"Time bank, from {name}: {said} (Reply \"{address} ...\")",
                now)


RELAYED = 250  # characters of a relayed message and its sender's names
