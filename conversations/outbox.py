"""Messages the assistant starts, queued in the outbox (the table is declared in
conversations/schema.py; bot/outbox.py delivers them).

Anything that causes a message (an objection crossing a ward's threshold, a time-bank
exchange waiting for the other member, a digest, a council response) calls `enqueue` inside
its own transaction, with an idempotency key: the message is written with the change or
not at all, and the same key is never queued twice. Transport-free: a row names a channel
and an address; the channel adapters in bot/channels/ know how to reach them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

REPLY = "reply"  # a reply to the person's own message: not stopped by an opt-out
FAREWELL = "farewell"  # the reply confirming FORGET ME: deleted as soon as it is delivered


@dataclass(frozen=True)
class Message:
    """One message to send: who (channel and address), what, and under which key."""

    key: str  # idempotency key, e.g. "digest:councillor-3:2026-W48"
    kind: str  # what it is, for the outbox listing and the digest ("reply", "digest", ...)
    channel: str  # "sms", "telegram", "email"
    address: str  # a phone number in E.164, a Telegram chat id, an email address
    body: str  # the text (SMS, Telegram HTML, or an email's plain-text part)
    subject: str = ""  # email only
    choices: tuple[str, ...] = ()  # buttons (Telegram) or a numbered list (SMS)
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. {"html": ..., "images": [...]}


def reply_key(channel: str, message_id: str, n: int) -> str:
    """The key of our `n`th reply to a person's message (bot/inbox.py queues them)."""
    return f"reply:{channel}:{message_id}:{n}"


def is_reply_to(key: str, channel: str, message_id: str) -> bool:
    """Whether the outbox row under `key` is one of our replies to that message."""
    return key.startswith(f"reply:{channel}:{message_id}:")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


# -- queueing (inside the caller's transaction) ----------------------------------------------

def opted_out(db: sqlite_utils.Database, channel: str, address: str) -> bool:
    """Whether the person asked for no messages (STOP): what is queued for them is refused."""
    return db.execute("SELECT 1 FROM optouts WHERE channel = ? AND address = ?",
                      [channel, address]).fetchone() is not None


def enqueue(db: sqlite_utils.Database, message: Message, now: datetime,
            not_before: datetime | None = None) -> bool:
    """Queue a message unless its key is queued already; True when this call queued it.
    Never commits: the caller's transaction writes it with the change that caused it."""
    cursor = db.execute(
        "INSERT INTO outbox (key, kind, channel, address, subject, body, choices, extra, "
        "state, attempts, next_attempt_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?) ON CONFLICT (key) DO NOTHING",
        [message.key, message.kind, message.channel, message.address, message.subject or None,
         message.body, json.dumps(list(message.choices)) if message.choices else None,
         json.dumps(dict(message.extra)) if message.extra else None,
         iso(not_before or now), iso(now)],
    )
    return cursor.rowcount == 1


@dataclass(frozen=True)
class Sent:
    """A message we sent, found by the provider's id a reply names (Telegram's reply_to)."""

    key: str
    kind: str
    extra: dict[str, Any]


def replied_to(db: sqlite_utils.Database, channel: str, address: str,
               provider_id: str) -> Sent | None:
    """The outbox row of our message to this person with that provider id, or None."""
    row = db.execute("SELECT key, kind, extra FROM outbox WHERE channel = ? AND address = ? "
                     "AND provider_id = ? ORDER BY id DESC LIMIT 1",
                     [channel, address, provider_id]).fetchone()
    if row is None:
        return None
    return Sent(str(row[0]), str(row[1]), json.loads(row[2]) if row[2] else {})


def requeue(db: sqlite_utils.Database, key: str, now: datetime) -> bool:
    """Send a failed or refused row again (an officer's `--force`); True when one was."""
    cursor = db.execute(
        "UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = ?, "
        "last_error = NULL WHERE key = ? AND state IN ('failed', 'refused', 'sent')",
        [iso(now), key])
    return cursor.rowcount == 1


@dataclass(frozen=True)
class Listed:
    id: int
    key: str
    kind: str
    channel: str
    state: str
    attempts: int
    next_attempt_at: str
    last_error: str
    created_at: str


def listing(db: sqlite_utils.Database, failed_only: bool = False) -> list[Listed]:
    """Rows waiting, retrying or failed (`localsupport outbox`), without their text or
    address."""
    states = ("failed",) if failed_only else ("queued", "sending", "failed")
    marks = ", ".join("?" for _ in states)
    rows = db.execute(
        "SELECT id, key, kind, channel, state, attempts, next_attempt_at, "
        f"coalesce(last_error, ''), created_at FROM outbox WHERE state IN ({marks}) "
        "ORDER BY id", list(states)).fetchall()
    return [Listed(*row) for row in rows]


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {state: n for state, n in db.execute(
        "SELECT state, COUNT(*) FROM outbox GROUP BY state")}
