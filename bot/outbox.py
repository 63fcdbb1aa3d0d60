"""The outbox: everything the assistant sends on its own, delivered once, never lost.

A message is a row (`outbox`, declared in bot/schema.py) written by `enqueue` in the same
transaction as the change that caused it, under an idempotency `key`: the same digest,
alert, response or confirmation is never queued twice, whoever asks again. The worker
(`OutboxWorker`, inside `serve`) claims rows that are due, checks at send time that the
person has not said STOP or blocked the bot (erasure deletes their rows outright), hands
each to its channel's adapter, and records what happened:

    queued -> sending -> sent
                      -> queued again, later (a temporary failure: exponential backoff,
                         or the wait Telegram's retry_after asks for)
                      -> failed (permanent, or out of retries: kept, `localsupport outbox
                         --failed` shows it, never dropped)
                      -> refused (the person opted out, at queue or send time)

A row is marked `sending` (with `claimed_at`) before the network call and `sent` after it.
If the process is killed in between, the row goes back to `queued` at the next start
(`recover`), or, while another process runs on (the server, after a `localsupport respond`
was killed mid-send), when that process next claims and the claim is older than `LEASE`.
Either way it is sent again: the only way a message can arrive twice is a crash inside
that one call. The lease cannot double a message still in flight in a live process,
because no send lasts anywhere near it: Twilio's HTTP client gives up after 30 s
(bot/channels/sms.py), a Telegram request after python-telegram-bot's few seconds a piece,
and SMTP after 30 s an exchange (bot/channels/email.py). A late result from a claim that
was taken back is not recorded over the new claim's (`settle` matches `claimed_at`).

Replies to a person's own message (`kind = "reply"`) go out even after STOP (the person
wrote to us: "STOP" itself is answered on Telegram), but never after they blocked the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal, Protocol

import sqlite_utils

from bot.messages import BLOCKED
from catalogue.storage import write
from conversations.outbox import FAREWELL, REPLY, Message, iso

log = logging.getLogger("localsupport.outbox")

State = Literal["queued", "sending", "sent", "failed", "refused", "cancelled"]


@dataclass(frozen=True)
class Queued:
    """A claimed row as the worker hands it to an adapter."""

    id: int
    message: Message
    attempts: int
    pieces_sent: int = 0  # pieces of a long message delivered by earlier attempts
    claimed_at: str = ""  # this claim (settle records only the claim still holding the row)


@dataclass(frozen=True)
class Delivery:
    """What an adapter says happened to one message."""

    outcome: Literal["sent", "retry", "failed", "refused"]
    detail: str = ""  # the provider's error code or message (never the text)
    provider_id: str = ""  # Twilio's MessageSid, Telegram's message id
    retry_after: float | None = None  # seconds, when the provider said how long to wait
    opt_out: str = ""  # the provider says the person wants no messages: why (kept as reason)
    pieces_sent: int = 0  # "retry" after some pieces went: how many are delivered in all


class Deliverer(Protocol):
    """The outbound half of a channel adapter (bot/channels/)."""

    async def deliver(self, item: Queued) -> Delivery: ...


@dataclass(frozen=True)
class Backoff:
    first: float = 5.0  # seconds before the first retry
    factor: float = 2.0
    longest: float = 3600.0
    attempts: int = 40  # then the row is failed (about a day and a half of trying)

    def delay(self, attempts: int) -> float:
        return float(min(self.longest, self.first * self.factor ** max(0, attempts - 1)))


# A row `sending` for longer than this was left by a process that stopped mid-send: many
# times the longest a send can take (the module docstring), short enough that residents
# and the messages queued behind theirs wait minutes, not until a restart.
LEASE = timedelta(minutes=10)


# -- the worker's side (on the database thread) ----------------------------------------------

def recover(db: sqlite_utils.Database) -> int:
    """At start: rows left `sending` by a process that was killed go back to the queue."""
    with write(db):
        return int(db.execute(
            "UPDATE outbox SET state = 'queued' WHERE state = 'sending'").rowcount)


_DUE = """
SELECT o.id, o.key, o.kind, o.channel, o.address, o.subject, o.body, o.choices, o.extra,
       o.attempts, o.pieces_sent,
       EXISTS (SELECT 1 FROM optouts x WHERE x.channel = o.channel AND x.address = o.address
               AND (o.kind NOT IN (?, ?) OR x.reason = ?))
       AS opted_out
