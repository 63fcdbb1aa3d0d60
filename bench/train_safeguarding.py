"""Train the safeguarding classifier and write conversations/safeguarding_model.json.

    .venv/bin/pip install -e '.[train]'
    .venv/bin/python -m bench.train_safeguarding

Trains on every collected real message (tests/data/safeguarding-real-*.tsv, REAL_SPLITS:
CHECK and CHECK2 joined in round 4, after their honest figures were recorded), the
synthetic sets (safeguarding-danger.txt, safeguarding-ordinary.txt) and, as everyday
messages that must stay quiet, the matching query sets EVERYDAY (those no phrase flags);
never on blind-c.tsv, kept to check everyday messages stay quiet, nor on CHECK3 to CHECK10,
TUNE6 or TUNE7. CHECK6, CHECK7 and CHECK8 are the honest figures. Adding CHECK3-5 (round
6) and then TUNE6 as well (round 7) made the detector catch fewer of the untouched sets'
danger messages (the README's Safeguarding section has the figures), so the splits below
stay.

The two thresholds are chosen on out-of-fold scores of the real messages, combined with
the phrase rules as the assistant combines them (conversations/safeguarding.py): the
lowest that keep at least QUIET_GOAL of the real look-alikes quiet, erring towards showing
contacts. The folds are grouped by the page a message was quoted from (`page_of`), so two
quotes of one page never sit on both sides; the phrase rules' share is reported apart,
since they were written from these same messages and flatter any figure measured on them.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from conversations.safeguarding import GROUP_OF, Detector, default_detector, long_enough
from conversations.safeguarding_model import FEWEST_FEATURES, MODEL_FILE, features

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
OUT = ROOT / "conversations" / MODEL_FILE
# Share of real look-alikes that must stay quiet (out of fold), counted over the look-alikes
# a council must not alarm (talk about a topic, jokes and sayings, grief, advice, news,
# everyday worries), not over people telling of harm they came through (PAST_ACCOUNTS): the
# contacts do such a person no harm. The goal is 90% of danger caught with 93% quiet; the
# collected messages allow neither at once (out of fold, 93% quiet catches 61%), so the
# assistant errs towards showing the contacts, as the issue asks: 90% quiet catches 68%.
QUIET_GOAL = 0.90
PAST_ACCOUNTS = frozenset({"recovery", "story"})
REAL_SPLITS = ("tune", "test", "check", "check2", "tune4", "tune5")
SEEDS = (7, 11, 13)  # the out-of-fold scores are repeated with these shuffles
EVERYDAY = ("dev-queries.tsv", "extra-queries.tsv", "blind-a.tsv", "blind-b.tsv")
REAL_WEIGHT = 3.0  # a real message counts for this many synthetic ones
C = 2.0
PRUNE = 0.02  # weights smaller than this are left out of the file
MIN_PAIR_COUNT = 2  # a word pair seen fewer times in training is not weighed (half the file)
# the concern each collected category calls for (tests/data/safeguarding-real-*.tsv)
REAL_GROUP = {
    "suicide": "suicide", "self-harm": "suicide", "overdose": "suicide",
    "someone else at risk": "suicide",
    "child hurt": "child", "abuse at home": "child", "sexual abuse": "child",
    "grooming": "child", "exploitation": "child", "neglect": "child", "sextortion": "child",
    "locked in": "child",
    "domestic abuse": "domestic abuse", "forced marriage": "domestic abuse",
    "stalking": "domestic abuse",
    "being followed": "unsafe", "unsafe": "unsafe", "adult at risk": "unsafe", "food": "unsafe",
}
GROUPS = ("suicide", "child", "domestic abuse", "unsafe")
_SITE = re.compile(r"([a-z0-9-]+(?:\.[a-z0-9-]+)+)(/[^\s),]*)?")
_ASIDE = re.compile(r"\([^)]*\)")  # "(Beth)", "(boy, 15)": who, not which page
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def page_of(source: str) -> str:
    """The page a `source` cell names, as site and page ("slideplayer.com/slide/3127320",
    "nspcc.org.uk fionas story"), so differently written cells of one page agree."""
    text = _ASIDE.sub(lambda m: m.group(0) if _SITE.search(m.group(0)) else "",
                      source.lower().replace("'", ""))
    found = _SITE.search(text)
    if found is None:
        return _NOT_WORD.sub(" ", text).strip()
    site, path = found.group(1).removeprefix("www."), (found.group(2) or "").rstrip("/")
    if path:
        return site + path
    rest = text[found.end():]
    title = rest.split(":", 1)[1] if ":" in rest else rest
    return f"{site} {_NOT_WORD.sub(' ', title).strip()}"


class Example:
    def __init__(self, text: str, danger: bool, group: str, detector: Detector,
                 page: str = "", split: str = "", category: str = "") -> None:
        self.text, self.danger, self.group = text, danger, group
        self.page, self.split, self.real = page, split, bool(split)
        self.past_account = not danger and category in PAST_ACCOUNTS
        weighed = detector.for_classifier(detector.words(text))
        self.features = features(weighed)
        self.long_enough = long_enough(weighed)
        concern = detector.assess(text)
        self.rule = None if concern is None else ("weak" if concern.weak else "strong")


def read_lines(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def read_real(detector: Detector, splits: Sequence[str] | None = None) -> list[Example]:
    real = []
    for split in REAL_SPLITS if splits is None else splits:
        with open(DATA / f"safeguarding-real-{split}.tsv", encoding="utf-8") as f:
            real += [Example(r["text"], r["label"] == "danger", REAL_GROUP.get(r["category"], ""),
                             detector, page_of(r["source"]), split, r["category"])
                     for r in csv.DictReader(f, delimiter="\t")]
    return real


def read_synthetic(detector: Detector) -> list[Example]:
    synthetic = []
    for text in read_lines("safeguarding-danger.txt"):
        concern = detector.assess(text)
        group = GROUP_OF.get(concern.category, "unsafe") if concern else "unsafe"
        synthetic.append(Example(text, True, "suicide" if group == "immediate" else group,
                                 detector))
    synthetic += [Example(t, False, "", detector) for t in read_lines("safeguarding-ordinary.txt")]
    synthetic += [Example(t, False, "", detector) for t in everyday(detector)]
    return synthetic


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
    """The danger classifier: word pairs seen fewer than MIN_PAIR_COUNT times are left out."""
    counts = Counter(f for example in examples for f in example.features)
    vocabulary: dict[str, int] = {}
    for example in examples:
        for feature in sorted(example.features):
            if not feature.startswith("b:") or counts[feature] >= MIN_PAIR_COUNT:
                vocabulary.setdefault(feature, len(vocabulary))
    labels = np.array([e.danger for e in examples])
    weights = np.array([REAL_WEIGHT if e.real else 1.0 for e in examples])
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    model.fit(matrix(examples, vocabulary), labels, sample_weight=weights)
    return model, vocabulary


def out_of_fold(real: list[Example], synthetic: list[Example], seed: int) -> np.ndarray:
    """Each real example scored by a model that saw no message of its page."""
    scores = np.zeros(len(real))
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed)
    labels, pages = [e.danger for e in real], [e.page for e in real]
    for train, held in folds.split(real, labels, pages):
        model, vocabulary = fit([real[i] for i in train] + synthetic)
        held_examples = [real[i] for i in held]
        scores[held] = model.predict_proba(matrix(held_examples, vocabulary))[:, 1]
    return scores


def fires(example: Example, score: float, threshold: float, weak: float,
          rules: bool = True) -> bool:
    """The assistant's decision (conversations/safeguarding.py `combined`); without
    `rules`, the classifier's alone."""
    by_rule = rules and (example.rule == "strong" or (example.rule == "weak" and score >= weak))
    return by_rule or (score >= threshold and example.long_enough)


