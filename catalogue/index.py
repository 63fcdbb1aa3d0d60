"""The inverted index the matcher searches: built once per catalogue, read-only after.

Each entry's fields are normalised (spelling rules, stems) and scored BM25F-style: a term
counts most in the title, then the keywords, then summary, then description, saturating
with repetition (K1) and normalised by field length (B). For every term the index keeps
its postings, best entries first and at most MAX_POSTINGS of them, so a query touches a
bounded number of entries whatever the catalogue's size.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import islice

from rapidfuzz import process
from rapidfuzz.distance import OSA

from catalogue.lexicon import Lexicon
from catalogue.model import Entry
from catalogue.normalise import STOPWORDS, stem, tokens

FIELD_WEIGHTS: dict[str, float] = {
    "title": 4.0, "keywords": 3.0, "category": 1.0, "summary": 1.0, "description": 0.5,
}
STRONG_FIELDS = frozenset({"title", "keywords"})
K1, B = 1.2, 0.6
MAX_POSTINGS = 1500  # per term, best first: bounds the work at 100,000 entries
TYPO_CACHE = 50_000


def fields(entry: Entry) -> dict[str, str]:
    return {
        "title": entry.title, "keywords": " ; ".join(entry.keywords),
        "category": entry.category, "summary": entry.summary, "description": entry.description,
    }


class Index:
    """Postings, IDF and the vocabulary of one catalogue."""

    def __init__(self, entries: Sequence[Entry], lexicon: Lexicon) -> None:
        self.size = len(entries)
        self.idf: dict[str, float] = {}
        self.max_idf = math.log(1 + (self.size + 0.5) / 0.5)
        self.topical: set[str] = set()  # stems found in some title or keywords
        self.titles: list[str] = []  # stemmed, for rapidfuzz
        self.backoffice: list[bool] = []
        self._ids: dict[str, int] = {}  # term -> id, for the per-entry term arrays
        self._strong: list[array[int]] = []  # sorted term ids in title or keywords
        self._weak: list[array[int]] = []  # sorted term ids only in the other fields
        self._postings: dict[str, tuple[array[int], array[float]]] = {}
        self._known: set[str] = set()  # surface words of the catalogue and lexicon
        self._by_shape: dict[tuple[str, int], list[str]] = {}  # (first letter, length)
        self._typos: dict[str, str | None] = {}
        self._build(entries, lexicon)

    # -- building ---------------------------------------------------------------------------

    def _build(self, entries: Sequence[Entry], lexicon: Lexicon) -> None:
        surface: set[str] = set()
        analysed = [self._analyse(entry, lexicon, surface) for entry in entries]
        average = {
            name: max(1.0, sum(len(a[name]) for a in analysed) / max(1, len(analysed)))
            for name in FIELD_WEIGHTS
        }
        weighted = [self._weigh(a, average) for a in analysed]
        df: Counter[str] = Counter()
        for terms in weighted:
            df.update(terms.keys())
        n = self.size
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._ids = {t: i for i, t in enumerate(self.idf)}
        lists: dict[str, list[tuple[float, int]]] = {}
        for doc, terms in enumerate(weighted):
            strong, weak = [], []
            for term, (tf, is_strong) in terms.items():
                score = self.idf[term] * tf * (K1 + 1) / (tf + K1)
                lists.setdefault(term, []).append((score, doc))
                (strong if is_strong else weak).append(self._ids[term])
            self._strong.append(array("i", sorted(strong)))
            self._weak.append(array("i", sorted(weak)))
        for term, items in lists.items():
            items.sort(reverse=True)
            del items[MAX_POSTINGS:]
            self._postings[term] = (array("i", [d for _, d in items]),
                                    array("d", [s for s, _ in items]))
        self._known = {w for w in surface | lexicon.words if w not in STOPWORDS}
        for word in self._known:
            if word.isalpha() and len(word) >= 4:
                self._by_shape.setdefault((word[0], len(word)), []).append(word)

    def _analyse(self, entry: Entry, lexicon: Lexicon, surface: set[str]) -> dict[str, list[str]]:
        terms: dict[str, list[str]] = {}
        for name, text in fields(entry).items():
            words = lexicon.rewrite(tokens(text))
            surface.update(words)
            terms[name] = [stem(w) for w in words if w not in STOPWORDS]
        self.topical.update(terms["title"], terms["keywords"])
        self.titles.append(" ".join(terms["title"]))
        self.backoffice.append(lexicon.is_backoffice(entry.title))
        return terms

    @staticmethod
    def _weigh(
        terms: dict[str, list[str]], average: dict[str, float]
    ) -> dict[str, tuple[float, bool]]:
        """term -> (BM25F pseudo-frequency, found in a strong field)."""
        weighted: dict[str, tuple[float, bool]] = {}
        for name, stems in terms.items():
            norm = 1 - B + B * len(stems) / average[name]
            for term, count in Counter(stems).items():
                old, strong = weighted.get(term, (0.0, False))
                weighted[term] = (old + FIELD_WEIGHTS[name] * count / norm,
                                  strong or name in STRONG_FIELDS)
        return weighted

    # -- reading ----------------------------------------------------------------------------

    def postings(self, term: str, limit: int = MAX_POSTINGS) -> Iterator[tuple[int, float]]:
        """(entry number, score) for entries with `term`, best first."""
        found = self._postings.get(term)
        if found is None:
            return iter(())
        return islice(zip(found[0], found[1], strict=True), limit)

    def where(self, doc: int, term: str) -> int:
        """2 when entry `doc` has `term` in its title or keywords, 1 elsewhere, 0 not at all."""
        term_id = self._ids.get(term)
        if term_id is None:
            return 0
        for value, ids in ((2, self._strong[doc]), (1, self._weak[doc])):
            i = bisect_left(ids, term_id)
            if i < len(ids) and ids[i] == term_id:
                return value
        return 0

    def knows(self, word: str) -> bool:
        return word in self._known

    def correct(self, word: str) -> str | None:
        """The known word within one edit (two for long words) of an unknown one, or None.

        Candidates share the first letter (typos rarely hit it) and a similar length.
        """
        if word in self._typos:
            return self._typos[word]
        found: str | None = None
        if word.isalpha() and len(word) >= 4:
            n = len(word)
            choices = [w for size in range(max(4, n - 1), n + 3)
                       for w in self._by_shape.get((word[0], size), ())]
            best = process.extractOne(word, choices, scorer=OSA.distance,
                                      score_cutoff=1 if n <= 7 else 2)
            found = best[0] if best else None
        if len(self._typos) < TYPO_CACHE:
            self._typos[word] = found
        return found
