"""Safeguarding alerts reach the named council contact by email, through a real SMTP
server (aiosmtpd) on loopback; a failed send stays queued and goes next time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import TypeVar

import pytest
import sqlite_utils
from conftest import MailServer, free_port

from bot.assistant import Assistant
from bot.dbthread import DbThread
from bot.notify import (
    SmtpConfig,
    deliver_alerts,
    deliver_alerts_async,
    ensure_alerts,
    pending_alerts,
    record_alert,
)
from bot.scheduler import build_scheduler
from bot.settings import Settings
from catalogue.store import open_db
from conversations.crisis import crisis_text
from conversations.safeguarding import assess
from conversations.types import Channel, Inbound

CONTACT = "safeguarding@council.example"
SENDER = "localsupport@council.example"
WHEN = datetime(2025, 3, 3, 16, 30, tzinfo=UTC)
T = TypeVar("T")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_db(tmp_path / "local.db")
    ensure_alerts(database)
    yield database
    database.close()


def smtp(port: int) -> SmtpConfig:
    return SmtpConfig("127.0.0.1", port, starttls=False, sender=SENDER)


def flag(db: sqlite_utils.Database, channel: Channel, address: str, text: str) -> None:
    with db.atomic():
        record_alert(db, Inbound(channel, address, text), assess(text), WHEN)


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_an_alert_email_reaches_the_contact_with_what_they_need(
    db: sqlite_utils.Database, mail: MailServer
) -> None:
    flag(db, "sms", "+447700900123", "my step dad hits me")
    assert deliver_alerts(db, smtp(mail.port), CONTACT) == 1
    [(sender, recipients, message)] = mail.inbox.messages
    assert (sender, recipients) == (SENDER, [CONTACT])
    assert message["Subject"] == "Safeguarding alert from Local Support: abuse at home (sms)"
    text = body(message)
    assert "my step dad hits me" in text
    assert "by text message to this number: +447700900123" in text
    assert "Monday 03 March 2025, 16:30 UTC" in text
    assert 'abuse at home (matched "stepdad hits me")' in text
    assert pending_alerts(db) == []
    assert deliver_alerts(db, smtp(mail.port), CONTACT) == 0  # not sent twice
    assert len(mail.inbox.messages) == 1


def test_a_failed_send_stays_unsent_and_goes_next_time(
    db: sqlite_utils.Database, mail: MailServer
) -> None:
    port = mail.port
    mail.stop()
    flag(db, "telegram", "555001", "i wanna kms")
    flag(db, "web", "w-42", "sumone is hurting me")
    assert deliver_alerts(db, smtp(port), CONTACT) == 0
    assert [a.text for a in pending_alerts(db)] == ["i wanna kms", "sumone is hurting me"]
    row = db.execute("SELECT attempts, last_error, sent_at FROM alerts ORDER BY id").fetchone()
    assert row[0] == 1 and row[1] and row[2] is None

    again = MailServer(port)
    again.start()
    try:
        assert deliver_alerts(db, smtp(port), CONTACT) == 2
    finally:
        again.stop()
    subjects = [m["Subject"] for _, _, m in again.inbox.messages]
    assert subjects == ["Safeguarding alert from Local Support: suicide (telegram)",
                        "Safeguarding alert from Local Support: abuse at home (web)"]
    assert "Telegram, chat id 555001" in body(again.inbox.messages[0][2])
    assert pending_alerts(db) == []


def test_the_assistant_flags_a_danger_message_in_the_same_transaction(
    db: sqlite_utils.Database, mail: MailServer
) -> None:
    assistant = Assistant(db)
    replies = assistant.handle(Inbound("sms", "+447700900999", "he touches me"), WHEN)
    assert replies[0].urgent and replies[0].text == crisis_text("child")
    assistant.handle(Inbound("sms", "+447700900999", "domestic waste collection"), WHEN)
    [alert] = pending_alerts(db)
    assert (alert.channel, alert.address, alert.text, alert.category) == (
        "sms", "+447700900999", "he touches me", "sexual abuse or exploitation")
    assert alert.created_at == "2025-03-03T16:30:00+00:00"
    assert deliver_alerts(db, smtp(mail.port), CONTACT) == 1
    assert "he touches me" in body(mail.inbox.messages[0][2])


async def test_async_delivery_keeps_the_loop_free_and_retries(
    db: sqlite_utils.Database, mail: MailServer
) -> None:
    async def on_db(fn: Callable[[sqlite_utils.Database], T]) -> T:
        return fn(db)

    flag(db, "sms", "+447700900555", "i want to end my life")
    assert await deliver_alerts_async(on_db, smtp(free_port()), CONTACT) == 0  # nobody there
    assert len(pending_alerts(db)) == 1
    assert await deliver_alerts_async(on_db, smtp(mail.port), CONTACT) == 1
    assert "i want to end my life" in body(mail.inbox.messages[0][2])
    assert pending_alerts(db) == []


async def test_the_scheduler_delivers_through_the_database_thread(
    tmp_path: Path, mail: MailServer
) -> None:
    thread: DbThread[Assistant] = DbThread(
        lambda: Assistant(open_db(tmp_path / "server.db")), lambda a: a.db.close()
    )
    await thread.start()
    try:
        inbound = Inbound("telegram", "777", "my mums boyfriend beats us")
        await thread.call(lambda a: a.handle(inbound, WHEN))
        settings = Settings(smtp_host="127.0.0.1", smtp_port=mail.port, smtp_starttls=False,
                            digest_from=SENDER, safeguarding_email=CONTACT, alert_interval=0.05)
        scheduler = build_scheduler(settings, thread)
        scheduler.start()
        try:
            async with asyncio.timeout(20):
                while not mail.inbox.messages:
                    await asyncio.sleep(0.02)
        finally:
            scheduler.shutdown(wait=False)
        assert await thread.call(lambda a: pending_alerts(a.db)) == []
    finally:
        await thread.stop()
    [(_, recipients, message)] = mail.inbox.messages
    assert recipients == [CONTACT]
    assert "my mums boyfriend beats us" in body(message)
    assert "Telegram, chat id 777" in body(message)
