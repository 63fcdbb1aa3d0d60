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

from catalogue.english import common_words, is_common, is_real, real_words
from catalogue.lexicon import Lexicon
from catalogue.model import Entry
from catalogue.normalise import EVERYDAY, FILLER, STOPWORDS, stem, tokens

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


def phrase_key(words: Sequence[str]) -> frozenset[str]:
    """Folded, rewritten words as a keyword is compared with a whole message: "council tax
    help" and "Help with council tax" are the same."""
    return frozenset(stem(w) for w in words if w not in STOPWORDS and w not in FILLER)


class Index:
    """Postings, IDF and the vocabulary of one catalogue."""

    def __init__(self, entries: Sequence[Entry], lexicon: Lexicon) -> None:
        self.size = len(entries)
        self.idf: dict[str, float] = {}
        self.max_idf = math.log(1 + (self.size + 0.5) / 0.5)
        self.topical: set[str] = set()  # stems found in some title or keywords
        self.titles: list[str] = []  # stemmed, for rapidfuzz
        self.backoffice: list[bool] = []
        # a keyword's (or title's) words, stemmed, without stopwords -> the entries it names
        self.phrases: dict[frozenset[str], list[int]] = {}
        self._ids: dict[str, int] = {}  # term -> id, for the per-entry term arrays
        self._strong: list[array[int]] = []  # sorted term ids in title or keywords
        self._weak: list[array[int]] = []  # sorted term ids only in the other fields
        self._postings: dict[str, tuple[array[int], array[float]]] = {}
        self._known: set[str] = set()  # surface words of the catalogue and lexicon
        self._known_stems: set[str] = set()  # their stems: "stinking" is known via "stinks"
        self._by_shape: dict[tuple[str, int], list[str]] = {}  # (first letter, length)
        self._typos: dict[str, str | None] = {}
        common_words(), real_words()  # loaded now, not during someone's first message
        self._build(entries, lexicon)

    # -- building ---------------------------------------------------------------------------

    def _build(self, entries: Sequence[Entry], lexicon: Lexicon) -> None:
        # Pass 1: every entry's fields as compact (term id, count) arrays, and the df.
        surface: Counter[str] = Counter()
        ids: dict[str, int] = {}
        df: array[int] = array("i")
        lengths: dict[str, int] = dict.fromkeys(FIELD_WEIGHTS, 0)
        analysed: list[list[tuple[array[int], array[int]]]] = []
        for entry in entries:
            per_field = []
            seen: set[int] = set()
            for name, stems in self._analyse(entry, lexicon, surface).items():
                lengths[name] += len(stems)
                counts = Counter(ids.setdefault(s, len(ids)) for s in stems)
                per_field.append((array("i", counts.keys()), array("i", counts.values())))
                seen.update(counts)
            df.extend([0] * (len(ids) - len(df)))
            for term_id in seen:
                df[term_id] += 1
            analysed.append(per_field)
        n = self.size
        terms = list(ids)
        self._ids = ids
        self.idf = {t: math.log(1 + (n - df[i] + 0.5) / (df[i] + 0.5)) for t, i in ids.items()}
        idf = [self.idf[t] for t in terms]
        average = {name: max(1.0, total / max(1, n)) for name, total in lengths.items()}
        # Pass 2: BM25F scores into per-term postings, and each entry's strong/weak terms.
        docs: list[array[int]] = [array("i") for _ in terms]
        scores: list[array[float]] = [array("d") for _ in terms]
        for doc, per_field in enumerate(analysed):
            weighted = self._weigh(per_field, average)
            strong: list[int] = []
            weak: list[int] = []
            for term_id, (tf, is_strong) in weighted.items():
                docs[term_id].append(doc)
                scores[term_id].append(idf[term_id] * tf * (K1 + 1) / (tf + K1))
                (strong if is_strong else weak).append(term_id)
            self._strong.append(array("i", sorted(strong)))
            self._weak.append(array("i", sorted(weak)))
            analysed[doc] = []
        for term_id, term in enumerate(terms):
            found, score = docs[term_id], scores[term_id]
            order = sorted(range(len(found)), key=score.__getitem__, reverse=True)
            del order[MAX_POSTINGS:]
            self._postings[term] = (array("i", [found[i] for i in order]),
                                    array("d", [score[i] for i in order]))
            docs[term_id], scores[term_id] = array("i"), array("d")
        # A typo is only corrected to a word of the catalogue or of a spelling or topical
        # rule: never to one known only from "=> -" rules ("nite" is not "nike").
        topical = {w for w in set(surface) | lexicon.words if w not in STOPWORDS}
        self._known = topical | {w for w in lexicon.off_topic_words if w not in STOPWORDS}
        self._known_stems = {stem(w) for w in self._known}
        for word in sorted(topical, key=lambda w: (-surface.get(w, 0), w)):
            if word.isalpha() and len(word) >= 4:  # most frequent first: they win ties
                self._by_shape.setdefault((word[0], len(word)), []).append(word)

    def _analyse(
        self, entry: Entry, lexicon: Lexicon, surface: Counter[str]
    ) -> dict[str, list[str]]:
        terms: dict[str, list[str]] = {}
        for name, text in fields(entry).items():
            words = lexicon.rewrite(tokens(text))
            surface.update(words)
            terms[name] = [stem(w) for w in words if w not in STOPWORDS]
        self.topical.update(terms["title"], terms["keywords"])
        doc = len(self.titles)
        for phrase in (entry.title, *entry.keywords):
            key = phrase_key(lexicon.rewrite(tokens(phrase)))
            if len(key) >= 2 and doc not in self.phrases.get(key, ()):
                self.phrases.setdefault(key, []).append(doc)
        self.titles.append(" ".join(terms["title"]))
        self.backoffice.append(lexicon.is_backoffice(entry.title))
        return terms

    @staticmethod
    def _weigh(
        per_field: list[tuple[array[int], array[int]]], average: dict[str, float]
    ) -> dict[int, tuple[float, bool]]:
        """term id -> (BM25F pseudo-frequency, found in a strong field)."""
        weighted: dict[int, tuple[float, bool]] = {}
        for name, (term_ids, counts) in zip(FIELD_WEIGHTS, per_field, strict=True):
            norm = 1 - B + B * sum(counts) / average[name]
            weight, strong_field = FIELD_WEIGHTS[name] / norm, name in STRONG_FIELDS
            for term_id, count in zip(term_ids, counts, strict=True):
                old, strong = weighted.get(term_id, (0.0, False))
                weighted[term_id] = (old + weight * count, strong or strong_field)
        return weighted

    # -- reading ----------------------------------------------------------------------------

    def postings(self, term: str, limit: int = MAX_POSTINGS) -> Iterator[tuple[int, float]]:
        """(entry number, score) for entries with `term`, best first."""
        found = self._postings.get(term)
        if found is None:
            return iter(())
        return islice(zip(found[0], found[1], strict=True), limit)

    def places(self, doc: int, terms: Sequence[str]) -> list[int]:
        """For each term: 2 when entry `doc` has it in its title or keywords, 1 elsewhere,
        0 not at all (the re-rank's inner loop: per-entry sorted term ids, bisected)."""
        strong, weak, ids = self._strong[doc], self._weak[doc], self._ids
        out = []
        for term in terms:
            term_id = ids.get(term, -1)
            i = bisect_left(strong, term_id)
            if i < len(strong) and strong[i] == term_id:
                out.append(2)
                continue
            i = bisect_left(weak, term_id)
            out.append(1 if i < len(weak) and weak[i] == term_id else 0)
        return out

    def naming(self, terms: Sequence[str], limit: int = MAX_POSTINGS) -> int | None:
        """The best-scored entry with all of `terms` in its title or keywords, or None
        (looking at the first `limit` entries with the rarest of them)."""
        if not terms or any(t not in self._postings for t in terms):
            return None
        rarest = min(terms, key=lambda t: len(self._postings[t][0]))
        return next((doc for doc, _ in self.postings(rarest, limit)
                     if all(place == 2 for place in self.places(doc, terms))), None)

    def offers(self, terms: Sequence[str]) -> bool:
        """Some entry has all of `terms` in its title or keywords (a council whose catalogue
        has a "Food bank" entry does offer what the lexicon calls off topic)."""
        return self.naming(terms) is not None

    def knows(self, word: str) -> bool:
        """A word of the catalogue or lexicon, or another form of one ("stinking")."""
        return word in self._known or (len(word) > 4 and stem(word) in self._known_stems)

    def correct(self, word: str) -> str | None:
        """The known word within one edit (two for long words) of an unknown one, or None.

        Candidates share the first letter (typos rarely hit it) and a similar length, and
        are never words known only from "=> -" rules. Everyday English words ("nightmare",
        "whose", "decades": english.py) are left alone: the catalogue lacking them does not
        make them typos.
        """
        if word in self._typos:
            return self._typos[word]
        found: str | None = None
        if word in EVERYDAY or word in STOPWORDS or is_common(word) or is_real(word):
            pass
        elif word.endswith("in") and self.knows(word + "g"):
            found = word + "g"  # a dropped g: "payin", "lookin", "nothin"
        elif word.isalpha() and len(word) >= 4:
            n = len(word)
            choices = [w for size in range(max(4, n - 1), n + 3)
                       for w in self._by_shape.get((word[0], size), ())]
            best = process.extractOne(word, choices, scorer=OSA.distance,
                                      score_cutoff=1 if n <= 7 else 2)
            found = best[0] if best else None
        if len(self._typos) < TYPO_CACHE:
            self._typos[word] = found
        return found
