"""The safeguarding classifier, scored in pure Python from a small JSON file.

Phrase rules (safeguarding_phrases.txt) miss people who describe what happens instead of
naming it ("he threw a glass at my head", "I want to drop out of existence"). A logistic
regression over word stems, pairs of them and *concepts* (below), trained by
bench/train_safeguarding.py on the collected real messages (tests/data/README.md) and the
synthetic sets, scores every message; the file beside this one holds its weights.

A concept is a small family of words that mean much the same thing to a safeguarding
reader: being afraid, hurting, dying, drink, being followed, the first person. The
classifier sees which concepts a sentence holds and which two of them meet in one
sentence ("fear" with "home", "first person" with "death"), so "I'm terrified of going
back there" and "scared to go home" share most of what it weighs even though they share no
word pair. Measured on the collected messages this generalises better than the letter
groups the first classifier used (out of fold, 84% of danger messages caught at 93% of
look-alikes quiet, against 80%). Words are weighed without their endings (`stem`), so
"hitting" counts as "hit" and a message worded unlike any seen still shares its stems.

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
# A message's weights are summed and divided by the square root of its number of features,
# but never fewer than this: a short message ("sign me up") has too little to go on for a
# few words shared with danger messages ("me") to make it look like one.
FEWEST_FEATURES = 12
# Words as the detector leaves them: lower case, apostrophes dropped, text-speak expanded.
CONCEPTS = {
    "first person": "i me my myself im ive mine id",
    "fear": "scared afraid frightened terrified petrified fear feared scary scare frightening "
            "panic",
    "death": "die died dead death dying suicide suicidal kill killing alive live living gone "
             "disappear exist existing wake",
    "hopeless": "hopeless pointless worthless point burden anymore alone trapped nobody "
                "nothing tired exhausted cope struggling",
    "drink": "drunk drinking drinks drink alcohol drugs vodka",
    "threat": "threaten threatened threatens threat threatening knife knives gun weapon "
              "blackmail blackmailing",
    "sexual": "touch touched touches touching sexual sex sexually naked nude nudes pictures "
              "photos pics private underwear",
    "escape": "leave leaving escape away run ran out",
    "home": "home house room bedroom flat kitchen",
    "pain": "hurt hurts hurting pain bruise bruises bruised bleeding blood cut cuts cutting "
            "bleed scars",
    "food": "food eaten eat hungry starving meals",
    "followed": "following followed follow watching stalking stalker outside behind",
    "control": "control controlling controls allowed let phone monitored monitor checks money",
    "pills": "pills tablets overdose paracetamol medication",
    "family": "dad mum mom father mother stepdad parents brother uncle boyfriend husband "
              "partner ex he she",
    "topic": "per cent percent sessions statistics research survey figures report charity "
             "campaign awareness helpline counselling year estimated according",
    "violence": "hit hits hitting beat beats beating punch punched kick kicked slap slapped "
                "strangle strangled choke choked abuse abused abusive violent violence",
    # talk about other people and advice-page register (tests/data/safeguarding-real-*.tsv
    # look-alikes): "young people who", "if you", "signs of"
    "generic": "people children adults women men girls boys teenagers victims survivors pupils "
               "students those anyone someone person parents carers young",
    "advice": "if signs sign should may might advice tips information worried concerned support "
              "often many most",
}
# Word endings taken off before a word is weighed, so "hitting" and "hit", "worries" and
# "worry", "bullied" and "bully" are one word to the classifier (the concepts above are
# looked up before this). Words of four letters or fewer are kept whole ("hits", "this").
SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
STEMS_KEPT = 20_000  # stems remembered
# Pairs of these words alone tell a reader nothing ("so i", "and he"): they are never a
# message's telling words, so the classifier does not speak alone on them ("NO he never came
# round so i had to get a taxi").
_FUNCTION = """i me my so and to a an the it of in on at is was had have has be been that this
then but or if as for with he she they we you him her them just"""  # not "do it", "did it"
FUNCTION_WORDS = frozenset(_FUNCTION.split())
CONCEPT_OF: dict[str, tuple[str, ...]] = {}
for _name, _words in CONCEPTS.items():
    for _word in _words.split():
        CONCEPT_OF[_word] = (*CONCEPT_OF.get(_word, ()), _name)


@lru_cache(maxsize=STEMS_KEPT)
def stem(word: str) -> str:
    """The word without an inflection ("hitting" -> "hit", "worries" -> "worry"); short
    words, words with digits and words ending "ss" are kept as they are."""
    if len(word) <= 4 or not word.isalpha() or word.endswith("ss"):
        return word
    for suffix, replacement in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)] + replacement
            return base[:-1] if base[-1] == base[-2] and base[-1] not in "lsz" else base
    return word


def features(words: Sequence[str]) -> set[str]:
    """What the classifier looks at: each word's stem, each pair of neighbouring stems,
    each concept of a sentence and each pair of concepts met in one sentence."""
    found: set[str] = set()
    previous = END
    concepts: set[str] = set()
    for word in [*words, END]:
        if word == END:
            found.update("g:" + name for name in concepts)
            found.update(f"gg:{a}+{b}" for a in concepts for b in concepts if a < b)
            previous, concepts = END, set()
            continue
        stemmed = stem(word)
        found.add("w:" + stemmed)
        if previous != END:
            found.add(f"b:{previous} {stemmed}")
        concepts.update(CONCEPT_OF.get(word, ()))
        previous = stemmed
    return found


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
        weight = sum(self.weights.get(f, 0.0) for f in found)
        total = weight / math.sqrt(max(len(found), FEWEST_FEATURES))
        return 1.0 / (1.0 + math.exp(-(self.bias + total)))

    def group(self, found: Iterable[str]) -> str:
        """The likeliest concern, one of `groups`."""
        scores = list(self.group_bias)
        for feature in found:
            for i, weight in enumerate(self.group_weights.get(feature, ())):
                scores[i] += weight
        return self.groups[max(range(len(scores)), key=scores.__getitem__)]

    def telling(self, found: Iterable[str], words: Sequence[str], count: int = 4) -> list[str]:
        """The words and word pairs of the message (`words`, as weighed) that pushed the
        score up most (for the alert email)."""
        telling = [f for f in found if self.weights.get(f, 0) > 0
                   and ((f.startswith("b:") and not FUNCTION_WORDS.issuperset(f[2:].split()))
                        or (f.startswith("w:") and len(f) > 5))]
        ranked = sorted(telling, key=lambda f: -self.weights[f])
        as_written = {stem(word): word for word in reversed(words)}  # the first of each stem
        return [" ".join(as_written.get(part, part) for part in f[2:].split())
                for f in ranked[:count]]


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
