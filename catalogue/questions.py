"""Which service of the LGA's standard list a resident's question is usually about.

Real questions are stories ("my hours got cut and the rent's gone up again"), and the words
that carry the need are often not the catalogue's words. Residents' questions that were
labelled with the right entry of the LGA's Local Government Service List (LGSL, the list
every council's services map to; tests/data/README.md) teach a classifier which service a
kind of question is about: a multinomial logistic regression over the matcher's terms of
the question (the written words' stems and the lexicon's additions, binary, IDF-weighted),
trained by bench/train_questions.py and kept in `data/questions_model.json`.

The matcher (matcher.py) adds LEARNED times the classifier's probability to the rank of each
candidate entry linked to an LGSL code (an id `lgsl-<code>`, as the LGA list's entries
have). Entries with other ids rank as before: a council's own catalogue gains from it only
where its entries carry LGSL codes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

MODEL_FILE = "data/questions_model.json"
NOTHING = "NONE"  # the class of questions no service of the list answers
MAX_SCORE = 700.0  # exp() of more overflows; no trained score comes near
_LGSL_ID = re.compile(r"lgsl-(\d+)")


def lgsl_code(entry_id: str) -> str | None:
    """The LGSL code an entry's id names ("lgsl-59" -> "59"), or None."""
    found = _LGSL_ID.fullmatch(entry_id)
    return found.group(1) if found else None


@dataclass(frozen=True)
class Likely:
    """The classifier's probabilities for one question: worked out for the classes its
    terms weigh on, and from the bias alone for the rest."""

    model: QuestionModel
    scores: dict[int, float]  # class -> exp(score), for the classes the terms weigh on
    total: float  # sum of exp(score) over every class

    def get(self, code: str, default: float = 0.0) -> float:
        i = self.model.index.get(code)
        if i is None or not self.total:
            return default
        return self.scores.get(i, self.model.exp_bias[i]) / self.total

    def best(self) -> tuple[str, float] | None:
        """The likeliest class the terms weigh on and its probability."""
        if not self.scores:
            return None
        i = max(self.scores, key=self.scores.__getitem__)
        return self.model.codes[i], self.scores[i] / self.total


@dataclass(frozen=True)
class QuestionModel:
    codes: tuple[str, ...]  # the classes: LGSL codes, and NOTHING
    bias: tuple[float, ...]
    idf: dict[str, float]
    weights: dict[str, tuple[tuple[int, float], ...]]  # term -> (class, weight) pairs
    index: dict[str, int] = field(init=False)
    exp_bias: tuple[float, ...] = field(init=False)
    exp_bias_total: float = field(init=False)

    def __post_init__(self) -> None:
        exp_bias = tuple(math.exp(b) for b in self.bias)
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.codes)})
        object.__setattr__(self, "exp_bias", exp_bias)
        object.__setattr__(self, "exp_bias_total", sum(exp_bias))

    def likely(self, terms: Collection[str]) -> Likely:
        """The probability of each class for a question with these terms (all 0 when the
        model knows none of them). Only the classes the terms weigh on are worked out."""
        known = [t for t in terms if t in self.idf]
        if not known:
            return Likely(self, {}, 0.0)
        norm = math.sqrt(sum(self.idf[t] ** 2 for t in known))
        scores: dict[int, float] = {}
        for term in known:
            value = self.idf[term] / norm
            for i, weight in self.weights.get(term, ()):
                scores[i] = scores.get(i, self.bias[i]) + value * weight
        exps = {i: math.exp(min(score, MAX_SCORE)) for i, score in scores.items()}
        total = self.exp_bias_total + sum(e - self.exp_bias[i] for i, e in exps.items())
        return Likely(self, exps, total)


UNTRAINED = QuestionModel((), (), {}, {})  # knows no term: the matcher ranks on its own


def read_model(text: str) -> QuestionModel:
    """A model from the JSON bench/train_questions.py writes."""
    data = json.loads(text)
    return QuestionModel(
        codes=tuple(data["codes"]), bias=tuple(map(float, data["bias"])),
        idf={t: float(v) for t, v in data["idf"].items()},
        weights={t: tuple((int(i), float(w)) for i, w in pairs)
                 for t, pairs in data["weights"].items()},
    )


@cache
def default_model() -> QuestionModel:
    """The bundled model, read once."""
    text = resources.files("catalogue").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return read_model(text)