def rates(real: Sequence[Example], scores: Sequence[float], threshold: float, weak: float,
          rules: bool = True) -> tuple[float, float]:
    """(share of danger messages caught, share of look-alikes quiet)."""
    decided = [fires(e, s, threshold, weak, rules) for e, s in zip(real, scores, strict=True)]
    danger = [d for d, e in zip(decided, real, strict=True) if e.danger]
    ordinary = [d for d, e in zip(decided, real, strict=True) if not e.danger]
    return sum(danger) / max(len(danger), 1), 1 - sum(ordinary) / max(len(ordinary), 1)


def choose(real: list[Example], scores: np.ndarray, goal: float = QUIET_GOAL
           ) -> tuple[float, float]:
    """The lowest thresholds (most contacts shown) that keep `goal` of the look-alikes
    quiet, past accounts aside (PAST_ACCOUNTS), or, when none does, the quietest."""
    grid = [round(x, 3) for x in np.arange(0.05, 0.991, 0.01)]
    best: tuple[bool, float, float, float, float] | None = None
    counted = [(e, s) for e, s in zip(real, scores, strict=True) if not e.past_account]
    weighed, weighed_scores = [e for e, _ in counted], [s for _, s in counted]
    for threshold in grid:
        for weak in [w for w in grid if w <= threshold]:
            recall, quiet = rates(weighed, weighed_scores, threshold, weak)
            key = (quiet >= goal, recall if quiet >= goal else quiet)
            if best is None or key[0] > best[0] or (key[0] == best[0] and key[1] > best[1] + 1e-9):
                best = (*key, threshold, weak, recall)
    assert best is not None
    return best[2], best[3]


