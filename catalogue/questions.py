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
from dataclasses import dataclass
from functools import cache
from importlib import resources

MODEL_FILE = "data/questions_model.json"
_LGSL_ID = re.compile(r"lgsl-(\d+)")


def lgsl_code(entry_id: str) -> str | None:
    """The LGSL code an entry's id names ("lgsl-59" -> "59"), or None."""
    found = _LGSL_ID.fullmatch(entry_id)
    return found.group(1) if found else None


@dataclass(frozen=True)
class QuestionModel:
    codes: tuple[str, ...]  # the classes: LGSL codes, and "NONE" (nothing in the list fits)
    bias: tuple[float, ...]
    idf: dict[str, float]
    weights: dict[str, tuple[tuple[int, float], ...]]  # term -> (class, weight) pairs

    def likely(self, terms: Collection[str]) -> dict[str, float]:
        """The probability of each class for a question with these terms ({} when the model
        knows none of them)."""
        known = [t for t in terms if t in self.idf]
        if not known:
            return {}
        norm = math.sqrt(sum(self.idf[t] ** 2 for t in known))
        scores = list(self.bias)
        for term in known:
            value = self.idf[term] / norm
            for i, weight in self.weights.get(term, ()):
                scores[i] += value * weight
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {code: e / total for code, e in zip(self.codes, exps, strict=True)}


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
