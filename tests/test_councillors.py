"""The councillors CSV: all or nothing, problems named by row and column, the file is the
whole list, ids stable across imports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.cli import main
from catalogue.problems import CatalogueError
from conversations.councillors.directory import (
    all_councillors,
    councillor_by_chat,
    councillors_for_ward,
    import_councillors,
    uk_phone,
)
from conversations.outbox import Message, enqueue

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
GOOD = """name,ward,email,phone,telegram_chat_id
Jo Bloggs,Riverside,jo.bloggs@example.org,07700 900101,
Sam Patel,riverside,,+44 7700 900102,555001
Alex Chen,Hillside,alex.chen@example.org,,
"""


def write(tmp_path: Path, text: str, name: str = "councillors.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_reads_every_contact_and_spells_wards_as_the_lookup_does(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    done = import_councillors(db, write(tmp_path, GOOD), NOW)
    assert (done.councillors, done.wards, done.new, done.removed) == (3, 2, 3, 0)
    riverside = councillors_for_ward(db, "RIVERSIDE")
    assert [(c.name, c.ward, c.email, c.phone, c.telegram_chat_id) for c in riverside] == [
        ("Jo Bloggs", "Riverside", "jo.bloggs@example.org", "+447700900101", ""),
        ("Sam Patel", "Riverside", "", "+447700900102", "555001")]
    chat = councillor_by_chat(db, "555001")
    assert chat is not None and chat.name == "Sam Patel"
    assert chat.contacts == [("telegram", "555001"), ("sms", "+447700900102")]


def test_the_file_is_the_whole_list_and_ids_survive_a_reimport(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_councillors(db, write(tmp_path, GOOD), NOW)
    ids = {c.name: c.id for c in all_councillors(db)}
    changed = GOOD.replace("jo.bloggs@example.org", "jo@example.org").replace(
        "Alex Chen,Hillside,alex.chen@example.org,,\n", "")
    done = import_councillors(db, write(tmp_path, changed), NOW)
    assert (done.new, done.changed, done.removed) == (0, 1, 1)
    assert {c.name: c.id for c in all_councillors(db)} == {
        "Jo Bloggs": ids["Jo Bloggs"], "Sam Patel": ids["Sam Patel"]}
    assert done.uncovered == ["Hillside"]
    assert "No councillor for: Hillside" in done.describe("councillors.csv")


def test_what_was_queued_for_a_removed_councillor_is_not_sent(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_councillors(db, write(tmp_path, GOOD), NOW)
    with db.atomic():
        for key, address in (("digest:alex", "alex.chen@example.org"),
                             ("digest:jo", "jo.bloggs@example.org")):
            enqueue(db, Message(key, "digest", "email", address, "..."), NOW)
    import_councillors(db, write(tmp_path, GOOD.replace(
        "Alex Chen,Hillside,alex.chen@example.org,,\n", "")), NOW)
    assert dict(db.execute("SELECT key, state FROM outbox").fetchall()) == {
        "digest:alex": "cancelled", "digest:jo": "queued"}


@pytest.mark.parametrize("phone", ["0161 496 0000", "07700 90010"])
def test_a_number_that_cannot_get_texts_is_named(db: sqlite_utils.Database, tmp_path: Path,
                                                 phone: str) -> None:
    """A landline, or a mobile with a digit missing, would never get the SMS digest."""
    bad = f"name,ward,email,phone,telegram_chat_id\nKim Lee,Hillside,,{phone},\n"
    with pytest.raises(CatalogueError) as caught:
        import_councillors(db, write(tmp_path, bad), NOW)
    assert f'row 2, column "phone": "{phone}" is not a mobile number that can get texts' \
        in caught.value.report()


def test_every_problem_is_named_and_nothing_is_imported(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_councillors(db, write(tmp_path, GOOD), NOW)
    bad = """name,ward,email,phone,telegram_chat_id
