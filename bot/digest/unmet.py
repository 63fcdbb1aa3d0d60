"""Unmet needs (what people asked that the catalogue could not answer), grouped by
similarity so councillors read "bus pass renewal (34)" rather than 34 messages.

Small talk ("hi", "thanks lol") and gibberish ("asdfgh") are left out. Texts are folded,
stripped of request words and stemmed (catalogue/normalise.py) into a key; identical keys
count together; then the most frequent keys seed groups (rapidfuzz, greedy) and every
other key joins the group it is most alike, in one vectorised pass (`process.cdist`), so
50,000 messages group in about a second. Keys alike to no group are counted as "other".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from catalogue.normalise import fold, stem

ALIKE = 75.0  # token_sort_ratio of two keys in one group
MAX_GROUPS = 300
SEED_POOL = 3000  # the most frequent keys that may start a group
def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


REQUEST_WORDS = word_set("""
a an the i im i'm me my mine we our us you your u to of in on at for with and or but is are
am be been was were it its this that there here any some can could would should will do does
did dont how what where when who which why please help helping need needed needs want wanted
looking look find finding get getting got know tell about anyone someone something anything
is there there's theres just really very also so if then than have has had
""")
CHAT_WORDS = word_set("""
hi hello hey hiya yo heya hullo morning afternoon evening good night thanks thank thankyou
ty thx cheers ta ok okay k kk cool nice great lol lmao haha hahaha hehe omg wow bye goodbye
cya see ya yes yeah yep no nope nah sure fine alright sorry please test testing you are how
who what r u doing bot robot human real person sup wassup whats up am i me is it this that
love like x xx xxx
""")
_VOWEL = re.compile(r"[aeiouy]")
_CONSONANT_RUN = re.compile(r"[^aeiouy\d]{5,}")


def is_small_talk(text: str) -> bool:
    words = fold(text).split()
    return not words or all(word in CHAT_WORDS for word in words)


def is_wordlike(word: str) -> bool:
    if word.isdigit():
        return True
    return (bool(_VOWEL.search(word)) and not _CONSONANT_RUN.search(word)
            and len(word) <= 20 and len(set(word)) > 1)


def is_gibberish(text: str) -> bool:
    words = [w for w in fold(text).split() if not w.isdigit()]
    if not words:
        return True
    return sum(is_wordlike(w) for w in words) * 2 < len(words)


def need_key(text: str) -> str:
    words = [stem(w) for w in fold(text).split() if w not in REQUEST_WORDS]
    return " ".join(words)


@dataclass
class NeedGroup:
    """One kind of need: the commonest wording, how many asked, and in which wards."""

    text: str
    count: int = 0
    wards: Counter[str | None] = field(default_factory=Counter)
    wordings: Counter[str] = field(default_factory=Counter)

    def in_ward(self, ward: str | None) -> int:
        return self.count if ward is None else self.wards.get(ward, 0)


@dataclass(frozen=True)
class Grouped:
    groups: list[NeedGroup]  # most asked first
    other: NeedGroup  # alike to no group (rare, varied messages)
    left_out: int  # small talk and gibberish


def group_needs(rows: Iterable[tuple[str, str | None]]) -> Grouped:
    """(redacted text, ward) of each unmet need -> groups of alike needs."""
    keys: dict[str, NeedGroup] = {}
    key_of: dict[str, str | None] = {}  # each wording is looked at once
    left_out = 0
    for (text, ward), count in Counter(rows).items():
        if text not in key_of:
            key_of[text] = None if is_small_talk(text) or is_gibberish(text) \
                else need_key(text) or fold(text)
        key = key_of[text]
        if key is None:
            left_out += count
            continue
        group = keys.get(key)
        if group is None:
            group = keys[key] = NeedGroup(text)
        group.count += count
        group.wards[ward] += count
        group.wordings[" ".join(text.split())[:200]] += count
    ordered = sorted(keys.items(), key=lambda item: (-item[1].count, item[0]))
    seeds: list[str] = []
    groups: list[NeedGroup] = []
    rest: list[tuple[str, NeedGroup]] = []
    for key, found in ordered[:SEED_POOL]:
        hit = process.extractOne(key, seeds, scorer=fuzz.token_sort_ratio,
                                 score_cutoff=ALIKE) if seeds else None
        if hit is not None:
            merge(groups[hit[2]], found)
        elif len(seeds) < MAX_GROUPS:
            seeds.append(key)
            groups.append(found)
        else:
            rest.append((key, found))
    rest.extend(ordered[SEED_POOL:])
    other = NeedGroup("other")
    if rest and seeds:
        scores = process.cdist([key for key, _ in rest], seeds, scorer=fuzz.token_sort_ratio,
                               score_cutoff=ALIKE, workers=1)
        best = scores.argmax(axis=1)
        for (_, found), column, row in zip(rest, best, scores, strict=True):
            merge(groups[int(column)] if row[column] >= ALIKE else other, found)
    else:
        for _, found in rest:
            merge(other, found)
    for group in groups:
        group.text = group.wordings.most_common(1)[0][0]
    groups.sort(key=lambda g: (-g.count, g.text))
    return Grouped(groups, other, left_out)


def merge(into: NeedGroup, found: NeedGroup) -> None:
    into.count += found.count
    into.wards.update(found.wards)
    into.wordings.update(found.wordings)
