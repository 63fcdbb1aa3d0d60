"""`localsupport timebank ...` through the real command line and a real database."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import open_store
from conversations import timebank
from conversations.records import save_wards


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "tb.db")
    for name, ward in (("Priya", "Riverside"), ("Sam", ""), ("Priya", "Hillside")):
        assert run(capsys, "--db", path, "timebank", "add-member", name, "--ward", ward)[0] == 0
    return path


def test_record_then_ledger_csv_has_two_postings_an_exchange(db_file, capsys) -> None:
    code, out, _ = run(capsys, "timebank", "record", "Sam", "1", "1.5", "--note", "garden",
                       "--db", db_file)
    assert code == 0 and "Sam gave Priya 1.5 hours (confirmed)" in out
    code, out, _ = run(capsys, "timebank", "ledger", "--csv", "--db", db_file)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"exchange", "member", "hours", "state", "recorded_at", "confirmed_at"} <= set(
        rows[0])
    assert [(r["exchange"], r["member"], r["hours"], r["state"]) for r in rows] == [
        ("1", "2", "+1.5", "confirmed"), ("1", "1", "-1.5", "confirmed")]
    assert rows[0]["confirmed_at"] and rows[0]["note"] == "garden"
    code, out, _ = run(capsys, "timebank", "ledger", "--db", db_file)
    assert "#2     Sam" in out and "+1.5 h" in out and "total 0 hours" in out


def test_statement_by_year(db_file, capsys) -> None:
    run(capsys, "timebank", "record", "Sam", "3", "2", "--db", db_file)
    code, out, _ = run(capsys, "timebank", "statement", "3", "--db", db_file)
    assert code == 0 and "benefits received: 2 hours" in out and "received from Sam" in out
    code, out, _ = run(capsys, "timebank", "statement", "Sam", "--year", "1999",
                       "--db", db_file)
    assert "Contributions made: 0 hours" in out


@pytest.mark.parametrize(("argv", "message"), [
    (("record", "Priya", "Sam", "1"), "more than one member is called Priya: #1 Priya "
     "(Riverside), #3 Priya (Hillside); give the id"),
    (("record", "Jo", "Sam", "1"), "no active member 'Jo'"),
    (("record", "Sam", "1", "two"), "HOURS must be a number of hours such as 2 or 1.5; "
     "got 'two'"),
    (("record", "Sam", "1", "25"), "at most 24"),
    (("record", "Sam", "2", "1"), "two different members"),
    (("record", "1", "Sam", "11"), "Sam more than 10 hours below zero"),
    (("add-member", "+447700900123"), "FIRST_NAME must be a first name"),
])
def test_bad_input_is_named_and_nothing_is_written(db_file, capsys, argv, message) -> None:
    code, _, err = run(capsys, "--db", db_file, "timebank", *argv)
    assert code == 1 and message in err
    db = open_store(db_file)
    assert db.execute("SELECT count(*) FROM timebank_postings").fetchone()[0] == 0
    assert len(timebank.members(db)) == 3


def test_members_with_phones_are_told_and_numbers_never_reach_the_csv(db_file, capsys
                                                                      ) -> None:
    db = open_store(db_file)
    texter = timebank.join(db, "sms", "+447700900123", "Ada", None, "", "", datetime.now(UTC),
                           timebank.Policy())
    run(capsys, "--db", db_file, "timebank", "record", "Sam", str(texter.id), "1")
    told = db.execute("SELECT channel, address, body FROM outbox").fetchall()
    assert told == [("sms", "+447700900123", "Time bank: a coordinator recorded 1 hour "
                     "between you and Sam. Send STATEMENT to see it.")]
    _, out, _ = run(capsys, "--db", db_file, "timebank", "ledger", "--csv")
    assert "+447700900123" not in out and "Ada" in out


def test_forget_a_member_without_a_phone_keeps_the_ledger_balanced(db_file, capsys) -> None:
    run(capsys, "--db", db_file, "timebank", "record", "Sam", "1", "2", "--note", "Priya's shed")
    code, out, _ = run(capsys, "--db", db_file, "timebank", "forget", "1")
    assert code == 0 and "Forgot member #1" in out
    db = open_store(db_file)
    gone = timebank.member(db, 1)
    assert gone is not None and (gone.first_name, gone.ward) == (None, None)
    assert timebank.balance(db, 1) == -120 and timebank.total(db) == 0
    _, out, _ = run(capsys, "--db", db_file, "timebank", "ledger", "--csv")
    assert "Priya's shed" not in out and "a former member" in out
    code, _, _ = run(capsys, "--db", db_file, "timebank", "forget", "Priya")
    assert code == 0  # the other Priya (#3) is now the only one of that name
    assert timebank.member(db, 3).first_name is None


def test_a_member_without_a_phone_gets_a_ward_of_the_lookup(tmp_path: Path, capsys) -> None:
    path = str(tmp_path / "wards.db")
    db = open_store(path)
    with db.conn:
        save_wards(db, {"RV1 1": "Riverside"})
    code, _, err = run(capsys, "--db", path, "timebank", "add-member", "Ada", "--ward",
                       "Rivrside")
    assert code == 1 and "'Rivrside' is not a ward of the lookup" in err
    assert run(capsys, "--db", path, "timebank", "add-member", "Ada", "--ward", "riverside")[0] \
        == 0
    assert [m.ward for m in timebank.members(open_store(path))] == ["Riverside"]


def test_the_csv_minutes_sum_to_the_balance_where_rounded_hours_do_not(db_file, capsys
                                                                       ) -> None:
    for _ in range(3):
        run(capsys, "--db", db_file, "timebank", "record", "Sam", "1", "0.3333")
    _, out, _ = run(capsys, "--db", db_file, "timebank", "ledger", "--csv")
    sams = [r for r in csv.DictReader(io.StringIO(out)) if r["member"] == "2"]
    assert [r["hours"] for r in sams] == ["+0.33"] * 3
    assert sum(int(r["minutes"]) for r in sams) == 60 == timebank.balance(open_store(db_file), 2)