FROM outbox o
WHERE o.state = 'queued' AND o.next_attempt_at <= ?
  AND o.channel IN (SELECT value FROM json_each(?))
  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.channel = o.channel
                  AND p.address = o.address AND p.id < o.id
                  AND p.state IN ('queued', 'sending'))
ORDER BY o.id LIMIT ?
"""


def claim(db: sqlite_utils.Database, now: datetime, limit: int,
          channels: Sequence[str]) -> list[Queued]:
    """Due rows, the oldest first and one at a time per person (replies stay in order),
    marked `sending`. Rows for people who opted out are refused here, at send time. Rows
    for a channel not set up in this process (`channels`) wait without holding up others.
    First, rows whose claim is older than `LEASE` go back to the queue."""
    claimed: list[Queued] = []
    claimed_at = iso(now)
    with write(db):
        abandoned = db.execute(  # NULL: claimed before claims were dated
            "UPDATE outbox SET state = 'queued' WHERE state = 'sending' "
            "AND (claimed_at IS NULL OR claimed_at < ?)", [iso(now - LEASE)]).rowcount
        if abandoned:
            log.info("outbox: %s message(s) left sending by a process that stopped are "
                     "queued again", abandoned)
        for row in db.execute(_DUE, [REPLY, FAREWELL, BLOCKED, iso(now), json.dumps(list(channels)),
                                      limit]).fetchall():
            (row_id, key, kind, channel, address, subject, body, choices, extra,
             attempts, pieces_sent, opted_out) = row
            if opted_out:
                db.execute("UPDATE outbox SET state = 'refused', last_error = 'opted out' "
                           "WHERE id = ?", [row_id])
                continue
            db.execute("UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
                       "claimed_at = ? WHERE id = ?", [claimed_at, row_id])
            message = Message(key, kind, channel, address, body, subject or "",
                              tuple(json.loads(choices)) if choices else (),
                              json.loads(extra) if extra else {})
            claimed.append(Queued(int(row_id), message, int(attempts) + 1, int(pieces_sent),
                                  claimed_at))
    return claimed


def settle(db: sqlite_utils.Database, results: Sequence[tuple[Queued, Delivery]],
           now: datetime, backoff: Backoff) -> None:
    """Record what the adapters said, in one transaction."""
    with write(db):
        for item, result in results:
            outcome, detail = result.outcome, result.detail[:300] or None
            if outcome == "retry" and item.attempts >= backoff.attempts:
                outcome = "failed"
            if outcome == "sent":
                db.execute("UPDATE outbox SET state = 'sent', sent_at = ?, provider_id = ?, "
                           "last_error = NULL WHERE id = ? AND state = 'sending' "
                           "AND claimed_at = ?",
                           [iso(now), result.provider_id or None, item.id, item.claimed_at])
            elif outcome == "retry":
                wait = result.retry_after if result.retry_after is not None \
                    else backoff.delay(item.attempts)
                db.execute("UPDATE outbox SET state = 'queued', next_attempt_at = ?, "
                           "last_error = ?, pieces_sent = max(pieces_sent, ?) "
                           "WHERE id = ? AND state = 'sending' AND claimed_at = ?",
                           [iso(now + timedelta(seconds=wait)), detail, result.pieces_sent,
                            item.id, item.claimed_at])
            else:
                db.execute("UPDATE outbox SET state = ?, last_error = ? WHERE id = ? "
                           "AND state = 'sending' AND claimed_at = ?",
                           [outcome, detail, item.id, item.claimed_at])
            if item.message.kind == FAREWELL and outcome != "retry":  # erased means gone
                db.execute("DELETE FROM outbox WHERE id = ?", [item.id])
            if result.opt_out:
                db.execute("INSERT OR IGNORE INTO optouts (channel, address, reason, "
                           "opted_out_at) VALUES (?, ?, ?, ?)",
                           [item.message.channel, item.message.address,
                            result.opt_out, iso(now)])


def next_due(db: sqlite_utils.Database, channels: Sequence[str]) -> datetime | None:
    row = db.execute("SELECT min(next_attempt_at) FROM outbox WHERE state = 'queued' "
                     "AND channel IN (SELECT value FROM json_each(?))",
                     [json.dumps(list(channels))]).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def update_status(db: sqlite_utils.Database, provider_id: str, status: str,
                  error_code: str, now: datetime) -> bool:
    """A delivery report (Twilio's status callback) for a message we sent; True when the
    message is ours. `undelivered`/`failed` mark the row failed; 21610 is an opt-out."""
    with write(db):
        row = db.execute("SELECT id, channel, address FROM outbox WHERE provider_id = ?",
                         [provider_id]).fetchone()
        if row is None:
            return False
        if status in ("failed", "undelivered"):
            db.execute("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?",
                       [f"{status} {error_code}".strip(), row[0]])
        if error_code == "21610":
            db.execute("INSERT OR IGNORE INTO optouts (channel, address, reason, opted_out_at)"
                       " VALUES (?, ?, 'provider: 21610', ?)", [row[1], row[2], iso(now)])
    return True


# -- the worker -------------------------------------------------------------------------------

OnDb = Callable[[Callable[[sqlite_utils.Database], Any]], Awaitable[Any]]


class OutboxWorker:
    """Delivers due rows through the adapters, `concurrency` at a time and at most `rate`
    a second (deliveries share the process with the webhooks), until stopped.
    `wake()` (after a transaction queued something) starts a round at once; otherwise it
    sleeps until the next row is due, at most `idle` seconds."""

    def __init__(self, on_db: OnDb, adapters: Mapping[str, Deliverer],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 backoff: Backoff = Backoff(), concurrency: int = 16,
                 idle: float = 5.0, rate: float = 100.0) -> None:
        self.on_db = on_db
        self.rate = rate  # messages a second at most, so webhooks keep their latency
        self.adapters = dict(adapters)
        self.clock = clock
        self.backoff = backoff
        self.concurrency = concurrency
        self.idle = idle
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        recovered = await self.on_db(recover)
        if recovered:
            log.info("outbox: %s message(s) interrupted at the last stop are queued again",
                     recovered)
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run_once(self) -> int:
        """One round: claim what is due, deliver it, record the results; returns how many
        rows were handed to adapters."""
        now = self.clock()
        channels = tuple(self.adapters)
        items: list[Queued] = await self.on_db(
            lambda db: claim(db, now, self.concurrency, channels))
        if not items:
            return 0
        await asyncio.gather(*(self._deliver_and_settle(item) for item in items))
        return len(items)

    async def _deliver_and_settle(self, item: Queued) -> None:
        """Each result is recorded the moment its adapter returns, not when the round's
        slowest message does: a process killed mid-round resends only what was in flight."""
        result = await self._deliver(item)
        done = self.clock()
        await self.on_db(lambda db: settle(db, [(item, result)], done, self.backoff))

    async def drain(self, rounds: int = 1000) -> None:
        """Deliver until nothing is due now (tests, `digest send`)."""
        for _ in range(rounds):
            if not await self.run_once():
                return

    async def _deliver(self, item: Queued) -> Delivery:
        adapter = self.adapters[item.message.channel]
        try:
            return await adapter.deliver(item)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # an adapter's bug must not stop the worker
            log.exception("outbox: %s adapter failed on message %s", item.message.channel,
                          item.id)
            return Delivery("retry", type(error).__name__)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            started = loop.time()
            try:
                handled = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox: a delivery round failed; trying again shortly")
                handled = 0
            if handled:  # a long queue drains at `rate`: people writing in come first
                await asyncio.sleep(max(0.0, handled / self.rate - (loop.time() - started)))
                continue
            due = await self.on_db(partial(next_due, channels=tuple(self.adapters)))
            wait = self.idle
            if due is not None:  # a row waiting on its own earlier one: no busy loop
                wait = min(self.idle, max(0.2, (due - self.clock()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
