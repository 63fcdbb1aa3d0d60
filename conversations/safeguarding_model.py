"""The safeguarding classifier, scored in pure Python from a small JSON file.

Phrase rules (safeguarding_phrases.txt) miss people who describe what happens instead of
naming it ("he threw a glass at my head", "I want to drop out of existence"). A logistic
regression over words, word pairs and letter groups, trained by
bench/train_safeguarding.py on the collected real messages (tests/data/README.md) and the
synthetic sets, scores every message; the file beside this one holds its weights.

`features` is shared with the training script, so both read a message the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

MODEL_FILE = "safeguarding_model.json"
END = "$"  # the detector's end-of-sentence marker (conversations/safeguarding.py)
GRAMS = (3, 4)  # letter groups taken from each word, padded with spaces


def features(words: Sequence[str]) -> set[str]:
    """What the classifier looks at: each word, each pair of words within a sentence, and
    the letter groups of each word (so misspellings share most of their features)."""
    found: set[str] = set()
    previous = END
    for word in words:
        if word == END:
            previous = END
            continue
        found.add("w:" + word)
        if previous != END:
            found.add(f"b:{previous} {word}")
        found.update(letter_groups(word))
        previous = word
    return found


@lru_cache(maxsize=8192)  # most words of a message have been seen before
def letter_groups(word: str) -> frozenset[str]:
    padded = f" {word} "
    return frozenset("c:" + padded[i : i + size] for size in GRAMS
                     for i in range(len(padded) - size + 1))


@dataclass(frozen=True)
class Model:
    """Weights of the danger classifier and of the concern classifier (which helpline)."""

    bias: float
    weights: dict[str, float]
    threshold: float  # chosen on the TUNE split; at or above it, crisis contacts are shown
    weak_threshold: float  # a bare topic phrase ("self-harm") counts only at or above this
    groups: tuple[str, ...]
    group_bias: tuple[float, ...]
    group_weights: dict[str, tuple[float, ...]]

    def probability(self, found: Iterable[str]) -> float:
        """How likely the message is a sign of danger, 0 to 1."""
        found = list(found)
        if not found:
            return 0.0
        total = sum(self.weights.get(f, 0.0) for f in found) / math.sqrt(len(found))
        return 1.0 / (1.0 + math.exp(-(self.bias + total)))

    def group(self, found: Iterable[str]) -> str:
        """The likeliest concern, one of `groups`."""
        scores = list(self.group_bias)
        for feature in found:
            for i, weight in enumerate(self.group_weights.get(feature, ())):
                scores[i] += weight
        return self.groups[max(range(len(scores)), key=scores.__getitem__)]

    def telling(self, found: Iterable[str], count: int = 4) -> list[str]:
        """The words and word pairs that pushed the score up most (for the alert email)."""
        telling = [f for f in found if self.weights.get(f, 0) > 0
                   and (f.startswith("b:") or (f.startswith("w:") and len(f) > 5))]
        ranked = sorted(telling, key=lambda f: -self.weights[f])
        return [f[2:] for f in ranked[:count]]


def read_model(text: str) -> Model:
    """A model from the JSON the training script writes."""
    data = json.loads(text)
    danger, concern = data["danger"], data["concern"]
    return Model(
        bias=float(danger["bias"]), weights={k: float(v) for k, v in danger["weights"].items()},
        threshold=float(data["threshold"]), weak_threshold=float(data["weak_threshold"]),
        groups=tuple(concern["groups"]), group_bias=tuple(map(float, concern["bias"])),
        group_weights={k: tuple(map(float, v)) for k, v in concern["weights"].items()},
    )


@cache
def default_model() -> Model:
    """The bundled model, read once."""
    text = resources.files("conversations").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return read_model(text)
