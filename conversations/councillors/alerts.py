"""Objection alerts: when objections to one entry from one ward reach the threshold, that
ward's councillors hear at once, not only in the weekly digest.

The threshold is the entry's `alert_at` (catalogue CSV column) or the council's
OBJECTION_ALERT_AT (default 10), which the composition root writes with `configure`.
A ward's councillors are alerted once when the count reaches the threshold and once more
at twice it, never for every objection after: `objection_alerts` holds one row per
crossing (the database, not memory, says "already alerted"), and each message goes
through the outbox with its own key, in the transaction that recorded the objection.
Only objections from residents' own channels count: the web chat has no sign-in, so
anyone could fill it (COUNTED_CHANNELS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from catalogue.model import Entry
from catalogue.plurals import agree, counted
from catalogue.storage import write
from conversations.councillors.directory import Councillor, councillors_for_ward
from conversations.councillors.reasons import known_words, redact_reason, representative, shorten
from conversations.gsm7 import MULTI_SEGMENT, SMS_MAX_SEGMENTS, fit, to_gsm7
from conversations.outbox import Message, enqueue, iso
from conversations.telegram_html import escape

DEFAULT_ALERT_AT = 10
COUNTED_CHANNELS = ("sms", "telegram")
LEVELS = (1, 2)  # at the threshold, then at twice it
KIND = "objection-alert"
_COUNTED = "channel IN ('sms', 'telegram')"


def configure(db: sqlite_utils.Database, alert_at: int) -> None:
    """Record the council-wide threshold (OBJECTION_ALERT_AT)."""
    with write(db):
        db.execute("INSERT INTO alert_settings (name, value) VALUES ('objection_alert_at', ?) "
                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value", [str(alert_at)])


def default_alert_at(db: sqlite_utils.Database) -> int:
    row = db.execute("SELECT value FROM alert_settings WHERE name = 'objection_alert_at'"
                     ).fetchone()
    return int(row[0]) if row else DEFAULT_ALERT_AT


def threshold(db: sqlite_utils.Database, entry_id: str) -> int:
    """The entry's `alert_at` as the catalogue now holds it, else the council's."""
    row = db.execute("SELECT alert_at FROM entries WHERE id = ?", [entry_id]).fetchone()
    return int(row[0]) if row and row[0] else default_alert_at(db)


def counted_objections(db: sqlite_utils.Database, entry_id: str, ward: str | None = None) -> int:
    """Objections to the entry from residents' own channels (in one ward when given)."""
    if ward is None:
        sql, args = f"entry_id = ? AND {_COUNTED}", [entry_id]
    else:
        sql, args = f"entry_id = ? AND lower(ward) = lower(?) AND {_COUNTED}", [entry_id, ward]
    return int(db.execute(f"SELECT COUNT(*) FROM objections WHERE {sql}", args).fetchone()[0])


