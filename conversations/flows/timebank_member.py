"""The member a time-bank message is from, and how the ledger names them: shared by
timebank.py and the timebank_*.py modules beside it, so none of them imports timebank.py."""

from __future__ import annotations

from conversations import timebank
from conversations.flows.common import Context
from conversations.timebank import Member
from conversations.types import Session

NOT_MEMBER = ("That's for time bank members. Send JOIN TIME BANK to join: it's free, and "
              "you can ask for help before you have given any.")


def member_of(ctx: Context, session: Session) -> Member | None:
    return timebank.member_for(ctx.db, session.channel, session.address)


def by(member: Member) -> str:
    return by_id(member.id)


def by_id(member_id: int) -> str:
    """Who recorded or decided an exchange, as the ledger keeps it."""
    return f"member:{member_id}"