Jo Bloggs,Riversdie,jo.bloggs@example.org,,
,Hillside,someone@example.org,,
Kim Lee,Hillside,not-an-email,12345,@kimlee
Pat Moore,Hillside,,,
Alex Chen,Hillside,alex@example.org,,
Alex Chen,hillside,alex2@example.org,,
"""
    with pytest.raises(CatalogueError) as caught:
        import_councillors(db, write(tmp_path, bad), NOW)
    lines = caught.value.report().splitlines()
    assert lines[0].startswith("7 problems in ") and "nothing was imported" in lines[0]
    assert lines[1:] == [
        'row 2, column "ward": "Riversdie" is not a ward in the postcode lookup (did you mean '
        '"Riverside"?); the wards are: Hillside, Riverside',
        'row 3, column "name": must not be empty',
        'row 4, column "email": "not-an-email" is not an email address',
        'row 4, column "phone": "12345" is not a mobile number that can get texts (write it '
        "like 07700 900123 or +44 7700 900123; for a landline, give an email instead)",
        'row 4, column "telegram_chat_id": "@kimlee" is not a Telegram chat id (a whole '
        "number; Telegram's @userinfobot tells anyone theirs)",
        "row 5: needs at least one contact: email, phone or telegram_chat_id",
        'row 7, column "name": "Alex Chen" in Hillside is already on row 6',
    ]
    assert len(all_councillors(db)) == 3  # the earlier import stands


def test_unknown_columns_and_ons_codes(db: sqlite_utils.Database, tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match='column "mobile": is not a known column'):
        import_councillors(db, write(tmp_path, "name,ward,mobile\nJo,Riverside,07700900101\n"),
                           NOW)
    done = import_councillors(db, write(tmp_path, "name,ward,email\nJo,e05011234,j@example.org\n"),
                              NOW)
    assert done.councillors == 1 and done.unmatched_codes == ["E05011234"]
    assert [c.ward for c in all_councillors(db)] == ["E05011234"]
    assert "Wards given as ONS codes that the postcode lookup does not use: E05011234" in (
        done.describe("councillors.csv"))


@pytest.mark.parametrize(("written", "e164"), [
    ("07700 900123", "+447700900123"), ("+44 (0)7700 900123", "+447700900123"),
    ("0044 7700 900123", "+447700900123"), ("01632 960001", "+441632960001"),
    ("7700", None), ("call me", None)])
def test_phone_numbers_as_people_write_them(written: str, e164: str | None) -> None:
    assert uk_phone(written) == e164


def test_the_command_says_what_changed_and_names_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = str(tmp_path / "cli.db")
    path = write(tmp_path, GOOD.replace("Hillside", "Riverside"))
    assert main(["councillors", "import", str(path), "--db", database]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Imported 3 councillors for 1 ward (")
    path.write_text("name,ward\nJo,Riverside\n", encoding="utf-8")
    assert main(["councillors", "import", str(path), "--db", database]) == 1
    assert ("row 2: needs at least one contact: email, phone or telegram_chat_id"
            in capsys.readouterr().err)


def test_the_sample_councillors_go_with_the_sample_and_the_councils_own_stay(
    tmp_path: Path
) -> None:
    from bot.cli import load_sample_councillors, load_sample_wards
    from bot.store import open_store
    from conversations.councillors.directory import remove_sample_councillors

    db = open_store(tmp_path / "sample.db")
    assert load_sample_wards(db)
    load_sample_councillors(db)
    sample = all_councillors(db)
    assert len(sample) == 10 and len({c.ward for c in sample}) == 5
    assert all(c.email.endswith("@sample-borough.example.org") for c in sample)
    assert all(not c.telegram_chat_id for c in sample)
    db.execute("INSERT INTO councillors (id, name, ward, email, created_at) VALUES "
               "('riverside/cllr-real-person', 'Cllr Real Person', 'Riverside', "
               "'real@council.example', '2026-01-01')")
    assert remove_sample_councillors(db) == 10
    assert [c.name for c in all_councillors(db)] == ["Cllr Real Person"]


def test_a_councillor_dropping_one_of_two_wards_keeps_what_is_queued_for_them(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    both = GOOD + "Jo Bloggs,Hillside,jo.bloggs@example.org,07700 900101,\n"
    import_councillors(db, write(tmp_path, both), NOW)
    with db.atomic():
        enqueue(db, Message("digest:jo", "digest", "email", "jo.bloggs@example.org", "..."),
                NOW)
    done = import_councillors(db, write(tmp_path, GOOD), NOW)  # Riverside only now
    assert done.removed == 1
    assert dict(db.execute("SELECT key, state FROM outbox").fetchall()) == {
        "digest:jo": "queued"}
