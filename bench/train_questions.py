"""Train the residents' questions classifier and write catalogue/data/questions_model.json.

    .venv/bin/pip install -e '.[train]'
    .venv/bin/python -m bench.train_questions            # train, report, write the file
    .venv/bin/python -m bench.train_questions --report   # also score the sets never trained on

Trains on the labelled query sets TRAINED (the written sets and the real sets,
tests/data/README.md), never on the sets kept to measure it: blind-c and real-check14 to
real-check17.
The matcher's rules were never tuned on real-check3 to -check17 or real-tune5 to -tune12,
so the first report below is an honest measure of the classifier's gain there.
A question labelled with several right entries counts once, shared among them; a real
question counts REAL_WEIGHT written ones.

What it reports, scored as the held-out sets are (bench/quality.py): the matcher without
the classifier and with it (a) on each real set trained on, by a classifier trained without
that set, and (b) with `--report`, on the sets never trained on, by the one written.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from bench.data import DATA, Query, lga_entries, read_queries
from bench.quality import Answer, score
from catalogue.lgsl import lgsl_code
from catalogue.matcher import Matcher
from catalogue.questions import MODEL_FILE, NOTHING, UNTRAINED, QuestionModel

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "catalogue" / MODEL_FILE
WRITTEN = ("dev-queries", "extra-queries", "blind-a", "blind-b")
REAL = ("real-tune", "real-test", "real-tune2", "real-check", "real-tune3", "real-check2",
        "real-tune4", "real-check3", "real-check4", "real-check5", "real-tune5", "real-check6",
        "real-check7", "real-tune6", "real-check8", "real-check9", "real-tune7", "real-check10",
        "real-tune8", "real-check11", "real-tune9", "real-tune10", "real-check12",
        "real-check13", "real-tune11", "real-tune12", "real-tune13")
TRAINED = WRITTEN + REAL
NEVER_TRAINED = ("blind-c", "real-check14", "real-check15", "real-check16", "real-check17")
REAL_WEIGHT = 6.0
C = 16.0
PRUNE = 0.2  # weights smaller than this are left out of the file (the same figures, 1/5 the size)


def labels(query: Query) -> list[str]:
    codes = [lgsl_code(i) for i in sorted(query.expected)]
    return [c for c in codes if c is not None] or [NOTHING]


def fit(sets: dict[str, list[Query]], terms: dict[str, list[str]]) -> QuestionModel:
    """The classifier for the queries of `sets` (`terms`: each query's terms by its text)."""
    rows: list[tuple[list[str], str, float]] = []
    for name, queries in sets.items():
        weight = REAL_WEIGHT if name.startswith("real") else 1.0
        for query in queries:
            codes = labels(query)
            rows += [(terms[query.text], code, weight / len(codes)) for code in codes]
    questions = {tuple(r[0]) for r in rows}
    documents = len(questions)
    frequency: dict[str, int] = {}
    for found in questions:
        for term in found:
            frequency[term] = frequency.get(term, 0) + 1
    idf = {t: math.log((1 + documents) / (1 + n)) + 1 for t, n in frequency.items()}
    vocabulary = {t: i for i, t in enumerate(sorted(idf))}
    x = _matrix([r[0] for r in rows], idf, vocabulary)
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(x, [r[1] for r in rows], sample_weight=[r[2] for r in rows])
    coef = model.coef_
    weights = {
        term: tuple((int(i), round(float(coef[i, j]), 3))
                    for i in np.flatnonzero(np.abs(coef[:, j]) >= PRUNE))
        for term, j in vocabulary.items()
    }
    return QuestionModel(tuple(str(c) for c in model.classes_),
                         tuple(round(float(b), 3) for b in model.intercept_),
                         {t: round(v, 4) for t, v in idf.items()},
                         {t: w for t, w in weights.items() if w})


def _matrix(found: Sequence[Sequence[str]], idf: dict[str, float],
            vocabulary: dict[str, int]) -> csr_matrix:
    """Binary terms weighted by IDF, each row of unit length (as QuestionModel.likely)."""
    rows, cols, values = [], [], []
    for i, terms in enumerate(found):
        known = [t for t in dict.fromkeys(terms) if t in idf]
        norm = math.sqrt(sum(idf[t] ** 2 for t in known)) or 1.0
        rows += [i] * len(known)
        cols += [vocabulary[t] for t in known]
        values += [idf[t] / norm for t in known]
    return csr_matrix((values, (rows, cols)), shape=(len(found), len(vocabulary)))


def figures(matcher: Matcher, queries: Sequence[Query]) -> str:
    answers = []
    for query in queries:
        result = matcher.search(query.text)
        answers.append(Answer(result.answered, tuple(m.entry.id for m in result.matches)))
    s = score(queries, answers)
    return (f"top-1 {s['top1']:.1%} top-3 {s['top3']:.1%} declined "
            f"{round(s['reject'] * s['unanswerable'])} of {s['unanswerable']}")


def to_json(model: QuestionModel) -> str:
    data = {
        "about": "bench/train_questions.py; trained on " + ", ".join(TRAINED)
                 + " (tests/data)",
        "codes": list(model.codes), "bias": list(model.bias), "idf": model.idf,
        "weights": {t: [list(p) for p in pairs] for t, pairs in model.weights.items()},
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--report", action="store_true",
                        help="also score the sets never trained on (read them only to report)")
    args = parser.parse_args()
    entries = lga_entries()
    plain = Matcher(entries, questions=UNTRAINED)
    sets = {name: read_queries(DATA / f"{name}.tsv") for name in TRAINED}
    measured = {name: read_queries(DATA / f"{name}.tsv") for name in NEVER_TRAINED
                if (DATA / f"{name}.tsv").exists()} if args.report else {}
    terms = {q.text: plain.terms(q.text)
             for queries in (*sets.values(), *measured.values()) for q in queries}
    print("each real set trained on, by a classifier trained without it:")
    for held in REAL:
        model = fit({n: q for n, q in sets.items() if n != held}, terms)
        learned = Matcher(entries, questions=model)
        print(f"  {held:12s} without: {figures(plain, sets[held])}; "
              f"with: {figures(learned, sets[held])}")
    model = fit(sets, terms)
    learned = Matcher(entries, questions=model)
    for name, queries in measured.items():
        print(f"  {name:12s} (never trained on) without: {figures(plain, queries)}; "
              f"with: {figures(learned, queries)}")
    OUT.write_text(to_json(model), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(model.codes)} services, "
          f"{sum(len(p) for p in model.weights.values())} weights, "
          f"{OUT.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
