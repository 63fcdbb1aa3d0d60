"""A council's week as rows with chosen times, for the digest tests (test_digest*.py)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import sqlite_utils

from bot.digest.weeks import Week, parse_week
from conversations.councillors import import_councillors

WEEK = parse_week("2026-W48")  # Monday 23 to Sunday 29 November 2026
COUNCILLORS = """name,ward,email,phone,telegram_chat_id
Jo Bloggs,Riverside,jo.bloggs@example.org,,555001
Sam Patel,Riverside,sam.patel@example.org,,
Alex Chen,Hillside,alex.chen@example.org,07700 900103,
Kim Lee,Hillside,,07700 900104,
"""


def at(week: Week, day: int = 2, hour: int = 12) -> str:
    return (week.start + timedelta(days=day, hours=hour)).isoformat()


def add_councillors(db: sqlite_utils.Database, tmp_path: Path, now: datetime) -> None:
    path = tmp_path / "councillors.csv"
    path.write_text(COUNCILLORS, encoding="utf-8")
    import_councillors(db, path, now)


class Activity:
    """Writes one week's activity: `objection`, `feedback`, `unmet`, `wrote`."""

    def __init__(self, db: sqlite_utils.Database, week: Week) -> None:
        self.db, self.week, self.n = db, week, 0

    def person(self, channel: str, ward: str | None, age: int | None = None) -> str:
        self.n += 1
        address = f"+44770090{self.week.number:02d}{self.n:02d}" if channel == "sms" \
            else f"{self.week.number}{self.n:04d}"
        with self.db.atomic():
            if ward is not None:
                self.db.execute("INSERT OR REPLACE INTO people (channel, address, postcode, "
                                "ward, updated_at) VALUES (?, ?, '', ?, ?)",
                                [channel, address, ward, at(self.week)])
            data = {"answers": {"age": age}} if age is not None else {}
            self.db.execute("INSERT OR REPLACE INTO sessions (channel, address, state, data, "
                            "updated_at) VALUES (?, ?, 'start', ?, ?)",
                            [channel, address, json.dumps(data), at(self.week)])
            self.db.execute("INSERT INTO inbound_messages (channel, message_id, address, text,"
                            " received_at) VALUES (?, ?, ?, 'hello', ?)",
                            [channel, f"m{self.week.number}-{self.n}", address, at(self.week)])
        return address

    def objection(self, entry_id: str, ward: str | None, reason: str = "",
                  channel: str = "sms", count: int = 1) -> None:
        for _ in range(count):
            address = self.person(channel, ward)
            with self.db.atomic():
                self.db.execute("INSERT INTO objections (channel, address, entry_id, ward, "
                                "reason, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                                [channel, address, entry_id, ward, reason or None,
                                 at(self.week, day=3)])

    def feedback(self, entry_id: str, ward: str | None, helpful: bool | None = None,
                 rating: int | None = None) -> None:
        address = self.person("telegram", ward)
        with self.db.atomic():
            self.db.execute("INSERT INTO feedback (channel, address, entry_id, helpful, rating,"
                            " created_at) VALUES ('telegram', ?, ?, ?, ?, ?)",
                            [address, entry_id, None if helpful is None else int(helpful),
                             rating, at(self.week)])

    def unmet(self, text: str, ward: str | None = None, count: int = 1) -> None:
        for _ in range(count):
            address = self.person("sms", ward)
            with self.db.atomic():
                self.db.execute("INSERT INTO unmet_needs (channel, address, text, suggestions,"
                                " created_at) VALUES ('sms', ?, ?, 0, ?)",
                                [address, text, at(self.week, day=4)])
