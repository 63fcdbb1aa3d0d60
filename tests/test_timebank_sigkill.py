"""SIGKILL the server while members confirm exchanges by SMS: after a restart the ledger
is balanced and every confirmation the server acknowledged (a 200 with its reply) is kept.
The server runs as its own process (`localsupport serve`), as in production."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from conftest import free_port
from test_message_path import serve, wait_healthy
from test_sms import messages_of, sign, twilio_form

from bot.store import open_store
from catalogue.storage import write
from conversations import timebank

PAIRS = 40


def seed(db_path: Path) -> list[tuple[str, int]]:
    """PAIRS pending exchanges, each waiting for its receiver's YES: (receiver's number, id)."""
    db = open_store(db_path)
    now, policy, waiting = datetime.now(UTC), timebank.Policy(), []
    with write(db):
        for n in range(PAIRS):
            giver = timebank.join(db, "sms", f"+4477009030{n:02d}", f"Giver{n}", None, "", "",
                                  now, policy)
            number = f"+4477009040{n:02d}"
            receiver = timebank.join(db, "sms", number, f"Taker{n}", None, "", "", now, policy)
            made = timebank.record(db, giver.id, receiver.id, 60, "", f"member:{giver.id}", now,
                                   policy)
            waiting.append((number, made.id))
    db.close()
    return waiting


async def say_yes(http: aiohttp.ClientSession, port: int, number: str) -> bool:
    """True when the server acknowledged the YES with its confirmation reply."""
    form = twilio_form("YES", sender=number)
    headers = {"X-Twilio-Signature": sign(form)}
    try:
        async with http.post(f"http://127.0.0.1:{port}/sms/twilio", data=form,
                             headers=headers) as response:
            text = await response.text()
    except (TimeoutError, aiohttp.ClientError):
        return False
    return response.status == 200 and "confirmed" in " ".join(messages_of(text))


async def test_sigkill_while_confirming_keeps_every_acknowledged_confirmation(
        http: aiohttp.ClientSession, db_path: Path) -> None:
    waiting = seed(db_path)
    port = free_port()
    server = serve(db_path, port, f"http://127.0.0.1:{free_port()}")
    acknowledged: list[int] = []
    try:
        await wait_healthy(http, port)

        async def member(number: str, exchange_id: int, delay: float) -> None:
            await asyncio.sleep(delay)
            if await say_yes(http, port, number):
                acknowledged.append(exchange_id)

        tasks = [asyncio.create_task(member(number, exchange_id, n * 0.02))
                 for n, (number, exchange_id) in enumerate(waiting)]
        while len(acknowledged) < PAIRS // 4:
            await asyncio.sleep(0.005)
        server.send_signal(signal.SIGKILL)
        server.wait()
        await asyncio.gather(*tasks)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert PAIRS // 4 <= len(acknowledged) < PAIRS  # killed mid-way

    restarted = serve(db_path, port, f"http://127.0.0.1:{free_port()}")
    try:
        await wait_healthy(http, port)
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=30)
    with sqlite3.connect(db_path) as conn:
        confirmed = {row[0] for row in conn.execute(
            "SELECT exchange FROM timebank_decisions WHERE state = 'confirmed'")}
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert set(acknowledged) <= confirmed
    db = open_store(db_path)
    assert timebank.total(db) == 0
    members = [m.id for m in timebank.members(db, active_only=False)]
    assert sum(timebank.balance(db, m) for m in members) == 0
    assert all(len(db.execute("SELECT id FROM timebank_postings WHERE exchange = ?",
                              [e]).fetchall()) == 2 for e in confirmed)
