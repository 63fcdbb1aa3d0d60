"""Train the safeguarding classifier and write conversations/safeguarding_model.json.

    .venv/bin/pip install -e '.[train]'
    .venv/bin/python -m bench.train_safeguarding

Trains on the real messages of the TUNE and TEST splits (tests/data/safeguarding-real-*.tsv;
TEST was looked at too often to stay held out, so the second round tuned on it too), the
synthetic sets (safeguarding-danger.txt, safeguarding-ordinary.txt) and, as everyday
messages that must stay quiet, the matching query sets EVERYDAY (those no phrase flags);
never on the CHECK split, nor on blind-c.tsv, kept to check everyday messages stay quiet.
The two thresholds are chosen on out-of-fold scores of those real messages (five folds,
repeated with SEEDS), combined with the phrase rules as the assistant combines them
(conversations/safeguarding.py): the lowest that keeps at least QUIET_GOAL of the real
look-alikes quiet, erring towards showing contacts.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from conversations.safeguarding import GROUP_OF, Detector, default_detector, long_enough
from conversations.safeguarding_model import FEWEST_FEATURES, MODEL_FILE, features

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
OUT = ROOT / "conversations" / MODEL_FILE
QUIET_GOAL = 0.95  # share of real look-alikes that must stay quiet (out of fold)
REAL_SPLITS = ("tune", "test")  # never "check"
SEEDS = (7, 11, 13)  # the out-of-fold scores are repeated with these shuffles
EVERYDAY = ("dev-queries.tsv", "extra-queries.tsv", "blind-a.tsv", "blind-b.tsv")
REAL_WEIGHT = 3.0  # a real message counts for this many synthetic ones
C = 2.0
PRUNE = 0.02  # weights smaller than this are left out of the file
# the concern each collected category calls for (tests/data/safeguarding-real-*.tsv)
REAL_GROUP = {
    "suicide": "suicide", "self-harm": "suicide", "overdose": "suicide",
    "someone else at risk": "suicide",
    "child hurt": "child", "abuse at home": "child", "sexual abuse": "child",
    "grooming": "child", "exploitation": "child", "neglect": "child", "sextortion": "child",
    "locked in": "child",
    "domestic abuse": "domestic abuse", "forced marriage": "domestic abuse",
    "stalking": "domestic abuse",
    "being followed": "unsafe", "unsafe": "unsafe", "adult at risk": "unsafe",
}
GROUPS = ("suicide", "child", "domestic abuse", "unsafe")


class Example:
    def __init__(self, text: str, danger: bool, group: str, real: bool, detector: Detector):
        self.text, self.danger, self.group, self.real = text, danger, group, real
        weighed = detector.for_classifier(detector.words(text))
        self.features = features(weighed)
        self.long_enough = long_enough(weighed)
        concern = detector.assess(text)
        self.rule = None if concern is None else ("weak" if concern.weak else "strong")


def read_lines(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def load(detector: Detector) -> tuple[list[Example], list[Example]]:
    """(real tuning examples, synthetic examples)."""
    rows = []
    for split in REAL_SPLITS:
        with open(DATA / f"safeguarding-real-{split}.tsv", encoding="utf-8") as f:
            rows += list(csv.DictReader(f, delimiter="\t"))
    real = [Example(r["text"], r["label"] == "danger", REAL_GROUP.get(r["category"], ""),
                    True, detector) for r in rows]
    synthetic = []
    for text in read_lines("safeguarding-danger.txt"):
        concern = detector.assess(text)
        group = GROUP_OF.get(concern.category, "unsafe") if concern else "unsafe"
        synthetic.append(Example(text, True, "suicide" if group == "immediate" else group,
                                 False, detector))
    synthetic += [Example(t, False, "", False, detector)
                  for t in read_lines("safeguarding-ordinary.txt")]
    synthetic += [Example(t, False, "", False, detector) for t in everyday(detector)]
    return real, synthetic


def everyday(detector: Detector) -> list[str]:
    """Residents' questions from the matching query sets that no phrase flags."""
    texts = []
    for name in EVERYDAY:
        with open(DATA / name, encoding="utf-8") as f:
            texts += [row["query"] for row in csv.DictReader(f, delimiter="\t")]
    return [t for t in texts if detector.assess(t) is None]


def matrix(examples: Sequence[Example], vocabulary: dict[str, int]) -> csr_matrix:
    rows, cols, values = [], [], []
    for i, example in enumerate(examples):
        known = [vocabulary[f] for f in example.features if f in vocabulary]
        scale = 1.0 / math.sqrt(max(len(example.features), FEWEST_FEATURES))
        rows += [i] * len(known)
        cols += known
        values += [scale] * len(known)
    return csr_matrix((values, (rows, cols)), shape=(len(examples), len(vocabulary)))


def fit(examples: Sequence[Example]) -> tuple[LogisticRegression, dict[str, int]]:
    vocabulary: dict[str, int] = {}
    for example in examples:
        for feature in sorted(example.features):
            vocabulary.setdefault(feature, len(vocabulary))
    labels = np.array([e.danger for e in examples])
    weights = np.array([REAL_WEIGHT if e.real else 1.0 for e in examples])
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    model.fit(matrix(examples, vocabulary), labels, sample_weight=weights)
    return model, vocabulary


