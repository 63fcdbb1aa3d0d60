"""Queueing the week's digests: at most one per councillor per ISO week.

`digest_weeks` (councillor, week) is written in the same transaction as the outbox rows
(keys `digest:<councillor>:<week>:<channel>`), so whatever runs this (the scheduler at
DIGEST_AT, the catch-up at start, `localsupport digest send`) and however often, a week's
digest is queued once; `--force` queues it again under new keys. The figures are read and
rendered first (`prepare`, read-only: the server does it on its own connection off the
database thread), then queued in one short transaction (`queue_prepared`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.digest.figures import build_figures
from bot.digest.render import Digest, render_digest
from bot.digest.weeks import DigestAt, Week, parse_week, weeks_due
from catalogue.storage import write
from conversations.councillors.directory import Councillor, all_councillors
from conversations.outbox import Message, enqueue, iso

KIND = "digest"


@dataclass(frozen=True)
class Prepared:
    week: Week
    digests: tuple[tuple[Councillor, Digest], ...]


def prepare(db: sqlite_utils.Database, week: Week) -> Prepared:
    """Every councillor's digest for the week (reads only)."""
    councillors = all_councillors(db)
    if not councillors:
        return Prepared(week, ())
    figures = build_figures(db, week)
    return Prepared(week, tuple((c, render_digest(figures, c.ward, c)) for c in councillors))


def digest_messages(councillor: Councillor, week: Week, digest: Digest, again: str = ""
                    ) -> list[Message]:
    """The email (text, HTML and the chart) and the Telegram summary; an SMS only for a
    councillor with neither."""
    key = f"digest:{councillor.id}:{week.label}"
    messages = []
    if councillor.email:
        messages.append(Message(f"{key}:email{again}", KIND, "email", councillor.email,
                                digest.text, subject=digest.subject,
                                extra=digest.email_extra()))
    if councillor.telegram_chat_id:
        messages.append(Message(f"{key}:telegram{again}", KIND, "telegram",
                                councillor.telegram_chat_id, digest.telegram,
                                extra={"items": list(digest.items)}))
    if councillor.phone and not messages:
        messages.append(Message(f"{key}:sms{again}", KIND, "sms", councillor.phone,
                                digest.sms))
    return messages


def queue_prepared(db: sqlite_utils.Database, prepared: Prepared, now: datetime,
                   force: bool = False) -> int:
    """Queue each councillor's digest unless it was queued for that week already (or
    again, with `force`); returns how many councillors' digests were queued."""
    queued = 0
    again = f":again-{iso(now)}" if force else ""
    with write(db):
        current = {c.id for c in all_councillors(db)}
        for councillor, digest in prepared.digests:
            if councillor.id not in current:
                continue  # removed by an import while the digest was being built
            first = db.execute(
                "INSERT INTO digest_weeks (councillor_id, week, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING", [councillor.id, prepared.week.label, iso(now)]
            ).rowcount == 1
            if not first and not force:
                continue
            fresh = [m for m in digest_messages(councillor, prepared.week, digest, again)
                     if first or not waiting(db, m.key.removesuffix(again))]
            for message in fresh:  # with --force too, a copy still waiting is not doubled
                enqueue(db, message, now)
            queued += bool(fresh)
    return queued


def waiting(db: sqlite_utils.Database, key: str) -> bool:
    """Whether a copy of the message `key` names (digest:ID:WEEK:CHANNEL) is still queued or
    being sent."""
    return db.execute(
        "SELECT 1 FROM outbox WHERE (key = ? OR key LIKE ?) AND state IN ('queued', 'sending') "
        "LIMIT 1", [key, f"{key}:again-%"]).fetchone() is not None


def queue_week(db: sqlite_utils.Database, week: Week, now: datetime, force: bool = False
               ) -> int:
    return queue_prepared(db, prepare(db, week), now, force)


def last_queued_week(db: sqlite_utils.Database) -> Week | None:
    row = db.execute("SELECT max(week) FROM digest_weeks").fetchone()
    return parse_week(row[0]) if row and row[0] else None


def weeks_to_queue(db: sqlite_utils.Database, now: datetime, at: DigestAt) -> list[Week]:
    """The weeks due by `now` and not yet queued (a missed week included); none without
    councillors."""
    if not all_councillors(db):
        return []
    return weeks_due(now, at, last_queued_week(db))


def queue_due(db: sqlite_utils.Database, now: datetime, at: DigestAt) -> dict[str, int]:
    """Queue every week due and not yet queued; week label -> councillors queued."""
    return {week.label: queue_week(db, week, now) for week in weeks_to_queue(db, now, at)}
