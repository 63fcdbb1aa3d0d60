"""The jobs the server runs on its own, on one APScheduler in the server's event loop:
safeguarding alerts every minute (when email is set up), the retention purge daily, and
the daily re-import of the council's Open Referral UK feed (when CATALOGUE_URL is set).
Jobs reach the database through the database thread, like everything else."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.notify import SmtpConfig, ViaDbThread, deliver_alerts_async
from bot.retention import purge

if TYPE_CHECKING:
    from bot.assistant import Assistant
    from bot.dbthread import DbThread
    from bot.settings import Settings

log = logging.getLogger("localsupport.scheduler")
PURGE_AT = {"hour": 3, "minute": 30}  # daily, London time
CATALOGUE_AT = {"hour": 4, "minute": 15}  # daily, London time


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
    if settings.catalogue_url:
        scheduler.add_job(catalogue_feed_job, "cron", id="catalogue-feed",
                          args=[db, settings.catalogue_url], **CATALOGUE_AT, **common)
    return scheduler


async def catalogue_feed_job(db: DbThread[Assistant], url: str) -> None:
    """Read every page of the feed (on the event loop), then import it through the database
    thread: services gone from the feed go, a bad service is skipped and logged, and the
    first import replaces the sample catalogue (catalogue/importer.py `import_records`)."""
    from catalogue.importer import import_records
    from catalogue.oruk_api import fetch_services
    from catalogue.problems import CatalogueError
    from conversations.wards import remove_sample_wards

    def save(assistant: Assistant, records: list[Any]) -> str:
        summary = import_records(assistant.db, records, url, hand_over=True, refresh=True)
        if summary.sample_removed:
            remove_sample_wards(assistant.db)
        return "\n".join(filter(None, [summary.describe(), summary.warning_report()]))

    try:
        records = await fetch_services(url)
        said = await db.call(lambda assistant: save(assistant, records))
    except CatalogueError as error:
        log.warning("catalogue feed not imported: %s", error.report())
        return
    log.info("catalogue feed: %s", said)
