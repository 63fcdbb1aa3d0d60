"""The assistant as the inbox and the command line see it: one message in, replies out.

Synchronous on purpose: every call runs on the one thread that owns the database (the
server hands calls to it; the command line calls it directly).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import sqlite_utils

from bot.keywords import help_hint, keyword_replies, unreadable, unreadable_reply
from bot.notify import record_alert
from catalogue.matcher import Matcher
from catalogue.model import Entry
from catalogue.storage import write
from catalogue.store import catalogue_version, load_entries
from conversations.councillors import handle_councillor_reply
from conversations.engine import Engine
from conversations.safeguarding import assess
from conversations.store import load_session, save_session
from conversations.timebank import Policy
from conversations.types import Inbound, Outbound


class Assistant:
    """`safeguarding_contact`: the email address safeguarding alerts are queued for
    ("" stores them only); `council_phone`: the council's number for those it cannot help."""

    def __init__(self, db: sqlite_utils.Database, safeguarding_contact: str = "",
                 timebank: Policy | None = None, council_phone: str = "") -> None:
        self.db = db
        self.safeguarding_contact = safeguarding_contact
        self.council_phone = council_phone
        self.version = catalogue_version(db)
        self.timebank = timebank
        self.engine = Engine(Matcher(load_entries(db)), db, timebank=timebank)
        self._rebuilding: threading.Thread | None = None
        self._built: tuple[int, Matcher] | None = None

    def current_engine(self) -> Engine:
        """The engine. When the catalogue changed since its index was built (`localsupport
        catalogue import` while the server runs), a new index is built on a thread of its
        own, off the database thread, and swapped in when ready: messages meanwhile are
        answered from the old one."""
        built, self._built = self._built, None
        if built is not None:
            self.version, matcher = built
            self.engine = Engine(matcher, self.db, timebank=self.timebank)
            self._rebuilding = None
        version = catalogue_version(self.db)
        if version != self.version and self._rebuilding is None:
            entries = load_entries(self.db)
            self._rebuilding = threading.Thread(target=self._build, args=(entries, version),
                                                name="index-rebuild", daemon=True)
            self._rebuilding.start()
        return self.engine

    def _build(self, entries: list[Entry], version: int) -> None:
        self._built = (version, Matcher(entries))


    def handle(self, inbound: Inbound, now: datetime | None = None) -> list[Outbound]:
        """Step the conversation and save its state in one transaction (a savepoint when
        the caller holds one open, so the inbox stores the message with its reply)."""
        now = now or datetime.now(UTC)
        with write(self.db):
            keyword = keyword_replies(self.db, inbound, now)
            session = load_session(self.db, inbound.channel, inbound.address)
            if keyword is not None:  # STOP or START: whatever was being asked is over
                session.state, session.data, session.updated_at = "start", {}, now
                save_session(self.db, session)
                return keyword
            councillor = handle_councillor_reply(self.db, inbound, now)
            if councillor is not None:  # a councillor answering an alert or digest item
                return councillor
            replies = self.current_engine().step(session, inbound, now)
            if any(r.urgent for r in replies):  # safeguarding: flag for the council now
                record_alert(self.db, inbound, assess(inbound.text), now,
                             self.safeguarding_contact)
            if inbound.choice is None and unreadable(inbound.text):
                replies = [*(r for r in replies if r.urgent),
                           Outbound(unreadable_reply(self.council_phone))]
            hint = help_hint(inbound)
            if hint is not None:
                replies.append(hint)
            save_session(self.db, session)
        return replies
