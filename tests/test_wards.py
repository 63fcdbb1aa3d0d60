"""The postcode -> ward lookup: the council's CSV and the ONS Postcode Directory, lookups by
unit, sector and district without collisions, `wards lookup`, and the re-keying migration
of lookups stored before postcodes were parsed (conversations/wards.py, schema.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from bot.cli import main
from catalogue.problems import CatalogueError
from catalogue.storage import connect, migrate
from conversations import schema as conversations_schema
from conversations.records import ward_for_postcode
from conversations.store import ensure_conversations
from conversations.wards import import_wards, read_wards

SECTOR_AND_DISTRICT = "postcode,ward\nM1 4,Piccadilly\nM14,Fallowfield\nzz1 4,Millbrook\n"


def write(tmp_path: Path, text: str, name: str = "wards.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    database = connect(tmp_path / "wards.db")
    ensure_conversations(database)
    return database


def test_a_sector_and_a_district_that_look_alike_both_import(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_wards(db, write(tmp_path, SECTOR_AND_DISTRICT))
    assert ward_for_postcode(db, "M1 4AE") == "Piccadilly"
    assert ward_for_postcode(db, "m14 6hr") == "Fallowfield"
    assert ward_for_postcode(db, "M144HR") == "Fallowfield"
    assert ward_for_postcode(db, "zz14 7xy") is None  # district ZZ14, not sector ZZ1 4
    assert ward_for_postcode(db, "zz1 47xy") is None  # a space in the wrong place
    assert ward_for_postcode(db, "ZZ1 4XY") == "Millbrook"


def test_unit_then_sector_then_district(db: sqlite_utils.Database, tmp_path: Path) -> None:
    import_wards(db, write(tmp_path, "postcode,ward\nRV1,Hillside\nRV1 2,Riverside\n"
                           "rv12ab,Castle\n"))
    assert ward_for_postcode(db, "RV1 2AB") == "Castle"
    assert ward_for_postcode(db, "RV1 2AC") == "Riverside"
    assert ward_for_postcode(db, "RV1 3AC") == "Hillside"
    assert ward_for_postcode(db, "RV2 3AC") is None
    assert ward_for_postcode(db, "not one") is None


def test_the_same_postcode_written_twice_in_two_wards_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "postcode,ward\nM1 4,Piccadilly\nm1  4,Ardwick\nM14,Fallowfield\n")
    with pytest.raises(CatalogueError) as caught:
        read_wards(path)
    assert [str(p) for p in caught.value.problems] == [
        'row 3, column "postcode": "m1  4" is already in ward "Piccadilly" on row 2']


def test_ward_codes_are_named_from_the_ons_list(db: sqlite_utils.Database,
                                                tmp_path: Path) -> None:
    text = "postcode,ward\nTS24 7,E05008942\nNG7 2,Meadows\n"
    said = import_wards(db, write(tmp_path, text))
    assert said == "Imported 2 postcodes in 2 wards."
    assert ward_for_postcode(db, "TS24 7AB") == "Burn Valley"
    row = db.execute("SELECT ward, ward_code, level FROM wards WHERE postcode = 'TS24 7'")
    assert row.fetchone() == ("Burn Valley", "E05008942", "sector")


ONSPD = ("pcd,pcd2,pcds,dointr,doterm,oscty,oslaua,wd24cd,lat,long\n"
         "TS247AB,TS24 7AB,TS24 7AB,200001,,E99999999,E06000001,E05008942,54.68,-1.21\n"
         "NG72AA,NG7  2AA,NG7 2AA,200001,,E99999999,E06000018,E05012285,52.94,-1.15\n"
         "NG72AB,NG7  2AB,NG7 2AB,200001,,E99999999,E06000018,E05099999,52.94,-1.15\n"
         "GY11AA,GY1  1AA,GY1 1AA,200001,,E99999999,L99999999,L99999999,49.4,-2.5\n")


def test_the_ons_postcode_directory_imports_with_ward_names(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    said = import_wards(db, write(tmp_path, ONSPD, "ONSPD_NOV_2024_UK.csv"))
    assert said.splitlines() == [
        "Imported 3 postcodes in 3 wards. (from the ONS Postcode Directory, wd24cd columns)",
        "1 ward codes are not in the ONS list of December 2019, so they are kept by code: "
        "E05099999"]
    assert ward_for_postcode(db, "TS24 7AB") == "Burn Valley"
    assert ward_for_postcode(db, "ng7 2aa") == "Meadows"
    assert ward_for_postcode(db, "NG7 2AB") == "E05099999"
    assert ward_for_postcode(db, "GY1 1AA") is None


def test_a_bad_onspd_row_is_named(tmp_path: Path) -> None:
    bad = ONSPD + "XX,XX,NOT A CODE,200001,,E99999999,E06000001,E05008942,0,0\n"
    with pytest.raises(CatalogueError) as caught:
        read_wards(write(tmp_path, bad))
    assert [str(p) for p in caught.value.problems] == [
        'row 6, column "pcds": "NOT A CODE" is not a full UK postcode']


def test_one_council_out_of_the_directory(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.db")
    path = str(write(tmp_path, ONSPD))
    assert main(["wards", "import", path, "--council", "e06000018", "--db", db]) == 0
    assert capsys.readouterr().out.startswith("Imported 2 postcodes in 2 wards.")
    assert main(["wards", "lookup", "TS24 7AB", "--db", db]) == 1
    assert main(["wards", "lookup", "NG7 2AA", "--db", db]) == 0
    assert "NG7 2AA is in Meadows (E05012285)" in capsys.readouterr().out
    assert main(["wards", "import", path, "--council", "E09000001", "--db", db]) == 1
    assert "no postcode in the file has a ward in the council E09000001" in (
        capsys.readouterr().err)


def test_wards_lookup_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.db")
    assert main(["wards", "import", str(write(tmp_path, SECTOR_AND_DISTRICT)), "--db", db]) == 0
    capsys.readouterr()
    assert main(["wards", "lookup", "m14 6hr", "--db", db]) == 0
    assert capsys.readouterr().out == "M14 6HR is in Fallowfield, found by its district M14.\n"
    assert main(["wards", "lookup", "M1 4AE", "--db", db]) == 0
    assert capsys.readouterr().out == "M1 4AE is in Piccadilly, found by its sector M1 4.\n"
    assert main(["wards", "lookup", "B1 1AA", "--db", db]) == 1
    assert "B1 1AA is not in the lookup (tried B1 1AA, B1 1, B1)" in capsys.readouterr().out
    assert main(["wards", "lookup", "hello", "--db", db]) == 1
    assert '"hello" is not a full UK postcode' in capsys.readouterr().err


def test_a_lookup_stored_before_postcodes_were_parsed_is_rekeyed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(conversations_schema.WARDS.create + "\n" + "\n".join(
        f"INSERT INTO wards VALUES ('{key}', '{ward}');" for key, ward in [
            ("RV11AA", "Riverside"), ("ZZ14", "Millbrook"), ("HL3", "Hillside")]))
    old.commit()
    old.close()
    db = connect(path)
    migrate(db, [conversations_schema.SCHEMA])
    rows = db.execute("SELECT postcode, level, ward FROM wards ORDER BY postcode").fetchall()
    assert rows == [("HL3", "district", "Hillside"), ("RV1 1AA", "unit", "Riverside"),
                    ("ZZ1 4", "sector", "Millbrook")]
    assert ward_for_postcode(db, "RV1 1AA") == "Riverside"
    assert ward_for_postcode(db, "ZZ1 4XY") == "Millbrook"
    assert ward_for_postcode(db, "ZZ14 7XY") is None  # the old lookup's mistake


def test_a_corrected_lookup_moves_people_and_their_objections_to_the_new_ward(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from conversations.objections import add_objection
    from conversations.records import ensure_records, set_postcode

    now = datetime(2026, 11, 30, tzinfo=UTC)
    ensure_records(db)
    import_wards(db, write(tmp_path, "postcode,ward\nRV1 1,Riverside\nRV1 2,Riverside\n"))
    with db.conn:
        for n, postcode in enumerate(("RV1 1AA", "RV1 2AB")):
            set_postcode(db, "sms", f"+44770090050{n}", postcode, "Riverside", now)
            add_objection(db, "sms", f"+44770090050{n}", "close-library", "Riverside", "", now)
        set_postcode(db, "sms", "+447700900509", "", None, now)  # skipped the postcode
    said = import_wards(db, write(tmp_path, "postcode,ward\nRV1 1,Riverside\nRV1 2,Hillside\n"))
    assert said.endswith("1 person who gave a postcode now belongs to another ward, with "
                         "their objections.")
    assert db.execute("SELECT address, ward FROM people ORDER BY address").fetchall() == [
        ("+447700900500", "Riverside"), ("+447700900501", "Hillside"), ("+447700900509", None)]
    assert db.execute("SELECT address, ward FROM objections ORDER BY address").fetchall() == [
        ("+447700900500", "Riverside"), ("+447700900501", "Hillside")]
