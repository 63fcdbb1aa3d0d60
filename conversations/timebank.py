"""The time bank: members and a double-entry, append-only ledger of hours (tables in
conversations/timebank_schema.py). Transport-free: flows (conversations/flows/timebank.py)
and the command line call these inside their own transaction.

An exchange of H hours is two postings, +H for the member who gave and -H for the one who
received. It is pending until the other member (the one who did not record it) confirms;
a pending or declined exchange counts in no balance. A coordinator's exchange is confirmed
at once. Balances may go down to the policy's minimum (receiving help never depends on
having given first); a correction is a reversing exchange, never an update.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import sqlite_utils

from catalogue.storage import migrate, write
from conversations.outbox import iso
from conversations.timebank_schema import FORMER, SCHEMA

State = Literal["pending", "confirmed", "declined"]
MAX_MINUTES = 24 * 60  # one exchange is at most a day's help
# Members meet strangers to help each other, and can message them through the assistant:
# adults only. Younger people are pointed to volunteering, whose organisers supervise them.
MIN_AGE = 18


class LedgerError(ValueError):
    """An exchange the ledger refuses, with a message for the person who asked."""


@dataclass(frozen=True)
class Policy:
    """How this time bank runs (TIMEBANK_* settings, built by the composition root)."""

    min_balance_minutes: int = -600  # TIMEBANK_MIN_BALANCE, -10 hours
    approval: bool = False  # TIMEBANK_APPROVAL: coordinators approve new members
    coordinators: tuple[tuple[str, str], ...] = ()  # (channel, address)

    def is_coordinator(self, channel: str, address: str) -> bool:
        return (channel, address) in self.coordinators


@dataclass(frozen=True)
class Member:
    id: int
    channel: str | None
    address: str | None
    first_name: str | None
    ward: str | None
    offers: str
    needs: str
    status: str  # "active", "waiting" (for a coordinator's approval)

    @property
    def name(self) -> str:
        return self.first_name or FORMER

    @property
    def described(self) -> str:
        """"Priya (Riverside, gardening)": how members tell each other apart."""
        detail = ", ".join(part for part in (self.ward, self.offers.split(",")[0].strip())
                           if part)
        return f"{self.name} ({detail})" if detail else self.name


@dataclass(frozen=True)
class Exchange:
    id: int
    giver: int
    receiver: int
    minutes: int
    note: str
    recorded_by: str
    recorded_at: str
    state: State
    decided_at: str

    def other(self, member_id: int) -> int:
        """The member on the other side of the exchange from `member_id`."""
        return self.giver if self.receiver == member_id else self.receiver


_MEMBER = ("SELECT id, channel, address, first_name, ward, coalesce(offers, ''), "
           "coalesce(needs, ''), status FROM timebank_members")
_EXCHANGE = ("SELECT e.id, e.giver, e.receiver, e.minutes, coalesce(e.note, ''), "
             "e.recorded_by, e.recorded_at, coalesce(d.state, 'pending'), "
             "coalesce(d.decided_at, '') FROM timebank_exchanges e "
             "LEFT JOIN timebank_decisions d ON d.exchange = e.id")


def ensure_timebank(db: sqlite_utils.Database) -> None:
    """The time bank's tables (conversations/timebank_schema.py), created or upgraded."""
    migrate(db, [SCHEMA])


# -- members --------------------------------------------------------------------------------

