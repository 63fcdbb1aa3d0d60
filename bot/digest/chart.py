"""The digest's one chart: objections a week over the trend's weeks, this week picked out.
A small PNG (matplotlib's Agg canvas, no display, no pyplot state shared between
threads), with alt text saying the same figures; the email shows them as a table too."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.digest.weeks import Week

WIDTH, HEIGHT, DPI = 4.8, 2.2, 100  # 480 x 220 pixels: readable on a phone
THIS_WEEK, EARLIER = "#1d70b8", "#b1b4b6"  # GOV.UK blue and mid grey


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt: str


def week_tick(week: Week) -> str:
    return f"W{week.number:02d}"


def objections_chart(name: str, weeks: Sequence[Week], counts: Sequence[int]) -> Chart:
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [week_tick(w) for w in weeks]
    colours = [EARLIER] * (len(counts) - 1) + [THIS_WEEK]
    bars = axes.bar(labels, counts, color=colours, width=0.6)
    axes.bar_label(bars, labels=[str(n) for n in counts], padding=2, fontsize=8)
    axes.set_title(f"Objections a week, {name}", fontsize=10, loc="left")
    axes.set_ylim(0, max([*counts, 1]) * 1.25)
    axes.tick_params(labelsize=8, left=False, labelleft=False)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    figure.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.13)  # tight_layout: slow
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    alt = (f"Bar chart of objections a week in {name}: "
           + ", ".join(f"week {w.number} {n}" for w, n in zip(weeks, counts, strict=True))
           + " (this week last).")
    return Chart(buffer.getvalue(), alt)
