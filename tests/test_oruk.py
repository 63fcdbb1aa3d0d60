"""Open Referral UK feeds in (catalogue/oruk.py, oruk_fields.py, htmltext.py): the published
examples of both shapes, a council's messy feed (bad services skipped and named, the rest
imported), HTML to plain text, and what people ask about kept as entry fields."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import sqlite_utils
from oruk_feeds import (
    DATA,
    EXAMPLES,
    counselling,
    example,
    messy_feed,
    v1_services,
    write_feed,
)

from catalogue.htmltext import plain_text
from catalogue.importer import CatalogueError, check_file, import_file
from catalogue.model import Circumstance
from catalogue.store import load_entries, open_db, save_catalogue

COUNSELLING_ID = "oruk-ac148810-d857-441c-9679-408f346de14b"


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    database = open_db(tmp_path / "feed.db")
    save_catalogue(database, circumstances=[Circumstance("income_benefit", "Benefits?")])
    return database


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/*.json")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_published_example_imports(db: sqlite_utils.Database, path: Path) -> None:
    summary = import_file(db, path)
    assert (summary.kind, summary.entries, summary.skipped) == ("oruk", 1, [])
    [entry] = load_entries(db)
    assert (entry.id, entry.title, entry.provider) == (
        COUNSELLING_ID, "Community Counselling", "Example Organization Inc.")
    assert entry.summary == "Counselling Services provided by trained professionals."
    assert (entry.min_age, entry.max_age, entry.url) == (12, 100, "http://example.com/counselling")
    assert "fees_description" in entry.fees


def test_the_full_forms_keep_what_people_ask_about(db: sqlite_utils.Database) -> None:
    import_file(db, EXAMPLES / "hsds3" / "service_full.json")
    [entry] = load_entries(db)
    assert entry.phone == "+44 1234 234567"  # the example's number is in quotes
    assert entry.languages == ("Urdu",)
    assert entry.eligibility.startswith("This service is intended for all people aged 12")
    assert entry.fees.endswith("; Under 18s and Over 60s: £35 per 1 hour session")
    assert entry.areas_served[0].startswith("The service is available to all residents")
    assert entry.accessibility.startswith("The building is equipped with induction loops")
    assert entry.required_documents.startswith("Any official identification document")
    assert entry.how_to_apply.startswith("If you are an NHS patient please ask your GP")
    assert entry.address == ("MyCity Civic Center, 1-30 Main Street, MyVillage, MyCity, "
                             "MyState, ABC 1234")
    assert entry.opening_hours.startswith("The service is available from 10 am to 6pm")


def test_a_service_at_location_list_is_read_as_its_services(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    listing = example("service_at_location_list.json")
    second = json.loads(json.dumps(listing["contents"][0]))
    second["id"] = "b1c2d3e4-0000-4000-8000-000000000001"
    second["location"]["name"] = "Northgate Library"
    listing["contents"].append(second)
    path = tmp_path / "sal.json"
    path.write_text(json.dumps(listing), encoding="utf-8")
    summary = import_file(db, path)
    assert (summary.entries, summary.skipped) == (1, [])  # one service at two locations
    assert [e.title for e in load_entries(db)] == ["Community Counselling"]


def test_the_v1_shape_keeps_every_schedule_and_detail(db: sqlite_utils.Database) -> None:
    import_file(db, DATA / "oruk-sample.json")
    entries = {e.id: e for e in load_entries(db)}
    play = entries["oruk-0f4a7c3e-5b1d-4e2a-9c8f-1a2b3c4d5e01"]
    assert play.summary == ("A friendly stay and play session for parents and carers "
                            "with children under 5.")
    assert play.description.splitlines()[1] == "Run by the Family Hub & local volunteers."
    assert (play.min_age, play.max_age) == (0, 4)
    assert play.eligibility == "Children under 5 with a parent or carer"
    assert play.opening_hours == "Monday 09:30-11:30; Thursday 13:00-15:00"
    assert (play.fees, play.languages, play.areas_served) == (
        "Free", ("English",), ("Sample Borough",))
    assert play.accessibility == "Step-free access"
    assert play.keywords == ("Stay and play", "Toddler group")
    assert play.address == "Castle Hill Family Hub, 7 Keep Road, Sampleton, Sampleshire, ZZ1 9QR"
    money = entries["oruk-0f4a7c3e-5b1d-4e2a-9c8f-1a2b3c4d5e02"]
    assert (money.min_age, money.max_age) == (16, 25)  # spread over two eligibility records
    assert money.email == "hello@advice-trust.example.org"  # from the organisation
    football = entries["oruk-7731"]  # HSDS 3 shape: summary, phones, addresses, attributes
    assert football.summary == "Gentle walking football for adults over 50, every Wednesday."
    assert (football.min_age, football.phone) == (50, "01632 960318")
    assert football.keywords == ("Walking football", "Older people")


def test_a_messy_council_feed_imports_all_but_its_bad_services(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_feed(tmp_path / "council.json", messy_feed())
    summary = import_file(db, path)
    assert (summary.entries, summary.added, summary.skipped_services) == (11, 11, 2)
    assert (summary.repeated, summary.closed) == (1, 1)
    assert [str(p) for p in summary.skipped] == [
        'service 6 (id "oruk-placeholder-1"), field "name": must not be empty',
        'service 6 (id "oruk-placeholder-1"), field "description": must not be empty',
        'service 7 (id "00000000-0000-0000-0000-000000000003"), field "id": is already used '
        'by service 3 ("Community Counselling 3"), a different service; this one is skipped',
    ]
    assert "2 services skipped (listed below)" in summary.describe()
    titles = {e.title for e in load_entries(db)}
    assert "Christmas Cheer" in titles and "Debt Advice Drop-in" not in titles
    assert "Community Counselling 12" not in titles  # defunct
    assert check_file(db, path).unchanged == 11


def test_html_becomes_plain_text_people_can_read(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_file(db, write_feed(tmp_path / "council.json", messy_feed()))
    cheer = next(e for e in load_entries(db) if e.title == "Christmas Cheer")
    assert cheer.summary == "Food parcels & gifts for families who are struggling this winter."
    assert cheer.description.splitlines() == [
        "Christmas Cheer", "Food parcels & gifts for families who are struggling this winter.",
        "We also offer:", "- Warm clothes", "- Toys for under\u20115s"]
    for text in (cheer.summary, cheer.description):
        assert "<" not in text and "cke" not in text and "&nbsp" not in text
        assert "\u00a0" not in text and "track()" not in text


@pytest.mark.parametrize(("html", "text"), [
    ("a&nbsp;b &amp; c &lt;d&gt; &#163;5 &pound;6", "a b & c <d> £5 £6"),
    ("<p>one</p><p>two<br>three</p>", "one\ntwo\nthree"),
    ("<!-- hidden --><b>bold</b> and <i>it</i>alic", "bold and italic"),
    ("<ol><li>first</li><li>second</li></ol>", "- first\n- second"),
    ("<style>p {}</style>Ages <5 welcome", "Ages <5 welcome"),
    ("plain\u200b text\u202fhere", "plain text here"),
])
def test_html_to_text(html: str, text: str) -> None:
    assert plain_text(html) == text


def test_a_feed_of_nothing_but_bad_services_is_refused(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_feed(tmp_path / "bad.json", [{"id": "x1", "name": ""}, {"name": "No id"}])
    with pytest.raises(CatalogueError) as refused:
        import_file(db, path)
    lines = refused.value.report().splitlines()
    assert lines[:2] == ["4 problems in bad.json; nothing was imported:",
                         "no service in the feed could be imported"]
    assert 'service 2, field "id": must not be empty' in lines
    assert load_entries(db) == []


@pytest.mark.parametrize(("data", "expected"), [
    ('{"content": [', "not valid JSON (line 1"),
    ('{"hello": "world"}', "not an Open Referral UK services export"),
    ("[]", "the file holds no services"),
])
def test_files_that_are_not_feeds_are_refused(
    db: sqlite_utils.Database, tmp_path: Path, data: str, expected: str
) -> None:
    path = tmp_path / "services.json"
    path.write_text(data, encoding="utf-8")
    with pytest.raises(CatalogueError, match="nothing was imported") as refused:
        import_file(db, path)
    assert expected in refused.value.report()


@pytest.mark.parametrize(("name", "kind"), [
    ("taxonomy_list.json", "taxonomies"), ("taxonomy_term_list.json", "taxonomy terms"),
    ("organization_list.json", "organizations"), ("location.json", "locations"),
])
def test_a_feeds_other_kinds_of_record_are_refused_and_replace_nothing(
    db: sqlite_utils.Database, name: str, kind: str
) -> None:
    """Pointed at /taxonomies or /locations by mistake, `--replace` must not swap the whole
    catalogue for one "service" called "name"."""
    import_file(db, EXAMPLES / "v3-uk-profile" / "service_list.json")
    with pytest.raises(CatalogueError, match="nothing was imported") as refused:
        import_file(db, EXAMPLES.parent / "oruk-other-kinds" / name, replace=True)
    assert f"this JSON holds {kind}, not services" in refused.value.report()
    assert [e.id for e in load_entries(db)] == [COUNSELLING_ID]


def test_bad_values_skip_the_service_and_name_the_field(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    services = [counselling(1),
                counselling(2) | {"minimum_age": 12.5},
                counselling(3) | {"localsupport": {"criteria": ["nope"]}}]
    summary = import_file(db, write_feed(tmp_path / "feed.json", services))
    assert summary.entries == 1
    assert [str(p) for p in summary.skipped] == [
        'service 2 (id "00000000-0000-0000-0000-000000000002"), field "minimum_age": "12.5" '
        "is not a whole number of years (write it like 16)",
        'service 3 (id "00000000-0000-0000-0000-000000000003"), field "localsupport.criteria": '
        '"nope" is not a known circumstance; known codes: income_benefit',
    ]


def test_replace_keeps_a_service_the_feed_now_gets_wrong(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    services = [counselling(1), counselling(2), counselling(3)]
    import_file(db, write_feed(tmp_path / "feed.json", services))
    services[1] = services[1] | {"name": ""}  # broken in today's feed
    summary = import_file(db, write_feed(tmp_path / "feed.json", services[:2]), replace=True)
    assert (summary.skipped_services, summary.removed) == (1, 1)
    assert [e.title for e in load_entries(db)] == [
        "Community Counselling 1", "Community Counselling 2"]


def test_v1_services_are_listed_in_a_plain_list_too(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps(v1_services()), encoding="utf-8")
    assert import_file(db, path).entries == 3


def test_a_term_of_the_lga_service_list_links_the_service_to_it(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import_file(db, DATA / "oruk-sample.json")
    by_title = {e.title: e for e in load_entries(db)}
    clinic = by_title["Sampleton Young Adults Money Clinic"]
    assert clinic.lgsl == "651"  # vocabulary esdServices, the list's address as its id
    assert "Debt counselling" in clinic.keywords  # the term's name is still a keyword
    assert all(e.lgsl == "" for t, e in by_title.items() if t != clinic.title)  # serviceTypes
    # 3.0: a term of the taxonomy "LGSL", by its code, whose name says nothing more
    service = counselling(1)
    service["attributes"] = [
        {"id": str(uuid.UUID(int=7)), "taxonomy_term": {
            "id": str(uuid.UUID(int=8)), "name": "LGSL 1148", "description": "-",
            "taxonomy": "LGSL"}},
        {"id": str(uuid.UUID(int=9)), "taxonomy_term": {
            "id": str(uuid.UUID(int=10)), "name": "Counselling", "description": "-",
            "taxonomy": "esdServiceTypes", "term_uri": "http://id.esd.org.uk/serviceType/4"}},
    ]
    import_file(db, write_feed(tmp_path / "feed.json", [service]))
    counselled = next(e for e in load_entries(db) if e.title == "Community Counselling 1")
    assert (counselled.lgsl, counselled.keywords) == ("1148", ("Counselling",))
