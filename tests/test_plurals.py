"""Counts with their nouns: one of a thing is singular, any other number plural."""

from __future__ import annotations

import pytest

from catalogue.plurals import agree, counted


@pytest.mark.parametrize(("count", "noun", "said"), [
    (1, "objection", "1 objection"), (0, "objection", "0 objections"),
    (2, "objection", "2 objections"), (1, "person", "1 person"), (3, "person", "3 people"),
    (1, "more entry", "1 more entry"), (9, "more entry", "9 more entries"),
    (1, "other reason", "1 other reason"), (64, "other reason", "64 other reasons"),
    (2, "day", "2 days"), (2, "match", "2 matches"),
])
def test_a_count_agrees_with_its_noun(count: int, noun: str, said: str) -> None:
    assert counted(count, noun) == said


def test_a_verb_agrees_too() -> None:
    assert [agree(n, "has", "have") for n in (0, 1, 2)] == ["have", "has", "have"]
