"""The week's figures for every councillor's digest, read from the store in a few grouped
queries and built once for the whole council: each ward's part is a slice of the same
rows, so 60 councillors cost little more than one.

What counts: objections made this week from residents' own channels (SMS, Telegram; the
web chat has no sign-in and is shown apart, never counted), with the weeks before for the
trend; feedback given this week; unmet needs asked this week (unmet.py); people who wrote
this week, by channel, and how many who gave their age are under 19. A person's ward is
their postcode's (the `people` table); objections carry their own.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlite_utils

from bot.digest.unmet import Grouped, NeedGroup, group_needs
from bot.digest.weeks import Week
from conversations.councillors.reasons import known_words, redact_reason, representative, shorten
from conversations.councillors.responses import Answered, answered

TREND_WEEKS = 6  # this week and the five before it
DETAILED = 5  # entries a scope shows with reasons and trend; the rest are listed
REASONS = 3
COUNCIL = "the whole council"
_COUNTED = "channel IN ('sms', 'telegram')"
Ward = str | None  # lower-case ward name; None: no postcode given
Mine = Callable[[Ward], bool]  # is a row's ward in the scope being built


@dataclass(frozen=True)
class EntryLine:
    entry_id: str
    title: str
    count: int  # this week
    weekly: tuple[int, ...]  # TREND_WEEKS weeks, oldest first, this week last
    standing: int  # every standing objection, any week
    reasons: tuple[tuple[str, int], ...] = ()
    answered: Answered | None = None
    other_reasons: int = 0  # reasons given this week that the shown ones do not stand for

    @property
    def trend(self) -> str:
        before = self.weekly[:-1]
        last = before[-1] if before else 0
        if not any(before):
            return "new this week"
        if self.count > last:
            return f"up from {last} the week before"
        if self.count < last:
            return f"down from {last} the week before"
        return "the same as the week before"


@dataclass(frozen=True)
class FeedbackLine:
    entry_id: str
    title: str
    helpful: int
    not_helpful: int
    ratings: int
    mean_rating: float


@dataclass(frozen=True)
class ReplyLine:
    """What people answered this week to the council's response about an entry."""

    entry_id: str
    title: str
    count: int
    replies: tuple[tuple[str, int], ...]  # (redacted reply, how many it stands for)


@dataclass(frozen=True)
class People:
    by_channel: dict[str, int] = field(default_factory=dict)
    gave_age: int = 0
    under_19: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())


@dataclass(frozen=True)
class Scope:
    """One part of a digest: a ward, or the whole council."""

    name: str
    ward: Ward
    objections: tuple[EntryLine, ...]
    weekly_totals: tuple[int, ...]
    web_objections: int
    feedback: tuple[FeedbackLine, ...]
    unmet: tuple[tuple[str, int], ...]  # (wording, count), most asked first, all of them
    unmet_total: int
    people: People
    replies: tuple[ReplyLine, ...] = ()  # to "you said, we did", most replied first

    @property
    def count(self) -> int:
        return sum(line.count for line in self.objections)

    @property
    def detailed(self) -> tuple[EntryLine, ...]:
        return self.objections[:DETAILED]

    @property
    def listed(self) -> tuple[EntryLine, ...]:
        return self.objections[DETAILED:]


@dataclass(frozen=True)
class WeekFigures:
    week: Week
    weeks: tuple[Week, ...]  # the trend's weeks, oldest first
    council: Scope
    wards: dict[str, Scope]  # lower-case ward -> its scope
    ward_names: dict[str, str]  # lower-case ward -> as the council spells it
    unmet_left_out: int

    def scope(self, ward: str) -> Scope:
        key = ward.lower()
        return self.wards.get(key) or empty_scope(self.ward_names.get(key, ward), key)


def empty_scope(name: str, ward: Ward) -> Scope:
    return Scope(name, ward, (), (0,) * TREND_WEEKS, 0, (), (), 0, People())


def between(column: str) -> str:
    return f"datetime({column}) >= ? AND datetime({column}) < ?"


