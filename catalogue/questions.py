"""Which service of the LGA's standard list a resident's question is usually about.

Real questions are stories ("my hours got cut and the rent's gone up again"), and the words
that carry the need are often not the catalogue's words. Residents' questions that were
labelled with the right entry of the LGA's Local Government Service List (LGSL, the list
every council's services map to; tests/data/README.md) teach a classifier which service a
kind of question is about: a multinomial logistic regression over the matcher's terms of
the question (the written words' stems and the lexicon's additions, binary, IDF-weighted),
trained by bench/train_questions.py and kept in `data/questions_model.json`; scored with
NumPy over a dense terms-by-classes matrix built when the file is read (about 0.02 ms a
question).

The matcher (matcher.py) adds LEARNED (less for a short message) times the classifier's
probability to the rank of each candidate entry linked to an LGSL code (catalogue/lgsl.py:
the catalogue's `lgsl` column, a feed's LGSL taxonomy term, or an id `lgsl-<code>` as the
LGA list's entries have), and lets it answer for or decline such an entry
(`Matcher._answers`). Entries with no code rank
and answer as before: a council's own catalogue gains from it where its entries carry
LGSL codes.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

import numpy as np
import numpy.typing as npt

MODEL_FILE = "data/questions_model.json"
NOTHING = "NONE"  # the class of questions no service of the list answers


@dataclass(frozen=True, eq=False)  # NumPy arrays do not compare as one value
class Likely:
    """The classifier's probabilities for one question (None: it knows none of its terms)."""

    model: QuestionModel
    probabilities: npt.NDArray[np.float64] | None

    def get(self, code: str) -> float:
        """The probability of `code` (0 for a class the model does not have)."""
        i = self.model.index.get(code)
        if i is None or self.probabilities is None:
            return 0.0
        return float(self.probabilities[i])

    def likeliest(self) -> Iterator[tuple[str, float]]:
        """Every class with its probability, likeliest first."""
        if self.probabilities is None:
            return
        for i in self._order:
            yield self.model.codes[i], float(self.probabilities[i])

    @cached_property
    def _order(self) -> npt.NDArray[np.intp]:
        """The classes by number, likeliest first: sorted once, though a search asks twice
        (catalogue/matcher.py, `_suggested` and `_likeliest_shown`)."""
        assert self.probabilities is not None
        return np.argsort(-self.probabilities, kind="stable")


@dataclass(frozen=True, eq=False)
class QuestionModel:
    codes: tuple[str, ...]  # the classes: LGSL codes, and NOTHING
    bias: tuple[float, ...]
    idf: dict[str, float]
    weights: dict[str, tuple[tuple[int, float], ...]]  # term -> (class, weight) pairs
    index: dict[str, int] = field(init=False)  # class -> its number
    rows: dict[str, int] = field(init=False)  # term -> its row of `matrix`
    matrix: npt.NDArray[np.float64] = field(init=False)  # terms x classes: the weights
    idf_row: npt.NDArray[np.float64] = field(init=False)  # by row of `matrix`
    bias_row: npt.NDArray[np.float64] = field(init=False)  # by class

    def __post_init__(self) -> None:
        terms = sorted(self.idf)
        rows = {term: i for i, term in enumerate(terms)}
        matrix = np.zeros((len(terms), len(self.codes)))
        for term, pairs in self.weights.items():
            for i, weight in pairs:
                matrix[rows[term], i] = weight
        for name, value in (("index", {c: i for i, c in enumerate(self.codes)}),
                            ("rows", rows), ("matrix", matrix),
                            ("idf_row", np.array([self.idf[t] for t in terms])),
                            ("bias_row", np.array(self.bias))):
            object.__setattr__(self, name, value)

    def likely(self, terms: Collection[str]) -> Likely:
        """The probability of each class for a question with these terms: the IDF of each
        known term, scaled to unit length, times the weights, plus the bias, softmaxed."""
        known = [self.rows[t] for t in dict.fromkeys(terms) if t in self.rows]
        if not known:
            return Likely(self, None)
        values = self.idf_row[known]
        scores = self.bias_row + (values / np.sqrt(values @ values)) @ self.matrix[known]
        exps = np.exp(scores - scores.max())
        return Likely(self, exps / exps.sum())


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
