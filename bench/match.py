"""Matching at one catalogue size, in a fresh process per size so that peak memory is that
size's alone: `python -m bench.match DB` loads the catalogue as the server does
(`load_entries`, then `Matcher(entries)`), times every query of the quality sets, then the
naive matcher a newcomer would write on the same entries, and prints one JSON object.

Peak memory is the process's peak resident set size (`getrusage` ru_maxrss), Python
interpreter and imports included, measured before the naive matcher runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bench.data import Query, query_sets
from bench.quality import Answer, score
from bench.stats import peak_rss_mb, summary_ms
from catalogue.matcher import Matcher
from catalogue.model import Entry
from catalogue.store import load_entries, open_db

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 5  # matches asked for, as `localsupport ask` does
WARM_UP = ("hello", "bins", "help with my rent please", "parking permit")
NAIVE_MINIMUM = 10  # queries the naive matcher runs even when over its time budget


def time_matcher(
    matcher: Matcher, queries: Sequence[Query]
) -> tuple[list[float], list[Answer]]:
    """Each query once, timed alone (seconds), with what the matcher answered."""
    times: list[float] = []
    answers: list[Answer] = []
    for query in queries:
        start = time.perf_counter()
        result = matcher.search(query.text, limit=LIMIT)
        times.append(time.perf_counter() - start)
        answers.append(Answer(result.answered, tuple(m.entry.id for m in result.matches)))
    return times, answers


def naive_choices(entries: Sequence[Entry]) -> list[str]:
    return [f"{e.title}. {e.summary}" for e in entries]


def time_naive(
    entries: Sequence[Entry], queries: Sequence[Query], budget_s: float
) -> tuple[list[float], dict[str, str]]:
    """`process.extractOne(query, "title. summary" strings, scorer=fuzz.WRatio)` on a
    seeded sample of the queries, until `budget_s` is spent; times and best ids by text."""
    choices = naive_choices(entries)
    order = list(queries)
    random.Random(7).shuffle(order)
    times: list[float] = []
    best: dict[str, str] = {}
    spent = 0.0
    for query in order:
        if spent > budget_s and len(times) >= NAIVE_MINIMUM:
            break
        start = time.perf_counter()
        found = process.extractOne(query.text, choices, scorer=fuzz.WRatio)
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        spent += elapsed
        if found is not None:
            best[query.text] = entries[found[2]].id
    return times, best


def naive_quality(queries: Sequence[Query], best: dict[str, str]) -> dict[str, float] | None:
    """The naive matcher always answers; scored only when it ran every query of the set."""
    if not all(q.text in best for q in queries):
        return None
    return score(queries, [Answer(True, (best[q.text],)) for q in queries])


def measure(db_path: Path, naive_budget_s: float, max_queries: int | None) -> dict[str, Any]:
    sets = {name: qs[:max_queries] for name, qs in query_sets().items()}
    queries = sets["dev"] + sets["extra"]
    start = time.perf_counter()
    db = open_db(db_path)
    entries = load_entries(db)
    db.close()
    load_s = time.perf_counter() - start
    base_mb = peak_rss_mb()
    start = time.perf_counter()
    matcher = Matcher(entries)
    index_s = time.perf_counter() - start
    for text in WARM_UP:
        matcher.search(text, limit=LIMIT)
    times, answers = time_matcher(matcher, queries)
    peak_mb = peak_rss_mb()
    p50, p99 = summary_ms(times)
    n_dev = len(sets["dev"])
    slowest = sorted(zip(times, (q.text for q in queries), strict=True), reverse=True)[:3]
    naive_times, best = time_naive(entries, queries, naive_budget_s)
    naive_p50, naive_p99 = summary_ms(naive_times)
    return {
        "entries": len(entries), "p50_ms": p50, "p99_ms": p99,
        "qps": round(len(times) / sum(times), 1), "index_s": round(index_s, 3),
        "peak_mb": peak_mb, "naive_p50_ms": naive_p50, "naive_p99_ms": naive_p99,
        "load_s": round(load_s, 3), "base_mb": base_mb, "queries": len(times),
        "naive_queries": len(naive_times),
        "quality": score(sets["dev"], answers[:n_dev]),
        "extra_quality": score(sets["extra"], answers[n_dev:]),
        "naive_quality": naive_quality(sets["dev"], best),
        "slowest": [{"ms": round(t * 1000, 2), "query": q} for t, q in slowest],
    }


def run(db_path: Path, naive_budget_s: float, max_queries: int | None = None) -> dict[str, Any]:
    """`measure` in a fresh Python process; its JSON result."""
    command = [sys.executable, "-m", "bench.match", str(db_path),
               "--naive-budget", str(naive_budget_s)]
    if max_queries is not None:
        command += ["--max-queries", str(max_queries)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT,
                          env=env, timeout=900)
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.match", description=__doc__)
    parser.add_argument("db", type=Path, help="a database holding the catalogue")
    parser.add_argument("--naive-budget", type=float, default=10.0,
                        help="seconds of naive matching (at least 10 queries)")
    parser.add_argument("--max-queries", type=int, default=None,
                        help="the first N queries of each set only")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.db, args.naive_budget, args.max_queries)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
