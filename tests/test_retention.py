"""The retention policy: old personal data goes without anyone asking; counts stay right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from bot.app import RENDERERS
from bot.assistant import Assistant
from bot.inbox import Arrival, Inbox
from bot.messages import opt_out
from bot.retention import policy, purge
from bot.store import open_store
from catalogue.importer import load_sample
from catalogue.storage import personal_rules
from conversations.objections import objection_counts, objection_counts_by_ward
from conversations.records import save_wards

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
ME = "+447700900321"
SCRIPT = [
    "free school meals", "no", "no", "hard to find",  # no check; not helpful; a comment
    "object to closing millbrook library", "yes", "ZZ1 4AB", "we need it",
    "zorbing lessons for my gerbil",  # an unmet need
    "i want to kill myself",  # a safeguarding alert (never sent: no email set up)
]


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    database = open_store(tmp_path / "r.db")
    load_sample(database)
    save_wards(database, {"ZZ1 4": "Millbrook"})  # the sector of ZZ1 4AB (ZZ14 is a district)
    inbox = Inbox(Assistant(database), RENDERERS)
    for n, text in enumerate(SCRIPT):
        inbox.receive(Arrival("sms", f"SM{n}", ME, text, T0))
    opt_out(database, "sms", ME, "sent STOP", T0)
    return database


def held(db: sqlite_utils.Database, address: str = ME) -> dict[str, int]:
    tables = [t for t in db.table_names()
              if {"channel", "address"} <= set(db.table(t).columns_dict)]
    sql = "SELECT count(*) FROM [{}] WHERE address = ?"
    counts = {t: db.execute(sql.format(t), [address]).fetchone()[0] for t in tables}
    return {t: n for t, n in counts.items() if n}


def test_nothing_is_purged_before_its_time(db: sqlite_utils.Database) -> None:
    before = held(db)
    assert {"sessions", "inbound_messages", "feedback", "objections", "unmet_needs", "people",
            "alerts", "optouts"} <= set(before)
    assert purge(db, T0 + timedelta(days=29)) == {}
    assert held(db) == before


def test_each_rule_applies_at_its_age_and_keeps_the_counts(db: sqlite_utils.Database) -> None:
    counts = objection_counts(db)
    by_ward = objection_counts_by_ward(db, "proposal-close-millbrook-library")
    feedback_rows = db.table("feedback").count
    assert by_ward == {"Millbrook": 1}

    assert set(purge(db, T0 + timedelta(days=31))) == {"inbound_messages", "sessions"}
    assert "inbound_messages" not in held(db) and "sessions" not in held(db)

    assert set(purge(db, T0 + timedelta(days=91))) == {"feedback", "unmet_needs",
                                                       "message_ids"}
    assert db.table("feedback").count == feedback_rows  # the answers stay, anonymous
    assert db.execute("SELECT count(*) FROM unmet_needs").fetchone()[0] == 1

    assert set(purge(db, T0 + timedelta(days=366))) == {"objections", "people"}
    assert objection_counts(db) == counts
    assert objection_counts_by_ward(db, "proposal-close-millbrook-library") == by_ward
    assert db.execute("SELECT reason FROM objections").fetchall() == [(None,)]
    # what is left: the STOP (a suppression list) and an alert never delivered
    assert held(db) == {"optouts": 1, "alerts": 1}


def test_a_delivered_alert_goes_after_90_days(db: sqlite_utils.Database) -> None:
    db.execute("UPDATE alerts SET sent_at = ?", [T0.isoformat()])
    assert purge(db, T0 + timedelta(days=91)).get("alerts") == 1


def test_every_rule_names_a_real_table_and_column(db: sqlite_utils.Database) -> None:
    rules = policy(db)
    assert {"inbound_messages", "sessions", "outbox", "objections"} <= set(rules)
    for table, rule in personal_rules(db).items():
        columns = db.table(table).columns_dict
        assert rule.age_column in columns or rule.retain_days is None, table
        assert set(rule.anonymise) <= set(columns), table
        assert set(rule.person) <= set(columns) or rule.erase == "none", table
