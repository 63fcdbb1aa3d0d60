"""Summaries of timings: percentiles by the nearest-rank method."""

from __future__ import annotations

import math
import resource
from collections.abc import Sequence


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share 0..1) of `values`; 0.0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: Sequence[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds of durations given in seconds."""
    return (round(percentile(seconds, 0.50) * 1000, 3), round(percentile(seconds, 0.99) * 1000, 3))


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (getrusage ru_maxrss: KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
