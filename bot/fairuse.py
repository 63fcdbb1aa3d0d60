"""Fair use: how many messages one person (and one web client address) may send.

Each key (a channel and a person's address, or the web chat's client address) has a token
bucket: `burst` messages at once, refilled at `per_minute`. The first message over the
limit is answered once, politely (`FLOOD`); after that the key is quiet for `quiet`
seconds: its messages are dropped before the database thread is involved, so a flood
costs everyone else nothing. Checked on the event loop by each channel adapter
(bot/channels/) before `db.call`; owned by the composition root (bot/app.py `Services`).

Memory stays bounded: a bucket that has refilled and is not quiet is the same as no
bucket and is dropped; past `max_keys`, the longest idle goes first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

FLOOD = ("You're sending me a lot of messages, so I'm taking a short break. "
         "I'll answer again in a few minutes.")

Verdict = Literal["ok", "warn", "drop"]  # warn: answer FLOOD once; drop: answer nothing


@dataclass(frozen=True)
class Allowance:
    burst: int  # messages accepted at once
    per_minute: float  # messages added back each minute

    @property
    def refill_seconds(self) -> float:
        """How long an empty bucket takes to fill up again."""
        return self.burst * 60.0 / self.per_minute


PERSON = Allowance(burst=20, per_minute=12)  # one phone number, chat or web visitor
CLIENT = Allowance(burst=200, per_minute=120)  # one web client address (a school's, say)
QUIET_SECONDS = 300.0
MAX_KEYS = 100_000


@dataclass
class Bucket:
    tokens: float
    touched: float
    full_after: float  # seconds without a message after which it is full again
    quiet_until: float = 0.0


class FairUse:
    def __init__(self, person: Allowance = PERSON, client: Allowance = CLIENT,
                 quiet: float = QUIET_SECONDS, max_keys: int = MAX_KEYS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.person = person
        self.client = client
        self.quiet = quiet
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def check(self, channel: str, address: str, client: str | None = None) -> Verdict:
        """One message from `address` on `channel` (and, for the web chat, from the client
        address `client`): may it be processed?"""
        now = self.clock()
        self._evict(now)
        keys = [(f"{channel}:{address}", self.person)]
        if client is not None:
            keys.append((f"{channel}@{client}", self.client))
        buckets = [(self._bucket(key, allowance, now), allowance) for key, allowance in keys]
        if any(bucket.quiet_until > now for bucket, _ in buckets):
            return "drop"
        empty = [bucket for bucket, _ in buckets if bucket.tokens < 1.0]
        if empty:
            for bucket in empty:
                bucket.quiet_until = now + self.quiet
            return "warn"
        for bucket, _ in buckets:
            bucket.tokens -= 1.0
        return "ok"

    def _bucket(self, key: str, allowance: Allowance, now: float) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(float(allowance.burst), now,
                                                 allowance.refill_seconds)
        else:
            self._buckets.move_to_end(key)
            gained = (now - bucket.touched) * allowance.per_minute / 60.0
            bucket.tokens = min(float(allowance.burst), bucket.tokens + gained)
        bucket.touched = now
        return bucket

    def _evict(self, now: float, at_most: int = 8) -> None:
        """Drop a few buckets that are idle long enough to be full again (the oldest
        touched come first), and the oldest beyond `max_keys`."""
        for _ in range(at_most):
            if not self._buckets:
                return
            key, bucket = next(iter(self._buckets.items()))
            idle = now - bucket.touched >= bucket.full_after and bucket.quiet_until <= now
            if not idle and len(self._buckets) < self.max_keys:
                return
            del self._buckets[key]
