"""The one message path end to end: a database made before it upgrades without losing a row,
the outbox delivers once through crashes, status callbacks, media, and officers' commands
that run while the server is busy."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import sqlite_utils
from conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PUBLIC_URL,
    OutboxMessage,
    Server,
    free_port,
    send_later,
    start_app,
)
from fakes.twilio_api import FakeTwilioApi
from test_sms import OUR_NUMBER, SENDER, messages_of, post_sms, sign, twilio_form

from bot.cli import main
from bot.outbox import Backoff, Delivery, OutboxWorker, Queued, recover
from bot.settings import Settings
from bot.store import open_store
from catalogue.storage import write
from conversations.outbox import enqueue

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def test_a_database_made_before_the_store_upgrades_without_losing_a_row(tmp_path: Path) -> None:
    """tests/data/main-2026-11-22.sql is a database written by the code before migrations."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((DATA / "main-2026-11-22.sql").read_text(encoding="utf-8"))
    tables = [t for (t,) in query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    before = {t: query(path, f"SELECT count(*) FROM [{t}]")[0][0] for t in tables}
    assert before["outbound_messages"] == 1 and before["inbound_messages"] == 9
    db = open_store(path)
    after = {t: db.table(t).count for t in tables if t != "outbound_messages"}
    assert after == {t: n for t, n in before.items() if t != "outbound_messages"}
    # the old log of messages we sent is in the outbox now, as delivered history
    assert db.execute("SELECT kind, state, provider_id FROM outbox").fetchall() == [
        ("legacy", "sent", "SM1")]
    assert db.table("message_ids").count == 9  # known ids are still recognised
    db.close()
    again = open_store(path)  # opening again changes nothing
    assert again.table("inbound_messages").count == 9 and again.table("outbox").count == 1


def test_a_key_is_queued_once_and_failures_are_kept_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "o.db"
    db = open_store(path)
    assert main(["outbox", "--failed", "--db", str(path)]) == 0
    assert "No failed messages." in capsys.readouterr().out
    message = OutboxMessage("digest:cllr-1:2026-W48", "digest", "email",
                            "cllr@example.org", "Private words about Riverside")
    with write(db):
        assert enqueue(db, message, NOW) is True
        assert enqueue(db, message, NOW) is False

    class Refusing:
        async def deliver(self, item: Queued) -> Delivery:
            return Delivery("retry", "smtp 451")

    async def on_db(fn: Callable[[sqlite_utils.Database], Any]) -> Any:
        return fn(db)

    worker = OutboxWorker(on_db, {"email": Refusing()}, clock=lambda: NOW,
                          backoff=Backoff(first=0, attempts=3))
    asyncio.run(worker.drain())
    assert db.execute("SELECT state, attempts, last_error FROM outbox").fetchall() == [
        ("failed", 3, "smtp 451")]
    db.close()
    assert main(["outbox", "--failed", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 failed" in out and "digest:cllr-1:2026-W48" in out and "smtp 451" in out
    assert "No failed messages." not in out
    assert "Private words" not in out and "cllr@example.org" not in out
    assert main(["outbox", "--retry", "--db", str(path)]) == 0
    assert "Queued 1 failed message(s) again" in capsys.readouterr().out
    again = open_store(path)
    assert again.execute("SELECT state, attempts FROM outbox").fetchall() == [("queued", 0)]


@pytest.fixture
async def sending(make_server: Any, settings: Settings, twilio_api: FakeTwilioApi) -> Server:
    server: Server = await make_server(
        settings, twilio_account_sid=ACCOUNT_SID, twilio_from_number=OUR_NUMBER,
        twilio_api_base_url=twilio_api.url)
    return server


async def post_status(http: aiohttp.ClientSession, server: Server, form: dict[str, str],
                      path: str = "/sms/twilio/status") -> tuple[int, str]:
    headers = {"X-Twilio-Signature": sign(form, PUBLIC_URL + path)}
    async with http.post(server.url + path, data=form, headers=headers) as response:
        return response.status, await response.text()


def status_form(sid: str, status: str, code: str = "") -> dict[str, str]:
    form = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
            "AccountSid": ACCOUNT_SID, "From": OUR_NUMBER, "To": SENDER, "ApiVersion":
            "2010-04-01"}
    if code:
        form["ErrorCode"] = code
    return form


async def test_status_callbacks_update_the_outbox_and_are_never_a_persons_message(
    http: aiohttp.ClientSession, sending: Server, twilio_api: FakeTwilioApi, db_path: Path
) -> None:
    assert await send_later(sending, OutboxMessage("n:1", "notice", "sms", SENDER, "Hi")) \
        == "sent"
    [(sid,)] = query(db_path, "SELECT provider_id FROM outbox")
    assert twilio_api.created[0]["StatusCallback"] == PUBLIC_URL + "/sms/twilio/status"
    assert (await post_status(http, sending, status_form(sid, "delivered")))[0] == 204
    assert query(db_path, "SELECT state FROM outbox") == [("sent",)]
    # posted to the inbound webhook by mistake: recognised, not answered, not stored
    status, body = await post_status(http, sending, status_form(sid, "undelivered", "21610"),
                                     "/sms/twilio")
    assert status == 204 and body == ""
    assert query(db_path, "SELECT state, last_error FROM outbox") == [
        ("failed", "undelivered 21610")]
    assert query(db_path, "SELECT channel, address FROM optouts") == [("sms", SENDER)]
    assert query(db_path, "SELECT count(*) FROM inbound_messages") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM sessions") == [(0,)]
    forged = status_form(sid, "delivered")
    async with http.post(sending.url + "/sms/twilio/status", data=forged,
                         headers={"X-Twilio-Signature": "forged"}) as response:
        assert response.status == 403


async def test_a_picture_without_words_is_told_we_read_text(
    http: aiohttp.ClientSession, sending: Server, db_path: Path
) -> None:
    form = twilio_form("")
    form.update({"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/media/ME1",
                 "MediaContentType0": "image/jpeg"})
    status, twiml = await post_sms(http, sending, form)
    assert status == 200 and "can only read text" in messages_of(twiml)[0]
    assert query(db_path, "SELECT count(*) FROM sessions") == [(0,)]


def cli(db_path: Path, *words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "--db", str(db_path), *words],
                          capture_output=True, text=True, check=False, timeout=120)


async def test_officers_commands_and_the_server_wait_for_each_other_under_load(
    http: aiohttp.ClientSession, server: Server, db_path: Path, tmp_path: Path
) -> None:
    """`forget` and `catalogue import` while SMS pours in: every command succeeds and no
    webhook gets a 5xx (writes take the lock first and wait on the busy timeout)."""
    csv = tmp_path / "extra.csv"
    csv.write_text("id,kind,title,summary\nzorb,service,Zorbing,Roll down the hill.\n")
    statuses: list[int] = []

    async def texter(n: int) -> None:
        for k in range(25):
            status, _ = await post_sms(http, server, twilio_form(
                "free school meals" if k % 2 else "help with rent", f"+4477009{n:02}{k:03}"))
            statuses.append(status)

    async def officer(k: int) -> subprocess.CompletedProcess[str]:
        words = ("forget", f"sms:+4477009{k:02}000") if k % 2 else (
            "catalogue", "import", str(csv), "--yes")  # the first replaces the sample
        return await asyncio.to_thread(cli, db_path, *words)

    results = await asyncio.gather(*(texter(n) for n in range(12)),
                                   *(officer(k) for k in range(12)))
    commands = [r for r in results if isinstance(r, subprocess.CompletedProcess)]
    assert [c.returncode for c in commands] == [0] * 12, [c.stderr for c in commands]
    assert "locked" not in "".join(c.stderr for c in commands)
    assert statuses and set(statuses) == {200}


def serve(db_path: Path, port: int, twilio_url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO", "TELEGRAM"))}
    env.update(TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
               TWILIO_FROM_NUMBER=OUR_NUMBER, TWILIO_API_BASE_URL=twilio_url,
               PUBLIC_URL=PUBLIC_URL)
    return subprocess.Popen([sys.executable, "-m", "bot", "--db", str(db_path), "serve",
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


async def wait_healthy(http: aiohttp.ClientSession, port: int) -> None:
    for _ in range(300):
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("the server did not start")


async def test_queued_messages_survive_sigkill_and_are_delivered_once_after_restart(
    http: aiohttp.ClientSession, db_path: Path
) -> None:
    """Twilio unreachable, the server killed with SIGKILL while retrying, a row left
    `sending` by the kill: after a restart with Twilio back, each message arrives once."""
    port, dead = free_port(), f"http://127.0.0.1:{free_port()}"
    db = open_store(db_path)
    with write(db):
        for n in range(3):
            enqueue(db, OutboxMessage(f"notice:{n}", "notice", "sms", f"+44770090010{n}",
                                      f"Message {n}"), NOW)
        db.execute("UPDATE outbox SET state = 'sending' WHERE key = 'notice:2'")
    db.close()
    first = serve(db_path, port, dead)
    try:
        await wait_healthy(http, port)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and query(
                db_path, "SELECT min(attempts) FROM outbox")[0][0] < 1:
            await asyncio.sleep(0.05)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert {s for (s,) in query(db_path, "SELECT state FROM outbox")} <= {"queued", "sending"}
    twilio = FakeTwilioApi(ACCOUNT_SID, AUTH_TOKEN)
    runner, twilio.url = await start_app(twilio.app())
    second = serve(db_path, port, twilio.url)
    try:
        await wait_healthy(http, port)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(twilio.created) < 3:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # time for a duplicate to show, were there one
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
        await runner.cleanup()
    assert sorted(m["Body"] for m in twilio.created) == ["Message 0", "Message 1", "Message 2"]
    assert query(db_path, "SELECT DISTINCT state FROM outbox") == [("sent",)]


async def test_sigkill_under_sms_load_loses_nothing_acknowledged_and_repeats_nothing(
    http: aiohttp.ClientSession, db_path: Path
) -> None:
    """Signed SMS from 30 people, the server SIGKILLed in the middle, restarted, and every
    message not acknowledged sent again, as Twilio retries: each message is processed once,
    an acknowledged reply is the reply a retry gets, and everyone gets an answer."""
    port = free_port()
    forms = [twilio_form(text, f"+4477009{n:05}") for n in range(30)
             for text in ("help with rent", "1")]
    acknowledged: dict[str, list[str]] = {}

    async def deliver(form: dict[str, str]) -> None:
        try:
            async with http.post(f"http://127.0.0.1:{port}/sms/twilio", data=form,
                                 headers={"X-Twilio-Signature": sign(form)}) as response:
                if response.status == 200:
                    acknowledged[form["MessageSid"]] = messages_of(await response.text())
        except aiohttp.ClientError:
            pass  # the server died: Twilio will retry

    server = serve(db_path, port, f"http://127.0.0.1:{free_port()}")
    try:
        await wait_healthy(http, port)
        tasks = [asyncio.create_task(deliver(form)) for form in forms]
        while len(acknowledged) < 10:
            await asyncio.sleep(0.005)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    await asyncio.gather(*tasks)
    first = dict(acknowledged)
    assert 10 <= len(first) < len(forms)
    server = serve(db_path, port, f"http://127.0.0.1:{free_port()}")
    try:
        await wait_healthy(http, port)
        for form in forms:  # Twilio retries what was not acknowledged; replays some that were
            if form["MessageSid"] not in first or int(form["From"][-2:]) % 3 == 0:
                await deliver(form)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert set(acknowledged) == {form["MessageSid"] for form in forms}
    assert all(acknowledged[sid] == replies for sid, replies in first.items())
    assert all(acknowledged[sid] for sid in acknowledged)  # everyone got an answer
    assert query(db_path, "SELECT count(*), count(DISTINCT message_id) FROM inbound_messages") \
        == [(len(forms), len(forms))]


def test_a_delivery_is_recorded_as_sent_before_the_rest_of_its_round_finishes(
    tmp_path: Path
) -> None:
    """A round of three where one message hangs: the two delivered are `sent` while it
    hangs, so a process killed then sends only the hanging one again."""
    db = open_store(tmp_path / "r.db")
    with write(db):
        for n in range(3):
            enqueue(db, OutboxMessage(f"notice:{n}", "notice", "telegram", f"{4000 + n}",
                                      f"Message {n}"), NOW)

    class OneHangs:
        def __init__(self) -> None:
            self.hanging = asyncio.Event()

        async def deliver(self, item: Queued) -> Delivery:
            if item.message.key == "notice:1":
                self.hanging.set()
                await asyncio.Event().wait()
            return Delivery("sent", provider_id=item.message.key)

    async def on_db(fn: Callable[[sqlite_utils.Database], Any]) -> Any:
        return fn(db)

    async def killed_mid_round() -> None:
        adapter = OneHangs()
        worker = OutboxWorker(on_db, {"telegram": adapter}, clock=lambda: NOW)
        round_ = asyncio.create_task(worker.run_once())
        await adapter.hanging.wait()
        await asyncio.sleep(0.05)
        round_.cancel()  # as far as the database knows, the process stopped here

    asyncio.run(killed_mid_round())
    assert db.execute("SELECT key, state FROM outbox ORDER BY key").fetchall() == [
        ("notice:0", "sent"), ("notice:1", "sending"), ("notice:2", "sent")]
    assert recover(db) == 1


def test_rows_for_a_channel_not_set_up_never_hold_up_the_others(tmp_path: Path) -> None:
    """Digests queued for email while SMTP is not configured wait; SMS still goes."""
    db = open_store(tmp_path / "c.db")
    with write(db):
        for n in range(40):
            enqueue(db, OutboxMessage(f"digest:{n}", "digest", "email", f"c{n}@example.org",
                                      "Weekly digest"), NOW)
        enqueue(db, OutboxMessage("notice:sms", "notice", "sms", SENDER, "Hello"), NOW)
    delivered: list[str] = []

    class Recording:
        async def deliver(self, item: Queued) -> Delivery:
            delivered.append(item.message.key)
            return Delivery("sent", provider_id="SM1")

    async def on_db(fn: Callable[[sqlite_utils.Database], Any]) -> Any:
        return fn(db)

    worker = OutboxWorker(on_db, {"sms": Recording()}, clock=lambda: NOW, concurrency=4)
    asyncio.run(worker.drain())
    assert delivered == ["notice:sms"]
    assert db.execute("SELECT count(*) FROM outbox WHERE state = 'queued'").fetchone() == (40,)


async def test_a_number_is_one_person_however_it_is_written(
    http: aiohttp.ClientSession, server: Server, db_path: Path
) -> None:
    """Twilio sends E.164, but a number written as people write it (a proxy, a test tool)
    is the same person, so `forget sms:07700 900456` reaches what they sent."""
    for sender in ("+447700900456", "447700900456", "07700 900456"):
        status, _ = await post_sms(http, server, twilio_form("youth club", sender))
        assert status == 200
    assert query(db_path, "SELECT DISTINCT address FROM inbound_messages") == [("+447700900456",)]
    done = await asyncio.to_thread(cli, db_path, "forget", "sms:07700 900456")
    assert done.returncode == 0 and "Erased sms:+447700900456" in done.stdout
