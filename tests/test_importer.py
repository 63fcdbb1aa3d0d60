"""catalogue.importer on real files and a real SQLite database: what is accepted, what is
refused (naming row and column, importing nothing), re-import, --replace, ORUK, round trips."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import sqlite_utils
from oruk_feeds import counselling, write_feed

from catalogue.importer import (
    CatalogueError,
    check_file,
    export_file,
    import_file,
)
from catalogue.model import COLUMNS, Circumstance, Criterion
from catalogue.store import load_circumstances, load_entries, open_db, save_catalogue

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parent.parent / "catalogue" / "sample"
HEADER = "id,kind,title,summary,keywords,min_age,max_age,criteria\n"
GOOD = (
    HEADER
    + "fsm,entitlement,Free school meals,Free lunch at school.,fsm;free dinners,4,18,"
    "income_benefit\n"
    + "youth,service,Youth club,Evening sessions for teenagers.,,11,19,\n"
    + "spd,entitlement,Single person discount,25% off council tax.,,18,,lives_alone\n"
)
CIRCUMSTANCES = [
    Circumstance("income_benefit", "Do you get Universal Credit?"),
    Circumstance("lives_alone", "Do you live alone?"),
]


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    database = open_db(tmp_path / "catalogue.db")
    save_catalogue(database, circumstances=CIRCUMSTANCES)
    return database


def write(tmp_path: Path, text: str, name: str = "catalogue.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def refused(db: sqlite_utils.Database, path: Path) -> str:
    """Import must fail, change nothing, and check must say exactly the same."""
    before = load_entries(db)
    with pytest.raises(CatalogueError) as raised:
        import_file(db, path)
    assert load_entries(db) == before
    with pytest.raises(CatalogueError) as checked:
        check_file(db, path)
    assert checked.value.report() == raised.value.report()
    return raised.value.report()


def test_a_good_file_imports_every_entry(db: sqlite_utils.Database, tmp_path: Path) -> None:
    summary = import_file(db, write(tmp_path, GOOD))
    assert (summary.kind, summary.entries, summary.added) == ("catalogue", 3, 3)
    entries = {e.id: e for e in load_entries(db)}
    assert entries["fsm"].keywords == ("fsm", "free dinners")
    assert (entries["fsm"].min_age, entries["fsm"].max_age) == (4, 18)
    assert entries["fsm"].criteria == (Criterion("income_benefit"),)
    assert entries["spd"].max_age is None
    assert "3 new" in summary.describe()


BAD_FILES = [
    pytest.param(HEADER.replace("summary", "sumary") + "a,service,T,S,,,,\n",
                 'row 1, column "sumary": is not a known column (did you mean "summary"?)',
                 id="unknown-column"),
    pytest.param("id,kind,title,keywords\na,service,T,x\n",
                 'row 1, column "summary": is a required column', id="missing-column"),
    pytest.param(GOOD + "b,service,,Summary,,,,\n", 'row 5, column "title": must not be empty',
                 id="empty-title"),
    pytest.param(GOOD + "youth,service,Again,Summary,,,,\n",
                 'row 5, column "id": "youth" is already used on row 3', id="duplicate-id"),
    pytest.param(GOOD + "Youth,service,Again,Summary,,,,\n",
                 'row 5, column "id": "Youth" is already used on row 3 (ids must differ by '
                 'more than capitals or spaces)', id="duplicate-id-but-for-case"),
    pytest.param(GOOD + "b,servise,T,S,,,,\n",
                 'row 5, column "kind": "servise" is not one of service, entitlement, '
                 'volunteering, proposal (did you mean "service"?)', id="unknown-kind"),
    pytest.param(GOOD + "b,entitlement,T,S,,,,income_benfit\n",
                 'row 5, column "criteria": "income_benfit" is not a known circumstance '
                 '(did you mean "income_benefit"?)', id="unknown-code"),
    pytest.param(GOOD + "b,entitlement,T,S,,,,income_benefit lives_alone\n",
                 'row 5, column "criteria": cannot read "income_benefit lives_alone"',
                 id="criteria-without-semicolon"),
    pytest.param(GOOD + "b,service,T,S,,16.5,,\n",
                 'row 5, column "min_age": "16.5" is not a whole number', id="fraction-age"),
    pytest.param(GOOD + "b,service,T,S,,,sixteen,\n",
                 'row 5, column "max_age": "sixteen" is not a whole number', id="word-age"),
    pytest.param(GOOD + "b,service,T,S,,-3,,\n",
                 'row 5, column "min_age": "-3" is not a whole number', id="negative-age"),
    pytest.param(GOOD + "b,service,T,S,,19,16,\n",
                 'row 5, column "min_age": 19 is more than max_age 16', id="min-above-max"),
    pytest.param(GOOD + "b,service,T,Help, with a comma,,,,,\n",
                 "row 5: has 10 cells but the header has 8 columns", id="too-many-cells"),
    pytest.param(HEADER + 'a,service,T,"two\nlines",,,,\nb,nonsense,T,S,,,,\n',
                 'row 3, column "kind"', id="rows-count-records-not-lines"),
    pytest.param("", "the file is empty", id="empty-file"),
    pytest.param("\r\n \r\n", "the file is empty", id="blank-file"),
    pytest.param(HEADER, "the file has a header row but no entries", id="header-only"),
    pytest.param("id;kind;title;summary\na;service;T;S\n", 'separated by ";"',
                 id="semicolon-separated"),
    pytest.param(HEADER + 'a,service,"T,S\n', "a quote", id="unclosed-quote"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_a_bad_file_names_row_and_column_and_imports_nothing(
    db: sqlite_utils.Database, tmp_path: Path, text: str, expected: str
) -> None:
    import_file(db, write(tmp_path, GOOD, "first.csv"))
    report = refused(db, write(tmp_path, text))
    assert expected in report
    assert "nothing was imported" in report.splitlines()[0]


def test_one_bad_row_among_good_ones_stops_them_all(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    refused(db, write(tmp_path, GOOD + "b,servise,T,S,,,,\n"))
    assert load_entries(db) == []


def test_every_problem_is_reported_up_to_a_cap(db: sqlite_utils.Database, tmp_path: Path) -> None:
    rows = "".join(f"r{n},wrong,T,S,,,,\n" for n in range(40))
    report = refused(db, write(tmp_path, HEADER + rows))
    lines = report.splitlines()
    assert lines[0].startswith("40 problems")
    assert lines[1].startswith('row 2, column "kind"')
    assert lines[-1] == "... and 15 more"


def test_a_file_not_saved_as_utf8_gets_a_save_as_hint(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    text = HEADER + "a,service,Swimming,Costs £2 a session.,,,,\n"
    report = refused(db, write(tmp_path, text, encoding="cp1252"))
    assert "row 2" in report and "not UTF-8" in report and "CSV UTF-8" in report
    assert '"£"' in report


def test_an_excel_workbook_is_recognised(db: sqlite_utils.Database, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    assert "Excel workbook" in refused(db, path)


def test_criteria_before_circumstances_is_one_clear_problem(tmp_path: Path) -> None:
    empty = open_db(tmp_path / "empty.db")
    report = refused(empty, write(tmp_path, GOOD))
    assert report.count("\n") == 1
    assert "income_benefit, lives_alone; first on row 2" in report
    assert "import the circumstances CSV" in report


def test_spreadsheet_sloppiness_is_accepted(db: sqlite_utils.Database, tmp_path: Path) -> None:
    text = (
        "\ufeffID , Kind,Title,Summary,Min Age,Criteria,,\r\n"
        "  fsm , ENTITLEMENT ,  Free school meals ,Free lunch.  , 4 ,"
        " Income_Benefit ; NOT lives_alone ,,\r\n"
        ",,,,,,,\r\n"
        "youth,Service,Youth club,Evenings.,11.0,,,\r\n"
        "\r\n"
    )
    summary = import_file(db, write(tmp_path, text))
    assert summary.entries == 2
    fsm, youth = load_entries(db)
    assert (fsm.id, fsm.kind, fsm.title, fsm.summary, fsm.min_age) == (
        "fsm", "entitlement", "Free school meals", "Free lunch.", 4)
    assert fsm.criteria == (Criterion("income_benefit"), Criterion("lives_alone", negated=True))
    assert (youth.kind, youth.min_age) == ("service", 11)


def test_a_long_summary_is_a_warning_not_an_error(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    text = HEADER + "a,service,T," + "word " * 70 + ",,,,\n"
    summary = import_file(db, write(tmp_path, text))
    assert summary.entries == 1
    assert [str(w) for w in summary.warnings] == [
        'row 2, column "summary": is 349 characters long; a text message shows about 160, '
        "so people will see it cut short"]
    assert "1 warning" in summary.describe()
    assert summary.warning_report().startswith('warning: row 2, column "summary"')


def test_reimport_updates_by_id_and_counts_changes(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_file(db, write(tmp_path, GOOD))
    changed = GOOD.replace("Evening sessions", "Late sessions")
    summary = import_file(db, write(tmp_path, changed + "new,service,New,New thing.,,,,\n"))
    assert (summary.added, summary.updated, summary.unchanged, summary.removed) == (1, 1, 2, 0)
    assert {e.id: e.summary for e in load_entries(db)}["youth"] == "Late sessions for teenagers."


def test_dry_run_and_check_change_nothing(db: sqlite_utils.Database, tmp_path: Path) -> None:
    import_file(db, write(tmp_path, GOOD))
    before = load_entries(db)
    other = write(tmp_path, HEADER + "only,service,Only,Only one.,,,,\n", "other.csv")
    dry = import_file(db, other, replace=True, dry_run=True)
    assert (dry.added, dry.removed) == (1, 3)
    assert check_file(db, other).added == 1
    assert load_entries(db) == before


def test_replace_removes_missing_entries_but_not_what_people_said(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_file(db, write(tmp_path, GOOD))
    db.table("feedback").insert_all([
        {"channel": "sms", "address": "+447700900001", "entry_id": "youth", "text": "great"},
        {"channel": "sms", "address": "+447700900002", "entry_id": "fsm", "text": "helpful"},
    ])
    smaller = HEADER + "fsm,entitlement,Free school meals,Changed.,,,,income_benefit\n"
    summary = import_file(db, write(tmp_path, smaller, "smaller.csv"), replace=True)
    assert (summary.updated, summary.removed) == (1, 2)
    assert [e.id for e in load_entries(db)] == ["fsm"]
    assert [r["entry_id"] for r in db.table("feedback").rows] == ["youth", "fsm"]


def test_without_replace_entries_not_in_the_file_stay(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_file(db, write(tmp_path, GOOD))
    import_file(db, write(tmp_path, HEADER + "new,service,New,New.,,,,\n", "more.csv"))
    assert len(load_entries(db)) == 4


# -- circumstances ---------------------------------------------------------------------------

def test_circumstances_file_is_recognised_by_its_header(tmp_path: Path) -> None:
    database = open_db(tmp_path / "c.db")
    text = 'code,question\nincome_benefit,"Do you get UC, or another benefit?"\nPregnant,Are you?\n'
    summary = import_file(database, write(tmp_path, text, "circumstances.csv"))
    assert (summary.kind, summary.circumstances, summary.added) == ("circumstances", 2, 2)
    assert load_circumstances(database)["pregnant"].question == "Are you?"
    assert "2 circumstances" in summary.describe()


@pytest.mark.parametrize(("text", "expected"), [
    ("code,question\nincome benefit,Do you?\n", 'row 2, column "code": "income benefit" is not'),
    ("code,question\na,Q?\na,Again?\n", 'row 3, column "code": "a" is already used on row 2'),
    ("code,question\na,\n", 'row 2, column "question": must not be empty'),
    ("code,question,notes\na,Q?,x\n", 'row 1, column "notes": is not a known column'),
])
def test_bad_circumstances_are_refused(
    db: sqlite_utils.Database, tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(CatalogueError) as raised:
        import_file(db, write(tmp_path, text))
    assert expected in raised.value.report()
    assert load_circumstances(db) == {c.code: c for c in CIRCUMSTANCES}


def test_replacing_circumstances_keeps_codes_entries_use(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_file(db, write(tmp_path, GOOD))
    path = write(tmp_path, "code,question\nlives_alone,Alone?\n", "circumstances.csv")
    with pytest.raises(CatalogueError) as raised:
        import_file(db, path, replace=True)
    assert 'entry "fsm" depends on income_benefit' in raised.value.report()
    assert set(load_circumstances(db)) == {"income_benefit", "lives_alone"}
    assert import_file(db, path).updated == 1  # without --replace it is fine


# -- export and round trips ------------------------------------------------------------------

def fresh_with_circumstances(tmp_path: Path, name: str, source: sqlite_utils.Database
                             ) -> sqlite_utils.Database:
    database = open_db(tmp_path / name)
    save_catalogue(database, circumstances=load_circumstances(source).values())
    return database


@pytest.mark.parametrize("fmt", ["csv", "oruk", "oruk-v1"])
def test_export_then_import_gives_the_same_entries(tmp_path: Path, fmt: str) -> None:
    source = open_db(tmp_path / "source.db")
    import_file(source, SAMPLE / "sample-circumstances.csv")
    import_file(source, SAMPLE / "sample-catalogue.csv")
    import_file(source, DATA / "oruk-sample.json")
    exported = tmp_path / f"export.{'csv' if fmt == 'csv' else 'json'}"
    count = export_file(source, exported, fmt=fmt)
    assert count == len(load_entries(source)) > 60
    target = fresh_with_circumstances(tmp_path, "target.db", source)
    summary = import_file(target, exported)
    assert summary.added == count
    assert load_entries(target) == load_entries(source)
    assert import_file(target, exported).unchanged == count


def test_csv_export_writes_the_contract_columns_in_order(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_file(db, write(tmp_path, GOOD))
    path = tmp_path / "out.csv"
    export_file(db, path)
    text = path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert "fsm;free dinners" in text


def test_oruk_v1_export_has_the_v1_shape(db: sqlite_utils.Database, tmp_path: Path) -> None:
    import_file(db, write(tmp_path, GOOD))
    path = tmp_path / "out.json"
    export_file(db, path, fmt="oruk-v1")
    page = json.loads(path.read_text(encoding="utf-8"))
    assert page["totalElements"] == 3
    fsm = next(s for s in page["content"] if s["id"] == "fsm")
    assert fsm["name"] == "Free school meals"
    assert fsm["eligibilitys"][0]["minimum_age"] == 4
    assert [t["taxonomy"]["name"] for t in fsm["service_taxonomys"]] == ["fsm", "free dinners"]


def test_oruk_export_has_the_3_0_shape(db: sqlite_utils.Database, tmp_path: Path) -> None:
    import_file(db, write(tmp_path, GOOD))
    path = tmp_path / "out.json"
    export_file(db, path, fmt="oruk")
    page = json.loads(path.read_text(encoding="utf-8"))
    assert (page["total_items"], page["page_number"], page["last_page"]) == (3, 1, True)
    fsm = next(s for s in page["contents"] if s["localsupport"]["id"] == "fsm")
    assert (fsm["name"], fsm["minimum_age"], fsm["maximum_age"]) == ("Free school meals", 4, 18)
    assert [a["taxonomy_term"]["name"] for a in fsm["attributes"]] == ["fsm", "free dinners"]


def test_lgsl_catalogue_imports(tmp_path: Path) -> None:
    database = open_db(tmp_path / "lgsl.db")
    summary = import_file(database, DATA / "lgsl-catalogue.csv")
    assert (summary.entries, summary.added, summary.warnings) == (1519, 1519, [])
    assert import_file(database, DATA / "lgsl-catalogue.csv").unchanged == 1519


def test_the_lgsl_column_links_entries_to_the_lga_service_list(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    header = HEADER.replace("criteria\n", "criteria,lgsl\n")
    text = (header + "fsm,entitlement,Free school meals,Free lunch.,,4,18,,LGSL 4\n"
            + "dhp,service,Rent top-up,Help with rent.,,,,,http://id.esd.org.uk/service/1148\n"
            + "youth,service,Youth club,Evening sessions.,,11,19,,\n")
    summary = import_file(db, write(tmp_path, text))
    assert "3 new, 0 changed, 0 unchanged, 0 removed; 2 linked to the LGA service list." in (
        summary.describe())
    assert {e.id: e.lgsl for e in load_entries(db)} == {"fsm": "4", "dhp": "1148", "youth": ""}
    path = tmp_path / "out.csv"
    export_file(db, path)
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    assert {r["id"]: r["lgsl"] for r in rows} == {"fsm": "4", "dhp": "1148", "youth": ""}
    report = refused(db, write(tmp_path, header + "a,service,T,S,,,,,free meals\n", "bad.csv"))
    assert ('row 2, column "lgsl": "free meals" is not a code of the LGA service list'
            in report)


def test_an_encoding_error_names_the_record_and_the_line_after_a_cell_on_two_lines(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    text = (HEADER + 'a,service,Swimming,"Lanes for adults.\nAnd for children.",,,,\n'
            + "b,service,Gym,Costs £2 a session.,,,,\n")
    report = refused(db, write(tmp_path, text, encoding="cp1252"))
    assert ('row 3: the file is not UTF-8: this row (line 4 of the file) has a character '
            '("£")') in report


# -- urls and phone numbers ------------------------------------------------------------------

CONTACTS = "id,kind,title,summary,url,phone\n"


@pytest.mark.parametrize(("cells", "expected"), [
    ("www.example.gov.uk/swim,", 'row 2, column "url": "www.example.gov.uk/swim" does not '
     "start with https:// or http://: write the whole address, like "
     "https://www.example.gov.uk/swim"),
    ("ftp://files.example.gov.uk,", 'row 2, column "url": "ftp://files.example.gov.uk" is '
     "not a web address people can open: use one that starts with https:// or http://"),
    ("mailto:pool@example.gov.uk,", "(an email address goes in the email column)"),
    ("https://,", 'row 2, column "url": "https://" is not a web address'),
    (",ask at reception", 'row 2, column "phone": "ask at reception" is not a phone number: '
     "write a UK number, like 0161 496 0000"),
    (",0161 4960 0000 0", 'row 2, column "phone": "0161 4960 0000 0" is not a phone number'),
])
def test_a_url_or_phone_that_cannot_be_used_is_refused(
    db: sqlite_utils.Database, tmp_path: Path, cells: str, expected: str
) -> None:
    report = refused(db, write(tmp_path, CONTACTS + f"swim,service,Swimming,Lanes.,{cells}\n"))
    assert expected in report
    assert report.startswith("1 problem in catalogue.csv; nothing was imported:")


def test_a_phone_number_that_can_be_dialled_but_looks_wrong_is_a_warning(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    rows = ("a,service,Helpline,Call us.,https://example.gov.uk/help,+1 202 456 1111\n"
            "b,service,Pool,Swim.,http://example.gov.uk/pool,0161 496 0000 (option 2)\n"
            "c,service,Samaritans,Talk to someone.,,116 123\n"
            "d,service,Library,Books.,HTTPS://EXAMPLE.GOV.UK/BOOKS,+44 (0)161 496 0000\n"
            "e,service,Relay,Text relay.,,18001 0161 496 0000\n"
            "f,service,Typo,One digit short.,,0161 234 567\n")
    summary = import_file(db, write(tmp_path, CONTACTS + rows))
    assert summary.entries == 6
    assert [str(w) for w in summary.warnings] == [
        'row 2, column "phone": "+1 202 456 1111" is not a UK number (it is a US number, '
        "+1): people calling from the UK pay international rates; check it is the right one",
        'row 3, column "phone": "0161 496 0000 (option 2)" holds more than a phone number: '
        'a phone dials the whole cell, so put just one number here (like "0161 496 0000") '
        "and the rest in how_to_apply",
        'row 7, column "phone": "0161 234 567" is not a UK number in use: check its digits '
        "(a UK number has 10 digits after the 0, like 0161 496 0000)",
    ]
    assert {e.id: e.phone for e in load_entries(db)}["b"] == "0161 496 0000 (option 2)"


def test_a_feed_service_with_a_bad_url_is_imported_and_warned_about(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    service = counselling(1) | {"url": "www.example.org/counselling"}
    summary = import_file(db, write_feed(tmp_path / "feed.json", [service, counselling(2)]))
    assert (summary.entries, summary.skipped) == (2, [])
    assert [str(w) for w in summary.warnings] == [
        'service 1 (id "00000000-0000-0000-0000-000000000001"), field "url": '
        '"www.example.org/counselling" does not start with https:// or http://: write the '
        "whole address, like https://www.example.org/counselling"]


# -- a feed and the council's own entries ----------------------------------------------------

def feed_service(number: int, *terms: str) -> dict[str, object]:
    """The number-th counselling service, its taxonomy terms (its keywords) `terms`."""
    return counselling(number) | {"attributes": [
        {"id": f"attribute-{number}-{n}", "taxonomy_term": {
            "id": f"term-{term}", "name": term, "description": "-", "taxonomy": "services"}}
        for n, term in enumerate(terms)]}


def keywords_of(db: sqlite_utils.Database) -> dict[str, tuple[str, ...]]:
    return {e.id: e.keywords for e in load_entries(db)}


FIRST, SECOND = (f"oruk-00000000-0000-0000-0000-00000000000{n}" for n in (1, 2))


def edited_in_a_spreadsheet(db: sqlite_utils.Database, tmp_path: Path, **cells: str) -> Path:
    """A feed of two services imported, exported, the first row's `cells` changed in the
    CSV and that imported; the feed's path, for importing it again."""
    feed = write_feed(tmp_path / "feed.json",
                      [feed_service(1, "Counselling"), feed_service(2, "Counselling")])
    import_file(db, feed)
    exported = tmp_path / "catalogue.csv"
    export_file(db, exported)
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    rows[0].update(cells)
    with exported.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    assert import_file(db, exported).updated == 1
    return feed


