""""You said, we did": a council response goes to every person who objected to an entry,
on their own channel, once.

An officer runs `localsupport respond ENTRY_ID TEXT`, or a councillor replies on Telegram
to an alert or digest (conversations/councillors/replies.py). The same text for the same
entry is one response (`responses` is unique on both), and `response_recipients` says who
has it, so running the command twice tells nobody twice and tells only those who objected
since. Never sent: people who said STOP (`optouts`), people erased (FORGET ME empties the
objection's address), and the web chat (it cannot be written to later).
An SMS response fits two segments, or it is refused with how much shorter to make it.
What a person answers to it, as their next message, is kept for the councillors' next
digest (`response_replies`; conversations/engine.py asks `replied_response`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlite_utils

from catalogue.model import Entry
from catalogue.storage import write
from conversations.councillors.directory import Councillor
from conversations.gsm7 import MULTI_SEGMENT, SMS_MAX_SEGMENTS, septets, to_gsm7
from conversations.outbox import Message, enqueue, iso
from conversations.telegram_html import escape

REACHABLE = ("sms", "telegram")
SMS_LIMIT = MULTI_SEGMENT * SMS_MAX_SEGMENTS  # septets in two segments
KIND = "response"
REPLY_WINDOW = timedelta(days=14)  # a first message this long after a response answers it
REPLY_LIMIT = 500  # characters of a reply kept, as of a feedback comment


class ResponseError(ValueError):
    """A response that cannot be sent as written; the message says what to change."""


@dataclass(frozen=True)
class Audience:
    """Who a response to an entry would reach now."""

    to_tell: dict[str, int] = field(default_factory=dict)  # channel -> people
    already_told: int = 0
    opted_out: int = 0
    unreachable: int = 0  # objected in the web chat, or erased

    @property
    def count(self) -> int:
        return sum(self.to_tell.values())

    def describe(self) -> str:
        names = {"sms": "by SMS", "telegram": "on Telegram"}
        parts = [f"{n} {names.get(channel, channel)}" for channel, n in
                 sorted(self.to_tell.items()) if n]
        line = f"{self.count} {'person' if self.count == 1 else 'people'}"
        if parts:
            line += ": " + ", ".join(parts)
        notes = [f"{self.already_told} already have it"] if self.already_told else []
        if self.opted_out:
            notes.append(f"{self.opted_out} said STOP")
        if self.unreachable:
            notes.append(f"{self.unreachable} objected in the web chat or were erased and "
                         "cannot be told")
        return line + (f" ({'; '.join(notes)})" if notes else "")


def author_line(councillor: Councillor | None) -> str:
    if councillor is None:
        return "the council says"
    return f"{councillor.name} ({councillor.ward} councillor) says"


def sms_text(entry: Entry, text: str, councillor: Councillor | None = None) -> str:
    return to_gsm7(f'About "{entry.title}", which you objected to, '
                   f"{author_line(councillor)}: {text.strip()}")


def telegram_text(entry: Entry, text: str, councillor: Councillor | None = None) -> str:
    says = author_line(councillor)
    return (f"<b>{escape(entry.title)}</b>\nYou objected to this. "
            f"{escape(says[:1].upper() + says[1:])}:\n\n{escape(text.strip())}")


def check_text(entry: Entry, text: str, councillor: Councillor | None = None) -> None:
    """ResponseError unless the response can go as written (two SMS segments at most)."""
    if not text.strip():
        raise ResponseError("the response is empty")
    length = septets(sms_text(entry, text, councillor))
    if length > SMS_LIMIT:
        room = SMS_LIMIT - (length - septets(to_gsm7(text.strip())))
        raise ResponseError(
            f"the response is too long for two text messages: with the opening "
            f'("About "{entry.title}", which you objected to, ...") it is {length} '
            f"characters and two texts hold {SMS_LIMIT}; make it {max(room, 0)} characters or "
            f"fewer (it is {septets(to_gsm7(text.strip()))})")


def find_response(db: sqlite_utils.Database, entry_id: str, text: str) -> int | None:
    row = db.execute("SELECT id FROM responses WHERE entry_id = ? AND text = ?",
                     [entry_id, text.strip()]).fetchone()
    return int(row[0]) if row else None


def _people(db: sqlite_utils.Database, entry_id: str, response_id: int | None
            ) -> list[tuple[str, str | None, str]]:
    """(channel, address, status) of every objection to the entry."""
    rows = db.execute(
        "SELECT o.channel, o.address, "
        "EXISTS (SELECT 1 FROM optouts x WHERE x.channel = o.channel "
        "        AND x.address = o.address), "
        "EXISTS (SELECT 1 FROM response_recipients r WHERE r.response_id = ? "
        "        AND r.channel = o.channel AND r.address = o.address) "
        "FROM objections o WHERE o.entry_id = ? ORDER BY o.id",
        [response_id if response_id is not None else -1, entry_id]).fetchall()
    people = []
    for channel, address, opted_out, told in rows:
        if not address or channel not in REACHABLE:
            status = "unreachable"
        elif opted_out:
            status = "opted_out"
        elif told:
            status = "told"
        else:
            status = "to_tell"
        people.append((channel, address, status))
    return people


def audience(db: sqlite_utils.Database, entry_id: str, text: str = "") -> Audience:
    """Who would be told if this text were sent now."""
    response_id = find_response(db, entry_id, text) if text else None
    to_tell: dict[str, int] = {}
    counts = {"told": 0, "opted_out": 0, "unreachable": 0}
    for channel, _, status in _people(db, entry_id, response_id):
        if status == "to_tell":
            to_tell[channel] = to_tell.get(channel, 0) + 1
        else:
            counts[status] += 1
    return Audience(to_tell, counts["told"], counts["opted_out"], counts["unreachable"])


@dataclass(frozen=True)
class Sent:
    response_id: int
    queued: dict[str, int]  # channel -> messages queued now
    already_told: int


def send_response(db: sqlite_utils.Database, entry: Entry, text: str, now: datetime,
                  councillor: Councillor | None = None) -> Sent:
    """Record the response and queue it for everyone who objected and has not had it, in
    one transaction."""
    check_text(entry, text, councillor)
    text = text.strip()
    with write(db):
        db.execute(
            "INSERT INTO responses (entry_id, text, councillor_id, author, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (entry_id, text) DO NOTHING",
            [entry.id, text, councillor.id if councillor else None,
             councillor.name if councillor else "council", iso(now)])
        response_id = find_response(db, entry.id, text)
        assert response_id is not None
        queued: dict[str, int] = {}
        already = 0
        for channel, address, status in _people(db, entry.id, response_id):
            if status == "told":
                already += 1
            if status != "to_tell" or address is None:
                continue
            db.execute("INSERT INTO response_recipients (response_id, channel, address, "
                       "created_at) VALUES (?, ?, ?, ?)", [response_id, channel, address,
                                                          iso(now)])
            body = (sms_text(entry, text, councillor) if channel == "sms"
                    else telegram_text(entry, text, councillor))
            if enqueue(db, Message(response_key(response_id, channel, address), KIND,
                                   channel, address, body), now):
                queued[channel] = queued.get(channel, 0) + 1
    return Sent(response_id, queued, already)


@dataclass(frozen=True)
class Answered:
    """The latest response about an entry, for the digest."""

    entry_id: str
    text: str
    author: str
    created_at: str
    told: int  # the people it went out to
    waiting: int = 0  # of them, those whose message is not delivered yet (or was refused)

    @property
    def delivered(self) -> int:
        return self.told - self.waiting


def answered(db: sqlite_utils.Database, entry_ids: list[str] | None = None
             ) -> dict[str, Answered]:
    """entry id -> its latest response (with how many people it went to, and how many of
    their messages still wait in the outbox or were refused)."""
    rows = db.execute(
        "SELECT r.entry_id, r.text, r.author, r.created_at, "
        "(SELECT COUNT(*) FROM response_recipients p WHERE p.response_id = r.id), "
        "(SELECT COUNT(*) FROM outbox o WHERE o.key LIKE 'response:' || r.id || ':%' "
        " AND o.state IN ('queued', 'sending', 'failed', 'refused')) "
        "FROM responses r ORDER BY r.created_at, r.id").fetchall()
    found = {row[0]: Answered(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]))
             for row in rows}
    if entry_ids is not None:
        wanted = set(entry_ids)
        found = {k: v for k, v in found.items() if k in wanted}
    return found


def response_key(response_id: int, channel: str, address: str) -> str:
    """The outbox key of a response to one person (`replied_response` joins on it)."""
    return f"response:{response_id}:{channel}:{address}"


@dataclass(frozen=True)
class Told:
    """A response sent to a person, which their next message may answer."""

    response_id: int
    entry_id: str


def replied_response(db: sqlite_utils.Database, channel: str, address: str,
                     since: datetime | None, now: datetime) -> Told | None:
    """The latest response delivered to the person after their last message (`since`) and
    within REPLY_WINDOW, not answered yet; None when there is none."""
    after = max(since, now - REPLY_WINDOW) if since is not None else now - REPLY_WINDOW
    row = db.execute(  # sent, not only queued (its key as `response_key` writes it)
        "SELECT t.response_id, r.entry_id FROM response_recipients t JOIN responses r ON "
        "r.id = t.response_id JOIN outbox o ON o.key = 'response:' || t.response_id || ':' "
        "|| t.channel || ':' || t.address AND o.state = 'sent' WHERE t.channel = ? AND "
        "t.address = ? AND o.sent_at > ? AND NOT EXISTS (SELECT 1 FROM response_replies x "
        "WHERE x.response_id = t.response_id AND x.channel = t.channel AND x.address = "
        "t.address) ORDER BY o.sent_at DESC LIMIT 1", [channel, address, iso(after)]).fetchone()
    return Told(int(row[0]), str(row[1])) if row else None


def add_reply(db: sqlite_utils.Database, told: Told, channel: str, address: str, text: str,
              now: datetime) -> None:
    db.execute("INSERT INTO response_replies (response_id, channel, address, text, "
               "created_at) VALUES (?, ?, ?, ?, ?)",
               [told.response_id, channel, address, text.strip()[:REPLY_LIMIT], iso(now)])
