"""Spotting a person in danger, so crisis contacts come first whatever else they asked.

The phrases are data (`safeguarding_phrases.txt` beside this file) so a council's
safeguarding lead can read and extend them; the file's header explains its small syntax.
A message is tidied (lower case, apostrophes dropped, text-speak expanded: "i wanna kms"
becomes "i want to kill myself"), then every phrase is tried against its words, with
misspellings of the words marked `~` tolerated. A danger phrase that overlaps an
`[ordinary]` phrase ("suicide squad", "kill time") does not count.

A phrase marked `?` in the file is a bare topic ("self-harm", "overdose") that people also
use when talking about the subject; it counts only when the classifier
(safeguarding_model.py) also leans towards danger. So does any danger phrase in a sentence
a `[topic]` phrase frames as talk about other people ("young people who have been
groomed", "if you find someone who has taken an overdose") when the sentence has no word of
the first person (I, me, my, we, our). The classifier alone, above the threshold
chosen when it was trained, counts too: the rules catch what is named, the classifier what
is described.

`assess` says why (category, phrase or the classifier's telling words); `in_danger` is the
yes/no the engine uses; `GROUP_OF` says which helplines a category calls for (crisis.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise

from rapidfuzz.distance import OSA

from conversations.crisis import GENERAL
from conversations.safeguarding_model import Model, default_model, features

PHRASES_FILE = "safeguarding_phrases.txt"
GAP = 3  # how many words `...` may stand for
MIN_WORDS = 3  # the classifier alone does not speak for a message shorter than this ("help me")
MISSPELT_KEPT = 20_000  # misspelling look-ups remembered before starting afresh
CRISIS_TEXT = GENERAL  # the helplines for any concern (conversations/crisis.py has the rest)
ORDINARY = "ordinary"
FIRST_PERSON = frozenset({"i", "me", "my", "myself", "mine", "we", "us", "our", "ourselves"})
# A sentence naming one person ("she is going to kill herself tonight", "a girl who lives
# next door is being beaten by her dad") is about someone at risk now, never a topic.
SOMEONE = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})
TOPIC = "topic"  # phrases that frame a sentence as talk about others ("people who", "if you")
WEAK = "?"  # marks a phrase that is a bare topic (see the module docstring)
CLASSIFIER = "(classifier)"  # Concern.phrase when the classifier alone raised the concern
IMAGES = "nude images"  # a category of its own for sexual images (`image_abuse`)
# which helplines each category of the phrase file (or the classifier's guess) calls for
GROUP_OF = {
    "suicide": "suicide", "self-harm": "suicide", "immediate danger": "immediate",
    "abuse at home": "child", "sexual abuse or exploitation": "child",
    "child at risk": "child", "running away": "child",
    "domestic abuse": "domestic abuse", "forced marriage": "domestic abuse",
    "unsafe or threatened": "unsafe", "someone else at risk": "unsafe",
    "going without food": "hunger", "thrown out of home": "thrown out",
    "fallen or collapsed": "fall", "abuse of an older or disabled adult": "adult",
    "older or disabled adult not seen": "welfare", IMAGES: "online",
    "child": "child", "unsafe": "unsafe",
}
_IMAGES = re.compile(r"\b(?:nudes?|nudez|pics?|pix|pictures?|photos?|images?|videos?|vids?|"
                     r"snaps?)\b")
_CONTACT = re.compile(r"\b(?:touch\w*|grop\w*|raped?|abus\w*|fondl\w*)\b")  # not only images
_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_WORD = re.compile(r"[a-z0-9]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SENTENCES = re.compile(r"[.!?;\n]+")
END = "$"  # stands for the end of a sentence or of the message
# Words too common to file a phrase under (any other required word of it is used instead).
COMMON = frozenset({END, "i", "we", "me", "us", "my", "our", "you", "your", "a", "an", "the",
                    "to", "of", "in", "on", "at", "is", "am", "are", "was", "be", "been",
                    "being", "do", "not", "and", "it", "he", "she", "they", "want", "have"})


@dataclass(frozen=True)
class Concern:
    """Why a message was taken as a sign of danger."""

    category: str  # the section of the phrase file, e.g. "suicide", "abuse at home"
    phrase: str  # the phrase as written in the file, or CLASSIFIER
    words: str  # the words of the (tidied) message that matched it, or that weighed most
    weak: bool = False  # a bare topic phrase: needs the classifier to agree

    @property
    def group(self) -> str:
        """Which helplines this concern calls for: suicide, immediate, fall, child,
        online, domestic abuse, adult, welfare, hunger, thrown out or unsafe
        (conversations/crisis.py)."""
        return GROUP_OF.get(self.category, "unsafe")


class PhraseError(ValueError):
    """A line of the phrase file that cannot be read; names the line."""


@dataclass(frozen=True)
class Slot:
    words: frozenset[str]
    optional: bool = False
    gap: bool = False


@dataclass(frozen=True)
class Phrase:
    category: str
    source: str
    slots: tuple[Slot, ...]
    weak: bool = False

    def match(self, forms: Sequence[frozenset[str]], start: int) -> int | None:
        """End (exclusive) of a match starting at word `start`, or None."""
        return _match(self.slots, 0, forms, start)

    def starts(self, forms: Sequence[frozenset[str]],
               positions: dict[str, list[int]]) -> Iterable[int]:
        """Where a match could start: where its first word is, when that word must be
        (`positions`: where each word of `forms` is)."""
        first = self.slots[0]
        if first.gap or first.optional:
            return range(len(forms))
        return sorted({i for word in first.words & positions.keys() for i in positions[word]})


def _match(
    slots: tuple[Slot, ...], k: int, forms: Sequence[frozenset[str]], pos: int
) -> int | None:
    if k == len(slots):
        return pos
    slot = slots[k]
    if slot.gap:
        for skip in range(min(GAP, len(forms) - pos) + 1):
            end = _match(slots, k + 1, forms, pos + skip)
            if end is not None:
                return end
        return None
    if pos < len(forms) and not slot.words.isdisjoint(forms[pos]):
        end = _match(slots, k + 1, forms, pos + 1)
        if end is not None:
            return end
    return _match(slots, k + 1, forms, pos) if slot.optional else None


class Detector:
    """The compiled phrase file. `assess` is pure and safe to share between threads."""

    def __init__(self, text: str) -> None:
        self.groups: dict[str, frozenset[str]] = {}
        self.shorthand: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.real_words: set[str] = set()
        self.fuzzy: set[str] = set()
        self.danger: list[Phrase] = []
        self.ordinary: list[Phrase] = []
        self.topic: list[Phrase] = []
        self._misspelt_seen: dict[str, list[str]] = {}
        self._parse(text)
        self._longest_shorthand = max((len(k) for k in self.shorthand), default=1)
        self._danger_index = _index(self.danger)
        self._ordinary_index = _index(self.ordinary)
        self._topic_index = _index(self.topic)

    # -- reading the file -----------------------------------------------------------

    def _parse(self, text: str) -> None:
        section = ""
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            try:
                if line.startswith("[") and line.endswith("]"):
                    section = line[1:-1].strip().lower()
                elif not section:
                    raise PhraseError("a phrase before any [section]")
                else:
                    self._read_line(section, line)
            except PhraseError as error:
                where = f"{PHRASES_FILE} line {number}"
                raise PhraseError(f"{where}: {error}: {raw.strip()!r}") from None

    def _read_line(self, section: str, line: str) -> None:
        if section == "groups":
            name, eq, words = line.partition("=")
            if not eq or not name.strip() or not words.split():
                raise PhraseError("a group is written 'name = word word ...'")
            members = {w.lower() for w in words.split()}
            self.fuzzy.update(w[1:] for w in members if w.startswith("~"))
            self.groups[name.strip().lower()] = frozenset(w.lstrip("~") for w in members)
        elif section == "shorthand":
            left, eq, right = line.partition("=")
            if not eq or not tidy(left) or not tidy(right):
                raise PhraseError("shorthand is written 'short form = long form'")
            self.shorthand[tuple(tidy(left))] = tuple(tidy(right))
        elif section == "real words":
            self.real_words.update(w.lower() for w in line.split())
        else:
            weak = line.startswith(WEAK)
            body = line.removeprefix(WEAK).strip().lower()
            phrase = Phrase(section, line, tuple(self._slot(part) for part in body.split()), weak)
            if not any(not s.gap and not s.optional for s in phrase.slots):
                raise PhraseError("a phrase needs at least one word that must be there")
            kept = {ORDINARY: self.ordinary, TOPIC: self.topic}.get(section, self.danger)
            kept.append(phrase)

    def _slot(self, part: str) -> Slot:
        if part == "...":
            return Slot(frozenset(), gap=True)
        if part == END:
            return Slot(frozenset({END}))
        optional = part.startswith("(") and part.endswith(")")
        words: set[str] = set()
        for alternative in part.strip("()").split("/"):
            if alternative.startswith("@"):
                if alternative[1:] not in self.groups:
                    raise PhraseError(f"unknown group {alternative} (define it in [groups])")
                words |= self.groups[alternative[1:]]
            elif alternative.startswith("~") and _WORD.fullmatch(alternative[1:]):
                words.add(alternative[1:])
                self.fuzzy.add(alternative[1:])
            elif _WORD.fullmatch(alternative):
                words.add(alternative)
            else:
                raise PhraseError(f"cannot read {alternative!r}")
        return Slot(frozenset(words), optional=optional)

    # -- reading a message ----------------------------------------------------------

    def words(self, text: str) -> list[str]:
        """The message tidied, text-speak expanded, each sentence ending in END."""
        out: list[str] = []
        for sentence in _SENTENCES.split(text):
            tokens = tidy(sentence)
            if tokens:
                out.extend(self._expand(tokens))
                out.append(END)
        return out

    def _expand(self, tokens: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest_shorthand, len(tokens) - i), 0, -1):
                long_form = self.shorthand.get(tuple(tokens[i : i + size]))
                if long_form is not None:
                    out.extend(long_form)
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def forms(self, words: Iterable[str]) -> list[frozenset[str]]:
        """Each word with the phrase words it could be a misspelling of."""
        return [frozenset({word, *self._misspelt(word)}) for word in words]

    def _misspelt(self, word: str) -> list[str]:
        if len(word) < 5 or word in self.fuzzy or word in self.real_words:
            return []
        known = self._misspelt_seen.get(word)
        if known is not None:
            return known
        if len(self._misspelt_seen) > MISSPELT_KEPT:
            self._misspelt_seen.clear()
        self._misspelt_seen[word] = found = self._misspelt_uncached(word)
        return found

    def _misspelt_uncached(self, word: str) -> list[str]:
        found = []
        for target in self.fuzzy:
            allowed = 1 if len(target) <= 8 else 2
            if abs(len(target) - len(word)) <= allowed and (
                OSA.distance(word, target, score_cutoff=allowed) <= allowed
            ):
                found.append(target)
        return found

    def for_classifier(self, words: list[str]) -> list[str]:
        """The words the classifier weighs: misspellings of phrase words spelt right
        ("sucidal" -> "suicidal"), and the words of any [ordinary] phrase left out, a
        sentence break in their place ("my brother always beats me at fifa")."""
        forms = self.forms(words)
        spans = self._spans(self.ordinary, self._ordinary_index, forms, _positions(forms))
        out: list[str] = []
        for i, (word, form) in enumerate(zip(words, forms, strict=True)):
            if any(start <= i < end for start, end in spans):
                if out and out[-1] != END:
                    out.append(END)
                continue
            out.append(min(form - {word}, default=word))
        return out

    def assess(self, text: str) -> Concern | None:
        """The first sign of danger in `text` not explained away as ordinary (a strong
        phrase before a weak one), or None."""
        return self.assess_words(self.words(text))

    def assess_words(self, words: list[str]) -> Concern | None:
        """`assess` for a message already read by `words`. A strong phrase in a sentence
        framed as talk about others (a [topic] phrase: "people who have been groomed")
        counts as weak."""
        forms = self.forms(words)
        present = frozenset().union(*forms) if forms else frozenset()
        positions = _positions(forms)
        ordinary: list[tuple[int, int]] | None = None
        framed: set[int] | None = None
        weak: Concern | None = None
        for phrase in _candidates(self._danger_index, self.danger, present):
            if phrase.weak and weak is not None:
                continue
            for start in phrase.starts(forms, positions):
                end = phrase.match(forms, start)
                if end is None or end == start:
                    continue
                if ordinary is None:
                    ordinary = self._spans(self.ordinary, self._ordinary_index, forms, positions)
                    framed = self._framed_sentences(words, forms, positions)
                if any(s < end and start < e for s, e in ordinary):
                    continue
                matched = " ".join(w for w in words[start:end] if w != END)
                is_weak = phrase.weak or _sentence_of(words, start) in (framed or set())
                concern = Concern(phrase.category, phrase.source, matched, is_weak)
                if not is_weak:
                    return concern
                weak = weak or concern
                break
        return weak

    def _framed_sentences(self, words: list[str], forms: Sequence[frozenset[str]],
                          positions: dict[str, list[int]]) -> set[int]:
        """The sentences (numbered from 0) that a [topic] phrase frames as talk about
        others: those with no word of the first person ("I was groomed by men who ...")
        and naming no one person ("if you can help, she is going to ...")."""
        spans = self._spans(self.topic, self._topic_index, forms, positions)
        framed = {_sentence_of(words, start) for start, _ in spans}
        personal = {_sentence_of(words, i) for i, word in enumerate(words)
                    if word in FIRST_PERSON or word in SOMEONE}
        return framed - personal

    @staticmethod
    def _spans(
        phrases: list[Phrase], index: dict[str, list[int]],
        forms: Sequence[frozenset[str]], positions: dict[str, list[int]],
    ) -> list[tuple[int, int]]:
        spans = []
        for phrase in _candidates(index, phrases, positions.keys()):
            for start in phrase.starts(forms, positions):
                end = phrase.match(forms, start)
                if end is not None and end > start:
                    spans.append((start, end))
        return spans


def _sentence_of(words: list[str], position: int) -> int:
    """Which sentence (from 0) the word at `position` is in."""
    return words[:position].count(END)


def _index(phrases: list[Phrase]) -> dict[str, list[int]]:
    """Each phrase filed under the words of its most selective required slot."""
    index: dict[str, list[int]] = {}
    for number, phrase in enumerate(phrases):
        required = [s for s in phrase.slots if not s.gap and not s.optional]
        anchor = min(required, key=lambda s: (not s.words.isdisjoint(COMMON), len(s.words)))
        for word in anchor.words:
            index.setdefault(word, []).append(number)
    return index


def _positions(forms: Sequence[frozenset[str]]) -> dict[str, list[int]]:
    """Where each word (or word it could be a misspelling of) is in a message."""
    positions: dict[str, list[int]] = {}
    for i, form in enumerate(forms):
        for word in form:
            positions.setdefault(word, []).append(i)
    return positions


def _candidates(
    index: dict[str, list[int]], phrases: list[Phrase], present: Iterable[str]
) -> list[Phrase]:
    numbers = sorted({n for word in present for n in index.get(word, ())})
    return [phrases[n] for n in numbers]


def tidy(text: str) -> list[str]:
    """Lower-case ASCII words: apostrophes dropped (don't -> dont), punctuation a space,
    letters typed three or more times in a row cut to two (killl -> kill)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = _APOSTROPHES.sub("", text).encode("ascii", "ignore").decode()
    return _WORD.findall(_REPEATS.sub(r"\1\1", text))


@cache
def default_detector() -> Detector:
    """The bundled phrase file, read once."""
    text = resources.files("conversations").joinpath(PHRASES_FILE).read_text(encoding="utf-8")
    return Detector(text)


def combined(detector: Detector, model: Model, text: str) -> Concern | None:
    """Rules and classifier together: a strong phrase, a weak phrase the classifier leans
    towards, or the classifier alone above its threshold (for a message of MIN_WORDS or
    more, not counting the words an [ordinary] phrase explains, with some word or pair of
    words it weighs towards danger)."""
    words = detector.words(text)
    rule = detector.assess_words(words)
    if rule is not None and not rule.weak:
        return image_abuse(partner_violence(rule, words), words)
    weighed = detector.for_classifier(words)
    found = features(weighed)
    probability = model.probability(found)
    if rule is not None and probability >= model.weak_threshold:
        return image_abuse(rule, words)
    if probability >= model.threshold and long_enough(weighed) and \
            (telling := model.telling(found, weighed)):
        # its guess is named, but all helplines are shown; with no word or pair of the
        # message to point at ("no, he never turned up, ..." once the sayings are left
        # out), it has too little to go on (no real set's figure changed)
        return Concern(f"possibly {model.group(found)}", CLASSIFIER, ", ".join(telling))
    return None


# Violence at home by the writer's own partner, or against a mother, calls for the domestic
# abuse helpline (conversations/crisis.py) rather than the child's: "my husband found out
# and he hit me again", "mąż mnie bije", "dad hits mum". "my mums boyfriend hits me" stays
# a child's.
_SPOUSES = frozenset({"husband", "wife", "boyfriend", "girlfriend", "partner", "ex", "fiance",
                      "fiancee", "bf", "gf", "hubby"})
_SPOUSES_ABROAD = frozenset({"maz", "meza", "marido", "novio", "esposo", "pareja", "mari",
                             "copain", "ehemann", "marito", "ragazzo", "pati", "shohar",
                             "sotul", "vyras"})
_CHILDREN = frozenset({"kids", "kid", "children", "child", "baby", "babies", "son", "daughter",
                       "sons", "daughters", "toddler", "siblings", "brother", "sister"})
_MOTHERS = frozenset({"mum", "mam", "mom", "mummy", "mommy", "mother", "mums", "moms"})


def partner_violence(concern: Concern, words: Sequence[str]) -> Concern:
    if concern.category != "abuse at home":
        return concern
    hurt = set(concern.words.split()[-1:])  # who the matched words say is hurt
    own = any(a == "my" and b in _SPOUSES for a, b in pairwise(words)) and \
        not hurt & _CHILDREN  # "my boyfriend hits my kids" stays a child's
    victim = bool(hurt & _MOTHERS)
    if own or victim or _SPOUSES_ABROAD & set(words):
        return replace(concern, category="domestic abuse")
    return concern


# Nudes asked for, shared or used to threaten get the online helplines (images taken
# down, don't pay), unless someone at home or in charge of the child does it (the child's
# helplines) or a partner forces it (domestic abuse): "my stepdad makes me send him nudes".
_AROUND_THE_CHILD = frozenset({"dad", "stepdad", "mum", "mam", "mom", "stepmum", "uncle", "aunt",
                               "auntie", "brother", "stepbrother", "cousin", "grandad",
                               "granddad", "grandpa", "grandfather", "carer", "teacher", "coach",
                               "step", "father", "mother"})
NEAR = 6  # words between who is named and the images, for them to be the one asking
_FORCES = re.compile(r"\b(?:makes?|made|making|forc\w*|pressur\w*)\b")


def image_abuse(concern: Concern, words: Sequence[str]) -> Concern:
    if concern.category != "sexual abuse or exploitation" or not _IMAGES.search(concern.words) \
            or _CONTACT.search(concern.words):
        return concern
    named = set(words)
    images = [n for n, word in enumerate(words) if _IMAGES.fullmatch(word)]
    if any(word in _AROUND_THE_CHILD and any(0 < i - n <= NEAR for i in images)
           for n, word in enumerate(words)):  # "my stepdad makes me send him nudes", not
        return concern  # "a man online asks me for nudes and my mum doesnt know"
    if named & (_SPOUSES - {"ex"}) and _FORCES.search(" ".join(words)):
        return replace(concern, category="domestic abuse")
    return replace(concern, category=IMAGES)


def long_enough(weighed: Sequence[str]) -> bool:
    """Whether the classifier may speak alone for a message (its words as it weighs them)."""
    return sum(word != END for word in weighed) >= MIN_WORDS


@lru_cache(maxsize=256)  # one message is checked by the engine and again for its alert
def assess(text: str) -> Concern | None:
    """Why `text` signals danger to the person (or someone they tell us about), or None."""
    return combined(default_detector(), default_model(), text)


def remainder(text: str, concern: Concern) -> str:
    """The message without the words that raised the concern: what else it asks for
    ("i want to kill myself and i need help with rent" leaves "... help with rent")."""
    raised = set(re.split(r"[ ,]+", concern.words))
    return " ".join(w for w in default_detector().words(text) if w != END and w not in raised)


def in_danger(text: str) -> bool:
    """True when the message signals danger to the person (self-harm, abuse, being hurt)."""
    return assess(text) is not None