def bounds(first: Week, last: Week) -> list[str]:
    return [first.start.strftime("%Y-%m-%d %H:%M:%S"), last.end.strftime("%Y-%m-%d %H:%M:%S")]


# -- reading ----------------------------------------------------------------------------------

@dataclass
class Raw:
    """Grouped rows, before they are sliced into scopes."""

    objections: dict[tuple[str, Ward], list[int]] = field(default_factory=dict)
    standing: Counter[tuple[str, Ward]] = field(default_factory=Counter)
    web: Counter[Ward] = field(default_factory=Counter)
    feedback: dict[tuple[str, Ward], list[int]] = field(default_factory=dict)
    channels: Counter[tuple[str, Ward]] = field(default_factory=Counter)
    ages: dict[Ward, list[int]] = field(default_factory=dict)
    replies: list[tuple[str, Ward, str]] = field(default_factory=list)  # newest first


def read_objections(db: sqlite_utils.Database, weeks: tuple[Week, ...], raw: Raw) -> None:
    """Counted together in Python: SQLite's GROUP BY over lower() and a CASE sorts every
    row first (4x slower at 100,000 objections a week; bench/digest.py)."""
    starts = [w.start.strftime("%Y-%m-%d %H:%M:%S") for w in weeks]
    found: Counter[tuple[str, Ward, bool, int]] = Counter(
        (entry_id, ward.lower() if ward else None, channel in ("sms", "telegram"),
         bisect_right(starts, moment) - 1)
        for entry_id, ward, channel, moment in db.execute(
            "SELECT entry_id, ward, channel, datetime(created_at) FROM objections "
            f"WHERE {between('created_at')}", bounds(weeks[0], weeks[-1])))
    for (entry_id, ward, counted, week), n in found.items():
        if not counted:
            if week == len(weeks) - 1:
                raw.web[ward] += n
            continue
        raw.objections.setdefault((entry_id, ward), [0] * len(weeks))[week] += n
    for entry_id, ward, n in db.execute(
            f"SELECT entry_id, ward, COUNT(*) FROM objections WHERE {_COUNTED} "
            "GROUP BY entry_id, ward"):
        raw.standing[(entry_id, ward.lower() if ward else None)] += n


def read_people(db: sqlite_utils.Database, week: Week, raw: Raw) -> None:
    span = bounds(week, week)
    for entry_id, ward, yes, no, ratings, total in db.execute(
            "SELECT f.entry_id, lower(p.ward), SUM(f.helpful = 1), SUM(f.helpful = 0), "
            "COUNT(f.rating), SUM(f.rating) FROM feedback f LEFT JOIN people p "
            "ON p.channel = f.channel AND p.address = f.address "
            f"WHERE {between('f.created_at')} GROUP BY 1, 2", span):
        raw.feedback[(entry_id, ward)] = [yes or 0, no or 0, ratings or 0, total or 0]
    if db.table("inbound_messages").exists():
        for channel, ward, n in db.execute(
                "SELECT i.channel, lower(p.ward), COUNT(DISTINCT i.address) FROM "
                "inbound_messages i LEFT JOIN people p ON p.channel = i.channel AND "
                f"p.address = i.address WHERE i.address != '' AND {between('i.received_at')} "
                "GROUP BY 1, 2", span):
            raw.channels[(channel, ward)] = n
    for ward, gave, young in db.execute(
            "SELECT lower(p.ward), COUNT(*), SUM(s.age < 19) FROM (SELECT channel, address, "
            "json_extract(data, '$.answers.age') AS age FROM sessions "
            f"WHERE {between('updated_at')}) s LEFT JOIN people p ON p.channel = s.channel "
            "AND p.address = s.address WHERE s.age IS NOT NULL GROUP BY 1", span):
        raw.ages[ward] = [gave, young or 0]


