"""Ranking catalogue entries against what a person wrote.

PLACEHOLDER: a baseline to fix the interface; the real matcher replaces the internals.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from catalogue.model import Entry, Kind


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float  # 0..100, calibrated: see ANSWER_AT


@dataclass(frozen=True)
class SearchResult:
    query: str
    answered: bool  # false: nothing really fits; matches are then "did you mean" suggestions
    matches: tuple[Match, ...]

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


class Matcher:
    """An index over the catalogue, built once; `search` is cheap and thread-safe."""

    ANSWER_AT = 60.0

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        self._titles = [e.title.lower() for e in self.entries]

    def search(
        self, text: str, limit: int = 5, kinds: Collection[Kind] | None = None
    ) -> SearchResult:
        hits = process.extract(text.lower(), self._titles, scorer=fuzz.token_set_ratio, limit=50)
        matches = [
            Match(self.entries[i], float(score))
            for _, score, i in hits
            if kinds is None or self.entries[i].kind in kinds
        ][:limit]
        answered = bool(matches) and matches[0].score >= self.ANSWER_AT
        return SearchResult(text, answered, tuple(matches))
