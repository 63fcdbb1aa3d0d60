"""Objection alerts: a ward's councillors hear when objections to one entry from their
ward reach the threshold, once per crossing (again at twice it); web-chat objections never
count; reasons reach them without names or contact details. Read from the outbox rows the
objection's own transaction queued."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils
from conversation_kit import ENTRIES, START, Talk, engine_for

from catalogue.store import save_catalogue
from conversations.councillors import configure, import_councillors, objection_recorded
from conversations.councillors.alerts import counted_objections
from conversations.erasure import erase_person
from conversations.objections import add_objection
from conversations.types import Channel

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
COUNCILLORS = """name,ward,email,phone,telegram_chat_id
Jo Bloggs,Riverside,jo.bloggs@example.org,,555001
Sam Patel,Riverside,,07700 900102,
Alex Chen,Hillside,alex.chen@example.org,,
"""
LIBRARY = next(e for e in ENTRIES if e.id == "close-library")


@pytest.fixture
def council(db: sqlite_utils.Database, tmp_path: Path) -> sqlite_utils.Database:
    path = tmp_path / "councillors.csv"
    path.write_text(COUNCILLORS, encoding="utf-8")
    import_councillors(db, path, NOW)
    configure(db, 3)
    return db


def alerts(db: sqlite_utils.Database) -> list[tuple[str, str, str]]:
    return [(row[0], row[1], row[2]) for row in db.execute(
        "SELECT key, channel, address FROM outbox WHERE kind = 'objection-alert' ORDER BY id")]


def object_by_chat(db: sqlite_utils.Database, n: int, channel: Channel = "sms",
                   reason: str = "skip", postcode: str = "RV1 1AA") -> str:
    talk = Talk(engine_for(db), db, channel=channel, address=f"+4477009001{n:02d}")
    talk.say("I'm not happy with closing the library on saturdays")
    talk.say("yes")
    talk.say(postcode)
    return talk.say(reason)


def test_crossing_the_threshold_alerts_the_ward_once_and_again_at_twice_it(
    council: sqlite_utils.Database
) -> None:
    for n in range(2):
        object_by_chat(council, n)
    assert alerts(council) == []
    object_by_chat(council, 2, "telegram")
    assert alerts(council) == [
        ("alert:close-library:riverside:1:riverside/jo-bloggs:email", "email",
         "jo.bloggs@example.org"),
        ("alert:close-library:riverside:1:riverside/jo-bloggs:telegram", "telegram", "555001"),
        ("alert:close-library:riverside:1:riverside/sam-patel:sms", "sms", "+447700900102"),
    ]
    for n in range(3, 5):
        object_by_chat(council, n)
    assert len(alerts(council)) == 3  # not for every objection after the crossing
    object_by_chat(council, 5)
    assert [key for key, _, _ in alerts(council)][3:] == [
        "alert:close-library:riverside:2:riverside/jo-bloggs:email",
        "alert:close-library:riverside:2:riverside/jo-bloggs:telegram",
        "alert:close-library:riverside:2:riverside/sam-patel:sms"]
    for n in range(6, 9):
        object_by_chat(council, n)
    assert len(alerts(council)) == 6  # nothing at three times the threshold
    [email] = council.table("outbox").rows_where("key LIKE 'alert:%:1:%:email'")
    assert email["subject"] == "Riverside: 3 objections to Close Riverside library on Saturdays"
    assert "3 residents of Riverside have now objected" in email["body"]
    assert 'localsupport respond close-library "your response"' in email["body"]


def test_web_chat_objections_never_count(council: sqlite_utils.Database) -> None:
    for n in range(4):
        object_by_chat(council, n, "web")
    assert counted_objections(council, "close-library", "Riverside") == 0
    assert alerts(council) == []
    for n in range(4, 7):
        object_by_chat(council, n)
    assert counted_objections(council, "close-library", "riverside") == 3
    assert len(alerts(council)) == 3


def test_an_entry_alert_at_overrides_the_council_threshold(
    council: sqlite_utils.Database
) -> None:
    save_catalogue(council, [replace(LIBRARY, alert_at=1)])
    object_by_chat(council, 0)
    assert {key.split(":")[3] for key, _, _ in alerts(council)} == {"1"}
    object_by_chat(council, 1)
    assert {key.split(":")[3] for key, _, _ in alerts(council)} == {"1", "2"}


def test_objections_elsewhere_or_without_a_ward_alert_nobody(
    council: sqlite_utils.Database
) -> None:
    for n in range(3):
        object_by_chat(council, n, postcode="HL1 1AA")  # Hillside: its councillor is told
    assert [address for _, _, address in alerts(council)] == ["alex.chen@example.org"]
    for n in range(3, 8):
        object_by_chat(council, n, postcode="SKIP")
    assert len(alerts(council)) == 1


def test_alert_reasons_carry_no_names_or_contact_details(
    council: sqlite_utils.Database
) -> None:
    reasons = [
        "I'm Dave, ring me on 07700 900123 or dave@example.com, I live at RV1 1AA",
        "My neighbour Mrs Jones and her son Kieran use Riverside library every Saturday",
        "It is the only quiet place to study on Saturdays",
    ]
    for n, reason in enumerate(reasons):
        object_by_chat(council, n, reason=reason)
    [email] = council.table("outbox").rows_where("key LIKE '%:email'")
    [telegram] = council.table("outbox").rows_where("key LIKE '%:telegram'")
    for body in (email["body"], telegram["body"]):
        for secret in ("Dave", "07700 900123", "dave@example.com", "RV1 1AA", "Jones",
                       "Kieran"):
            assert secret not in body
        assert "[phone]" in body and "[email]" in body and "[postcode]" in body
        assert "[name]" in body and "Riverside library every Saturday" in body
        assert "only quiet place to study" in body


def test_the_threshold_is_counted_in_the_objections_own_transaction(
    council: sqlite_utils.Database
) -> None:
    for n in range(3):
        with pytest.raises(RuntimeError), council.atomic():
            add_objection(council, "sms", f"+4477009002{n:02d}", "close-library", "Riverside",
                          "", NOW)
            objection_recorded(council, LIBRARY, "Riverside", NOW, channel="sms")
            raise RuntimeError("the message failed after the objection")
    assert alerts(council) == [] and council.table("objection_alerts").count == 0


def test_forget_me_takes_a_residents_words_out_of_alerts_and_digests_not_yet_sent(
    council: sqlite_utils.Database
) -> None:
    from bot.digest.queue import queue_week
    from bot.digest.weeks import week_of_date

    reasons = ["My daughter revises there every Saturday morning",
               "It is the only quiet place to study on Saturdays", "no"]
    for n, reason in enumerate(reasons):
        object_by_chat(council, n, reason=reason)
    week = week_of_date(START.date())
    assert queue_week(council, week, START) == 3

    def quoting() -> dict[str, str]:  # alerts by email and Telegram, digests by email
        return {row["key"]: row["body"] + (row["extra"] or "") for row in
                council.table("outbox").rows_where(
                    "channel = 'email' OR (kind = 'objection-alert' AND channel = 'telegram')")}

    before = quoting()
    assert len(before) == 4 and all(reasons[0] in text for text in before.values())
    with council.conn:
        erase_person(council, "sms", "+447700900100", NOW)
    after = quoting()
    assert after.keys() == before.keys()
    for key, text in after.items():
        assert "My daughter revises" not in text, key
        assert "removed: the resident asked" in text, key
        assert reasons[1] in text, key  # the others' words stay
    html = json.loads(council.execute("SELECT extra FROM outbox WHERE key = ?", [
        "digest:riverside/jo-bloggs:2025-W10:email"]).fetchone()[0])["html"]
    assert "only quiet place to study" in html and "My daughter" not in html


def test_an_alert_for_one_objection_speaks_of_one_resident(
    council: sqlite_utils.Database
) -> None:
    configure(council, 1)
    object_by_chat(council, 0, reason="It is the only warm place on Saturdays")
    bodies = {row["channel"]: row for row in council.table("outbox").rows_where(
        "kind = 'objection-alert'")}
    email, telegram, sms = bodies["email"], bodies["telegram"], bodies["sms"]
    assert email["subject"] == "Riverside: 1 objection to Close Riverside library on Saturdays"
    assert "1 resident of Riverside has now objected" in email["body"]
    assert "What they said (contact details and names removed):" in email["body"]
    assert "1 resident of Riverside has objected" in telegram["body"]
    assert "Local Support: 1 Riverside resident has objected to" in sms["body"]
    for row in (email, telegram, sms):
        assert "1 residents" not in row["body"] and "1 objections" not in (row["subject"] or "")
