"""Safeguarding alerts reach the named council contact by email, through the outbox and a
real SMTP server (aiosmtpd) on loopback; a failed send stays queued and goes next time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from conftest import MailServer, free_port

from bot.assistant import Assistant
from bot.channels.email import EmailAdapter, SmtpConfig
from bot.notify import pending_alerts, queue_unsent_alerts, record_alert
from bot.outbox import Backoff, OutboxWorker
from bot.store import open_store
from catalogue.importer import load_sample
from catalogue.storage import write
from conversations.crisis import crisis_text
from conversations.safeguarding import assess
from conversations.types import Channel, Inbound

CONTACT = "safeguarding@council.example"
SENDER = "localsupport@council.example"
WHEN = datetime(2025, 3, 3, 16, 30, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_store(tmp_path / "local.db")
    yield database
    database.close()


def smtp(port: int) -> SmtpConfig:
    return SmtpConfig("127.0.0.1", port, starttls=False, sender=SENDER)


def worker(db: sqlite_utils.Database, port: int) -> OutboxWorker:
    async def on_db(fn: Callable[[sqlite_utils.Database], Any]) -> Any:
        return fn(db)

    return OutboxWorker(on_db, {"email": EmailAdapter(smtp(port))}, clock=lambda: WHEN,
                        backoff=Backoff(first=0))


def flag(db: sqlite_utils.Database, channel: Channel, address: str, text: str) -> None:
    with write(db):
        record_alert(db, Inbound(channel, address, text), assess(text), WHEN, CONTACT)


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def outbox_states(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in db.execute(
        "SELECT key, state FROM outbox ORDER BY id").fetchall()]


async def test_an_alert_email_reaches_the_contact_with_what_they_need(
    db: sqlite_utils.Database, mail: MailServer
) -> None:
    flag(db, "sms", "+447700900123", "my step dad hits me")
    await worker(db, mail.port).drain()
    [(sender, recipients, message)] = mail.inbox.messages
    assert (sender, recipients) == (SENDER, [CONTACT])
    assert message["Subject"] == "Safeguarding alert from Local Support: abuse at home (sms)"
    text = body(message)
    assert "my step dad hits me" in text
    assert "by text message to this number: +447700900123" in text
    assert "Monday 03 March 2025, 16:30 UTC" in text
    assert 'abuse at home (matched "stepdad hits me")' in text
    assert pending_alerts(db) == []  # the outbox marked the alert sent
    await worker(db, mail.port).drain()
    assert len(mail.inbox.messages) == 1  # not sent twice


async def test_a_failed_send_stays_unsent_and_goes_next_time(
    db: sqlite_utils.Database, mail: MailServer
) -> None:
    port = mail.port
    mail.stop()
    flag(db, "telegram", "555001", "i wanna kms")
    flag(db, "web", "w-42", "sumone is hurting me")
    await worker(db, port).run_once()
    assert [a.text for a in pending_alerts(db)] == ["i wanna kms", "sumone is hurting me"]
    row = db.execute("SELECT state, attempts, last_error FROM outbox ORDER BY id").fetchone()
    assert row[0] == "queued" and row[1] == 1 and "Refused" in row[2]

    again = MailServer(port)
    again.start()
    try:
        await worker(db, port).drain()
    finally:
        again.stop()
    subjects = [m["Subject"] for _, _, m in again.inbox.messages]
    assert subjects == ["Safeguarding alert from Local Support: suicide (telegram)",
                        "Safeguarding alert from Local Support: abuse at home (web)"]
    assert "Telegram, chat id 555001" in body(again.inbox.messages[0][2])
    assert pending_alerts(db) == []
    assert outbox_states(db) == [("alert:1", "sent"), ("alert:2", "sent")]


async def test_the_assistant_flags_and_queues_a_danger_message_in_one_transaction(
    db: sqlite_utils.Database, mail: MailServer
) -> None:
    load_sample(db)
    assistant = Assistant(db, safeguarding_contact=CONTACT)
    replies = assistant.handle(Inbound("sms", "+447700900999", "he touches me"), WHEN)
    assert replies[0].urgent and replies[0].text == crisis_text("sexual")  # no age: 16+ too
    assistant.handle(Inbound("sms", "+447700900999", "domestic waste collection"), WHEN)
    [alert] = pending_alerts(db)
    assert (alert.channel, alert.address, alert.text) == ("sms", "+447700900999",
                                                          "he touches me")
    assert alert.created_at == "2025-03-03T16:30:00+00:00"
    assert outbox_states(db) == [(f"alert:{alert.id}", "queued")]
    await worker(db, mail.port).drain()
    assert "he touches me" in body(mail.inbox.messages[0][2])


async def test_alerts_stored_before_a_contact_was_set_up_are_queued_once(
    db: sqlite_utils.Database, mail: MailServer
) -> None:
    with write(db):
        record_alert(db, Inbound("telegram", "777", "my mums boyfriend beats us"),
                     assess("my mums boyfriend beats us"), WHEN)  # no contact yet
    assert outbox_states(db) == []
    with write(db):
        assert queue_unsent_alerts(db, CONTACT, WHEN) == 1
        assert queue_unsent_alerts(db, CONTACT, WHEN) == 0  # the same key: not twice
    await worker(db, free_port()).run_once()  # nobody listening: stays queued
    await worker(db, mail.port).drain()
    [(_, recipients, message)] = mail.inbox.messages
    assert recipients == [CONTACT]
    assert "Telegram, chat id 777" in body(message)
    assert pending_alerts(db) == []
