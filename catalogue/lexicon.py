"""The words people use, mapped to the words councils use: rules kept as data.

Two plain-text files in `catalogue/data/` hold the rules, one per line:

    spellings.txt   wrong, other wrong => right words     (replaces what was written)
    lexicon.txt     phrase, other phrase => council words, other council words
                    (adds to what was written; commas separate alternative targets)
                    phrase => -   (the phrase is not about council services)

A spelling rule rewrites the message before anything else ("skool" => "school",
"u" => "you"). A lexicon rule keeps the person's words and adds the council's
("skint" => "money debt hardship benefits"); added words count a little less than
written ones. Phrases match after stemming, so "kicked out" also matches "kicking me
out". Lines starting with `#` are comments. See the header of each file.

Loading never stops over a mistake in the rules (a council's assistant must keep
running); instead each is logged as a warning and kept in `Lexicon.problems`, naming the
file and line: a phrase that is only small words (ignored), a phrase of several words that
shrinks to one ("our block" -> "block", so it fires on any message with that word), a
right side with no words that count, and the same phrase given twice with different
words (only the first lexicon line, or the last spelling line, is used).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from catalogue.normalise import FILLER, PARTICLES, STOPWORDS, fold, split_digits, stem, tokens

DATA_FILES = ("spellings.txt", "lexicon.txt")
OFF_TOPIC_MARK = "-"  # the right side of a "not about council services" rule

log = logging.getLogger("localsupport.lexicon")


class LexiconError(ValueError):
    """A rule file line that cannot be read; names the file and line."""


Targets = tuple[tuple[str, ...], ...]  # alternative council phrasings, each a tuple of stems


@dataclass(frozen=True)
class Rule:
    """`pattern` (stems, in order) adds `targets` (alternatives, each some stems) to a query."""

    pattern: tuple[str, ...]
    targets: Targets

    @property
    def adds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for target in self.targets for s in target))


@dataclass(frozen=True)
class Firing:
    """A rule that matched the query: `positions` of the matched stems, and what it adds."""

    positions: tuple[int, ...]
    targets: Targets

    @property
    def off_topic(self) -> bool:
        """An `=> -` rule: the words are about something no council service covers."""
        return not self.targets

    @property
    def adds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for target in self.targets for s in target))


@dataclass
class Lexicon:
    spellings: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    rules: dict[str, list[Rule]] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)  # surface words of spelling and topical rules
    off_topic_words: set[str] = field(default_factory=set)  # words of "=> -" phrases
    longest: int = 1  # words in the longest spelling rule
    _starts: set[str] = field(default_factory=set)  # first words of spelling rules
    backoffice: tuple[str, ...] = ()  # folded title beginnings of back-office entries
    problems: list[str] = field(default_factory=list)  # rule mistakes found when loading

    # -- loading ----------------------------------------------------------------------------

    @classmethod
    def default(cls) -> Lexicon:
        """The rules shipped in the package (catalogue/data/*.txt), read once per process.

        The result is shared: build your own with `from_texts` to change rules.
        """
        return _shipped()

    @classmethod
    def from_files(cls, spellings: Path, lexicon: Path) -> Lexicon:
        return cls.from_texts(
            spellings.read_text(encoding="utf-8"), lexicon.read_text(encoding="utf-8"),
            names=(str(spellings), str(lexicon)),
        )

    @classmethod
    def from_texts(
        cls, spellings: str = "", lexicon: str = "",
        names: tuple[str, str] = ("spellings.txt", "lexicon.txt"),
    ) -> Lexicon:
        """Rules from the texts of the two files; mistakes are logged and kept in
        `problems` (file and line each), never raised, except a line that cannot be read."""
        lex = cls()
        lex.load_spellings(spellings, names[0])
        lex.load_rules(lexicon, names[1])
        for message in lex.problems:
            log.warning("%s", message)
        return lex

    def load_spellings(self, text: str, name: str) -> None:
        """Add the rules of a spellings file; its mistakes go to `problems`."""
        seen = _FirstSeen(name, "only the later line is used")
        for number, lefts, right in parse_rules(text, name):
            for left in lefts:
                key = self.add_spelling(left, right)
                if not key:
                    self.problems.append(f"{name} line {number}: {left!r} has no words "
                                         "once folded, so it is ignored")
                    continue
                self.problems.extend(seen.check(key, number, left, self.spellings[key]))

    def load_rules(self, text: str, name: str) -> None:
        """Add the rules of a lexicon file; its mistakes go to `problems`."""
        seen = _FirstSeen(name, "only the first line is used")
        for number, lefts, right in parse_rules(text, name):
            for left in lefts:
                rule, found = self.make_rule(left, right)
                self.problems.extend(f"{name} line {number}: {p}" for p in found)
                if rule is not None:
                    self.insert(rule)
                    self.problems.extend(
                        seen.check(rule.pattern, number, left, frozenset(rule.targets)))

    def add_spelling(self, wrong: str, right: str) -> tuple[str, ...]:
        """`wrong => right`; returns the folded words matched (empty: nothing to match)."""
        key = tuple(tokens(wrong))
        if key:
            self.spellings[key] = tuple(tokens(right))
            self.longest = max(self.longest, len(key))
            self._starts.add(key[0])
            self.words.update(tokens(right))
        return key

    def add_rule(self, phrase: str, council_words: str) -> list[str]:
        """`phrase => council words`; `phrase => -` marks a phrase as not about services.
        Returns what is wrong with the rule (see `make_rule`)."""
        rule, problems = self.make_rule(phrase, council_words)
        if rule is not None:
            self.insert(rule)
        return problems

    def make_rule(self, phrase: str, council_words: str) -> tuple[Rule | None, list[str]]:
        """The rule for one phrase (None: only small words, it would fire on almost any
        message) and its problems; records the words it knows."""
        written = [w for w in self.rewrite(tokens(phrase)) if w not in FILLER]
        pattern = tuple(stem(w) for w in written)
        targets = tuple(
            t for t in (tuple(dict.fromkeys(self.stems(part))) for part in council_words.split(","))
            if t
        )
        common = PARTICLES | STOPWORDS
        if (not pattern or all(w in common for w in written)
                or (len(pattern) == 1 and pattern[0] in common)):
            return None, [f"{phrase!r} is only small words once normalised, so it is "
                          "ignored: write the words that matter"]
        problems: list[str] = []
        if len(pattern) == 1 and len(self.rewrite(tokens(phrase))) > 1:
            problems.append(
                f"{phrase!r} shrinks to one word, {pattern[0]!r}, once small words are "
                "dropped, so it fires on any message with that word: make it more "
                "specific, or drop it")
        if not targets and council_words.strip() != OFF_TOPIC_MARK:
            problems.append(
                f"the right side {council_words!r} has no words that count, so {phrase!r} "
                f"is treated as not about council services: write council words, or "
                f"{OFF_TOPIC_MARK!r} if that is meant")
        known = self.off_topic_words if not targets else self.words
        known.update(self.rewrite(tokens(phrase)))
        self.words.update(self.rewrite(tokens(council_words)))
        return Rule(pattern, targets), problems

    def insert(self, rule: Rule) -> None:
        bucket = self.rules.setdefault(rule.pattern[0], [])
        bucket.append(rule)
        bucket.sort(key=lambda r: -len(r.pattern))

    # -- applying ---------------------------------------------------------------------------

    def rewrite(self, words: Sequence[str]) -> list[str]:
        """Apply spelling rules (longest phrase first) to folded words."""
        out: list[str] = []
        i = 0
        spellings, starts = self.spellings, self._starts
        while i < len(words):
            word = words[i]
            size = 0
            if word in starts:
                for size in range(self.longest, 0, -1):
                    key = tuple(words[i: i + size])
                    if len(key) == size and key in spellings:
                        out.extend(spellings[key])
                        break
                else:
                    size = 0
            if not size:
                parts = split_digits(word)
                out.extend(self.rewrite(parts) if len(parts) > 1 else parts)
                size = 1
            i += size
        return out

    def stems(self, text: str) -> list[str]:
        """The content stems of `text` after spelling rules (stop words dropped)."""
        return [stem(w) for w in self.rewrite(tokens(text)) if w not in STOPWORDS]

    def phrase_stems(self, text: str) -> list[str]:
        """The stems phrases are matched on: only filler words ("the", "my") dropped."""
        return [stem(w) for w in self.rewrite(tokens(text)) if w not in FILLER]

    def expand(self, stems: Sequence[str]) -> list[Firing]:
        """Every rule whose pattern occurs in `stems`, in order, with at most GAP other
        stems between two of its words; longer patterns win overlaps."""
        firings: list[Firing] = []
        taken = [False] * len(stems)
        for i, first in enumerate(stems):
            for rule in self.rules.get(first, ()):
                positions = _find(rule.pattern, stems, i)
                if positions and not all(taken[p] for p in positions):
                    firings.append(Firing(positions, rule.targets))
                    for p in positions:
                        taken[p] = True
        return firings

    def is_backoffice(self, title: str) -> bool:
        folded = fold(title)
        return any(folded.startswith(prefix) for prefix in self.backoffice)

    def __len__(self) -> int:
        return len(self.spellings) + sum(len(b) for b in self.rules.values())


@lru_cache(maxsize=1)
def _shipped() -> Lexicon:
    folder = resources.files("catalogue") / "data"
    lex = Lexicon.from_texts(
        spellings=(folder / "spellings.txt").read_text(encoding="utf-8"),
        lexicon=(folder / "lexicon.txt").read_text(encoding="utf-8"),
    )
    lex.backoffice = parse_list((folder / "backoffice.txt").read_text(encoding="utf-8"))
    return lex


GAP = 2  # other words allowed between two words of a phrase ("top up payment for rent")


def _find(pattern: tuple[str, ...], stems: Sequence[str], start: int) -> tuple[int, ...]:
    """Positions of `pattern` in `stems` starting at `start` (first word already there)."""
    positions = [start]
    for word in pattern[1:]:
        last = positions[-1]
        for j in range(last + 1, min(len(stems), last + 2 + GAP)):
            if stems[j] == word:
                positions.append(j)
                break
        else:
            return ()
    return tuple(positions)


def parse_list(text: str) -> tuple[str, ...]:
    """The folded, non-comment lines of a list file."""
    lines = (fold(raw.split("#", 1)[0]) for raw in text.splitlines())
    return tuple(line for line in lines if line)


@dataclass
class _FirstSeen:
    """Where each left-hand side was first given, to report one given again differently."""

    name: str
    which: str  # which of two lines with the same left side is used
    first: dict[tuple[str, ...], tuple[int, str, object]] = field(default_factory=dict)

    def check(self, key: tuple[str, ...], number: int, phrase: str, meaning: object) -> list[str]:
        line, earlier, said = self.first.setdefault(key, (number, phrase, meaning))
        if said == meaning:
            return []
        return [f"{self.name} line {number}: {phrase!r} is the same as {earlier!r} on line "
                f"{line} once normalised, with other words on the right; {self.which}: "
                "merge them into one line"]


def parse_rules(text: str, name: str) -> Iterable[tuple[int, list[str], str]]:
    """Yield (line number, [left phrases], right words) for every rule line of a rule file."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.count("=>") != 1:
            raise LexiconError(f"{name} line {number}: expected 'phrase => words', got {raw!r}")
        left, right = (part.strip() for part in line.split("=>"))
        lefts = [p.strip() for p in left.split(",") if p.strip()]
        if not lefts or not right:
            raise LexiconError(f"{name} line {number}: both sides of '=>' need words: {raw!r}")
        yield number, lefts, right
