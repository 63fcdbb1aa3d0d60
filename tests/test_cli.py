"""`localsupport ask` and `chat` through the real command line and a real database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sqlite_utils

from bot.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_db_goes_before_or_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "a.db")
    code, out, err = run(capsys, "--db", db, "ask", "free school meals", "--json")
    assert code == 0
    assert "SAMPLE catalogue" in err  # an empty database gets the sample, and says so
    first = json.loads(out)
    assert set(first) == {"query", "answered", "matches"}
    assert first["query"] == "free school meals"
    assert first["answered"] is True
    assert first["matches"][0]["title"] == "Free school meals"
    assert all(set(m) == {"id", "title", "score"} for m in first["matches"])
    code, out, err = run(capsys, "ask", "free school meals", "--json", "--db", db)
    assert code == 0 and "loaded" not in err  # the same database: no second sample load
    assert err.startswith("Using the SAMPLE catalogue (94 made-up entries")  # but said again
    assert json.loads(out) == first


def test_batch_answers_one_line_per_query_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = ["free school meals", "xyz", "", "help with council tax", "what time is it"]
    batch = tmp_path / "q.txt"
    batch.write_text("\n".join(queries) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", str(tmp_path / "b.db"), "ask", "--batch", str(batch),
                       "--json", "--limit", "3")
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["query"] for r in results] == queries
    assert all(len(r["matches"]) <= 3 for r in results)
    assert [r["answered"] for r in results] == [True, False, False, True, False]


def test_ask_needs_text_or_a_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "c.db"), "ask")
    assert code == 1
    assert "give either TEXT or --batch FILE" in err
    code, _, err = run(capsys, "--db", str(tmp_path / "c.db"), "ask", "--batch",
                       str(tmp_path / "missing.txt"))
    assert code == 1 and "cannot read" in err


def test_chat_reads_stdin_and_renders_for_the_channel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "d.db")
    monkeypatch.setattr("sys.stdin", io.StringIO("hi\nfree school meals\n"))
    code, sms, _ = run(capsys, "--db", db, "chat", "--channel", "sms", "--user", "a")
    assert code == 0
    assert "Reply 1, 2 or 3" in sms  # choices as a numbered list
    assert "Free school meals: " in sms  # the SMS card
    monkeypatch.setattr("sys.stdin", io.StringIO("free school meals\n"))
    code, telegram, _ = run(capsys, "--db", db, "chat", "--channel", "telegram", "--user", "a")
    assert code == 0
    assert "[1] " in telegram and "Reply 1" not in telegram  # buttons, not a numbered list


def test_chat_reads_the_time_bank_settings_and_keeps_numbers_as_twilio_gives_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "t.db")
    monkeypatch.setenv("TIMEBANK_MIN_BALANCE", "-2")
    monkeypatch.setenv("TIMEBANK_APPROVAL", "on")
    monkeypatch.setenv("TIMEBANK_COORDINATORS", "sms:07700 900999")
    monkeypatch.setattr("sys.stdin", io.StringIO("join the time bank\n70\nTom\nSKIP\nodd jobs\n"
                                                 "SKIP\n"))
    code, out, _ = run(capsys, "--db", db, "chat", "--channel", "sms", "--user", "07700 900444")
    assert code == 0 and "coordinator" in out.lower()
    store = sqlite_utils.Database(db)
    [member] = store.table("timebank_members").rows
    assert (member["status"], member["address"]) == ("waiting", "+447700900444")
    assert [row["address"] for row in store.table("outbox").rows] == ["+447700900999"]


def test_the_sample_council_has_wards_for_objections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script = "object to closing millbrook library\nyes\nZZ1 4XY\nskip\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(script))
    code, out, _ = run(capsys, "--db", str(tmp_path / "e.db"), "chat", "--user", "b")
    assert code == 0
    assert "first in Millbrook to object" in out


@pytest.mark.parametrize(("said", "first"), [
    # a role comes first only when the message speaks of giving time
    ("what time is the food bank open", "Sample Borough Food Bank: "),
    ("phone number for the food bank", "Sample Borough Food Bank: "),
    ("i want to volunteer at the food bank", "Volunteer at the food bank: "),
    # a service for another age gives way to one for the person's age
    ("i am 78 and feeling really low", "Talking therapies for adults: "),
    ("im 15 and feeling really low", "Open Door: mental health support for young people: "),
])
def test_the_first_answer_fits_what_the_message_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    said: str, first: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(said + "\n"))
    code, out, _ = run(capsys, "--db", str(tmp_path / "f.db"), "chat", "--channel", "sms")
    cards = [line for line in out.splitlines()
             if line.startswith(("Sample Borough Food Bank", "Volunteer at", "Talking",
                                 "Open Door"))]
    assert code == 0 and cards[0].startswith(first)
