"""`localsupport digest send` through a real SMTP server (aiosmtpd on loopback): one email
per councillor with a plain-text part, an HTML part and the chart inline; each week once
(`--force` again); a mail server refusing connections leaves them queued, then they go
once each."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path

import pytest
import sqlite_utils
from aiosmtpd.controller import Controller
from conftest import Inbox, MailServer, free_port
from conversation_kit import CIRCUMSTANCES, ENTRIES, WARDS
from digest_kit import WEEK, Activity, add_councillors

from bot.channels.email import EmailAdapter, SmtpConfig
from bot.cli import main
from bot.digest.render import CHART_CID
from bot.outbox import OutboxWorker
from bot.store import open_store
from catalogue.store import save_catalogue
from conversations.councillors import import_councillors
from conversations.records import save_wards

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SENDER = "digest@council.example"


@pytest.fixture
def db_file(tmp_path: Path) -> str:
    db = open_store(tmp_path / "send.db")
    save_catalogue(db, ENTRIES, CIRCUMSTANCES)
    save_wards(db, WARDS)
    add_councillors(db, tmp_path, NOW)
    week = Activity(db, WEEK)
    week.objection("close-library", "Riverside", "Ask Mrs Jones on 07700 900999", count=2)
    week.objection("car-park", "Hillside", "Keep the green")
    week.unmet("bus pass renewal", "Riverside")
    db.close()
    return str(tmp_path / "send.db")


@pytest.fixture
def smtp_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID", "SMTP_USER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_STARTTLS", "off")
    monkeypatch.setenv("DIGEST_FROM", SENDER)


def parts(message: Message) -> dict[str, Message]:
    return {part.get_content_type(): part for part in message.walk()}


def text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def test_each_councillor_gets_one_email_with_text_html_and_the_chart(
    db_file: str, mail: MailServer, smtp_env: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SMTP_PORT", str(mail.port))
    # Telegram and Twilio are not set up: said plainly, and the command fails
    assert main(["digest", "send", "--week", "2026-W48", "--db", db_file]) == 1
    out, err = capsys.readouterr()
    assert "Queued 4 digests for 2026-W48." in out and "Sent 3." in out
    assert "1 telegram message(s) NOT sent: Telegram (TELEGRAM_BOT_TOKEN) is not set" in err
    assert "1 sms message(s) NOT sent: Twilio (TWILIO_ACCOUNT_SID" in err
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")  # the server would send it
    main(["digest", "send", "--week", "2026-W48", "--db", db_file])
    assert "1 telegram message(s) queued for the server" in capsys.readouterr().out
    received = {tuple(to): message for _, to, message in mail.inbox.messages}
    assert set(received) == {("jo.bloggs@example.org",), ("sam.patel@example.org",),
                             ("alex.chen@example.org",)}
    assert {sender for sender, _, _ in mail.inbox.messages} == {SENDER}
    jo = received[("jo.bloggs@example.org",)]
    assert jo["Subject"] == "Local Support weekly digest, 2026-W48: Riverside"
    assert jo.get_content_type() == "multipart/alternative"
    found = parts(jo)
    assert set(found) >= {"text/plain", "multipart/related", "text/html", "image/png"}
    plain, page, image = text_of(found["text/plain"]), text_of(found["text/html"]), \
        found["image/png"]
    assert plain.startswith("Local Support: weekly digest for Riverside")
    assert image["Content-ID"] == f"<{CHART_CID}>"
    assert image.get_content_disposition() == "inline"
    png = image.get_payload(decode=True)
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG")
    assert f'src="cid:{CHART_CID}" alt="Bar chart of objections a week in Riverside' in page
    for part in (plain, page):
        assert "Jones" not in part and "07700 900999" not in part
        assert "[name] on [phone]" in part
    alex = parts(received[("alex.chen@example.org",)])
    assert "weekly digest for Hillside" in text_of(alex["text/plain"])

    main(["digest", "send", "--week", "2026-W48", "--db", db_file])  # the SMS still waits
    assert "Queued 0 digests for 2026-W48 (all were queued before" in capsys.readouterr().out
    assert len(mail.inbox.messages) == 3
    main(["digest", "send", "--week", "2026-W48", "--force", "--db", db_file])
    assert len(mail.inbox.messages) == 6


def test_a_mail_server_refusing_connections_leaves_them_queued_then_each_goes_once(
    db_file: str, smtp_env: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()  # nothing listens there yet
    monkeypatch.setenv("SMTP_PORT", str(port))
    assert main(["digest", "send", "--week", "2026-W48", "--db", db_file]) == 1
    assert ("3 email message(s) not delivered (ConnectionRefusedError"
            in capsys.readouterr().err)
    db = sqlite_utils.Database(db_file)
    states = db.execute("SELECT state, attempts FROM outbox WHERE channel = 'email'").fetchall()
    assert states == [("queued", 1)] * 3
    assert main(["digest", "send", "--week", "2026-W48", "--db", db_file]) == 1  # not doubled
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE channel = 'email'").fetchone()[0] == 3
    # nor by --force while those copies still wait: each councillor would get two
    main(["digest", "send", "--week", "2026-W48", "--force", "--db", db_file])
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE channel = 'email'").fetchone()[0] == 3

    server = MailServer(port)
    server.start()
    try:
        asyncio.run(drain_later(db, port))
        assert sorted(to for _, [to], _ in server.inbox.messages) == [
            "alex.chen@example.org", "jo.bloggs@example.org", "sam.patel@example.org"]
        asyncio.run(drain_later(db, port))
        assert len(server.inbox.messages) == 3
    finally:
        server.stop()
    assert {row[0] for row in db.execute("SELECT state FROM outbox WHERE channel = 'email'")} \
        == {"sent"}


async def drain_later(db: sqlite_utils.Database, port: int) -> None:
    """The server's worker, a few minutes later (past the backoff)."""
    async def on_db(fn):  # type: ignore[no-untyped-def]
        return fn(db)

    later = datetime.now(UTC) + timedelta(minutes=10)
    worker = OutboxWorker(on_db, {"email": EmailAdapter(SmtpConfig("127.0.0.1", port,
                                                                   starttls=False,
                                                                   sender=SENDER))},
                          clock=lambda: later)
    await worker.drain()


