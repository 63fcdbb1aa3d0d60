"""Queueing the week's digests: at most one per councillor per ISO week.

`digest_weeks` (councillor, week) is written in the same transaction as the outbox rows
(keys `digest:<councillor>:<week>:<channel>`), so whatever runs this (the scheduler at
DIGEST_AT, the catch-up at start, `localsupport digest send`) and however often, a week's
digest is queued once; `--force` queues it again under new keys. The figures are read and
rendered first (`prepare`, read-only: the server does it on its own connection off the
database thread), then queued in one short transaction (`queue_prepared`).

A councillor listed for two wards (two rows of the councillors CSV with the same name and
email) is one recipient: one digest with each ward's part, then the council's, under the
first row's id; `digest_weeks` holds a row for each of theirs.

The server's own runs (the scheduler, the catch-up at start) never send a digest for a
week that began before the councillors were imported: the first is for the first full
week after, and a councillor added later starts the same way (`whole_weeks`). An officer
who names a week (`localsupport digest send --week`) gets it for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlite_utils

from bot.digest.figures import build_figures
from bot.digest.render import Digest, render_digest
from bot.digest.weeks import DigestAt, Week, parse_week, week_of, weeks_due
from catalogue.storage import write
from conversations.councillors.directory import Councillor, all_councillors, councillor_id
from conversations.outbox import Message, enqueue, iso

KIND = "digest"


@dataclass(frozen=True)
class Recipient:
    """One person's digest: every ward they are listed for, reached on every contact."""

    councillor: Councillor  # their first row, with the contacts of all their rows
    ids: tuple[str, ...]  # one row's id per ward
    wards: tuple[str, ...]


@dataclass(frozen=True)
class Prepared:
    week: Week
    digests: tuple[tuple[Recipient, Digest], ...]


def person(councillor: Councillor) -> tuple[str, ...]:
    """Rows with the same name and email (or, without an email, the same Telegram chat and
    phone) are one person."""
    name = councillor_id("", councillor.name)
    if councillor.email:
        return (name, councillor.email.lower())
    return (name, "", councillor.telegram_chat_id, councillor.phone)


def recipients(councillors: list[Councillor]) -> list[Recipient]:
    rows: dict[tuple[str, ...], list[Councillor]] = {}
    for councillor in councillors:
        rows.setdefault(person(councillor), []).append(councillor)
    found = []
    for same in rows.values():
        first = replace(same[0], **{channel: next((getattr(c, channel) for c in same
                                                   if getattr(c, channel)), "")
                                    for channel in ("email", "phone", "telegram_chat_id")})
        found.append(Recipient(first, tuple(c.id for c in same),
                               tuple(dict.fromkeys(c.ward for c in same))))
    return found


def joined_by(db: sqlite_utils.Database, week: Week) -> set[str]:
    """The councillors who were there when `week` began."""
    return {cid for cid, created in db.execute("SELECT id, created_at FROM councillors")
            if datetime.fromisoformat(created) <= week.start}


def prepare(db: sqlite_utils.Database, week: Week, whole_weeks: bool = False) -> Prepared:
    """Every councillor's digest for the week (reads only); with `whole_weeks`, only of
    those who were councillors when the week began."""
    councillors = all_councillors(db)
    if whole_weeks:
        there = joined_by(db, week)
        councillors = [c for c in councillors if c.id in there]
    if not councillors:
        return Prepared(week, ())
    figures = build_figures(db, week)
    return Prepared(week, tuple((r, render_digest(figures, r.wards, r.councillor))
                                for r in recipients(councillors)))


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
        for recipient, digest in prepared.digests:
            if not set(recipient.ids) <= current:
                continue  # removed by an import while the digest was being built
            first = sum(db.execute(
                "INSERT INTO digest_weeks (councillor_id, week, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING", [cid, prepared.week.label, iso(now)]).rowcount
                for cid in recipient.ids) > 0
            if not first and not force:
                continue
            fresh = [m for m in digest_messages(recipient.councillor, prepared.week, digest,
                                                again)
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


def first_whole_week(db: sqlite_utils.Database) -> Week | None:
    """The first week that began after the first councillor was imported."""
    row = db.execute("SELECT min(created_at) FROM councillors").fetchone()
    if not row or not row[0]:
        return None
    since = datetime.fromisoformat(row[0])
    week = week_of(since)
    return week if week.start == since else week.next()


def weeks_to_queue(db: sqlite_utils.Database, now: datetime, at: DigestAt) -> list[Week]:
    """The weeks due by `now` and not yet queued (a missed week included); none without
    councillors, and none that began before there were any."""
    first = first_whole_week(db)
    if first is None:
        return []
    return [week for week in weeks_due(now, at, last_queued_week(db)) if week >= first]


def queue_due(db: sqlite_utils.Database, now: datetime, at: DigestAt) -> dict[str, int]:
    """Queue every week due and not yet queued; week label -> councillors queued."""
    return {week.label: queue_prepared(db, prepare(db, week, whole_weeks=True), now)
            for week in weeks_to_queue(db, now, at)}
