"""The jobs the server runs on its own, on one APScheduler in the server's event loop:
the retention purge daily (messages are delivered by the outbox worker, bot/outbox.py).
Jobs reach the database through the database thread, like everything else."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlite_utils
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.retention import purge
from conversations.volunteering import queue_weekly_lists

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger("localsupport.scheduler")
PURGE_AT = {"hour": 3, "minute": 30}  # daily, London time
WEEKLY_AT = {"day_of_week": "mon", "hour": 7, "minute": 30}
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

    async def volunteering_job() -> None:  # each organiser's list of last week's sign-ups
        await on_db(lambda db: queue_weekly_lists(db, clock()))

    scheduler.add_job(volunteering_job, "cron", id="volunteering-weekly", **WEEKLY_AT, **common)
    return scheduler
