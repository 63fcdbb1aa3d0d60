"""BALANCE and STATEMENT: a member's hours, as told to them by text. See timebank.md."""

from __future__ import annotations

import re

from conversations import timebank, timebank_words
from conversations.flows.common import Context
from conversations.flows.timebank_member import NOT_MEMBER, by_id
from conversations.timebank import Member
from conversations.types import Outbound


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
