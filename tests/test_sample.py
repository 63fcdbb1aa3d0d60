"""The bundled sample catalogue: big enough, every kind, demonstrable, SMS-friendly, and
clearly made up."""

from __future__ import annotations

import csv
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
import sqlite_utils

from bot.render import to_gsm7
from catalogue.importer import load_sample
from catalogue.model import KINDS, Entry
from catalogue.store import load_circumstances, load_entries, open_db

SAMPLE = resources.files("catalogue") / "sample"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    db = open_db(tmp_path_factory.mktemp("sample") / "sample.db")
    summary = load_sample(db)
    assert summary.warnings == []
    return db


@pytest.fixture(scope="module")
def entries(sample: sqlite_utils.Database) -> list[Entry]:
    return load_entries(sample)


def test_sample_has_at_least_60_entries_of_every_kind(entries: list[Entry]) -> None:
    kinds = Counter(e.kind for e in entries)
    assert len(entries) >= 60
    assert set(kinds) == set(KINDS)
    assert kinds["volunteering"] >= 6 and kinds["proposal"] >= 5


def test_ids_in_the_file_are_unique() -> None:
    text = (SAMPLE / "sample-catalogue.csv").read_text(encoding="utf-8")
    ids = [row["id"] for row in csv.DictReader(text.splitlines())]
    assert len(ids) == len(set(ids)) >= 60


def test_every_criteria_code_is_a_known_circumstance(
    sample: sqlite_utils.Database, entries: list[Entry]
) -> None:
    circumstances = load_circumstances(sample)
    assert 8 <= len(circumstances) <= 15
    used = {c.code for e in entries for c in e.criteria}
    assert used <= set(circumstances)
    assert all(q.question.endswith("?") for q in circumstances.values())


def test_summaries_are_sms_sized_and_gsm7(entries: list[Entry]) -> None:
    for entry in entries:
        assert len(entry.summary) <= 160, entry.id
        for text in (entry.title, entry.summary, entry.how_to_apply, entry.opening_hours):
            assert to_gsm7(text) == text, entry.id


def test_eligibility_checks_are_demonstrable(entries: list[Entry]) -> None:
    by_id = {e.id: e for e in entries}
    fsm = by_id["free-school-meals"]
    assert fsm.max_age == 18 and [str(c) for c in fsm.criteria] == ["income_benefit"]
    assert by_id["older-persons-bus-pass"].min_age == 66
    assert (by_id["bursary-16-19"].min_age, by_id["bursary-16-19"].max_age) == (16, 19)
    assert [str(c) for c in by_id["single-person-discount"].criteria] == ["lives_alone"]
    assert any(c.negated for e in entries for c in e.criteria)
    conditional = [e for e in entries if e.kind == "entitlement" and e.has_conditions]
    assert len(conditional) >= 15
    shared = Counter(c.code for e in conditional for c in e.criteria)
    assert shared["income_benefit"] >= 5  # "what can I get?" finds several at once


def test_wards_and_proposals(entries: list[Entry]) -> None:
    wards = {w for e in entries for w in e.wards}
    assert 4 <= len(wards) <= 6
    proposals = [e for e in entries if e.kind == "proposal"]
    assert sum(bool(p.wards) for p in proposals) >= 4


def test_contacts_are_fictitious_but_well_formed(entries: list[Entry]) -> None:
    for entry in entries:
        assert entry.url or entry.phone, entry.id
        if entry.phone:
            assert re.fullmatch(r"01632 960\d{3}", entry.phone), entry.id
        if entry.url:
            assert entry.url.startswith("https://sample-borough.example.org/"), entry.id
        if entry.email:
            assert entry.email.endswith("@sample-borough.example.org"), entry.id
    assert sum(bool(e.keywords) for e in entries) == len(entries)


def test_sample_is_marked_as_sample() -> None:
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert "made-up council" in readme and "Sample Borough" in readme


def test_sample_passes_catalogue_check(tmp_path: Path) -> None:
    from bot.cli import main

    db = str(tmp_path / "check.db")
    circumstances = str(SAMPLE / "sample-circumstances.csv")
    catalogue = str(SAMPLE / "sample-catalogue.csv")
    assert main(["catalogue", "import", circumstances, "--db", db]) == 0
    assert main(["catalogue", "check", catalogue, "--db", db]) == 0


@pytest.mark.parametrize(("said", "expected"), [
    ("Help with council tax", "council-tax-reduction"),  # the menu's own example
    ("cant pay council tax", "council-tax-reduction"),
    ("council tax help", "council-tax-reduction"),
    ("student council tax", "student-council-tax"),
])
def test_a_message_that_is_an_entrys_keyword_word_for_word_finds_it_first(
    entries: list[Entry], said: str, expected: str
) -> None:
    from catalogue.matcher import Matcher

    result = Matcher(entries).search(said)
    assert result.answered and result.matches[0].entry.id == expected, result.matches[:3]
