"""A small catalogue and a scripted-conversation driver for the flow tests.

`Talk` runs messages through `Engine.step` with the session loaded from and saved to a
real SQLite database around each message, as the Assistant does, and keeps every reply
rendered for SMS (bot.render.render_sms_all: what one text message carries) or Telegram
(bot.render.render_plain) so tests read what a person sees.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import sqlite_utils
from rapidfuzz import fuzz, process

from bot.render import render_plain, render_sms_all
from catalogue.matcher import Match, Matcher, SearchResult
from catalogue.model import Circumstance, Criterion, Entry, Kind
from catalogue.store import load_entries, open_db, save_catalogue
from conversations.engine import Engine
from conversations.store import load_session, save_session
from conversations.types import Channel, Inbound, Outbound

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

ENTRIES = [
    Entry("fsm", "entitlement", "Free school meals",
          "A free lunch at school for children in families on some benefits.",
          keywords=("school dinners", "free lunch"), min_age=4, max_age=16,
          criteria=(Criterion("income_benefit"),), how_to_apply="Apply online at example.org/fsm",
          phone="0300 123 4567"),
    Entry("spd", "entitlement", "Single person discount",
          "25% off your council tax when you are the only adult at home.",
          keywords=("council tax discount", "live alone"), min_age=18,
          criteria=(Criterion("lives_alone"),), url="https://example.org/spd"),
    Entry("ctr", "entitlement", "Council Tax Reduction",
          "Help paying council tax if you are on a low income.",
          keywords=("council tax help", "low income"), min_age=18,
          criteria=(Criterion("income_benefit"), Criterion("care_leaver", negated=True)),
          phone="0300 123 4000"),
    Entry("leavers", "entitlement", "Care leavers council tax exemption",
          "No council tax to pay until you are 25 if you were in care.",
          keywords=("care leaver",), min_age=18, max_age=25,
          criteria=(Criterion("care_leaver"),), email="leaving.care@example.org"),
    Entry("youth", "service", "Youth club",
          "Free evening sessions for 11 to 18 year olds: sport, music, games.",
          keywords=("after school", "things to do"), url="https://example.org/youth"),
    Entry("library", "service", "Riverside library",
          "Books, computers and free wifi on Mill Street.", keywords=("books", "computers"),
          address="Mill Street"),
    Entry("close-library", "proposal", "Close Riverside library on Saturdays",
          "The council plans to close Riverside library on Saturdays from June.",
          keywords=("library saturday closure",), wards=("Riverside",)),
    Entry("car-park", "proposal", "New car park on Mill Lane",
          "The council plans a 40-space car park on the Mill Lane green.",
          keywords=("parking", "mill lane green"), wards=("Hillside",)),
]
CIRCUMSTANCES = [
    Circumstance("income_benefit", "Do you (or your parents) get Universal Credit or another "
                 "income-related benefit?"),
    Circumstance("lives_alone", "Are you the only adult living in your home?"),
    Circumstance("care_leaver", "Were you in care for at least 13 weeks after you turned 14?"),
]
WARDS = {"RV11AA": "Riverside", "RV12BB": "Riverside", "HL11AA": "Hillside"}


def make_db(path: Path) -> sqlite_utils.Database:
    from conversations.records import ensure_records, save_wards

    db = open_db(path)
    save_catalogue(db, ENTRIES, CIRCUMSTANCES)
    ensure_records(db)
    save_wards(db, WARDS)
    return db


@dataclass
class Talk:
    """One person talking to the engine; `say` returns the replies as the channel shows them."""

    engine: Engine
    db: sqlite_utils.Database
    channel: Channel = "sms"
    address: str = "+447700900001"
    now: datetime = START
    replies: list[Outbound] = field(default_factory=list)

    def say(self, text: str, choice: int | None = None, later: timedelta = timedelta(minutes=1),
            reply_to: str | None = None) -> str:
        self.now += later
        with self.db.conn:
            session = load_session(self.db, self.channel, self.address)
            self.replies = self.engine.step(
                session, Inbound(self.channel, self.address, text, choice, reply_to), self.now)
            save_session(self.db, session)
        if self.channel == "sms":
            return "\n\n".join(render_sms_all(self.replies))
        return "\n\n".join(render_plain(r, self.channel) for r in self.replies)

    @property
    def state(self) -> str:
        return load_session(self.db, self.channel, self.address).state

    @property
    def choices(self) -> tuple[str, ...]:
        return self.replies[-1].choices if self.replies else ()


class TitleMatcher(Matcher):
    """A fixed, simple ranking (rapidfuzz over title and keywords) so the flow tests pin the
    flows, not the real matcher's tuning; the CLI tests use the real one."""

    ANSWER_AT = 60.0

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        self._texts = [" ".join([e.title, *e.keywords]).lower() for e in self.entries]

    def search(self, text: str, limit: int = 5, kinds: Collection[Kind] | None = None
               ) -> SearchResult:
        hits = process.extract(text.lower(), self._texts, scorer=fuzz.token_set_ratio,
                               limit=len(self._texts))
        matches = [Match(self.entries[i], float(score)) for _, score, i in hits
                   if kinds is None or self.entries[i].kind in kinds][:limit]
        answered = bool(matches) and matches[0].score >= self.ANSWER_AT
        return SearchResult(text, answered, tuple(matches))


@cache
def matcher() -> Matcher:
    return TitleMatcher(ENTRIES)


def engine_for(db: sqlite_utils.Database) -> Engine:
    assert [e.id for e in load_entries(db)] == sorted(e.id for e in ENTRIES)
    return Engine(matcher(), db)
