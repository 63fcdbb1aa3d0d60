"""The jobs the server runs on its own, on one APScheduler in the server's event loop:
safeguarding alerts every minute (when email is set up), the retention purge daily, and
the councillors' weekly digests at DIGEST_AT (bot/digest/job.py).
Jobs reach the database through the database thread, like everything else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.digest.job import digest_trigger, run_digests
from bot.notify import SmtpConfig, ViaDbThread, deliver_alerts_async
from bot.retention import purge

if TYPE_CHECKING:
    from bot.assistant import Assistant
    from bot.dbthread import DbThread
    from bot.settings import Settings

log = logging.getLogger("localsupport.scheduler")
PURGE_AT = {"hour": 3, "minute": 30}  # daily, London time


def smtp_config(settings: Settings) -> SmtpConfig:
    return SmtpConfig(
        host=settings.smtp_host, port=settings.smtp_port, user=settings.smtp_user,
        password=settings.smtp_password, starttls=settings.smtp_starttls,
        sender=settings.digest_from,
    )


def build_scheduler(
    settings: Settings, db: DbThread[Assistant], clock: Callable[[], datetime] | None = None
) -> AsyncIOScheduler:
    """Jobs run once at start (so a restart catches up) and then on their schedule."""
    now = clock or (lambda: datetime.now(UTC))
    scheduler = AsyncIOScheduler(timezone="Europe/London")
    common = {"coalesce": True, "max_instances": 1, "next_run_time": now()}
    if settings.email and settings.safeguarding_email:
        scheduler.add_job(
            deliver_alerts_async, "interval", seconds=settings.alert_interval,
            args=[ViaDbThread(db), smtp_config(settings), settings.safeguarding_email],
            id="safeguarding-alerts", **common,
        )
    else:
        log.warning("SAFEGUARDING_EMAIL or SMTP_HOST/DIGEST_FROM not set: safeguarding "
                    "alerts are stored in the alerts table but nobody is emailed")

    async def purge_job() -> None:
        touched = await db.call(lambda assistant: purge(assistant.db, now()))
        if touched:
            log.info("retention: %s", ", ".join(f"{t} {n}" for t, n in sorted(touched.items())))

    scheduler.add_job(purge_job, "cron", id="retention", **PURGE_AT, **common)
    add_digest_job(scheduler, settings, db, now)
    return scheduler


def add_digest_job(scheduler: AsyncIOScheduler, settings: Settings, db: DbThread[Assistant],
                   now: Callable[[], datetime]) -> None:
    """At DIGEST_AT, and at start (a week missed while the server was down); however late
    a run is, it still runs (`misfire_grace_time=None`): the database says what is due."""
    at = settings.digest_schedule

    async def digest_job() -> None:
        try:
            done = await run_digests(ViaDbThread(db), settings.db_path, at, now())
        except asyncio.CancelledError:  # the server is stopping: the next start catches up
            log.info("digests: stopped before they were queued; the next start queues them")
            return
        for week, count in done.items():
            log.info("digests: %s queued for %s", count, week)

    scheduler.add_job(digest_job, digest_trigger(at), id="digests", coalesce=True,
                      max_instances=1, misfire_grace_time=None, next_run_time=now())