def join(db: sqlite_utils.Database, channel: str | None, address: str | None, first_name: str,
         ward: str | None, offers: str, needs: str, now: datetime, policy: Policy) -> Member:
    """A new member: active at once, or waiting when the time bank approves members."""
    status = "waiting" if policy.approval and channel is not None else "active"
    with write(db):
        cursor = db.execute(
            "INSERT INTO timebank_members (channel, address, first_name, ward, offers, needs, "
            "status, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [channel, address, first_name.strip(), ward, offers, needs, status, iso(now)])
    found = member(db, int(cursor.lastrowid or 0))
    assert found is not None
    return found


def approve(db: sqlite_utils.Database, member_id: int) -> bool:
    with write(db):
        return bool(db.execute("UPDATE timebank_members SET status = 'active' WHERE id = ? "
                               "AND status = 'waiting'", [member_id]).rowcount)


def update_profile(db: sqlite_utils.Database, member_id: int, offers: str, needs: str) -> None:
    with write(db):
        db.execute("UPDATE timebank_members SET offers = ?, needs = ? WHERE id = ?",
                   [offers, needs, member_id])


def forget_member(db: sqlite_utils.Database, member_id: int) -> bool:
    """Erase a member as FORGET ME does (the columns timebank_schema.py declares are
    emptied, the id and postings stay): for a member without a phone, whom no channel's
    FORGET ME can reach. True when there was someone to forget."""
    from conversations.timebank_schema import MEMBERS

    columns = ", ".join(f"[{c}] = NULL" for c in MEMBERS.personal.anonymise)
    with write(db):
        return bool(db.execute(f"UPDATE timebank_members SET {columns} WHERE id = ? "
                               "AND first_name IS NOT NULL", [member_id]).rowcount)


def member(db: sqlite_utils.Database, member_id: int) -> Member | None:
    row = db.execute(_MEMBER + " WHERE id = ?", [member_id]).fetchone()
    return Member(*row) if row else None


def member_for(db: sqlite_utils.Database, channel: str, address: str) -> Member | None:
    row = db.execute(_MEMBER + " WHERE channel = ? AND address = ?",
                     [channel, address]).fetchone()
    return Member(*row) if row else None


def named(db: sqlite_utils.Database, name: str, excluding: int | None = None) -> list[Member]:
    """Active members with this first name (any case), oldest first."""
    rows = db.execute(_MEMBER + " WHERE lower(first_name) = lower(?) AND status = 'active' "
                      "AND id IS NOT ? ORDER BY id", [name.strip(), excluding]).fetchall()
    return [Member(*row) for row in rows]


def members(db: sqlite_utils.Database, active_only: bool = True) -> list[Member]:
    where = " WHERE status = 'active' AND first_name IS NOT NULL" if active_only else ""
    return [Member(*row) for row in db.execute(_MEMBER + where + " ORDER BY id")]


def waiting_members(db: sqlite_utils.Database) -> list[Member]:
    return [Member(*row) for row in db.execute(_MEMBER + " WHERE status = 'waiting' "
                                                "AND first_name IS NOT NULL ORDER BY id")]


# -- the ledger ------------------------------------------------------------------------------

def balance(db: sqlite_utils.Database, member_id: int) -> int:
    """Confirmed minutes given minus confirmed minutes received."""
    row = db.execute(
        "SELECT coalesce(sum(p.minutes), 0) FROM timebank_postings p "
        "JOIN timebank_decisions d ON d.exchange = p.exchange AND d.state = 'confirmed' "
        "WHERE p.member = ?", [member_id]).fetchone()
    return int(row[0])


def pending_debits(db: sqlite_utils.Database, member_id: int) -> int:
    """Minutes this member received in exchanges not yet confirmed (a negative number)."""
    row = db.execute(
        "SELECT coalesce(sum(p.minutes), 0) FROM timebank_postings p "
        "LEFT JOIN timebank_decisions d ON d.exchange = p.exchange "
        "WHERE p.member = ? AND p.minutes < 0 AND d.exchange IS NULL", [member_id]).fetchone()
    return int(row[0])


UK = ZoneInfo("Europe/London")


def uk_day(stamp: str) -> date:
    """The day in the UK of a stored UTC time: an exchange confirmed at 00:30 in summer is
    on that day, not the one before."""
    moment = datetime.fromisoformat(stamp)
    return (moment.astimezone(UK) if moment.tzinfo else moment).date()


REPEAT_WINDOW = timedelta(hours=12)  # the same exchange told again this soon is a repeat


def same_pending(db: sqlite_utils.Database, giver: int, receiver: int, minutes: int,
                 note: str, recorded_by: str, now: datetime) -> Exchange | None:
    """The exchange still waiting for a YES that this one repeats word for word (the same
    members, time and note, told by the same member within REPEAT_WINDOW), or None: a
    message sent twice is not two exchanges."""
    row = db.execute(
        "SELECT id FROM timebank_exchanges WHERE giver = ? AND receiver = ? AND minutes = ? "
        "AND coalesce(note, '') = ? AND recorded_by = ? AND recorded_at >= ? AND NOT EXISTS "
        "(SELECT 1 FROM timebank_decisions d WHERE d.exchange = timebank_exchanges.id) "
        "ORDER BY id DESC LIMIT 1",
        [giver, receiver, minutes, note.strip()[:200], recorded_by,
         iso(now - REPEAT_WINDOW)]).fetchone()
    return exchange(db, int(row[0])) if row else None


def record(db: sqlite_utils.Database, giver: int, receiver: int, minutes: int, note: str,
           recorded_by: str, now: datetime, policy: Policy, confirmed: bool = False
           ) -> Exchange:
    """Write an exchange and its two postings (pending, or confirmed at once for a
    coordinator). Raises LedgerError, writing nothing, when the ledger refuses it."""
    if giver == receiver:
        raise LedgerError("An exchange needs two different members.")
    if not 0 < minutes <= MAX_MINUTES:
        raise LedgerError("An exchange is between 1 minute and 24 hours.")
    with write(db):
        for member_id in (giver, receiver):
            found = member(db, member_id)
            if found is None:
                raise LedgerError(f"There is no member {member_id}.")
            if found.status != "active" or found.first_name is None:
                raise LedgerError(f"{found.name} is not an active member yet.")
        projected = balance(db, receiver) + pending_debits(db, receiver) - minutes
        # the receiver's own limit, checked when they record it (or a coordinator does);
        # recorded by the giver, it is checked when the receiver says YES, so no member
        # learns how far below zero another is
        if (confirmed or recorded_by != f"member:{giver}") and \
                projected < policy.min_balance_minutes:
            limit = hours_text(-policy.min_balance_minutes)
            raise LedgerError(f"That would take {receiver_name(db, receiver)} more than "
                              f"{limit} below zero, the time bank's limit.")
        cursor = db.execute(
            "INSERT INTO timebank_exchanges (giver, receiver, minutes, note, recorded_by, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            [giver, receiver, minutes, note.strip()[:200] or None, recorded_by, iso(now)])
        exchange_id = int(cursor.lastrowid or 0)
        db.execute("INSERT INTO timebank_postings (exchange, member, minutes) "
                   "VALUES (?, ?, ?), (?, ?, ?)",
                   [exchange_id, giver, minutes, exchange_id, receiver, -minutes])
        if confirmed:
            decide(db, exchange_id, "confirmed", recorded_by, now)
    found_exchange = exchange(db, exchange_id)
    assert found_exchange is not None
    return found_exchange


def receiver_name(db: sqlite_utils.Database, member_id: int) -> str:
    found = member(db, member_id)
    return found.name if found else f"member {member_id}"


def decide(db: sqlite_utils.Database, exchange_id: int, state: Literal["confirmed", "declined"],
           by: str, now: datetime) -> bool:
    """Confirm or decline once: True when this call decided it (a second is a no-op)."""
    cursor = db.execute(
        "INSERT INTO timebank_decisions (exchange, state, decided_by, decided_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (exchange) DO NOTHING",
        [exchange_id, state, by, iso(now)])
    return cursor.rowcount == 1


Outcome = Literal["confirmed", "declined", "already", "over_limit", "unknown"]


def confirm(db: sqlite_utils.Database, exchange_id: int, by: str, now: datetime,
            policy: Policy) -> Outcome:
    """The other member's YES. The receiver's limit is checked again at this moment."""
    with write(db):
        found = exchange(db, exchange_id)
        if found is None:
            return "unknown"
        if found.state != "pending":
            return "already"
        if balance(db, found.receiver) - found.minutes < policy.min_balance_minutes:
            return "over_limit"
        return "confirmed" if decide(db, exchange_id, "confirmed", by, now) else "already"


def decline(db: sqlite_utils.Database, exchange_id: int, by: str, now: datetime) -> Outcome:
    with write(db):
        found = exchange(db, exchange_id)
        if found is None:
            return "unknown"
        return "declined" if decide(db, exchange_id, "declined", by, now) else "already"


def take_back(db: sqlite_utils.Database, exchange_id: int, by: str, now: datetime) -> Outcome:
    """The member who recorded an exchange cancels it before the other member answers: it
    is declined by them (an exchange is never deleted). Only its recorder may."""
    with write(db):
        found = exchange(db, exchange_id)
        if found is None or found.recorded_by != by:
            return "unknown"
        if found.state != "pending":
            return "already"
        return "declined" if decide(db, exchange_id, "declined", by, now) else "already"


def correct(db: sqlite_utils.Database, exchange_id: int, minutes: int, by: str, now: datetime,
            policy: Policy) -> Exchange:
    """The recorder's right time for an exchange nobody has answered yet: it is declined
    and a new one, the same but for the time, recorded in its place; both or neither.
    Raises LedgerError when either cannot be done."""
    with write(db):
        found = exchange(db, exchange_id)
        if found is None or found.recorded_by != by or found.state != "pending":
            raise LedgerError("That exchange has already been answered.")
        decide(db, exchange_id, "declined", by, now)  # first: its hours are no longer owed
        return record(db, found.giver, found.receiver, minutes, found.note, by, now, policy)


def reverse(db: sqlite_utils.Database, exchange_id: int, by: str, now: datetime) -> Exchange:
    """A correction: a confirmed exchange the other way round, confirmed at once."""
    found = exchange(db, exchange_id)
    if found is None or found.state != "confirmed":
        raise LedgerError(f"Exchange {exchange_id} is not a confirmed exchange.")
    generous = Policy(min_balance_minutes=-10 ** 9)
    return record(db, found.receiver, found.giver, found.minutes, f"reverses {exchange_id}",
                  by, now, generous, confirmed=True)


def exchange(db: sqlite_utils.Database, exchange_id: int) -> Exchange | None:
    row = db.execute(_EXCHANGE + " WHERE e.id = ?", [exchange_id]).fetchone()
    return Exchange(*row) if row else None


def awaiting(db: sqlite_utils.Database, member_id: int) -> list[Exchange]:
    """Pending exchanges this member is asked to confirm (they did not record them)."""
    rows = db.execute(
        _EXCHANGE + " WHERE d.exchange IS NULL AND (e.giver = ? OR e.receiver = ?) "
        "AND e.recorded_by = 'member:' || (CASE WHEN e.giver = ? THEN e.receiver "
        "ELSE e.giver END) ORDER BY e.id", [member_id, member_id, member_id]).fetchall()
    return [Exchange(*row) for row in rows]


def declined_by(db: sqlite_utils.Database, member_id: int, since: datetime) -> Exchange | None:
    """The last exchange this member said NO to since `since`, if any."""
    row = db.execute(_EXCHANGE + " WHERE d.state = 'declined' AND d.decided_by = ? AND "
                     "d.decided_at >= ? ORDER BY d.decided_at DESC, e.id DESC LIMIT 1",
                     [f"member:{member_id}", iso(since)]).fetchone()
    return Exchange(*row) if row else None


def intro_asker(db: sqlite_utils.Database, intro_id: int) -> Member | None:
    """The member who asked for an introduction."""
    row = db.execute("SELECT asker FROM timebank_introductions WHERE id = ?",
                     [intro_id]).fetchone()
    return member(db, int(row[0])) if row else None


def contacts(db: sqlite_utils.Database, member_id: int) -> list[tuple[int, int]]:
    """(introduction id, the other member's id) for each member this one was put in touch
    with, whichever of them asked, oldest first."""
    rows = db.execute(
        "SELECT id, CASE WHEN asker = ? THEN asked ELSE asker END FROM timebank_introductions "
        "WHERE state = 'accepted' AND (asker = ? OR asked = ?) ORDER BY id",
        [member_id, member_id, member_id]).fetchall()
    return [(int(intro), int(other)) for intro, other in rows]


def undecided(db: sqlite_utils.Database, member_id: int) -> list[Exchange]:
    """Every pending exchange this member is one side of, whoever recorded it."""
    rows = db.execute(_EXCHANGE + " WHERE d.exchange IS NULL AND (e.giver = ? OR "
                      "e.receiver = ?) ORDER BY e.id", [member_id, member_id]).fetchall()
    return [Exchange(*row) for row in rows]


# -- statements and the coordinator's ledger --------------------------------------------------

@dataclass(frozen=True)
class Line:
    exchange: Exchange
    minutes: int  # + given, - received (this member's posting)
    other: str  # the other member's name


@dataclass(frozen=True)
class Statement:
    member: Member
    year: int | None
    lines: tuple[Line, ...]  # confirmed exchanges, oldest first
    pending: int  # how many await a confirmation

    @property
    def given(self) -> int:
        return sum(line.minutes for line in self.lines if line.minutes > 0)

    @property
    def received(self) -> int:
        return -sum(line.minutes for line in self.lines if line.minutes < 0)


def statement(db: sqlite_utils.Database, member_id: int, year: int | None = None) -> Statement:
    """Contributions made and benefits received, confirmed, in the year (of confirmation)
    or all time."""
    found = member(db, member_id)
    if found is None:
        raise LedgerError(f"There is no member {member_id}.")
    where = " AND substr(d.decided_at, 1, 4) = ?" if year is not None else ""
    args: list[object] = [member_id] + ([f"{year:04d}"] if year is not None else [])
    rows = db.execute(
        "SELECT e.id, e.giver, e.receiver, e.minutes, coalesce(e.note, ''), e.recorded_by, "
        "e.recorded_at, d.state, d.decided_at, p.minutes, coalesce(o.first_name, ?) "
        "FROM timebank_postings p "
        "JOIN timebank_decisions d ON d.exchange = p.exchange AND d.state = 'confirmed' "
        "JOIN timebank_exchanges e ON e.id = p.exchange "
        "JOIN timebank_members o ON o.id = (CASE WHEN e.giver = p.member THEN e.receiver "
        "ELSE e.giver END) "
        "WHERE p.member = ?" + where + " ORDER BY d.decided_at, p.exchange",
        [FORMER, *args]).fetchall()
    lines = [Line(Exchange(*row[:9]), int(row[9]), str(row[10])) for row in rows]
    return Statement(found, year, tuple(lines), pending_count(db, member_id))


def pending_count(db: sqlite_utils.Database, member_id: int) -> int:
    """How many of the member's exchanges wait for a confirmation."""
    row = db.execute(
        "SELECT count(*) FROM timebank_postings p LEFT JOIN timebank_decisions d "
        "ON d.exchange = p.exchange WHERE p.member = ? AND d.exchange IS NULL",
        [member_id]).fetchone()
    return int(row[0])


LEDGER_COLUMNS = ("exchange", "member", "name", "hours", "minutes", "state", "recorded_at",
                  "confirmed_at", "recorded_by", "note")


def ledger_rows(db: sqlite_utils.Database) -> Iterator[tuple[object, ...]]:
    """One row a posting, in LEDGER_COLUMNS order (`localsupport timebank ledger --csv`):
    the member's id and first name, never how to reach them. `hours` is rounded to two
    places for reading; `minutes` is exact, so a spreadsheet's sum of it is the balance."""
    for row in db.execute(
        "SELECT p.exchange, p.member, coalesce(m.first_name, ?), p.minutes, "
        "coalesce(d.state, 'pending'), e.recorded_at, "
        "CASE d.state WHEN 'confirmed' THEN d.decided_at ELSE '' END, e.recorded_by, "
        "coalesce(e.note, '') FROM timebank_postings p "
        "JOIN timebank_exchanges e ON e.id = p.exchange "
        "JOIN timebank_members m ON m.id = p.member "
        "LEFT JOIN timebank_decisions d ON d.exchange = p.exchange ORDER BY p.id", [FORMER]):
        exchange_id, member_id, name, minutes, *rest = row
        yield (exchange_id, member_id, name, signed_hours(int(minutes)), int(minutes), *rest)


def total(db: sqlite_utils.Database) -> int:
    """The sum of every confirmed posting: zero, always (double entry)."""
    row = db.execute("SELECT coalesce(sum(p.minutes), 0) FROM timebank_postings p JOIN "
                     "timebank_decisions d ON d.exchange = p.exchange "
                     "AND d.state = 'confirmed'").fetchone()
    return int(row[0])


# -- hours as people read them ----------------------------------------------------------------

def hours_number(minutes: int) -> str:
    """90 -> "1.5", 120 -> "2", 20 -> "0.33"."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def signed_hours(minutes: int) -> str:
    return ("+" if minutes > 0 else "") + hours_number(minutes)


def hours_text(minutes: int) -> str:
    """"2 hours", "1 hour", "30 minutes", "1.5 hours", "-30 minutes" (a balance below
    zero keeps its sign, under an hour too)."""
    sign = "-" if minutes < 0 else ""
    if abs(minutes) < 60 and minutes % 60:
        return f"{sign}{abs(minutes)} minute{'' if abs(minutes) == 1 else 's'}"
    number = hours_number(abs(minutes))
    return f"{sign}{number} hour{'' if number == '1' else 's'}"
