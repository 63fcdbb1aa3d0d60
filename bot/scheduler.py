"""The jobs the server runs on its own, on one APScheduler in the server's event loop:
the retention purge daily (messages are delivered by the outbox worker, bot/outbox.py),
the daily re-import of the council's Open Referral UK feed (when CATALOGUE_URL is set),
and the councillors' weekly digests at DIGEST_AT (bot/digest/job.py).
Jobs reach the database through the database thread, like everything else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlite_utils
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.digest.job import digest_trigger, run_digests
from bot.retention import purge

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger("localsupport.scheduler")
PURGE_AT = {"hour": 3, "minute": 30}  # daily, London time
CATALOGUE_AT = {"hour": 4, "minute": 15}  # daily, London time
OnDb = Callable[[Callable[[sqlite_utils.Database], Any]], Awaitable[Any]]


def build_scheduler(
    settings: Settings, on_db: OnDb, clock: Callable[[], datetime]
) -> AsyncIOScheduler:
    """Jobs run once at start (so a restart catches up) and then on their schedule."""
    scheduler = AsyncIOScheduler(timezone="Europe/London")
    common = {"coalesce": True, "max_instances": 1, "next_run_time": clock()}
    if not (settings.email and settings.safeguarding_email):
        log.warning("SAFEGUARDING_EMAIL or SMTP_HOST/DIGEST_FROM not set: safeguarding "
                    "alerts are stored in the alerts table but nobody is emailed")

    async def purge_job() -> None:
        touched = await on_db(lambda db: purge(db, clock()))
        if touched:
            log.info("retention: %s", ", ".join(f"{t} {n}" for t, n in sorted(touched.items())))

    scheduler.add_job(purge_job, "cron", id="retention", **PURGE_AT, **common)
    if settings.catalogue_url:
        scheduler.add_job(catalogue_feed_job, "cron", id="catalogue-feed",
                          args=[on_db, settings.catalogue_url], **CATALOGUE_AT, **common)
    add_digest_job(scheduler, settings, on_db, clock)
    return scheduler


async def catalogue_feed_job(on_db: OnDb, url: str) -> None:
    """Read every page of the feed (on the event loop), then import it through the database
    thread: services gone from the feed go, a bad service is skipped and logged, and the
    first import replaces the sample catalogue (catalogue/importer.py `import_records`)."""
    from catalogue.importer import import_records
    from catalogue.oruk_api import fetch_services
    from catalogue.problems import CatalogueError
    from conversations.councillors.directory import remove_sample_councillors
    from conversations.wards import remove_sample_wards

    def save(db: sqlite_utils.Database, records: list[Any]) -> str:
        summary = import_records(db, records, url, hand_over=True, refresh=True)
        if summary.sample_removed:
            remove_sample_wards(db)
            remove_sample_councillors(db)
        return "\n".join(filter(None, [summary.describe(), summary.warning_report()]))

    try:
        records = await fetch_services(url)
        said = await on_db(lambda db: save(db, records))
    except CatalogueError as error:
        log.warning("catalogue feed not imported: %s", error.report())
        return
    log.info("catalogue feed: %s", said)


def add_digest_job(scheduler: AsyncIOScheduler, settings: Settings, on_db: OnDb,
                   now: Callable[[], datetime]) -> None:
    """At DIGEST_AT, and at start (a week missed while the server was down); however late
    a run is, it still runs (`misfire_grace_time=None`): the database says what is due."""
    at = settings.digest_schedule

    async def digest_job() -> None:
        try:
            done = await run_digests(on_db, settings.db_path, at, now())
        except asyncio.CancelledError:  # the server is stopping: the next start catches up
            log.info("digests: stopped before they were queued; the next start queues them")
            return
        for week, count in done.items():
            log.info("digests: %s queued for %s", count, week)

    scheduler.add_job(digest_job, digest_trigger(at), id="digests", coalesce=True,
                      max_instances=1, misfire_grace_time=None, next_run_time=now())
