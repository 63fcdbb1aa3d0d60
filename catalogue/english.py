"""Everyday English the catalogue does not use: pyspellchecker's English word frequencies.

A word neither the catalogue nor the lexicon knows is either a word about something the
council does not do ("netflix", "trussell") or an everyday word of someone's story
("sooner", "online", "decades"). The first must weigh against a confident answer; the
second says nothing about which service is meant, and must not be "corrected" into a
catalogue word ("decades" is not "decide"). The frequencies (from subtitles and web text)
ship inside the pyspellchecker package, so nothing is downloaded.
"""

from __future__ import annotations

from functools import lru_cache

from spellchecker import SpellChecker

COMMON = 2000  # occurrences in pyspellchecker's English list: about 13,000 words qualify
REAL = 100  # ... above which a word is English, not a typo ("permeated", "hornets")


@lru_cache(maxsize=1)
def _counts() -> dict[str, int]:
    """The list, loaded once (about 0.2 s): the index loads it while it is built."""
    return dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    return frozenset(word for word, count in _counts().items() if count >= COMMON)


@lru_cache(maxsize=1)
def real_words() -> frozenset[str]:
    return frozenset(word for word, count in _counts().items() if count >= REAL)


def is_common(word: str) -> bool:
    """A folded word that is everyday English ("sooner", "online", "tips")."""
    return word in common_words()


def is_real(word: str) -> bool:
    """A folded word that is English, if rarer ("permeated"): never a typo to correct."""
    return word in real_words()
