"""A councillor's digest in every form it is sent: the email's plain-text and HTML parts
(with the chart inline), a short Telegram summary, and an SMS for a councillor with only a
phone. The words are in template files (bot/digest/templates/); this module gives them
the figures (figures.py) and a few filters."""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache, lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.digest.chart import Chart, objections_chart, week_tick
from bot.digest.figures import EntryLine, ReplyLine, Scope, WeekFigures
from bot.digest.weeks import LONDON, Week
from bot.render import fit, to_gsm7
from catalogue.plurals import counted
from conversations.councillors.directory import Councillor, joined

CHART_CID = "objections-chart@localsupport"
TELEGRAM_ITEMS = 5
CHANNEL_NAMES = {"sms": "SMS", "telegram": "Telegram", "web": "web chat",
                 "terminal": "terminal"}


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("bot.digest", "templates"),
                      autoescape=select_autoescape(["html"], default_for_string=False),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(channels=channels, day=day, author=author, people=people, tick=week_tick,
                       counted=counted)
    return env


def channels(by_channel: dict[str, int]) -> str:
    return ", ".join(f"{CHANNEL_NAMES.get(c, c)} {n}" for c, n in sorted(by_channel.items()))


def day(moment: str) -> str:
    when = datetime.fromisoformat(moment).astimezone(LONDON)
    return f"{when.day} {when:%b}"


def author(name: str) -> str:
    return "an officer" if name == "council" else name


def people(count: int) -> str:
    return counted(count, "person", "people")


@dataclass(frozen=True)
class Local:
    """The wards of a digest together (a councillor may represent more than one)."""

    count: int
    people: int


def most_asked(scopes: Sequence[Scope]) -> list[tuple[str, int]]:
    """The unmet needs of the wards together, most asked first."""
    counts: Counter[str] = Counter()
    for scope in scopes:
        for text, n in scope.unmet:  # two groups may read alike once redacted: both count
            counts[text] += n
    return counts.most_common()


def replied(scopes: Sequence[Scope]) -> list[ReplyLine]:
    """The entries whose response the wards' residents replied to, most replies first."""
    lines: dict[str, ReplyLine] = {}
    for scope in scopes:
        for line in scope.replies:
            had = lines.get(line.entry_id)
            lines[line.entry_id] = line if had is None else \
                replace(had, count=had.count + line.count)
    return sorted(lines.values(), key=lambda line: (-line.count, line.title))


@lru_cache(maxsize=256)
def cached_chart(name: str, weeks: tuple[Week, ...], counts: tuple[int, ...]) -> Chart:
    """One chart per ward and week, however many of its councillors get it."""
    return objections_chart(name, weeks, counts)


@dataclass(frozen=True)
class Digest:
    subject: str
    text: str  # plain text: the email's text part, and `digest preview`
    html: str
    telegram: str
    sms: str
    chart: Chart | None
    items: tuple[str, ...]  # entry ids in the Telegram summary's order (replies name them)

    def email_extra(self) -> dict[str, object]:
        images = []
        if self.chart is not None:
            images.append({"cid": CHART_CID, "mime": "image/png",
                           "b64": base64.b64encode(self.chart.png).decode("ascii"),
                           "alt": self.chart.alt})
        return {"html": self.html, "images": images, "items": list(self.items)}


def telegram_items(wards: list[Scope], council: Scope) -> list[EntryLine]:
    """The wards' most objected-to entries, then the council's, each once."""
    items: list[EntryLine] = []
    for scope in [*wards, council]:
        for line in scope.detailed:
            if line.entry_id not in {i.entry_id for i in items}:
                items.append(line)
    return items[:TELEGRAM_ITEMS]


def render_digest(figures: WeekFigures, ward: str | tuple[str, ...] | None = None,
                  councillor: Councillor | None = None, chart: bool = True) -> Digest:
    """One digest: the part of `ward` (or of each of several wards, for a councillor who
    represents more than one) first when given, then the whole council's."""
    names = (ward,) if isinstance(ward, str) else tuple(ward or ())
    wards = [figures.scope(name) for name in names]
    items = telegram_items(wards, figures.council)
    ward_names = joined([scope.name for scope in wards])
    # one chart of the wards together (both of a councillor's two, not the first's alone)
    totals = tuple(map(sum, zip(*(s.weekly_totals for s in wards), strict=True))) if wards \
        else figures.council.weekly_totals
    picture = cached_chart(ward_names or figures.council.name, figures.weeks, totals) \
        if chart else None
    subject = (f"Local Support weekly digest, {figures.week.label}"
               + (f": {ward_names}" if wards else ""))
    context = {
        "week": figures.week, "weeks": figures.weeks, "wards": wards,
        "ward_names": ward_names, "council": figures.council, "councillor": councillor,
        "councillor_wards": ward_names or (councillor.ward if councillor else ""),
        "local": Local(sum(s.count for s in wards) if wards else figures.council.count,
                       sum(s.people.total for s in wards) if wards
                       else figures.council.people.total),
        "subject": subject,
        "chart": {"cid": CHART_CID, "alt": picture.alt} if picture else None,
        "items": items, "unmet": most_asked(wards or [figures.council])[:3],
        "replies": replied(wards or [figures.council])[:3],
    }
    env = environment()
    sms = env.get_template("sms.txt").render(context).strip()
    return Digest(
        subject=subject,
        text=env.get_template("digest.txt").render(context),
        html=env.get_template("digest.html").render(context),
        telegram=env.get_template("telegram.html").render(context).strip(),  # autoescaped
        sms=fit(to_gsm7(sms), 306),
        chart=picture,
        items=tuple(line.entry_id for line in items),
    )