def objection_recorded(db: sqlite_utils.Database, entry: Entry, ward: str | None,
                       now: datetime, channel: str | None = None) -> int:
    """Call in the transaction that recorded an objection: queues the ward's alert when this
    objection crossed a threshold; returns how many messages were queued."""
    if not ward or (channel is not None and channel not in COUNTED_CHANNELS):
        return 0
    limit = threshold(db, entry.id)
    count = counted_objections(db, entry.id, ward)
    reached = [level for level in LEVELS if count >= limit * level]
    if not reached:
        return 0
    new = [level for level in reached if db.execute(
        "INSERT INTO objection_alerts (entry_id, ward, level, threshold, objections, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [entry.id, ward, level, limit, count, iso(now)]).rowcount == 1]
    if not new:
        return 0
    alert = Alert(entry, ward, max(new), limit, count,
                  counted_objections(db, entry.id), ward_reasons(db, entry, ward))
    queued = 0
    for councillor in councillors_for_ward(db, ward):
        for message in alert_messages(alert, councillor):
            queued += enqueue(db, message, now)
    return queued


def ward_reasons(db: sqlite_utils.Database, entry: Entry, ward: str) -> list[tuple[str, int]]:
    rows = db.execute(
        f"SELECT reason FROM objections WHERE entry_id = ? AND lower(ward) = lower(?) AND "
        f"{_COUNTED} AND reason IS NOT NULL ORDER BY id DESC LIMIT 200",
        [entry.id, ward]).fetchall()
    known = known_words([entry.title, ward, *(r[0] for r in db.execute(
        "SELECT DISTINCT ward FROM wards"))])
    return [(shorten(redact_reason(text, known)), n)
            for text, n in representative([r[0] for r in rows])]


@dataclass(frozen=True)
class Alert:
    entry: Entry
    ward: str
    level: int
    threshold: int
    count: int  # counted objections in the ward
    council: int  # counted objections in the whole council
    reasons: list[tuple[str, int]]

    @property
    def kind_name(self) -> str:
        return {"proposal": "a council proposal", "service": "a service",
                "entitlement": "an entitlement", "volunteering": "a volunteering opportunity"
                }.get(self.entry.kind, "an entry")


def alert_messages(alert: Alert, councillor: Councillor) -> list[Message]:
    """Email and Telegram for whoever has them; an SMS only for a councillor with neither."""
    key = f"alert:{alert.entry.id}:{alert.ward.lower()}:{alert.level}:{councillor.id}"
    items = {"items": [alert.entry.id]}
    messages = []
    if councillor.email:
        messages.append(Message(f"{key}:email", KIND, "email", councillor.email,
                                email_body(alert, councillor), subject=subject(alert)))
    if councillor.telegram_chat_id:
        messages.append(Message(f"{key}:telegram", KIND, "telegram",
                                councillor.telegram_chat_id, telegram_body(alert),
                                extra=items))
    if councillor.phone and not messages:
        messages.append(Message(f"{key}:sms", KIND, "sms", councillor.phone, sms_body(alert)))
    return messages


def subject(alert: Alert) -> str:
    return f"{alert.ward}: {counted(alert.count, 'objection')} to {alert.entry.title}"


def level_line(alert: Alert) -> str:
    if alert.level == 1:
        return f"That is the alert level for it ({alert.threshold})."
    return (f"That is twice the alert level ({alert.threshold}); you were told when it "
            f"reached {alert.threshold}. There is no further alert for it.")


def email_body(alert: Alert, councillor: Councillor) -> str:
    reasons = [f'- "{text}"' + (f" (and {n - 1} more like it)" if n > 1 else "")
               for text, n in alert.reasons]
    return "\n".join([
        f"Dear {councillor.name},",
        "",
        f"{counted(alert.count, 'resident')} of {alert.ward} "
        f"{agree(alert.count, 'has', 'have')} now objected to \"{alert.entry.title}\" "
        f"({alert.kind_name}) through Local Support, the council's chat and SMS assistant. "
        + level_line(alert),
        "",
        *([agree(alert.count, "What they said", "What some of them said")
           + " (contact details and names removed):", *reasons, ""]
          if reasons else [agree(alert.count, "They gave no reason.",
                                 "None of them gave a reason."), ""]),
        f"Objections to it across the whole council: {alert.council}.",
        "",
        "To answer them (\"you said, we did\"): reply to this alert on Telegram, or ask a "
        "council officer to run",
        f'    localsupport respond {alert.entry.id} "your response"',
        "It goes to everyone who objected, on their own channel (SMS or Telegram).",
        "",
        "Objections from the web chat are not counted here: anyone can use it without "
        "signing in. The weekly digest has the full picture.",
    ])


def telegram_body(alert: Alert) -> str:
    reasons = [f"• “{escape(text)}”" + (f" (+{n - 1} alike)" if n > 1 else "")
               for text, n in alert.reasons]
    return "\n".join([
        f"<b>Objections: {escape(alert.entry.title)}</b>",
        f"{counted(alert.count, 'resident')} of {escape(alert.ward)} "
        f"{agree(alert.count, 'has', 'have')} objected "
        f"(alert level {alert.threshold * alert.level}).",
        *reasons,
        "",
        "<i>Reply to this message with your response: it goes to everyone who objected.</i>",
    ])


def sms_body(alert: Alert) -> str:
    """Two SMS segments at most (the SMS renderer's budget, bot/render.py)."""
    who = f"{alert.count} {alert.ward} {agree(alert.count, 'resident')}"
    return fit(to_gsm7(f"Local Support: {who} {agree(alert.count, 'has', 'have')} objected to "
                       f"\"{alert.entry.title}\". The weekly digest has more."),
               MULTI_SEGMENT * SMS_MAX_SEGMENTS)
