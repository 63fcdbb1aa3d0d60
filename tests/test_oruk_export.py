"""ORUK out (catalogue/oruk_export.py): every exported service validates against the
published schema (ORUK 3.0 UK profile and ORUK 1.0, tests/data/oruk-schemas/, with
`jsonschema` and its format checks: UUIDs, emails, URIs), and the feed's own ids are
kept, so that importing an export updates rather than duplicates."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import sqlite_utils
from oruk_feeds import DATA, EXAMPLES, SCHEMAS, messy_feed, write_feed

from catalogue.importer import export_file, import_file
from catalogue.store import load_entries, open_db

SAMPLE = Path(__file__).parent.parent / "catalogue" / "sample"
SCHEMA_OF = {"oruk": SCHEMAS / "v3-uk-profile" / "service.json",
             "oruk-v1": SCHEMAS / "v1" / "service.json"}
LIST_KEY = {"oruk": "contents", "oruk-v1": "content"}


def validator(fmt: str) -> Any:
    schema = json.loads(SCHEMA_OF[fmt].read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    """The sample council's 94 entries, the v1 sample feed, a messy council feed and the
    published examples: every shape the export has to write."""
    tmp = tmp_path_factory.mktemp("export")
    db = open_db(tmp / "all.db")
    import_file(db, SAMPLE / "sample-circumstances.csv")
    import_file(db, SAMPLE / "sample-catalogue.csv")
    import_file(db, DATA / "oruk-sample.json")
    import_file(db, write_feed(tmp / "council.json", messy_feed()))
    import_file(db, EXAMPLES / "hsds3" / "service_full.json")
    return db


@pytest.mark.parametrize("fmt", ["oruk", "oruk-v1"])
def test_every_exported_service_validates(
    catalogue: sqlite_utils.Database, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / "export.json"
    count = export_file(catalogue, path, fmt=fmt)
    services = json.loads(path.read_text(encoding="utf-8"))[LIST_KEY[fmt]]
    assert len(services) == count == len(load_entries(catalogue)) > 90
    check = validator(fmt)
    problems = [f"{s['name']}: {e.message}" for s in services for e in check.iter_errors(s)]
    assert problems == []


@pytest.mark.parametrize("fmt", ["oruk", "oruk-v1"])
def test_the_schema_check_would_catch_what_real_exports_got_wrong(fmt: str) -> None:
    check = validator(fmt)
    bad: dict[str, Any] = {"id": "fsm", "name": "Free school meals", "status": "active",
                           "email": "", "url": "sample-borough.example.org",
                           "organization": {"id": "fsm-organization", "name": "Council"}}
    messages = " ".join(e.message for e in check.iter_errors(bad))
    assert "'description' is a required property" in messages
    assert "does not match" in messages or "is not a 'uuid'" in messages
    assert "is not a 'email'" in messages


def test_a_feed_keeps_its_ids_and_a_reimport_updates(tmp_path: Path) -> None:
    db = open_db(tmp_path / "feed.db")
    import_file(db, write_feed(tmp_path / "council.json", messy_feed()))
    before = load_entries(db)
    for fmt in ("oruk", "oruk-v1"):
        path = tmp_path / f"{fmt}.json"
        export_file(db, path, fmt=fmt)
        services = json.loads(path.read_text(encoding="utf-8"))[LIST_KEY[fmt]]
        assert {s["id"] for s in services} == {e.id.removeprefix("oruk-") for e in before}
        summary = import_file(db, path)
        assert (summary.added, summary.unchanged) == (0, len(before))
    assert load_entries(db) == before


@pytest.mark.parametrize("fmt", ["oruk", "oruk-v1"])
def test_the_sample_catalogue_comes_back_unchanged_alert_thresholds_too(
    tmp_path: Path, fmt: str
) -> None:
    with open(SAMPLE / "sample-catalogue.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    plan = next(r for r in rows if r["kind"] == "proposal")
    plan["alert_at"] = "3"  # councillors alerted at 3 objections from a ward, not the default
    own = tmp_path / "own.csv"
    with open(own, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[*rows[0], "alert_at"], restval="")
        writer.writeheader()
        writer.writerows(rows)
    db = open_db(tmp_path / "own.db")
    import_file(db, SAMPLE / "sample-circumstances.csv")
    import_file(db, own)
    before = load_entries(db)
    export_file(db, tmp_path / "feed.json", fmt=fmt)
    summary = import_file(db, tmp_path / "feed.json")
    assert (summary.added, summary.updated) == (0, 0)
    after = {e.id: e for e in load_entries(db)}
    assert after[plan["id"]].alert_at == 3
    assert [after[e.id] for e in before] == before


def test_ids_that_are_not_uuids_get_the_same_uuid_every_time(
    catalogue: sqlite_utils.Database, tmp_path: Path
) -> None:
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    export_file(catalogue, first, fmt="oruk")
    export_file(catalogue, second, fmt="oruk")
    one = json.loads(first.read_text(encoding="utf-8"))["contents"]
    assert one == json.loads(second.read_text(encoding="utf-8"))["contents"]
    fsm = next(s for s in one if s["localsupport"]["id"] == "free-school-meals")
    assert fsm["id"] != "free-school-meals" and len(fsm["id"]) == 36
    assert len({s["id"] for s in one}) == len(one)


@pytest.mark.parametrize("fmt", ["oruk", "oruk-v1"])
def test_an_lgsl_code_reaches_readers_that_know_only_the_standard(
    catalogue: sqlite_utils.Database, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / "export.json"
    export_file(catalogue, path, fmt=fmt)
    services = json.loads(path.read_text(encoding="utf-8"))[LIST_KEY[fmt]]
    for service in services:
        del service["localsupport"]  # what another directory's reader sees
    reader = open_db(tmp_path / "reader.db")
    import_file(reader, write_feed(tmp_path / "plain.json", services))
    coded = {e.title: e.lgsl for e in load_entries(reader) if e.lgsl}
    assert coded == {e.title: e.lgsl for e in load_entries(catalogue) if e.lgsl} != {}
    assert not any(k.startswith("LGSL ") for e in load_entries(reader) for k in e.keywords)