def out_of_fold(real: list[Example], synthetic: list[Example], seed: int) -> np.ndarray:
    """Each real example scored by a model that did not see it."""
    scores = np.zeros(len(real))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    for train, held in folds.split(real, [e.danger for e in real]):
        model, vocabulary = fit([real[i] for i in train] + synthetic)
        held_examples = [real[i] for i in held]
        scores[held] = model.predict_proba(matrix(held_examples, vocabulary))[:, 1]
    return scores


def fires(example: Example, score: float, threshold: float, weak: float) -> bool:
    """The assistant's decision (conversations/safeguarding.py `assess`)."""
    return (example.rule == "strong" or (example.rule == "weak" and score >= weak)
            or (score >= threshold and example.long_enough))


def rates(real: list[Example], scores: np.ndarray, threshold: float, weak: float
          ) -> tuple[float, float]:
    decided = [fires(e, s, threshold, weak) for e, s in zip(real, scores, strict=True)]
    danger = [d for d, e in zip(decided, real, strict=True) if e.danger]
    ordinary = [d for d, e in zip(decided, real, strict=True) if not e.danger]
    return sum(danger) / len(danger), 1 - sum(ordinary) / len(ordinary)


def choose(real: list[Example], scores: np.ndarray, goal: float = QUIET_GOAL
           ) -> tuple[float, float]:
    """The lowest thresholds (most contacts shown) that keep `goal` of look-alikes quiet."""
    grid = [round(x, 3) for x in np.arange(0.05, 0.951, 0.01)]
    best: tuple[float, float, float] | None = None
    for threshold in grid:
        for weak in [w for w in grid if w <= threshold]:
            recall, quiet = rates(real, scores, threshold, weak)
            if quiet >= goal and (best is None or recall > best[0] + 1e-9):
                best = (recall, threshold, weak)
    assert best is not None, "no threshold keeps enough look-alikes quiet"
    return best[1], best[2]


def concern_model(examples: Sequence[Example]) -> dict[str, object]:
    danger = [e for e in examples if e.danger and e.group in GROUPS]
    words = sorted({f for e in danger for f in e.features if f[0] in "wb"})
    vocabulary = {f: i for i, f in enumerate(words)}
    rows, cols = [], []
    for i, example in enumerate(danger):
        known = [vocabulary[f] for f in example.features if f in vocabulary]
        rows += [i] * len(known)
        cols += known
    x = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(danger), len(vocabulary)))
    model = LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced")
    model.fit(x, [GROUPS.index(e.group) for e in danger])
    coef = np.zeros((len(GROUPS), len(vocabulary)))
    coef[model.classes_] = model.coef_
    bias = np.zeros(len(GROUPS)) - 100.0
    bias[model.classes_] = model.intercept_
    kept = {f: [round(float(v), 3) for v in coef[:, i]] for f, i in vocabulary.items()
            if np.abs(coef[:, i]).max() >= 0.05}
    return {"groups": list(GROUPS), "bias": [round(float(b), 3) for b in bias],
            "weights": kept}


def main() -> None:
    detector = default_detector()
    real, synthetic = load(detector)
    repeated = real * len(SEEDS)
    scores = np.concatenate([out_of_fold(real, synthetic, seed) for seed in SEEDS])
    threshold, weak = choose(repeated, scores)
    recall, quiet = rates(repeated, scores, threshold, weak)
    rules_recall, rules_quiet = rates(real, np.zeros(len(real)), 2.0, 2.0)
    print(f"{len(real)} real messages out of fold: rules alone recall {rules_recall:.1%} "
          f"quiet {rules_quiet:.1%}; rules + classifier (threshold {threshold}, weak {weak}) "
          f"recall {recall:.1%} quiet {quiet:.1%}")
    for goal in (0.90, 0.93, 0.95):
        t, w = choose(repeated, scores, goal)
        r, q = rates(repeated, scores, t, w)
        print(f"  at {goal:.0%} quiet: threshold {t}, weak {w}: recall {r:.1%} quiet {q:.1%}")
    model, vocabulary = fit(real + synthetic)
    weights = {f: round(float(model.coef_[0][i]), 4) for f, i in vocabulary.items()
               if abs(model.coef_[0][i]) >= PRUNE}
    data = {
        "about": "bench/train_safeguarding.py; trained on safeguarding-real-tune.tsv, "
                 "-test.tsv and the synthetic sets in tests/data",
        "threshold": threshold, "weak_threshold": weak,
        "out_of_fold": {"messages": len(real), "recall": round(recall, 4),
                        "quiet": round(quiet, 4)},
        "danger": {"bias": round(float(model.intercept_[0]), 4), "weights": weights},
        "concern": concern_model(real + synthetic),
    }
    OUT.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(weights)} weights, "
          f"{OUT.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
