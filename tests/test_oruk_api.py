"""A live Open Referral UK API, served on loopback by tests/fakes/oruk_api.py: every page is
read (both page shapes), a failing page imports nothing, an API ignoring `page` is not read
forever, the command line imports a URL, and `serve` re-imports CATALOGUE_URL itself."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from conftest import Server, start_app
from fakes.oruk_api import FakeOrukApi
from oruk_feeds import counselling, messy_feed, v1_services

from bot.settings import Settings
from catalogue.importer import import_file, import_records
from catalogue.oruk_api import fetch_services
from catalogue.problems import CatalogueError
from catalogue.store import load_entries, open_db, sample_in_use


@pytest.fixture
async def api() -> AsyncIterator[FakeOrukApi]:
    fake = FakeOrukApi(messy_feed())
    runner, base = await start_app(fake.app())
    fake.url = base + "/api/services"
    yield fake
    await runner.cleanup()


@pytest.mark.parametrize("shape", ["v3", "v1"])
async def test_every_page_is_read(api: FakeOrukApi, shape: str) -> None:
    api.shape = shape
    records = await fetch_services(api.url, per_page=4)
    assert len(records) == len(api.services) == 15
    assert api.asked == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert [r.get("name") for r in records] == [s.get("name") for s in api.services]


async def test_a_page_that_fails_stops_the_read(api: FakeOrukApi) -> None:
    api.fail_page = 3
    with pytest.raises(CatalogueError) as failed:
        await fetch_services(api.url, per_page=4)
    assert failed.value.problems[0].message == (
        f"page 3 of {api.url}: the API answered 503 Service Unavailable")


async def test_an_api_that_ignores_page_is_read_once(api: FakeOrukApi) -> None:
    api.ignore_page = True
    api.services = [counselling(n) for n in range(1, 8)]
    records = await fetch_services(api.url, per_page=5)
    assert len(records) == 5 and api.asked == [(1, 5), (2, 5)]


async def test_nobody_answering_is_a_clear_problem() -> None:
    with pytest.raises(CatalogueError, match=r"page 1 of http://127\.0\.0\.1:9/services: "
                       r"no answer \(ClientConnectorError"):
        await fetch_services("http://127.0.0.1:9/services")


async def localsupport(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *argv, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate(stdin.encode())
    return int(process.returncode or 0), out.decode(), err.decode()


async def test_the_command_imports_a_url_and_names_what_it_skipped(
    api: FakeOrukApi, tmp_path: Path
) -> None:
    db = str(tmp_path / "api.db")
    code, out, err = await localsupport("catalogue", "import", api.url, "--db", db)
    assert code == 0, err
    assert out.startswith(f"Imported: 11 services from an Open Referral UK feed ({api.url}): "
                          "11 new, 0 changed, 0 unchanged, 0 removed; 2 services skipped")
    assert 'skipped: service 6 (id "oruk-placeholder-1"), field "name": must not be empty' in err
    assert len(load_entries(open_db(db))) == 11


async def test_check_reads_a_url_and_writes_nothing(api: FakeOrukApi, tmp_path: Path) -> None:
    db = str(tmp_path / "check.db")
    code, out, err = await localsupport("catalogue", "check", api.url, "--db", db)
    assert code == 0, err
    assert out.startswith("OK: 11 services from an Open Referral UK feed")
    assert "skipped: service 7" in err
    assert load_entries(open_db(db)) == []


async def test_serve_reimports_catalogue_url_and_replaces_the_sample(
    api: FakeOrukApi, make_server: Callable[..., Awaitable[Server]], settings: Settings,
) -> None:
    api.shape, api.services = "v1", v1_services()
    db = open_db(settings.db_path)
    assert sample_in_use(db)
    await make_server(settings, catalogue_url=api.url)
    for _ in range(200):  # the job runs once at start, then daily
        if not sample_in_use(db):
            break
        await asyncio.sleep(0.05)
    assert not sample_in_use(db)
    assert {e.title for e in load_entries(db)} == {s["name"] for s in v1_services()}
    assert api.asked == [(1, 100)]


async def test_a_failing_feed_leaves_the_catalogue_as_it_was(
    api: FakeOrukApi, make_server: Callable[..., Awaitable[Server]], settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.fail_page = 1
    db = open_db(settings.db_path)
    before = load_entries(db)
    await make_server(settings, catalogue_url=api.url)
    for _ in range(200):
        if "catalogue feed not imported" in caplog.text:
            break
        await asyncio.sleep(0.05)
    assert f"page 1 of {api.url}: the API answered 503" in caplog.text
    assert load_entries(db) == before and sample_in_use(db)


def test_the_daily_refresh_removes_only_what_the_feed_dropped(tmp_path: Path) -> None:
    db = open_db(tmp_path / "refresh.db")
    csv = tmp_path / "own.csv"
    csv.write_text("id,kind,title,summary\nfsm,entitlement,Free school meals,Lunch.\n",
                   encoding="utf-8")
    import_file(db, csv)
    url = "http://127.0.0.1/api/services"
    import_records(db, [counselling(1), counselling(2), counselling(3)], url, refresh=True)
    broken = counselling(2) | {"name": ""}
    summary = import_records(db, [counselling(1), broken], url, refresh=True)
    assert (summary.removed, summary.skipped_services) == (1, 1)
    assert [e.title for e in load_entries(db)] == [  # by id: fsm, then oruk-...
        "Free school meals", "Community Counselling 1", "Community Counselling 2"]
