"""The weekly digest job inside `serve` (bot/scheduler.py): at DIGEST_AT (London time,
across clock changes; APScheduler's cron trigger), and once at every start so a week missed
while the server was down goes out when it comes back. Each run queues the weeks due and
not yet queued (queue.py); the database says which those are, so a run too many sends
nothing twice. The first digest is for the first full week after the councillors were
imported, never an empty one for the week the council installed it in. Figures are built
on a connection of the job's own, in a worker thread: the database thread, which answers
residents, only does the short queueing transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from apscheduler.triggers.cron import CronTrigger

from bot.digest.queue import Prepared, prepare, queue_prepared, weeks_to_queue
from bot.digest.weeks import LONDON, DigestAt, Week
from catalogue.storage import connect

OnDb = Callable[[Callable[[sqlite_utils.Database], Any]], Awaitable[Any]]


def digest_trigger(at: DigestAt) -> CronTrigger:
    return CronTrigger(day_of_week=at.day_name, hour=at.hour, minute=at.minute,
                       timezone=LONDON)


def prepare_from(path: str | Path, week: Week) -> Prepared:
    db = connect(path)
    try:
        return prepare(db, week, whole_weeks=True)
    finally:
        db.close()


async def run_digests(on_db: OnDb, db_path: str | Path, at: DigestAt, now: datetime
                      ) -> dict[str, int]:
    """Queue every week due by `now` and not yet queued; week label -> digests queued."""
    weeks: list[Week] = await on_db(lambda db: weeks_to_queue(db, now, at))
    done: dict[str, int] = {}
    for week in weeks:
        prepared = await asyncio.to_thread(prepare_from, db_path, week)
        done[week.label] = await on_db(queueing(prepared, now))
    return done


def queueing(prepared: Prepared, now: datetime) -> Callable[[sqlite_utils.Database], int]:
    return lambda db: queue_prepared(db, prepared, now)
