"""Safeguarding alerts: a message flagged as a sign of danger reaches the council's named
contact (SAFEGUARDING_EMAIL) by email within minutes, not in the weekly digest.

`record_alert` runs inside the transaction that handles the message (Assistant.handle),
so a flagged message and its alert are stored together. `deliver_alerts` emails every
alert not yet sent and marks each sent as soon as it has gone; one that fails stays
unsent and is tried again next time. The alert holds `channel` and `address`, so it
follows the personal-data conventions (MY DATA shows it, FORGET ME erases it).

Nothing here reads settings: the composition root passes an `SmtpConfig` and the address.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING, Protocol, TypeVar

import sqlite_utils

from conversations.safeguarding import Concern
from conversations.types import Inbound

if TYPE_CHECKING:
    from bot.assistant import Assistant
    from bot.dbthread import DbThread

log = logging.getLogger("localsupport.notify")

ALERTS = "alerts"
SMTP_TIMEOUT = 30.0
T = TypeVar("T")

REACH = {
    "sms": "by text message to this number: {address}",
    "telegram": "on Telegram, chat id {address} (message them through the council's "
                "Local Support bot)",
    "web": "only through the web chat, user id {address} (no phone or email is held)",
    "terminal": "test message from the command line (user {address})",
}


@dataclass(frozen=True)
class SmtpConfig:
    """How to reach the mail server; built from the SMTP_* settings by the caller."""

    host: str
    port: int = 0  # 0: 587 with STARTTLS, else 25
    user: str = ""
    password: str = ""
    starttls: bool = True
    sender: str = ""  # From: address (DIGEST_FROM)


@dataclass(frozen=True)
class Alert:
    id: int
    channel: str
    address: str
    text: str
    category: str
    phrase: str
    created_at: str


class OnDb(Protocol):
    """Runs a function of the database on the thread that owns it."""

    def __call__(self, fn: Callable[[sqlite_utils.Database], T]) -> Awaitable[T]: ...


class ViaDbThread:
    """`OnDb` for the server's database thread (which holds the Assistant)."""

    def __init__(self, thread: DbThread[Assistant]) -> None:
        self.thread = thread

    def __call__(self, fn: Callable[[sqlite_utils.Database], T]) -> Awaitable[T]:
        return self.thread.call(lambda assistant: fn(assistant.db))


def ensure_alerts(db: sqlite_utils.Database) -> None:
    if not db.table(ALERTS).exists():
        db.table(ALERTS).create(
            {"id": int, "channel": str, "address": str, "text": str, "category": str,
             "phrase": str, "created_at": str, "sent_at": str, "attempts": int,
             "last_error": str},
            pk="id", not_null={"channel", "address", "text", "created_at"},
        )
        db.table(ALERTS).create_index(["channel", "address"])
        db.table(ALERTS).create_index(["sent_at"])


def record_alert(
    db: sqlite_utils.Database, inbound: Inbound, concern: Concern | None, now: datetime
) -> None:
    """Store an alert for a flagged message. Never commits: the caller's transaction does."""
    db.execute(
        f"INSERT INTO {ALERTS} (channel, address, text, category, phrase, created_at, attempts)"
        " VALUES (?, ?, ?, ?, ?, ?, 0)",
        [inbound.channel, inbound.address, inbound.text,
         concern.category if concern else "unknown", concern.words if concern else "",
         now.astimezone(UTC).isoformat(timespec="seconds")],
    )


def pending_alerts(db: sqlite_utils.Database) -> list[Alert]:
    """Alerts not yet sent, oldest first."""
    rows = db.execute(
        f"SELECT id, channel, address, text, category, phrase, created_at FROM {ALERTS}"
        " WHERE sent_at IS NULL ORDER BY id"
    ).fetchall()
    return [Alert(int(r[0]), *(str(v or "") for v in r[1:])) for r in rows]


def mark_sent(db: sqlite_utils.Database, alert_id: int, now: datetime) -> None:
    with db.atomic():
        db.execute(
            f"UPDATE {ALERTS} SET sent_at = ?, attempts = attempts + 1, last_error = NULL"
            " WHERE id = ?", [now.astimezone(UTC).isoformat(timespec="seconds"), alert_id],
        )


def mark_failed(db: sqlite_utils.Database, alert_id: int, error: str) -> None:
    with db.atomic():
        db.execute(
            f"UPDATE {ALERTS} SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            [error[:500], alert_id],
        )


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


def send_email(
    host: str, port: int, user: str, password: str, starttls: bool,
    sender: str, to: str, subject: str, body: str,
) -> None:
    """Send one plain-text email. Blocking: call it off the event loop."""
    message = EmailMessage()
    message["From"] = sender or user or "localsupport@localhost"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="localsupport")
    message.set_content(body)
    with smtplib.SMTP(host, port or (587 if starttls else 25), timeout=SMTP_TIMEOUT) as smtp:
        if starttls:
            smtp.starttls()
        if user:
            smtp.login(user, password)
        smtp.send_message(message)


def _send_alert(smtp: SmtpConfig, to: str, alert: Alert) -> None:
    subject, body = alert_email(alert)
    send_email(smtp.host, smtp.port, smtp.user, smtp.password, smtp.starttls,
               smtp.sender, to, subject, body)


def deliver_alerts(
    db: sqlite_utils.Database, smtp: SmtpConfig, to: str, now: datetime | None = None
) -> int:
    """Email every unsent alert to `to`; returns how many were sent. Stops at the first
    failure (the mail server is likely down), leaving it and the rest for next time.
    Blocking (SQLite and SMTP): from async code use `deliver_alerts_async`."""
    sent = 0
    for alert in pending_alerts(db):
        try:
            _send_alert(smtp, to, alert)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("safeguarding alert %s not sent, will retry: %s", alert.id, error)
            mark_failed(db, alert.id, str(error) or type(error).__name__)
            break
        mark_sent(db, alert.id, now or datetime.now(UTC))
        sent += 1
    return sent


async def deliver_alerts_async(
    on_db: OnDb, smtp: SmtpConfig, to: str
) -> int:
    """`deliver_alerts` for the server: database work through `on_db` (which runs a function
    of the database on its owning thread), SMTP in a worker thread, the loop never blocked.

    In the server: `on_db = ViaDbThread(services.db)`.
    """
    sent = 0
    for alert in await on_db(pending_alerts):
        try:
            await asyncio.to_thread(_send_alert, smtp, to, alert)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("safeguarding alert %s not sent, will retry: %s", alert.id, error)
            await on_db(_failed(alert.id, str(error) or type(error).__name__))
            break
        await on_db(_sent(alert.id))
        sent += 1
    return sent


def _failed(alert_id: int, error: str) -> Callable[[sqlite_utils.Database], None]:
    return lambda db: mark_failed(db, alert_id, error)


def _sent(alert_id: int) -> Callable[[sqlite_utils.Database], None]:
    return lambda db: mark_sent(db, alert_id, datetime.now(UTC))
