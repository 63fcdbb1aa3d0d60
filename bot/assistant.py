"""The assistant as the channels and the command line see it: one message in, replies out.

Synchronous on purpose: every call runs on the one thread that owns the database (the
server hands calls to it; the command line calls it directly).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from bot.keywords import UNREADABLE, help_hint, keyword_replies, unreadable
from bot.messages import ensure_message_tables
from bot.notify import ensure_alerts, record_alert
from catalogue.matcher import Matcher
from catalogue.store import catalogue_version, ensure_catalogue, load_entries
from conversations.engine import Engine
from conversations.safeguarding import assess
from conversations.store import ensure_conversations, load_session, save_session
from conversations.timebank import Policy
from conversations.types import Inbound, Outbound


class Assistant:
    def __init__(self, db: sqlite_utils.Database, timebank: Policy | None = None) -> None:
        self.db = db
        ensure_catalogue(db)
        ensure_conversations(db)
        ensure_message_tables(db)
        ensure_alerts(db)
        self.version = catalogue_version(db)
        self.timebank = timebank
        self.engine = Engine(Matcher(load_entries(db)), db, timebank=timebank)

    def current_engine(self) -> Engine:
        """The engine, its index rebuilt first when the catalogue changed since it was built
        (`localsupport catalogue import` while the server runs); checked on every message."""
        version = catalogue_version(self.db)
        if version != self.version:
            self.engine = Engine(Matcher(load_entries(self.db)), self.db, timebank=self.timebank)
            self.version = version
        return self.engine

    def handle(self, inbound: Inbound, now: datetime | None = None) -> list[Outbound]:
        """Step the conversation and save its state in one transaction (a savepoint when
        the caller holds one open, so a channel can store the message with its reply)."""
        now = now or datetime.now(UTC)
        with self.db.atomic():
            keyword = keyword_replies(self.db, inbound, now)
            session = load_session(self.db, inbound.channel, inbound.address)
            if keyword is not None:  # STOP or START: whatever was being asked is over
                session.state, session.data, session.updated_at = "start", {}, now
                save_session(self.db, session)
                return keyword
            replies = self.current_engine().step(session, inbound, now)
            if any(r.urgent for r in replies):  # safeguarding: flag for the council now
                record_alert(self.db, inbound, assess(inbound.text), now)
            if inbound.choice is None and unreadable(inbound.text):
                replies = [*(r for r in replies if r.urgent), Outbound(UNREADABLE)]
            hint = help_hint(inbound)
            if hint is not None:
                replies.append(hint)
            save_session(self.db, session)
        return replies
