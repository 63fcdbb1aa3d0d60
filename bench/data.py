"""What the benchmarks run on: the LGA service list, larger catalogues generated from it,
and the citizen messages of the quality sets (all from tests/data, read at bench time)."""

from __future__ import annotations

import random
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from catalogue.importer import import_file
from catalogue.model import Entry
from catalogue.store import load_entries, open_db, save_catalogue

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LGA_CSV = DATA / "lgsl-catalogue.csv"
QUERY_SETS = {"dev": DATA / "dev-queries.tsv", "extra": DATA / "extra-queries.tsv"}
SEED = 20240601
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Query:
    text: str
    expected: frozenset[str]  # right answers; empty: nothing fits, the assistant should say so


def read_queries(path: Path) -> list[Query]:
    """`expected<TAB>query[<TAB>source]` lines; ids without the `lgsl-` prefix, `;` = any,
    NONE = none."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if not line.strip():
            continue
        expected, text = line.split("\t")[:2]
        ids = frozenset() if expected.strip() == "NONE" else frozenset(
            f"lgsl-{i.strip()}" for i in expected.split(";"))
        out.append(Query(text, ids))
    return out


def query_sets() -> dict[str, list[Query]]:
    return {name: read_queries(path) for name, path in QUERY_SETS.items()}


def lga_entries() -> list[Entry]:
    """The LGA list through the real importer and store, as the server would load it."""
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "lga.db")
        import_file(db, LGA_CSV)
        entries = load_entries(db)
        db.close()
    return entries


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def recombine(
    number: int, a: Entry, b: Entry, parts: dict[str, list[str]], rng: random.Random
) -> Entry:
    """A plausible new entry: the start of one title with the end of another, and
    sentences of both descriptions (`parts`: each entry's sentences, by id)."""
    head, tail = a.title.split(), b.title.split()
    title = " ".join(head[: rng.randint(1, len(head))] + tail[rng.randint(0, len(tail) - 1):])
    pool = parts[a.id] + parts[b.id]
    rng.shuffle(pool)
    chosen = pool[: rng.randint(1, min(4, len(pool)))]
    return Entry(id=f"gen-{number:06d}", kind=a.kind, title=title, summary=chosen[0],
                 description=" ".join(chosen), category=a.category)


def generate(real: list[Entry], size: int, seed: int = SEED) -> list[Entry]:
    """`size` entries: the real ones first, then recombinations of them (deterministic)."""
    if size <= len(real):
        return real[:size]
    rng = random.Random(seed)
    parts = {e.id: sentences(e.description or e.summary) or [e.title] for e in real}
    extra = [recombine(n, rng.choice(real), rng.choice(real), parts, rng)
             for n in range(size - len(real))]
    return real + extra


def write_catalogue(path: Path, entries: list[Entry]) -> None:
    """A database holding `entries`, for a benchmark process to load as the server does."""
    db = open_db(path)
    save_catalogue(db, entries)
    db.close()
