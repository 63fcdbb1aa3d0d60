"""The time bank by text: join, record an exchange in your own words, confirm one, BALANCE,
STATEMENT, offers and requests, matches and introductions. See timebank.md.

States: `timebank:name`, `timebank:ward`, `timebank:offers`, `timebank:needs` (joining),
`timebank:which` (which member was meant), `timebank:hours` (how long), `timebank:confirm`
(the other member's YES or NO, set by conversations/timebank_notices.py), `timebank:intro`
(agreeing to an introduction), `timebank:matches` (picking whom to ask), `timebank:pick`
(which of several waiting exchanges a YES or NO is for), `timebank:pick_intro` (the same
for introductions).

This module routes a message (`route`) or a state's answer (`handle`) to the modules beside
it, which hold the steps: timebank_join.py, timebank_record.py, timebank_confirm.py,
timebank_figures.py, timebank_matches.py (and timebank_member.py, which they share). What the
engine and the tests use is named in `__all__` here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from conversations import timebank, timebank_words
from conversations.flows.common import Context, flow_data
from conversations.flows.timebank_confirm import (
    NOT_YET,
    UNSURE,
    answer_asked,
    answer_replied,
    answer_waiting,
    decline_after_disclosure,
)
from conversations.flows.timebank_figures import figures_asked
from conversations.flows.timebank_join import (
    JOINING,
    answer_joining,
    approve,
    is_time_bank,
    offer_join,
    start_join,
)
from conversations.flows.timebank_matches import (
    ask_introduction,
    close_listing,
    in_touch,
    matches,
    post_listing,
    relay,
    show_listings,
)
from conversations.flows.timebank_member import NOT_MEMBER, member_of
from conversations.flows.timebank_record import (
    RECORDING,
    answer_recording,
    correct_recorded,
    record_said,
)
from conversations.people import own_age, relation
from conversations.timebank import Member
from conversations.timebank_words import Said
from conversations.types import Outbound, Session

__all__ = [
    "HOW_TO_RECORD",
    "NOT_MEMBER",
    "NOT_YET",
    "UNSURE",
    "WAITING",
    "answer_replied",
    "answer_waiting",
    "decline_after_disclosure",
    "handle",
    "is_time_bank",
    "leaving_note",
    "member_of",
    "offer_join",
    "route",
    "start_join",
]

# Questions whose answer is the person's own words: never read as a new request
# (conversations/engine.py WAITING), and asked again after small talk.
WAITING = frozenset({"timebank:age", "timebank:name", "timebank:ward", "timebank:offers",
                     "timebank:needs", "timebank:hours", "timebank:which", "timebank:confirm",
                     "timebank:intro"})
HOW_TO_RECORD = ("Just tell me in your own words, e.g. \"I helped Priya with her garden for 2 "
                 "hours\" or \"Priya gave me a lift, 1 hour\". I'll ask them to confirm, and "
                 "it counts once they say YES.")


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


# -- the flow's states ---------------------------------------------------------------------------

def handle(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    state = session.state.partition(":")[2]
    if state in JOINING:
        return answer_joining(ctx, session, state, text)
    me = member_of(ctx, session)
    if me is None:
        return None
    if session.data.get("asked") and (figures := figures_asked(ctx, me, text)) is not None:
        # BALANCE while picking an exchange: answered, and the question stays open
        return [figures, Outbound(str(session.data["asked"]),
                                  choices=tuple(session.data.get("labels") or ()))]
    flow: dict[str, Any] = flow_data(session)
    if state in RECORDING:
        return answer_recording(ctx, session, me, state, text)
    if state == "matches" and text.startswith("intro:"):
        return ask_introduction(ctx, session, me, text[6:])
    return answer_asked(ctx, session, me, state, text, flow)
