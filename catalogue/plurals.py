"""Counts with their nouns: "1 objection", "2 objections", "1 person", "3 people", "1 more
entry". The import summaries (catalogue/importer.py), the digest's templates (the `counted`
filter, bot/digest/render.py) and the councillors' alerts use these; no count is put
before a noun by hand."""

from __future__ import annotations

IRREGULAR = {"person": "people", "child": "children"}


def plural_of(noun: str) -> str:
    """The plural of a noun or a phrase ending in one ("other reason" -> "other reasons")."""
    head, _, last = noun.rpartition(" ")
    if last in IRREGULAR:
        word = IRREGULAR[last]
    elif last.endswith("y") and last[-2:-1] not in set("aeiou"):
        word = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        word = last + "es"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def agree(count: int, singular: str, plural: str = "") -> str:
    """The word or phrase that goes with `count`: `singular` for exactly one, else `plural`
    (default: `plural_of(singular)`). Verbs too: agree(n, "has", "have")."""
    if count == 1:
        return singular
    return plural or plural_of(singular)


def counted(count: int, singular: str, plural: str = "") -> str:
    """"1 objection", "0 objections", "2 people"."""
    return f"{count} {agree(count, singular, plural)}"