def test_a_week_not_over_is_refused(db_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.digest.weeks import week_of

    this_week = week_of(datetime.now(UTC)).label
    assert main(["digest", "send", "--week", this_week, "--db", db_file]) == 1
    assert f"{this_week} is not over until" in capsys.readouterr().err


def test_a_councillor_for_two_wards_gets_one_digest_with_both(
    tmp_path: Path, mail: MailServer, smtp_env: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "two.db"
    db = open_store(path)
    save_catalogue(db, ENTRIES, CIRCUMSTANCES)
    save_wards(db, WARDS)
    csv = tmp_path / "two.csv"
    csv.write_text("name,ward,email,phone,telegram_chat_id\n"
                   "Jo Bloggs,Riverside,jo.bloggs@example.org,,\n"
                   "Jo Bloggs,Hillside,Jo.Bloggs@example.org,,\n"
                   "Alex Chen,Hillside,alex.chen@example.org,,\n", encoding="utf-8")
    import_councillors(db, csv, NOW)
    week = Activity(db, WEEK)
    week.objection("close-library", "Riverside", "We go every Saturday", count=2)
    week.objection("car-park", "Hillside", "Keep the green")
    db.close()
    monkeypatch.setenv("SMTP_PORT", str(mail.port))
    assert main(["digest", "send", "--week", "2026-W48", "--db", str(path)]) == 0
    assert "Queued 2 digests for 2026-W48." in capsys.readouterr().out
    to_jo = [m for _, [to], m in mail.inbox.messages if to.lower() == "jo.bloggs@example.org"]
    assert len(to_jo) == 1 and len(mail.inbox.messages) == 2
    [jo] = to_jo
    assert jo["Subject"] == "Local Support weekly digest, 2026-W48: Hillside and Riverside"
    plain = text_of(parts(jo)["text/plain"]).replace("\r\n", "\n")
    assert plain.startswith("Local Support: weekly digest for Hillside and Riverside\n")
    assert "For Jo Bloggs, Hillside and Riverside councillor" in plain
    assert (plain.index("HILLSIDE\n") < plain.index("RIVERSIDE\n")
            < plain.index("THE WHOLE COUNCIL"))
    assert "1. New car park on Mill Lane: 1" in plain
    assert "1. Close Riverside library on Saturdays: 2" in plain
    html = text_of(parts(jo)["text/html"])  # the chart counts both wards, not the first's
    assert "Bar chart of objections a week in Hillside and Riverside: " in html
    assert "week 48 3 (this week last)" in html
    weeks = sqlite_utils.Database(path).execute(
        "SELECT councillor_id FROM digest_weeks ORDER BY 1").fetchall()
    assert [w[0] for w in weeks] == ["hillside/alex-chen", "hillside/jo-bloggs",
                                     "riverside/jo-bloggs"]
    assert main(["digest", "send", "--week", "2026-W48", "--db", str(path)]) == 0
    assert len(mail.inbox.messages) == 2  # neither ward's row queues it again


def test_digests_and_alerts_carry_the_councils_reply_to(
    db_file: str, mail: MailServer, smtp_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PORT", str(mail.port))
    main(["digest", "send", "--week", "2026-W48", "--db", db_file])
    assert mail.inbox.messages
    assert {m["Reply-To"] for _, _, m in mail.inbox.messages} == {SENDER}


async def test_a_failed_send_is_logged_with_its_class_and_code_but_not_who_or_what(
    caplog: pytest.LogCaptureFixture
) -> None:
    from bot.outbox import Queued
    from conversations.outbox import Message as OutboxMessage

    class Refusing(Inbox):
        async def handle_RCPT(self, server: object, session: object, envelope: object,
                              address: str, options: list[str]) -> str:
            return "550 5.1.1 mailbox unavailable"

    port, closed = free_port(), free_port()
    refusing = Controller(Refusing(), hostname="127.0.0.1", port=port)
    refusing.start()
    secret = "Digest body: Mrs Jones objected"
    message = OutboxMessage("digest:riverside/jo-bloggs:2026-W48:email", "digest", "email",
                            "jo.bloggs@example.org", secret, subject="Weekly digest")
    try:
        with caplog.at_level(logging.WARNING, logger="localsupport.email"):
            refused = await EmailAdapter(SmtpConfig(
                "127.0.0.1", port, starttls=False, sender=SENDER)).deliver(
                Queued(1, message, 0))
            down = await EmailAdapter(SmtpConfig(
                "127.0.0.1", closed, starttls=False, sender=SENDER)).deliver(
                Queued(2, message, 0))
    finally:
        refusing.stop()
    assert (refused.outcome, down.outcome) == ("failed", "retry")
    lines = [r.getMessage() for r in caplog.records if r.name == "localsupport.email"]
    assert lines == [
        "email digest not sent to an address at example.org: SMTPRecipientsRefused (SMTP 550); "
        "given up",
        "email digest not sent to an address at example.org: ConnectionRefusedError; will retry"]
    assert all(r.levelno == logging.WARNING for r in caplog.records)
    assert not any("jo.bloggs" in line or "Jones" in line for line in lines)
