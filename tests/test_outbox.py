"""The outbox's lease (bot/outbox.py): a row left `sending` by a process that stopped
mid-send (a killed `localsupport respond`) goes back to the queue when a live process next
claims, once the claim is older than `LEASE`; never sooner, so a send still in flight is
not doubled, and its late result does not overwrite the new claim's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.outbox import LEASE, Backoff, Delivery, OutboxWorker, Queued, claim, settle
from bot.store import open_store
from catalogue.storage import write
from conversations.outbox import Message, enqueue

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
RESIDENT = "+447700900200"


class Recording:
    def __init__(self) -> None:
        self.delivered: list[str] = []

    async def deliver(self, item: Queued) -> Delivery:
        self.delivered.append(item.message.key)
        return Delivery("sent", provider_id=f"SM{len(self.delivered)}")


def worker_at(db: sqlite_utils.Database, adapter: Recording, when: datetime) -> OutboxWorker:
    async def on_db(fn: Callable[[sqlite_utils.Database], Any]) -> Any:
        return fn(db)
    return OutboxWorker(on_db, {"sms": adapter}, clock=lambda: when)


def states(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    return db.execute("SELECT key, state FROM outbox ORDER BY id").fetchall()


async def test_a_row_left_sending_by_a_stopped_process_is_sent_once_its_lease_ends(
    tmp_path: Path
) -> None:
    """The report's case: `respond` claimed the resident's response and was killed; the
    server runs on. Before the lease ends nothing goes (the send might still be in
    flight); after it, the response goes, and the notice queued behind it follows."""
    db = open_store(tmp_path / "o.db")
    with write(db):
        enqueue(db, Message("response:1:sms", "response", "sms", RESIDENT, "Answer"), NOW)
    [dead] = claim(db, NOW, 16, ["sms"])  # the killed process's claim, never settled
    with write(db):
        enqueue(db, Message("response:2:sms", "response", "sms", RESIDENT, "Later"), NOW)
    adapter = Recording()
    await worker_at(db, adapter, NOW + LEASE - timedelta(seconds=1)).drain()
    assert adapter.delivered == []
    assert states(db) == [("response:1:sms", "sending"), ("response:2:sms", "queued")]

    await worker_at(db, adapter, NOW + LEASE + timedelta(seconds=1)).drain()
    assert adapter.delivered == ["response:1:sms", "response:2:sms"]
    assert states(db) == [("response:1:sms", "sent"), ("response:2:sms", "sent")]
    assert db.execute("SELECT attempts FROM outbox ORDER BY id").fetchall() == [(2,), (1,)]

    # the stopped claim's result, arriving late, changes nothing
    settle(db, [(dead, Delivery("retry", "timeout"))], NOW + LEASE * 2, Backoff())
    assert states(db) == [("response:1:sms", "sent"), ("response:2:sms", "sent")]


async def test_a_claim_taken_back_leaves_its_late_result_unrecorded(tmp_path: Path) -> None:
    """Two claims of one row, the first past its lease: only the second's result counts."""
    db = open_store(tmp_path / "o.db")
    with write(db):
        enqueue(db, Message("notice:1", "notice", "sms", RESIDENT, "Hello"), NOW)
    [first] = claim(db, NOW, 16, ["sms"])
    [second] = claim(db, NOW + LEASE + timedelta(seconds=1), 16, ["sms"])
    assert second.attempts == 2 and second.claimed_at != first.claimed_at
    settle(db, [(first, Delivery("failed", "400"))], NOW + LEASE, Backoff())
    assert states(db) == [("notice:1", "sending")]
    settle(db, [(second, Delivery("sent", provider_id="SM9"))], NOW + LEASE, Backoff())
    assert db.execute("SELECT state, provider_id, last_error FROM outbox").fetchall() == [
        ("sent", "SM9", None)]


def test_a_database_from_before_the_lease_gets_the_column_and_its_rows_are_taken_back(
    tmp_path: Path
) -> None:
    """conversations.0004_outbox_claimed_at: an outbox without `claimed_at` gains it; a row
    left `sending` then has no claim time and is queued again at the next claim."""
    path = tmp_path / "old.db"
    db = open_store(path)
    with write(db):
        enqueue(db, Message("notice:1", "notice", "sms", RESIDENT, "Hello"), NOW)
        db.execute("UPDATE outbox SET state = 'sending'")
        db.execute("ALTER TABLE outbox DROP COLUMN claimed_at")
        db.execute("DELETE FROM schema_migrations "
                   "WHERE id = 'conversations.0004_outbox_claimed_at'")
    db.close()
    db = open_store(path)
    assert "claimed_at" in db.table("outbox").columns_dict
    [item] = claim(db, NOW, 16, ["sms"])
    assert item.message.key == "notice:1" and item.claimed_at