def quiet_apart(real: Sequence[Example], scores: Sequence[float], threshold: float,
                weak: float) -> tuple[float, float]:
    """(share quiet of the look-alikes the goal counts, share quiet of past accounts)."""
    shares = []
    for past in (False, True):
        part = [(e, s) for e, s in zip(real, scores, strict=True)
                if not e.danger and e.past_account == past]
        shares.append(rates([e for e, _ in part], [s for _, s in part], threshold, weak)[1])
    return shares[0], shares[1]


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


def report(real: list[Example], scores: np.ndarray, threshold: float, weak: float,
           say: Callable[[str], None] = print) -> None:
    """Rules alone (per split: only the splits they were not written from are honest),
    the classifier alone and the two together, out of fold."""
    repeated = real * (len(scores) // len(real))
    for split in dict.fromkeys(e.split for e in real):
        part = [e for e in real if e.split == split]
        recall, quiet = rates(part, [0.0] * len(part), 2.0, 2.0)
        say(f"  rules alone on {split} ({len(part)}): recall {recall:.1%} quiet {quiet:.1%}")
    alone = rates(repeated, scores, threshold, weak, rules=False)
    both = rates(repeated, scores, threshold, weak)
    say(f"  classifier alone: recall {alone[0]:.1%} quiet {alone[1]:.1%}; with the rules: "
        f"recall {both[0]:.1%} quiet {both[1]:.1%}")


def main() -> None:
    detector = default_detector()
    real, synthetic = read_real(detector), read_synthetic(detector)
    repeated = real * len(SEEDS)
    scores = np.concatenate([out_of_fold(real, synthetic, seed) for seed in SEEDS])
    threshold, weak = choose(repeated, scores)
    recall, quiet = rates(repeated, scores, threshold, weak)
    print(f"{len(real)} real messages from {len({e.page for e in real})} pages, out of fold "
          f"grouped by page (threshold {threshold}, weak {weak}):")
    report(real, scores, threshold, weak)
    counted, past = quiet_apart(repeated, scores, threshold, weak)
    print(f"  quiet: {counted:.1%} of the look-alikes counted, {past:.1%} of past accounts")
    for goal in (0.88, 0.90, 0.92, 0.93, 0.95):
        t, w = choose(repeated, scores, goal)
        r, q = rates(repeated, scores, t, w)
        c, a = quiet_apart(repeated, scores, t, w)
        print(f"  at {goal:.0%} quiet: threshold {t}, weak {w}: recall {r:.1%} quiet {q:.1%} "
              f"(counted {c:.1%}, past accounts {a:.1%})")
    model, vocabulary = fit(real + synthetic)
    weights = {f: round(float(model.coef_[0][i]), 4) for f, i in vocabulary.items()
               if abs(model.coef_[0][i]) >= PRUNE}
    data = {
        "about": "bench/train_safeguarding.py; trained on safeguarding-real-"
                 + ", -".join(REAL_SPLITS) + ".tsv and the synthetic sets in tests/data",
        "threshold": threshold, "weak_threshold": weak,
        "out_of_fold": {"messages": len(real), "grouped_by": "page", "recall": round(recall, 4),
                        "quiet": round(quiet, 4), "quiet_counted": round(counted, 4)},
        "danger": {"bias": round(float(model.intercept_[0]), 4), "weights": weights},
        "concern": concern_model(real + synthetic),
    }
    OUT.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(weights)} weights, "
          f"{OUT.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
