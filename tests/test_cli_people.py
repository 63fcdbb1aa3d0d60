"""`forget` and `export-user` find an SMS user's data however the number is written
(conversations/phones.py): Twilio gives E.164, officers type it as people write it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from catalogue.store import open_db
from conversations.records import ensure_records, get_person, set_postcode


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    path = tmp_path / "people.db"
    db = open_db(path)
    ensure_records(db)
    set_postcode(db, "sms", "+447700900456", "ZZ1 1AA", "Northgate", datetime.now(UTC))
    db.close()
    return str(path)


@pytest.mark.parametrize("written", ["07700900456", "07700 900456", "+44 7700 900456",
                                     "+447700900456"])
def test_export_user_finds_the_number_as_written(
    db_path: str, written: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export-user", f"sms:{written}", "--db", db_path]) == 0
    held = json.loads(capsys.readouterr().out)
    assert held["address"] == "+447700900456"
    assert held["tables"]["people"][0]["postcode"] == "ZZ1 1AA"


def test_forget_finds_a_national_number(db_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forget", "sms:07700900456", "--db", db_path]) == 0
    assert capsys.readouterr().out.startswith("Erased sms:+447700900456: people 1")
    assert get_person(open_db(db_path), "sms", "+447700900456") is None


def test_other_channels_are_taken_as_given(db_path: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forget", "telegram:07700900456", "--db", db_path]) == 0
    assert "Nothing held about telegram:07700900456." in capsys.readouterr().out
    assert get_person(open_db(db_path), "sms", "+447700900456") is not None
