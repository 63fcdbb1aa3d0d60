"""What councillors read of residents' own words: redacted, and a few that stand for many.

Reasons are redacted before anyone sees them: phone numbers (in digits or words), email
addresses, postcodes and house addresses (conversations/records.py `redact`), then
names. A name is a capitalised word inside a sentence that is neither a word the council
itself uses (entry titles, ward names) nor an everyday capitalised word; words after
"Mr", "Mrs", "my name is", "I'm" and `@handles` always are, and the word after "my name
is" too, whatever its case. This errs on the side of hiding too much.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from conversations.records import redact

SAMPLE = 200  # the most recent reasons of a group that representatives are chosen from
ALIKE = 70.0  # reasons this alike (token_set_ratio) say the same thing
SHOWN_LENGTH = 160
NAME = "[name]"
def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


EVERYDAY = word_set("""
i i'm i've i'd i'll im ive id ill ok okay mr mrs ms miss dr sir madam
monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december christmas easter
council councillor councillors mp nhs gp uk england english britain british london
god jesus please thanks thank yes no
""")
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor)\.?\s+[A-Z][\w'-]*"
                    r"(?:\s+[A-Z][\w'-]*)?")
_SELF = re.compile(r"\b(my name is|my names|my name's|i am called|call me|i'?m|this is)\s+"
                   r"([A-Z][\w'-]*)", re.IGNORECASE)
# after "my name is", the next word too ("my name is sarah connor"), whatever its case
_FULL_NAME = re.compile(r"\b((?:my name is|my names|my name's|i am called|call me)\s+"
                        + re.escape(NAME) + r")\s+(?!and\b|i\b|from\b|of\b)[a-z][\w'-]*",
                        re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@\w{2,}")
_WORD = re.compile(r"[A-Za-z][\w'-]*")
_SENTENCE_END = re.compile(r"[.!?]\s*$")


def known_words(texts: Iterable[str]) -> frozenset[str]:
    """Words the council itself uses (entry titles, ward names), which are never names."""
    return frozenset(w.lower() for text in texts for w in _WORD.findall(text))


def redact_reason(text: str, known: frozenset[str] = frozenset()) -> str:
    """A reason with contact details and names replaced by placeholders."""
    text = redact(text)
    text = _HANDLE.sub("[handle]", text)
    text = _TITLE.sub(NAME, text)
    text = _SELF.sub(lambda m: f"{m.group(1)} {NAME}" if m.group(2)[0].isupper()
                     or m.group(1).lower().startswith("my name") else m.group(0), text)
    text = _FULL_NAME.sub(r"\1", text)
    return _hide_capitalised(text, known)


def _hide_capitalised(text: str, known: frozenset[str]) -> str:
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        before = text[:match.start()]
        starts_sentence = not before.strip() or bool(_SENTENCE_END.search(before))
        hidden = (word[0].isupper() and not starts_sentence and not word.isupper()
                  and word.lower().removesuffix("'s") not in known
                  and word.lower() not in known and word.lower() not in EVERYDAY)
        out.append(text[last:match.start()])
        out.append(NAME if hidden else word)
        last = match.end()
    out.append(text[last:])
    joined = "".join(out)
    return re.sub(rf"{re.escape(NAME)}(?:[\s'-]+{re.escape(NAME)})+", NAME, joined)


def shorten(text: str, limit: int = SHOWN_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1].rsplit(" ", 1)[0]
    return head.rstrip(" ,;:-") + "…"


def representative(reasons: Sequence[str], count: int = 3) -> list[tuple[str, int]]:
    """Up to `count` reasons that stand for the most others, with how many (of the most
    recent SAMPLE) say much the same; newest first within a group of alike reasons."""
    sample = [r for r in reasons[:SAMPLE] if r and r.strip()]
    seeds: list[str] = []
    members: list[list[str]] = []
    for reason in sample:
        folded = reason.lower()
        found = process.extractOne(folded, seeds, scorer=fuzz.token_set_ratio,
                                   score_cutoff=ALIKE) if seeds else None
        if found is None:
            seeds.append(folded)
            members.append([reason])
        else:
            members[found[2]].append(reason)
    ranked = sorted(members, key=lambda group: -len(group))
    return [(min(group[:5], key=len), len(group)) for group in ranked[:count]]
