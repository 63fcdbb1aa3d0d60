"""Finding the need inside a message: its sentences and clauses, and how much each counts.

Real messages tell a story before they ask ("My hours got cut and the rent's gone up
again, because the landlord... What can I do?"). The need is usually in the first
sentence, in a question, or in the main part of a sentence; what follows "because",
"since", "when", "which" or "who" is background ("the bin men stopped collecting our bin
because they won't walk through the garden full of dog mess"). `clauses` cuts a message
into pieces with a weight each, which the matcher multiplies into the importance of the
words found there (matcher.py). A one-sentence message without such words is one clause
of weight 1, so short messages are read exactly as before.
"""

from __future__ import annotations

import re

FIRST, ASKED, TOLD, ASIDE = 1.0, 1.0, 0.8, 0.4  # see `clauses`
POINTING = 0.6  # a short question after a story that points back at it ("can they do that?")
SHORT = 8  # words in a question short enough to be only pointing back

_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+|\s[-\u2013\u2014]\s|\.\.+")
_WORD = re.compile(r"[A-Za-z']+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that open background inside a sentence ("...because...", "...who is autistic").
SUBORDINATORS = _words("""
because cos coz cuz since when whenever while whilst although though which who whose
until unless where whereas
""")
# ... and at the start of a story sentence, before its first comma ("If ..., ").
LEADING = _words("if as after since once")
# ... unless it asks something itself ("I don't know who to ask", "where do I report").
ASKS_ABOUT = _words("to do does can could should would will deals fixes")
# Words by which a question points back at the story told before it ("get rid of them").
POINTERS = _words("it them this that they these those he she him her its their")
# First words of a question or request that has no question mark ("can anyone help").
ASKING = _words("""
what how who where when which why can could do does did is are should would will any
anyone anybody please pls plz help advice i'd id need want looking wondering
""")


def sentences(text: str) -> list[str]:
    """The message cut after . ! ? ; and line breaks, and at dashes between words."""
    return [part.strip() for part in _SENTENCES.split(text) if part and part.strip()]


_NOT_AM_I = r"(?!\s+i\b)"  # "my son is 5 am i entitled": an age, then a question
_CLOCK = re.compile(r"(?<![£$.\d])\b\d{1,2}[.:]\d{2}\s*(?:am|pm)?\b|\b\d{1,2}\s*(?:am|pm)\b"
                    + _NOT_AM_I + r"|\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)


_NIGHT = re.compile(r"(?:\bat\s+)?(?<![£$.\d])\b(?:11(?:[.:]\d{2})?\s*pm|(?:12|[1-5])(?:[.:]\d{2})?"
                    r"\s*am)\b" + _NOT_AM_I, re.IGNORECASE)


def without_clocks(text: str) -> str:
    """`text` without times of day ("8.15 pm", "2am"), whose dot would end a sentence and
    whose numbers look like ages or amounts, and with ordinals as plain numbers ("3rd").
    A time in the night (11pm to 5am) becomes "at night" ("music at 3am", "home at 2am")."""
    text = _NIGHT.sub(" at night ", text)
    return _CLOCK.sub(lambda m: m.group(1) or " ", text)


def clauses(text: str) -> list[tuple[str, float]]:
    """(piece of text, weight): a question or request (ASKED) is kept whole; the first
    sentence of a story counts FIRST up to its first comma, the rest of the story TOLD,
    and what follows a subordinating word in a story ("because...") or a leading
    "If ..., " part ASIDE."""
    out: list[tuple[str, float]] = []
    first = True  # the first main part of the first sentence is still to come
    for number, sentence in enumerate(sentences(text)):
        words = _WORD.findall(sentence.lower())
        if not words:
            continue
        if sentence.endswith("?") or words[0] in ASKING:
            points = number > 0 and len(words) <= SHORT and not POINTERS.isdisjoint(words)
            out.append((sentence, POINTING if points else ASKED))
            first = False
            continue
        for part, aside in _background(sentence):
            if aside:
                out.append((part, ASIDE))
                continue
            out.append((part, FIRST if first and number == 0 else TOLD))
            first = False
    return out


def _background(sentence: str) -> list[tuple[str, bool]]:
    """A story sentence cut at commas and before subordinating words: (part, is it
    background)."""
    parts: list[tuple[str, bool]] = []
    for number, piece in enumerate(p for p in sentence.split(",") if p.strip()):
        tokens = piece.split()
        lead = tokens[0].lower()
        if number == 0 and lead in SUBORDINATORS | LEADING and "," in sentence:
            parts.append((piece, True))
            continue
        for i, token in enumerate(tokens[1:], start=1):
            after = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
            if token.lower() in SUBORDINATORS and after not in ASKS_ABOUT:
                parts += [(" ".join(tokens[:i]), False), (" ".join(tokens[i:]), True)]
                break
        else:
            parts.append((piece, False))
    return parts
