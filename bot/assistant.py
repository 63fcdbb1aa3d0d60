"""The assistant as the channels and the command line see it: one message in, replies out.

Synchronous on purpose: every call runs on the one thread that owns the database (the
server hands calls to it; the command line calls it directly).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from catalogue.matcher import Matcher
from catalogue.store import load_entries
from conversations.engine import Engine
from conversations.store import ensure_conversations, load_session, save_session
from conversations.types import Inbound, Outbound


class Assistant:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        ensure_conversations(db)
        self.engine = Engine(Matcher(load_entries(db)))

    def reload(self) -> None:
        """Rebuild the index after the catalogue changed."""
        self.engine = Engine(Matcher(load_entries(self.db)))

    def handle(self, inbound: Inbound, now: datetime | None = None) -> list[Outbound]:
        """Step the conversation and save its state in one transaction."""
        now = now or datetime.now(UTC)
        with self.db.conn:
            session = load_session(self.db, inbound.channel, inbound.address)
            replies = self.engine.step(session, inbound, now)
            save_session(self.db, session)
        return replies