def test_keywords_the_council_added_to_a_feed_entry_survive_the_next_feed_import(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # the officer adds words people use, in a spreadsheet
    feed = edited_in_a_spreadsheet(db, tmp_path, keywords="Counselling;talk to someone;feeling low")
    summary = import_file(db, feed)  # the feed again, as it is
    assert (summary.updated, summary.unchanged) == (0, 2)
    assert ("; what the council added (keywords, category, wards, conditions) kept on 1 "
            "entry.") in summary.describe()
    assert keywords_of(db) == {FIRST: ("Counselling", "talk to someone", "feeling low"),
                               SECOND: ("Counselling",)}
    # the feed's own taxonomy still changes its keywords; the council's stay
    changed = [feed_service(1, "Mental health"), feed_service(2, "Counselling", "Advice")]
    import_file(db, write_feed(tmp_path / "feed.json", changed))
    assert keywords_of(db) == {FIRST: ("Mental health", "talk to someone", "feeling low"),
                               SECOND: ("Counselling", "Advice")}


def test_a_category_wards_and_conditions_the_council_gave_a_feed_entry_survive_its_import(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """An Open Referral UK feed has no wards, no category of ours and no circumstances, so
    the officer adds them in a spreadsheet; the next refresh of the feed kept none."""
    feed = edited_in_a_spreadsheet(db, tmp_path, category="Health", wards="Riverside;Hillside",
                                   criteria="lives_alone", alert_at="5")
    summary = import_file(db, feed)  # the feed again, as it is
    assert (summary.updated, summary.unchanged) == (0, 2)
    assert "kept on 1 entry" in summary.describe()
    entries = {e.id: e for e in load_entries(db)}
    kept = entries[FIRST]
    assert (kept.category, kept.wards, kept.alert_at) == ("Health", ("Riverside", "Hillside"), 5)
    assert [c.code for c in kept.criteria] == ["lives_alone"]
    assert (entries[SECOND].category, entries[SECOND].wards) == ("", ())
    # what the feed does say still changes: a new name comes through, the council's stay
    renamed = feed_service(1, "Counselling") | {"name": "Talking therapies"}
    import_file(db, write_feed(tmp_path / "feed.json", [renamed, feed_service(2, "Counselling")]))
    kept = next(e for e in load_entries(db) if e.id == FIRST)
    assert (kept.title, kept.category, kept.wards) == ("Talking therapies", "Health",
                                                       ("Riverside", "Hillside"))


def test_an_export_of_ours_that_clears_the_wards_clears_them(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """Our own ORUK export carries the columns in its extra: what it says, even nothing,
    is the catalogue's now."""
    feed = edited_in_a_spreadsheet(db, tmp_path, category="Health", wards="Riverside")
    cleared = feed_service(1, "Counselling") | {"localsupport": {"category": "", "wards": []}}
    import_file(db, write_feed(feed, [cleared, feed_service(2, "Counselling")]))
    entry = next(e for e in load_entries(db) if e.id == FIRST)
    assert (entry.category, entry.wards) == ("", ())


def test_replace_from_a_feed_keeps_the_councils_csv_entries(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_file(db, write(tmp_path, GOOD))
    import_file(db, write_feed(tmp_path / "feed.json", [feed_service(1), feed_service(2)]))
    smaller = write_feed(tmp_path / "feed.json", [feed_service(1)])
    dry = import_file(db, smaller, replace=True, dry_run=True)
    assert (dry.removed_ids, dry.kept_other) == ([SECOND], 3)
    summary = import_file(db, smaller, replace=True)
    assert summary.describe().endswith(
        f"1 removed. Removed: {SECOND}. --replace replaces only the entries that came from an "
        "Open Referral UK feed: the 3 entries from a catalogue CSV are kept.")
    assert [e.id for e in load_entries(db)] == ["fsm", FIRST, "spd", "youth"]
    # and a catalogue CSV's --replace leaves the feed's entries
    only_fsm = write(tmp_path, HEADER + GOOD.splitlines(keepends=True)[1], "only.csv")
    summary = import_file(db, only_fsm, replace=True)
    assert summary.removed_ids == ["spd", "youth"]
    assert summary.describe().endswith(
        "--replace replaces only the entries that came from a catalogue CSV: the 1 entry "
        "from an Open Referral UK feed is kept.")
    assert [e.id for e in load_entries(db)] == ["fsm", FIRST]


def test_a_feed_entry_the_council_edited_in_a_csv_is_still_the_feeds(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_file(db, write_feed(tmp_path / "feed.json", [feed_service(1), feed_service(2)]))
    exported = tmp_path / "catalogue.csv"
    export_file(db, exported)
    import_file(db, exported)  # the officer's edited export
    summary = import_file(db, write_feed(tmp_path / "feed.json", [feed_service(1)]),
                          replace=True)
    assert (summary.removed_ids, summary.kept_other) == ([SECOND], 0)


def test_counts_of_one_read_right(db: sqlite_utils.Database, tmp_path: Path) -> None:
    one = import_file(db, write(tmp_path, HEADER + "a,service,T,S,,,,\n", "one.csv"))
    assert one.describe() == ("1 catalogue entry (one.csv): 1 new, 0 changed, 0 unchanged, "
                              "0 removed.")
    feed = import_file(db, write_feed(tmp_path / "feed.json", [feed_service(1)]))
    assert feed.describe().startswith("1 service from an Open Referral UK feed (feed.json)")


def test_entries_saved_before_origins_were_kept_get_theirs(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    from catalogue.schema import SCHEMA
    from catalogue.storage import migrate

    import_file(db, write(tmp_path, GOOD))
    import_file(db, write_feed(tmp_path / "feed.json", [feed_service(1, "Counselling")]))
    db.execute("UPDATE entries SET origin = NULL, feed_keywords = NULL")  # as before 0007
    db.execute("UPDATE entries SET source = 'services-export' WHERE id = ?", [FIRST])  # no .json
    db.execute("DELETE FROM schema_migrations WHERE id = 'catalogue.0007_entries_origin'")
    migrate(db, [SCHEMA])
    rows = {r["id"]: (r["origin"], r["feed_keywords"]) for r in db.table("entries").rows}
    assert rows == {"fsm": ("csv", None), "spd": ("csv", None), "youth": ("csv", None),
                    FIRST: ("oruk", "Counselling")}


def test_an_imports_reads_come_from_one_snapshot(db: sqlite_utils.Database,
                                                 tmp_path: Path) -> None:
    """An import compares the file with the stored entries and their origins, read one after
    the other; another process's import between the two once left an entry without an
    origin (KeyError in CI). `reading` holds one snapshot: a change committed meanwhile by
    another connection is not seen until it ends."""
    from catalogue.storage import reading

    import_file(db, write(tmp_path, GOOD))
    other = open_db(tmp_path / "catalogue.db")
    with reading(db):
        before = [e.id for e in load_entries(db)]
        other.execute("DELETE FROM entries")  # another process, committed at once
        assert [e.id for e in load_entries(db)] == before != []
    assert load_entries(db) == []
