"""Matching quality, measured the way the project scores it: import the LGA service list
through the real CLI into a real database, run every query through
`localsupport ask --batch FILE --json`, and count right answers.

A query scores top-1 when the assistant answered and its first match is one of the
expected ids; top-3 when any of the first three is; a `NONE` query scores when the
assistant did not answer. Run this file as a script to print the figures:

    .venv/bin/python tests/test_quality.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/: not installed
from bench.data import Query, read_queries  # the query sets' TSV format

DATA = Path(__file__).parent / "data"
CATALOGUE = DATA / "lgsl-catalogue.csv"

# Floors a point under what was measured when the matcher was last changed, so that a drop
# fails. The residents' questions classifier (catalogue/questions.py) is trained on every
# set here but blind-c and real-check14 to -check17, so on the other sets the figures are
# largely what the classifier memorised: those floors guard against a broken model or index
# rather than measure quality. The measures, with the classifier retrained with real-tune12
# (real-tune13's changes below): blind-c
# (written blind in other voices, totals only ever read) 88.1% / 96.8% / 20 of 21 (96.2%
# top-3 before a story's long lexicon phrases weighed less, round 19; 87.6% before "30
# hours" stopped reading as the 2-year-olds' funding; 84.9% / 95.1% / 20 of 21 without the
# classifier); real-check14 (69 + 8 NONE real questions collected in round 15, never tuned
# or trained on) 60.9% / 72.5% / 2 of 8 (58.0% before round 19; 34.8% / 65.2% / 0 of 8
# without the classifier). Round 19 read both sets' totals for each of the four variants
# it tried (README.md, "Quality and speed"), so they are a little tuned since.
# real-check15 (152 + 17 NONE real questions collected in round 19, never tuned or trained
# on, read once after round 19's matcher change): 65.1% / 83.5% / 12 of 17 (50.0% / 71.0% /
# 6 of 17 without the classifier).
# real-tune12 (110 + 13 NONE, collected last) read once before it was trained on: 73.6% /
# 84.5% / 8 of 13 (52.7% / 76.4% / 4 of 13 without the classifier).
# real-tune13 (139 + 11 NONE, collected in round 22) read once before it was trained on:
# 46.8% / 59.7% / 9 of 11 (30.2% / 51.1% / 5 of 11 without the classifier); trained on, it
# moved real-check15 to 67.8% / 84.9% / 12 of 17 and real-check14 to 60.9% / 71.0% / 3 of 8.
# real-check16 (139 + 15 NONE, adults, housing and money) and real-check17 (136 + 17 NONE,
# children, schools and streets), collected in round 22 and never tuned or trained on (by
# the rule, since learning them cost real-check14 and -check15 two top-1 answers each):
# 61.2% / 75.5% / 10 of 15 and 50.0% / 64.0% / 9 of 17 (42.4% / 65.5% / 2 of 15 and 36.8% /
# 53.7% / 5 of 17 without the classifier).
# Each real set scored by a classifier trained without it: `python -m bench.train_questions
# --report` and the README's "Quality and speed"; tests/data/README.md says how each set was
# collected and used.
FLOORS = {
    "dev": {"top1": 0.97, "top3": 0.99, "declined": 1.00},
    "extra": {"top1": 0.98, "top3": 0.99, "declined": 0.95},
    "blind-a": {"top1": 0.97, "top3": 0.99, "declined": 0.94},
    "blind-b": {"top1": 0.96, "top3": 0.99, "declined": 0.92},
    "blind-c": {"top1": 0.86, "top3": 0.96, "declined": 0.94},
    "real-tune": {"top1": 0.99, "top3": 0.99, "declined": 1.00},
    "real-test": {"top1": 0.96, "top3": 0.99, "declined": 1.00},
    "real-tune2": {"top1": 0.99, "top3": 0.99, "declined": 1.00},
    "real-check": {"top1": 0.99, "top3": 0.99, "declined": 1.00},
    "real-tune3": {"top1": 0.99, "top3": 0.99, "declined": 1.00},
    "real-check2": {"top1": 0.99, "top3": 0.99, "declined": 1.00},
    "real-tune4": {"top1": 0.99, "top3": 0.99, "declined": 1.00},
    "real-check3": {"top1": 0.99, "top3": 0.99, "declined": 1.00},
    "real-check4": {"top1": 0.97, "top3": 0.99, "declined": 1.00},
    "real-check5": {"top1": 0.96, "top3": 0.99, "declined": 1.00},
    "real-check6": {"top1": 0.96, "top3": 0.99, "declined": 1.00},
    "real-tune5": {"top1": 0.96, "top3": 0.99, "declined": 0.94},
    "real-check7": {"top1": 0.96, "top3": 0.98, "declined": 1.00},
    "real-tune6": {"top1": 0.93, "top3": 0.97, "declined": 0.94},
    "real-check8": {"top1": 0.96, "top3": 0.98, "declined": 1.00},
    "real-check9": {"top1": 0.98, "top3": 0.99, "declined": 1.00},
    "real-tune7": {"top1": 0.96, "top3": 0.99, "declined": 1.00},
    "real-check10": {"top1": 0.95, "top3": 0.99, "declined": 1.00},
    "real-tune8": {"top1": 0.96, "top3": 0.99, "declined": 1.00},
    "real-check11": {"top1": 0.99, "top3": 0.99, "declined": 1.00},
    "real-tune9": {"top1": 0.92, "top3": 0.99, "declined": 0.95},
    "real-check12": {"top1": 0.92, "top3": 0.99, "declined": 1.00},
    "real-tune10": {"top1": 0.96, "top3": 0.99, "declined": 1.00},
    "real-check13": {"top1": 0.91, "top3": 0.97, "declined": 1.00},
    "real-tune11": {"top1": 0.97, "top3": 0.99, "declined": 1.00},
    "real-check14": {"top1": 0.60, "top3": 0.70, "declined": 0.37},
    "real-tune12": {"top1": 0.97, "top3": 0.99, "declined": 1.00},
    "real-check15": {"top1": 0.66, "top3": 0.83, "declined": 0.70},
    "real-tune13": {"top1": 0.94, "top3": 0.99, "declined": 1.00},
    "real-check16": {"top1": 0.60, "top3": 0.74, "declined": 0.66},
    "real-check17": {"top1": 0.49, "top3": 0.63, "declined": 0.52},
}
FILES = {"dev": "dev-queries.tsv", "extra": "extra-queries.tsv",
         "blind-a": "blind-a.tsv", "blind-b": "blind-b.tsv",
         "blind-c": "blind-c.tsv", "real-tune": "real-tune.tsv", "real-test": "real-test.tsv",
         "real-tune2": "real-tune2.tsv", "real-check": "real-check.tsv",
         "real-tune3": "real-tune3.tsv", "real-check2": "real-check2.tsv",
         "real-tune4": "real-tune4.tsv", "real-check3": "real-check3.tsv",
         "real-check4": "real-check4.tsv", "real-check5": "real-check5.tsv",
         "real-check6": "real-check6.tsv", "real-tune5": "real-tune5.tsv",
         "real-check7": "real-check7.tsv", "real-tune6": "real-tune6.tsv",
         "real-check8": "real-check8.tsv", "real-check9": "real-check9.tsv",
         "real-tune7": "real-tune7.tsv", "real-check10": "real-check10.tsv",
         "real-tune8": "real-tune8.tsv", "real-check11": "real-check11.tsv",
         "real-tune9": "real-tune9.tsv", "real-check12": "real-check12.tsv",
         "real-tune10": "real-tune10.tsv", "real-check13": "real-check13.tsv",
         "real-tune11": "real-tune11.tsv", "real-check14": "real-check14.tsv",
         "real-tune12": "real-tune12.tsv", "real-check15": "real-check15.tsv",
         "real-tune13": "real-tune13.tsv", "real-check16": "real-check16.tsv",
         "real-check17": "real-check17.tsv"}


@dataclass(frozen=True)
class Figures:
    top1: float
    top3: float
    declined: float
    answerable: int
    unanswerable: int

    def __str__(self) -> str:
        return (f"top-1 {self.top1:.1%}, top-3 {self.top3:.1%} of {self.answerable}; "
                f"declined {self.declined:.1%} of {self.unanswerable}")


def score(queries: list[Query], answers: list[dict[str, object]]) -> Figures:
    """Score `ask --json` answers (one per query, same order)."""
    assert len(answers) == len(queries)
    top1 = top3 = declined = 0
    for query, answer in zip(queries, answers, strict=True):
        assert answer["query"] == query.text
        ids = [str(m["id"]) for m in answer["matches"]]  # type: ignore[attr-defined]
        if not query.expected:
            declined += not answer["answered"]
            continue
        if answer["answered"]:
            top1 += bool(ids[:1]) and ids[0] in query.expected
            top3 += any(i in query.expected for i in ids[:3])
    answerable = sum(1 for q in queries if q.expected)
    unanswerable = len(queries) - answerable
    return Figures(top1 / answerable, top3 / answerable, declined / max(1, unanswerable),
                   answerable, unanswerable)


def cli(*args: str) -> str:
    """Run the real command line in a fresh process; its stdout."""
    done = subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                          text=True, check=True, timeout=300)
    return done.stdout


def measure(db: Path, name: str, folder: Path) -> Figures:
    queries = read_queries(DATA / FILES[name])
    batch = folder / f"{name}.txt"
    batch.write_text("".join(q.text + "\n" for q in queries), encoding="utf-8")
    out = cli("ask", "--db", str(db), "--batch", str(batch), "--json")
    return score(queries, [json.loads(line) for line in out.splitlines()])


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Figures]:
    folder = tmp_path_factory.mktemp("quality")
    db = folder / "lgsl.db"
    assert "1519 catalogue entries" in cli("catalogue", "import", "--db", str(db), str(CATALOGUE))
    return {name: measure(db, name, folder) for name in FLOORS}


@pytest.mark.parametrize("name", list(FLOORS))
def test_matching_quality_stays_above_its_floor(name: str, figures: dict[str, Figures]) -> None:
    got = figures[name]
    print(f"\n{name}: {got}")
    floor = FLOORS[name]
    assert got.top1 >= floor["top1"], f"{name}: {got}"
    assert got.top3 >= floor["top3"], f"{name}: {got}"
    assert got.declined >= floor["declined"], f"{name}: {got}"


def test_scoring_counts_an_unanswered_right_guess_as_wrong() -> None:
    queries = [Query("bins", frozenset({"lgsl-524"})), Query("xyz", frozenset())]
    answers: list[dict[str, object]] = [
        {"query": "bins", "answered": False, "matches": [{"id": "lgsl-524"}]},
        {"query": "xyz", "answered": True, "matches": [{"id": "lgsl-1"}]},
    ]
    got = score(queries, answers)
    assert (got.top1, got.top3, got.declined) == (0.0, 0.0, 0.0)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "lgsl.db"
        cli("catalogue", "import", "--db", str(db), str(CATALOGUE))
        for name in FLOORS:
            print(f"{name}: {measure(db, name, Path(tmp))}")
