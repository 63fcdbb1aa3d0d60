from __future__ import annotations

from catalogue.index import Index
from catalogue.lexicon import Lexicon
from catalogue.matcher import Matcher
from catalogue.model import Entry

ENTRIES = [
    Entry("noise", "service", "Noise complaints", "Report loud music from neighbours."),
    Entry("lanes", "service", "Lane closures", "Roads and lanes closed for works."),
]
LEXICON = "nike, adidas, designer trainers => -\nloud music => noise nuisance"


def test_a_typo_is_never_corrected_to_a_word_known_only_from_off_topic_rules() -> None:
    lexicon = Lexicon.from_texts(lexicon=LEXICON)
    index = Index(ENTRIES, lexicon)
    assert index.knows("nike")  # written as it is, the "=> -" rule still fires
    assert index.correct("nite") is None  # but no slip is "corrected" to it
    assert index.correct("nouse") == "noise"  # catalogue words still are
    matcher = Matcher(ENTRIES, lexicon)
    assert all(c.terms for c in matcher.concepts("loud music every nite"))  # not off topic
    best = matcher.search("loud music every nite").best
    assert best is not None and best.entry.id == "noise"


def test_everyday_english_is_not_corrected_to_a_catalogue_word() -> None:
    index = Index(ENTRIES, Lexicon())
    assert index.correct("late") is None  # everyday: "late", not a slip for "lane"
    assert index.correct("lame") is None  # everyday English too (catalogue/english.py)
    assert index.correct("lanr") == "lane"  # a word nobody writes, one slip away, is


def test_a_rarer_english_word_is_not_corrected_either() -> None:
    index = Index([Entry("permit", "service", "Parking permits", "Where parking is permitted.")],
                  Lexicon())
    assert index.correct("permeated") is None  # English (catalogue/english.py: REAL), not a slip
    assert index.correct("permitz") == "permits"  # a word nobody writes still is
