"""Exactly once a week: the digest job at DIGEST_AT (Monday 08:00 London time, across the
BST -> GMT change in late October), and at every start, over a simulated month with the
server down across one digest time and a mail server that refuses connections for the
first weeks. An injected clock drives APScheduler's own trigger and the outbox worker;
the database alone says what was queued."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils
from conftest import MailServer, Server, free_port
from conversation_kit import CIRCUMSTANCES, ENTRIES, WARDS
from digest_kit import Activity, add_councillors

from bot.channels.email import EmailAdapter, SmtpConfig
from bot.digest.job import digest_trigger, run_digests
from bot.digest.weeks import LONDON, parse_digest_at, parse_week
from bot.outbox import OutboxWorker
from bot.settings import Settings
from bot.store import open_store
from catalogue.store import save_catalogue
from conversations.councillors import import_councillors
from conversations.records import save_wards

AT = parse_digest_at("MON 08:00")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def council(path: Path) -> sqlite_utils.Database:
    db = open_store(path)
    save_catalogue(db, ENTRIES, CIRCUMSTANCES)
    save_wards(db, WARDS)
    add_councillors(db, path.parent, utc(2026, 9, 20, 9, 0))  # before week 39
    for number in range(40, 46):
        Activity(db, parse_week(f"2026-W{number}")).objection("close-library", "Riverside")
    return db


class Simulation:
    """The server's digest job and outbox worker, on an injected clock."""

    def __init__(self, db: sqlite_utils.Database, path: Path, smtp_port: int) -> None:
        self.db, self.path = db, path
        self.fired: list[datetime] = []

        async def on_db(fn: Any) -> Any:
            return fn(db)

        self.on_db = on_db
        self.clock = utc(2000, 1, 1)
        self.worker = OutboxWorker(on_db, {"email": EmailAdapter(SmtpConfig(
            "127.0.0.1", smtp_port, starttls=False, sender="digest@council.example"))},
            clock=lambda: self.clock)

    async def job(self, now: datetime) -> None:
        self.clock = now
        await run_digests(self.on_db, self.path, AT, now)
        await self.worker.drain()

    async def run(self, start: datetime, stop: datetime) -> None:
        """The server up from `start` to `stop`: the job at start, then at each trigger
        time (APScheduler's CronTrigger, asked with the injected time), and the worker's
        retries every ten minutes in between."""
        trigger = digest_trigger(AT)
        await self.job(start)
        previous, now = None, start
        while True:
            fire = trigger.get_next_fire_time(previous, now)
            await self.retries(now, min(fire or stop, stop))
            if fire is None or fire > stop:
                return
            self.fired.append(fire.astimezone(UTC))
            await self.job(fire)
            previous, now = fire, fire

    async def retries(self, since: datetime, until: datetime) -> None:
        tick = since + timedelta(minutes=10)
        while tick < until:
            self.clock = tick
            await self.worker.drain()
            tick += timedelta(minutes=10)


def test_one_digest_per_councillor_per_week_across_downtime_and_the_clock_change(
    tmp_path: Path
) -> None:
    path = tmp_path / "schedule.db"
    db = council(path)
    port = free_port()
    simulation = Simulation(db, path, port)

    async def month() -> None:
        # Up from Monday 5 October (after 08:00); the mail server refuses connections for
        # two hours.
        await simulation.run(utc(2026, 10, 5, 11, 0), utc(2026, 10, 5, 13, 0))
        queued = db.execute("SELECT COUNT(*), MIN(attempts) FROM outbox "
                            "WHERE channel = 'email' AND state = 'queued'").fetchone()
        assert queued[0] == 3 and queued[1] > 1  # week 40's: queued and retried
        mail.start()
        await simulation.run(utc(2026, 10, 5, 13, 5), utc(2026, 10, 24, 18, 0))
        # Down from Saturday 24 October to Tuesday 27 October: the clocks go back on
        # Sunday 25 October, and Monday 26 October 08:00 (week 43's digest) is missed.
        await simulation.run(utc(2026, 10, 27, 10, 0), utc(2026, 11, 10, 7, 0))
        # A restart on the Tuesday: nothing is due that was not queued.
        await simulation.run(utc(2026, 11, 10, 12, 0), utc(2026, 11, 10, 13, 0))

    mail = MailServer(port)
    try:
        asyncio.run(month())
    finally:
        mail.stop()

    assert [f.astimezone(LONDON).strftime("%a %d %b %H:%M %Z") for f in simulation.fired] == [
        "Mon 12 Oct 08:00 BST", "Mon 19 Oct 08:00 BST", "Mon 02 Nov 08:00 GMT",
        "Mon 09 Nov 08:00 GMT"]
    assert [f.strftime("%H:%M") for f in simulation.fired] == ["07:00", "07:00", "08:00",
                                                               "08:00"]
    weeks = [f"2026-W{n}" for n in range(40, 46)]
    per_councillor = db.execute(
        "SELECT councillor_id, group_concat(week, ' ') FROM (SELECT * FROM digest_weeks "
        "ORDER BY week) GROUP BY 1").fetchall()
    assert len(per_councillor) == 4
    assert all(row[1].split() == weeks for row in per_councillor)
    channels = Counter(row[0] for row in db.execute(
        "SELECT channel FROM outbox WHERE kind = 'digest'"))
    # a week: Jo's email and Telegram summary, Sam's and Alex's email, Kim's SMS
    assert channels == {"email": 3 * len(weeks), "telegram": len(weeks), "sms": len(weeks)}
    emails = Counter((to, message["Subject"]) for _, [to], message in mail.inbox.messages)
    assert len(emails) == 3 * len(weeks)  # Jo, Sam and Alex have email; Kim only a phone
    assert set(emails.values()) == {1}  # none lost, none doubled
    assert {subject.split(", ")[1][:8] for _, subject in emails} == set(weeks)
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND state != 'sent'"
                      ).fetchone()[0] == 0