def read_replies(db: sqlite_utils.Database, week: Week, raw: Raw) -> None:
    """(entry, ward, text) of this week's replies to council responses (conversations/
    councillors/responses.py)."""
    raw.replies = [(entry_id, ward, text) for entry_id, ward, text in db.execute(
        # the ward of the person, else the one their objection was counted in
        "SELECT r.entry_id, lower(COALESCE(p.ward, o.ward)), x.text FROM response_replies x "
        "JOIN responses r ON r.id = x.response_id LEFT JOIN people p ON p.channel = "
        "x.channel AND p.address = x.address LEFT JOIN objections o ON o.entry_id = "
        "r.entry_id AND o.channel = x.channel AND o.address = x.address "
        f"WHERE {between('x.created_at')} ORDER BY x.id DESC", bounds(week, week))]


def read_unmet(db: sqlite_utils.Database, week: Week) -> Grouped:
    rows = db.execute(
        "SELECT u.text, lower(p.ward) FROM unmet_needs u LEFT JOIN people p "
        f"ON p.channel = u.channel AND p.address = u.address WHERE {between('u.created_at')}",
        bounds(week, week))
    return group_needs((text or "", ward) for text, ward in rows)


def read_reasons(db: sqlite_utils.Database, week: Week, entry_id: str
                 ) -> list[tuple[Ward, str]]:
    """(ward, reason) of this week's counted objections to one entry, newest first."""
    return [(ward, reason) for ward, reason in db.execute(
        f"SELECT lower(ward), reason FROM objections WHERE entry_id = ? AND {_COUNTED} "
        f"AND reason IS NOT NULL AND reason != '' AND {between('created_at')} "
        "ORDER BY id DESC", [entry_id, *bounds(week, week)])]


# -- building ---------------------------------------------------------------------------------

def build_figures(db: sqlite_utils.Database, week: Week) -> WeekFigures:
    weeks = tuple(week.previous(n) for n in range(TREND_WEEKS - 1, -1, -1))
    raw = Raw()
    read_objections(db, weeks, raw)
    read_people(db, week, raw)
    read_replies(db, week, raw)
    grouped = read_unmet(db, week)
    titles = {row[0]: f"{row[1]} (removed from the catalogue)"
              for row in db.execute("SELECT id, title FROM removed_entries")}
    titles |= {row[0]: row[1] for row in db.execute("SELECT id, title FROM entries")}
    names = ward_names(db)
    known = known_words([*titles.values(), *names.values()])
    wards = sorted({ward for _, ward in raw.objections} | {w for _, w in raw.feedback}
                   | {w for _, w in raw.channels} | set(raw.ages) | set(raw.web)
                   | {w for _, w, _ in raw.replies}
                   | {w for g in grouped.groups for w in g.wards} | set(names)
                   - {None}, key=str)
    builder = ScopeBuilder(db, week, raw, grouped, titles, known)
    council = builder.scope(COUNCIL, None)
    scopes = {ward: builder.scope(names.get(ward, ward.title()), ward) for ward in wards
              if ward is not None}
    return WeekFigures(week, weeks, council, scopes, names, grouped.left_out)


def ward_names(db: sqlite_utils.Database) -> dict[str, str]:
    names = {row[0].lower(): row[0] for row in db.execute("SELECT DISTINCT ward FROM wards")
             if row[0]}
    names.update({row[0].lower(): row[0] for row in db.execute(
        "SELECT DISTINCT ward FROM councillors")})
    return names


