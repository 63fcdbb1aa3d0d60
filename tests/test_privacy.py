"""MY DATA, FORGET ME and the `forget` / `export-user` commands: every table with `channel`
and `address` columns is covered, other people's data is not, and objection totals stay."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils
from conversation_kit import Talk, engine_for, make_db

from bot.cli import main
from bot.render import render_sms, segments
from conversations.erasure import erase_person, export_person, person_tables
from conversations.objections import objection_counts, objection_counts_by_ward
from conversations.types import Channel

CHANNELS: tuple[Channel, ...] = ("sms", "telegram")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    db = make_db(tmp_path / "privacy.db")
    # a table another part of the project might add later (sign-ups): found by its columns
    db.table("signups").create({"id": int, "channel": str, "address": str, "what": str},
                               pk="id")
    db.close()
    return tmp_path / "privacy.db"


@pytest.fixture
def db(db_path: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(db_path)


def busy_person(db: sqlite_utils.Database, channel: Channel, address: str) -> Talk:
    """Somebody who has done a bit of everything."""
    talk = Talk(engine_for(db), db, channel=channel, address=address)
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("12")
    talk.say("yes")
    talk.say("no")
    talk.say("It was hard to find")
    talk.say("object to closing riverside library on saturdays")
    talk.say("yes")
    talk.say("RV1 1AA")
    talk.say("We need it, call me on 07700 900555")
    talk.say("qqqq zzzz xxxx")
    db.table("signups").insert({"channel": channel, "address": address, "what": "litter pick"})
    return talk


def held(db: sqlite_utils.Database, channel: str, address: str) -> dict[str, int]:
    return {
        table: db.execute(f"SELECT COUNT(*) FROM [{table}] WHERE channel = ? AND address = ?",
                          [channel, address]).fetchone()[0]
        for table in person_tables(db)
    }


@pytest.mark.parametrize("channel", CHANNELS)
def test_my_data_summarises_what_is_held_in_an_sms_sized_reply(
    db: sqlite_utils.Database, channel: Channel
) -> None:
    talk = busy_person(db, channel, "person-1")
    reply = talk.say("MY DATA")
    assert "postcode RV1 1AA (Riverside)" in reply
    assert "your answers in this chat (age 12, 1 other answer)" in reply
    assert "1 feedback answer" in reply
    assert "your objection to Close Riverside library on Saturdays" in reply
    assert "1 message I had no answer for" in reply
    assert "1 in signups" in reply
    assert "FORGET ME" in reply
    assert segments(render_sms(talk.replies[0])) <= 2


def test_my_data_for_a_newcomer(db: sqlite_utils.Database) -> None:
    talk = Talk(engine_for(db), db)
    assert "I hold nothing about you" in talk.say("my data")


@pytest.mark.parametrize("channel", CHANNELS)
def test_forget_me_asks_first_and_no_keeps_everything(
    db: sqlite_utils.Database, channel: Channel
) -> None:
    talk = busy_person(db, channel, "person-1")
    before = held(db, channel, "person-1")
    assert "This cannot be undone" in talk.say("forget me")
    assert talk.choices == ("Yes, forget me", "No")
    assert "I have not deleted anything" in talk.say("no")
    assert held(db, channel, "person-1") == before


@pytest.mark.parametrize("channel", CHANNELS)
def test_forget_me_erases_every_table_and_keeps_objection_totals(
    db: sqlite_utils.Database, channel: Channel
) -> None:
    me = busy_person(db, channel, "person-1")
    busy_person(db, channel, "person-2")
    other_before = held(db, channel, "person-2")
    counts = objection_counts(db), objection_counts_by_ward(db, "close-library")
    assert counts == ({"close-library": 2}, {"Riverside": 2})
    me.say("FORGET ME")
    assert "I have deleted what I held about you" in me.say("Yes, forget me", choice=0)
    assert held(db, channel, "person-1") == {table: 0 for table in person_tables(db)}
    assert held(db, channel, "person-2") == other_before
    assert (objection_counts(db), objection_counts_by_ward(db, "close-library")) == counts
    anonymous = [r for r in db.table("objections").rows if r["address"] is None]
    assert len(anonymous) == 1 and anonymous[0]["reason"] is None
    # nothing about the person is left in any text column either
    for table in db.table_names():
        for row in db.table(table).rows:
            assert "person-1" not in json.dumps(row, default=str)
    # and they start afresh: answers are asked again
    me.say("free school meals")
    assert "How old are you?" in me.say("check for me")


def test_forget_me_in_the_middle_of_a_flow(db: sqlite_utils.Database) -> None:
    talk = busy_person(db, "sms", "person-1")
    talk.say("rate the youth club")
    assert talk.state == "feedback:rating"
    talk.say("FORGET ME")
    talk.say("yes")
    assert held(db, "sms", "person-1") == {table: 0 for table in person_tables(db)}
    assert db.table("sessions").count == 0


def test_erasure_covers_the_channels_message_log(tmp_path: Path) -> None:
    """Through the Assistant, as the channels call it: their tables are erased too."""
    from bot.assistant import Assistant
    from conversations.types import Inbound

    db = make_db(tmp_path / "a.db")
    assistant = Assistant(db)
    now = datetime(2025, 3, 3, tzinfo=UTC)
    assistant.handle(Inbound("telegram", "555", "youth club"), now)
    db.table("outbound_messages").insert(
        {"channel": "telegram", "address": "555", "text": "hi", "status": "sent"})
    assistant.handle(Inbound("telegram", "555", "forget me"), now)
    assistant.handle(Inbound("telegram", "555", "yes"), now)
    assert held(db, "telegram", "555") == {table: 0 for table in person_tables(db)}
    assert "outbound_messages" in person_tables(db)


def test_cli_export_user_then_forget(db: sqlite_utils.Database, db_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    busy_person(db, "sms", "+447700900111")
    busy_person(db, "sms", "+447700900222")
    db.close()
    assert main(["export-user", "--db", str(db_path), "sms:+447700900111"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["channel"] == "sms" and exported["address"] == "+447700900111"
    tables = exported["tables"]
    assert {"sessions", "people", "feedback", "objections", "unmet_needs", "signups"} <= set(
        tables)
    assert tables["sessions"][0]["data"]["answers"] == {"age": 12, "income_benefit": True}
    assert tables["people"][0]["ward"] == "Riverside"
    assert tables["feedback"][0]["comment"] == "It was hard to find"
    assert tables["objections"][0]["reason"] == "We need it, call me on 07700 900555"

    assert main(["forget", "--db", str(db_path), "sms:+447700900111"]) == 0
    out = capsys.readouterr().out
    assert "Erased sms:+447700900111" in out and "objections 1" in out
    assert main(["export-user", "--db", str(db_path), "sms:+447700900111"]) == 0
    assert json.loads(capsys.readouterr().out)["tables"] == {}
    again = sqlite_utils.Database(db_path)
    assert objection_counts(again) == {"close-library": 2}
    assert held(again, "sms", "+447700900222")["feedback"] == 1
    assert main(["forget", "--db", str(db_path), "sms:+447700900111"]) == 0
    assert "Nothing held" in capsys.readouterr().out


def test_erase_and_export_directly(db: sqlite_utils.Database) -> None:
    busy_person(db, "sms", "x")
    assert export_person(db, "sms", "x")["tables"]["signups"][0]["what"] == "litter pick"
    with db.conn:
        touched = erase_person(db, "sms", "x")
    assert touched["objections"] == 1 and touched["signups"] == 1
    assert export_person(db, "sms", "x")["tables"] == {}