async def test_the_server_queues_the_missed_week_when_it_starts(
    make_server: Any, tmp_path: Path
) -> None:
    path = tmp_path / "serve.db"
    council(path).close()
    server: Server = await make_server(Settings(db_path=str(path)))
    on_db = server.services.on_db
    for _ in range(200):
        rows = await on_db(lambda db: db.execute(
            "SELECT COUNT(DISTINCT councillor_id) FROM digest_weeks").fetchone()[0])
        if rows:
            break
        await asyncio.sleep(0.05)
    weeks = await on_db(lambda db: [r[0] for r in db.execute(
        "SELECT DISTINCT week FROM digest_weeks")])
    from bot.digest.weeks import latest_due

    assert weeks == [latest_due(datetime.now(UTC), AT).label]
    assert rows == 4


def queued_weeks(db: sqlite_utils.Database) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for councillor, week in db.execute("SELECT councillor_id, week FROM digest_weeks "
                                       "ORDER BY week, councillor_id"):
        found.setdefault(week, []).append(councillor)
    return found


def test_the_first_digest_is_for_the_first_full_week_after_councillors_were_imported(
    tmp_path: Path
) -> None:
    path = tmp_path / "new.db"
    db = open_store(path)
    save_catalogue(db, ENTRIES, CIRCUMSTANCES)
    save_wards(db, WARDS)
    Activity(db, parse_week("2026-W47")).objection("close-library", "Riverside")
    # installed on Wednesday 25 November (week 48), councillors imported that day
    add_councillors(db, tmp_path, utc(2026, 11, 25, 14, 0))

    async def on_db(fn: Any) -> Any:
        return fn(db)

    async def run(now: datetime) -> dict[str, int]:
        return await run_digests(on_db, path, AT, now)

    assert asyncio.run(run(utc(2026, 11, 25, 14, 5))) == {}  # first start: not week 47's
    assert asyncio.run(run(utc(2026, 11, 30, 8, 0))) == {}  # nor week 48's, begun before
    assert queued_weeks(db) == {}
    later = tmp_path / "later.csv"  # a councillor added on Wednesday of week 49
    later.write_text("name,ward,email,phone,telegram_chat_id\n" + "".join(
        f"{row},{ward},{email},{phone},{chat}\n" for row, ward, email, phone, chat in (
            ("Jo Bloggs", "Riverside", "jo.bloggs@example.org", "", "555001"),
            ("Sam Patel", "Riverside", "sam.patel@example.org", "", ""),
            ("Alex Chen", "Hillside", "alex.chen@example.org", "07700 900103", ""),
            ("Kim Lee", "Hillside", "", "07700 900104", ""),
            ("Ola Obi", "Hillside", "ola.obi@example.org", "", ""))), encoding="utf-8")
    import_councillors(db, later, utc(2026, 12, 2, 9, 0))
    assert asyncio.run(run(utc(2026, 12, 7, 8, 0))) == {"2026-W49": 4}
    assert asyncio.run(run(utc(2026, 12, 14, 8, 0))) == {"2026-W50": 5}
    assert "hillside/ola-obi" not in queued_weeks(db)["2026-W49"]
    assert "hillside/ola-obi" in queued_weeks(db)["2026-W50"]
