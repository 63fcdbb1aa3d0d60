"""Safeguarding alerts: a message flagged as a sign of danger reaches the council's named
contact (SAFEGUARDING_EMAIL) by email within a minute, not in the weekly digest.

`record_alert` runs inside the transaction that handles the message (Assistant.handle), and
queues the referral email in the outbox in that same transaction (key `alert:<id>`), so a
flagged message, its alert and its email are stored together; the outbox delivers it with
retries (bot/outbox.py) and a trigger marks the alert sent (bot/schema.py). Alerts stored
while no contact was set up are queued when one is (`queue_unsent_alerts`, at start).
The alert holds `channel` and `address`, so MY DATA shows it and FORGET ME erases it once
it has been sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from conversations.outbox import Message, enqueue
from conversations.safeguarding import Concern
from conversations.types import Inbound

ALERTS = "alerts"

REACH = {
    "sms": "by text message to this number: {address}",
    "telegram": "on Telegram, chat id {address} (message them through the council's "
                "Local Support bot)",
    "web": "only through the web chat, user id {address} (no phone or email is held)",
    "terminal": "test message from the command line (user {address})",
}


@dataclass(frozen=True)
class Alert:
    id: int
    channel: str
    address: str
    text: str
    category: str
    phrase: str
    created_at: str


def record_alert(
    db: sqlite_utils.Database, inbound: Inbound, concern: Concern | None, now: datetime,
    contact: str = "",
) -> int:
    """Store an alert for a flagged message and, when there is a `contact` to email, queue
    the email. Never commits: the caller's transaction does."""
    cursor = db.execute(
        f"INSERT INTO {ALERTS} (channel, address, text, category, phrase, created_at, attempts)"
        " VALUES (?, ?, ?, ?, ?, ?, 0)",
        [inbound.channel, inbound.address, inbound.text,
         concern.category if concern else "unknown", concern.words if concern else "",
         now.astimezone(UTC).isoformat(timespec="seconds")],
    )
    alert_id = int(cursor.lastrowid or 0)
    if contact:
        queue_alert(db, alert_id, contact, now)
    return alert_id


def queue_alert(db: sqlite_utils.Database, alert_id: int, contact: str, now: datetime) -> bool:
    row = db.execute("SELECT id, channel, address, text, category, phrase, created_at "
                     f"FROM {ALERTS} WHERE id = ?", [alert_id]).fetchone()
    if row is None:
        return False
    subject, body = alert_email(Alert(int(row[0]), *(str(v or "") for v in row[1:])))
    return enqueue(db, Message(f"alert:{alert_id}", "safeguarding", "email", contact, body,
                               subject=subject), now)


def queue_unsent_alerts(db: sqlite_utils.Database, contact: str, now: datetime) -> int:
    """Alerts stored while nobody was set up to receive them: queue their emails."""
    return sum(queue_alert(db, alert.id, contact, now) for alert in pending_alerts(db))


def pending_alerts(db: sqlite_utils.Database) -> list[Alert]:
    """Alerts not yet sent, oldest first."""
    rows = db.execute(
        f"SELECT id, channel, address, text, category, phrase, created_at FROM {ALERTS}"
        " WHERE sent_at IS NULL ORDER BY id"
    ).fetchall()
    return [Alert(int(r[0]), *(str(v or "") for v in r[1:])) for r in rows]


def alert_email(alert: Alert) -> tuple[str, str]:
    """Subject and body of the referral email."""
    when = datetime.fromisoformat(alert.created_at).strftime("%A %d %B %Y, %H:%M UTC")
    reach = REACH.get(alert.channel, "{address}").format(address=alert.address)
    subject = f"Safeguarding alert from Local Support: {alert.category} ({alert.channel})"
    matched = f' (matched "{alert.phrase}")' if alert.phrase else ""
    body = "\n".join([
        "A message sent to Local Support, the council's chat and SMS assistant, looks like",
        "a sign that someone may be in danger. They were shown crisis contacts straight away",
        "(999, Childline 0800 1111, Samaritans 116 123, text SHOUT to 85258).",
        "",
        f"When:     {when}",
        f"Channel:  {alert.channel}",
        f"Concern:  {alert.category}{matched}",
        f"Reach them {reach}",
        "",
        "Their message, as sent:",
        "",
        *(f"    {line}" for line in alert.text.splitlines() or [""]),
        "",
        "The match is automatic and can be wrong; please follow your safeguarding procedure.",
        "This email holds personal data about someone who may be at risk: keep it within",
        "that procedure. The person can ask Local Support to erase their data (FORGET ME).",
        f"Alert number {alert.id}.",
    ])
    return subject, body
