"""Rendered replies, and who asked us to send them nothing (the `optouts` table).

These functions run on the database thread and never commit: the caller's transaction
decides what is written together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

OPTOUTS = "optouts"
BLOCKED = "blocked the bot"  # the reason kept when Telegram says the person blocked us


@dataclass(frozen=True)
class Rendered:
    """One reply as a channel sends it: text (GSM-7 for SMS, HTML for Telegram) and choices."""

    text: str
    choices: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "choices": list(self.choices)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rendered:
        return cls(str(data["text"]), tuple(str(c) for c in data.get("choices", ())))


def opt_out(
    db: sqlite_utils.Database, channel: str, address: str, reason: str, now: datetime
) -> None:
    db.execute(
        f"INSERT INTO {OPTOUTS} (channel, address, reason, opted_out_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (channel, address) DO UPDATE SET reason = excluded.reason, "
        "opted_out_at = excluded.opted_out_at", [channel, address, reason, now.isoformat()])


def opt_in(db: sqlite_utils.Database, channel: str, address: str) -> None:
    db.execute(f"DELETE FROM {OPTOUTS} WHERE channel = ? AND address = ?", [channel, address])


def is_opted_out(db: sqlite_utils.Database, channel: str, address: str) -> bool:
    row = db.execute(
        f"SELECT 1 FROM {OPTOUTS} WHERE channel = ? AND address = ?", [channel, address]
    ).fetchone()
    return row is not None
