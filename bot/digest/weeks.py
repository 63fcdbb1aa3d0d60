"""ISO weeks as the council lives them (Europe/London), and when each week's digest is due.

A week runs from Monday 00:00 to the next Monday 00:00 London time, so across a clock
change it is an hour longer or shorter in UTC; the digest for a week is due at the first
DIGEST_AT (default Monday 08:00, London time) after it ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_AT = re.compile(r"^([a-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def start(self) -> datetime:
        """Monday 00:00 London time, as an aware datetime in UTC."""
        return datetime.combine(self.monday, time(0), LONDON).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return self.next().start

    def next(self) -> Week:
        return week_of_date(self.monday + timedelta(days=7))

    def previous(self, weeks: int = 1) -> Week:
        return week_of_date(self.monday - timedelta(days=7 * weeks))

    def describe(self) -> str:
        """"23 to 29 November 2026"."""
        first, last = self.monday, self.monday + timedelta(days=6)
        head = f"{first.day} {first:%B} " if first.month != last.month else f"{first.day}"
        if first.year != last.year:
            head = f"{first.day} {first:%B %Y} "
        return f"{head.strip()} to {last.day} {last:%B %Y}"


def week_of_date(day: date) -> Week:
    year, number, _ = day.isocalendar()
    return Week(year, number)


def week_of(moment: datetime) -> Week:
    """The ISO week a moment falls in, in London."""
    return week_of_date(moment.astimezone(LONDON).date())


def parse_week(text: str) -> Week:
    """"2026-W48" (or 2026W48); ValueError with a clear message otherwise."""
    found = _WEEK.match(text.strip())
    if found is None:
        raise ValueError(f'"{text}" is not an ISO week: write it like 2026-W48')
    year, number = int(found.group(1)), int(found.group(2))
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise ValueError(f"{year} has no week {number}") from None
    return Week(year, number)


@dataclass(frozen=True)
class DigestAt:
    """When digests go: a weekday and a London time (DIGEST_AT, e.g. "MON 08:00")."""

    weekday: int = 0  # Monday
    hour: int = 8
    minute: int = 0

    @property
    def day_name(self) -> str:
        return DAYS[self.weekday]

    def due(self, week: Week) -> datetime:
        """When `week`'s digest is due: the first such moment after the week ends (UTC)."""
        day = week.monday + timedelta(days=7 + self.weekday)
        return datetime.combine(day, time(self.hour, self.minute), LONDON).astimezone(UTC)


def parse_digest_at(text: str) -> DigestAt:
    """"MON 08:00", "monday 8:00", "Fri 17:30"; ValueError naming the setting otherwise."""
    found = _AT.match(text.strip())
    problem = (f'DIGEST_AT is "{text}": write a day and a London time, like "MON 08:00"')
    if found is None or found.group(1).lower() not in DAYS:
        raise ValueError(problem)
    hour, minute = int(found.group(2)), int(found.group(3))
    if hour > 23 or minute > 59:
        raise ValueError(problem)
    return DigestAt(DAYS.index(found.group(1).lower()), hour, minute)


def latest_due(now: datetime, at: DigestAt) -> Week:
    """The most recent week whose digest is due by `now`."""
    week = week_of(now).previous()
    while at.due(week) > now:
        week = week.previous()
    return week


def weeks_due(now: datetime, at: DigestAt, last_done: Week | None, catch_up: int = 4
              ) -> list[Week]:
    """The weeks whose digests should be queued now: every week due since the last one
    queued (those missed while the server was down), at most `catch_up` of them, oldest
    first; only the latest due week when none was ever queued."""
    target = latest_due(now, at)
    if last_done is None or last_done >= target:
        return [] if last_done is not None else [target]
    weeks: list[Week] = []
    week = target
    while week > last_done and len(weeks) < catch_up:
        weeks.append(week)
        week = week.previous()
    return sorted(weeks)
