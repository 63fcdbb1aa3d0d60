"""Joining the time bank (age, first name, ward, offers, needs) and a coordinator's
APPROVE n. See timebank.md."""

from __future__ import annotations

import re

from catalogue.model import Entry
from conversations import records, timebank
from conversations import timebank_notices as notices
from conversations.flows.common import (
    Context,
    ask,
    end_flow,
    first_name,
    flow_data,
    is_skip,
    looks_like_question,
)
from conversations.flows.common import parse_yes_no as yes_no
from conversations.flows.objection import postcode_in
from conversations.flows.timebank_member import member_of
from conversations.flows.volunteering import read_age
from conversations.types import Outbound, Session

REACHABLE = ("sms", "telegram")  # channels the outbox can start a message on
SKILLS = "gardening, shopping, lifts, company, DIY, tech help, cooking"
JOINING = frozenset({"age", "name", "ward", "offers", "needs"})  # joining's states
_TIME_BANK = re.compile(r"\btime ?bank\b", re.IGNORECASE)


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


def answer_joining(ctx: Context, session: Session, state: str, text: str
                   ) -> list[Outbound] | None:
    """The answer to one of joining's questions (`state` is one of JOINING)."""
    if state == "age":
        return _age(session, text)
    if state == "name":
        return _name(ctx, session, text)
    if state == "ward":
        return _ward(ctx, session, text)
    if state == "offers":
        return _offers(ctx, session, text)
    return _needs(ctx, session, text)