@dataclass
class ScopeBuilder:
    db: sqlite_utils.Database
    week: Week
    raw: Raw
    grouped: Grouped
    titles: dict[str, str]
    known: frozenset[str]
    reasons_cache: dict[str, list[tuple[Ward, str]]] = field(default_factory=dict)

    def scope(self, name: str, ward: Ward) -> Scope:
        def mine(key_ward: Ward) -> bool:
            return ward is None or key_ward == ward

        weekly: dict[str, list[int]] = defaultdict(lambda: [0] * TREND_WEEKS)
        for (entry_id, key_ward), counts in self.raw.objections.items():
            if mine(key_ward):
                weekly[entry_id] = [a + b for a, b in zip(weekly[entry_id], counts,
                                                          strict=True)]
        standing: Counter[str] = Counter()
        for (entry_id, key_ward), n in self.raw.standing.items():
            if mine(key_ward):
                standing[entry_id] += n
        this_week = sorted((e for e, counts in weekly.items() if counts[-1]),
                           key=lambda e: (-weekly[e][-1], self.titles.get(e, e)))
        answers = answered(self.db, this_week)
        lines = []
        for rank, entry_id in enumerate(this_week):
            reasons, others = self.reasons(entry_id, ward) if rank < DETAILED else ((), 0)
            lines.append(EntryLine(entry_id, self.titles.get(entry_id, entry_id),
                                   weekly[entry_id][-1], tuple(weekly[entry_id]),
                                   standing[entry_id], reasons, answers.get(entry_id),
                                   others))
        totals = [0] * TREND_WEEKS
        for counts in weekly.values():
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
        return Scope(
            name, ward, tuple(lines), tuple(totals),
            sum(n for w, n in self.raw.web.items() if mine(w)),
            self.feedback(mine), self.unmet(ward), self.unmet_total(ward),
            self.people(mine), self.replies(mine))

    def reasons(self, entry_id: str, ward: Ward) -> tuple[tuple[tuple[str, int], ...], int]:
        """The reasons that stand for the most others, and how many more were given."""
        if entry_id not in self.reasons_cache:
            self.reasons_cache[entry_id] = read_reasons(self.db, self.week, entry_id)
        texts = [reason for w, reason in self.reasons_cache[entry_id]
                 if (ward is None or w == ward) and reason.strip()]
        shown = representative(texts, REASONS)
        return (tuple((shorten(redact_reason(text, self.known)), n) for text, n in shown),
                len(texts) - sum(n for _, n in shown))

    def feedback(self, mine: Mine) -> tuple[FeedbackLine, ...]:
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for (entry_id, ward), values in self.raw.feedback.items():
            if mine(ward):
                sums[entry_id] = [a + b for a, b in zip(sums[entry_id], values, strict=True)]
        lines = [FeedbackLine(e, self.titles.get(e, e), yes, no, ratings,
                              round(total / ratings, 1) if ratings else 0.0)
                 for e, (yes, no, ratings, total) in sums.items()]
        lines.sort(key=lambda f: (-(f.helpful + f.not_helpful + f.ratings), f.title))
        return tuple(lines)

    def replies(self, mine: Mine) -> tuple[ReplyLine, ...]:
        by_entry: dict[str, list[str]] = defaultdict(list)
        for entry_id, ward, text in self.raw.replies:
            if mine(ward):
                by_entry[entry_id].append(text)
        lines = [ReplyLine(e, self.titles.get(e, e), len(texts), tuple(
                     (shorten(redact_reason(text, self.known)), n)
                     for text, n in representative(texts, REASONS)))
                 for e, texts in by_entry.items()]
        return tuple(sorted(lines, key=lambda line: (-line.count, line.title)))

    def unmet(self, ward: Ward) -> tuple[tuple[str, int], ...]:
        """Every group asked in the ward (at most unmet.py's MAX_GROUPS); the digest shows
        the first ten, and two wards' lists add up whole (render.py `most_asked`)."""
        found = [(redact_reason(g.text, self.known), g.in_ward(ward))
                 for g in self.grouped.groups]  # names too ("can Mary Smith get ...")
        return tuple(sorted((pair for pair in found if pair[1]), key=lambda p: (-p[1], p[0])))

    def unmet_total(self, ward: Ward) -> int:
        groups: list[NeedGroup] = [*self.grouped.groups, self.grouped.other]
        return sum(g.in_ward(ward) for g in groups)

    def people(self, mine: Mine) -> People:
        channels: Counter[str] = Counter()
        for (channel, ward), n in self.raw.channels.items():
            if mine(ward):
                channels[channel] += n
        gave = sum(v[0] for w, v in self.raw.ages.items() if mine(w))
        young = sum(v[1] for w, v in self.raw.ages.items() if mine(w))
        return People(dict(channels), gave, young)
