"""The SMS alphabet and its budget: GSM-7 text, septets, segments, and cutting a text to
fit. Pure and transport-free, so the conversations can check a text fits two segments
(a council response, an alert) and bot/render.py can lay SMS out with it."""

from __future__ import annotations

import re
import unicodedata

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€")
_GSM7 = GSM7_BASIC | GSM7_EXTENDED
_EXTENDED = re.compile("[" + re.escape("".join(sorted(GSM7_EXTENDED))) + "]")
_SPACES = re.compile(r" {2,}")
SINGLE_SEGMENT = 160
MULTI_SEGMENT = 153
SMS_MAX_SEGMENTS = 2

_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u00a0": " ", "\u2022": "-", "\u00b7": "-", "\t": " ",
    "\u00bd": "1/2", "\u00bc": "1/4", "\u00be": "3/4",
    "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0152": "OE", "\u0153": "oe",
    "\u0131": "i", "\u00de": "Th", "\u00fe": "th", "\u00f0": "d",
}


def to_gsm7(text: str) -> str:
    """Text in the GSM-7 alphabet: smart punctuation straightened, accents dropped where
    GSM-7 lacks them, anything else (emoji, other scripts) left out."""
    if _GSM7.issuperset(text):  # the usual case, and ~20x faster than the loop below
        return _SPACES.sub(" ", text)
    out = []
    for char in text:
        char = _REPLACEMENTS.get(char, char)
        if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in char):
            out.append(char)
            continue
        plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append("".join(c for c in plain if c in GSM7_BASIC or c in GSM7_EXTENDED))
    return _SPACES.sub(" ", "".join(out))


def septets(text: str) -> int:
    """GSM-7 length: the extended characters take two septets (escape + character)."""
    return len(text) + len(_EXTENDED.findall(text))


def segments(text: str) -> int:
    """How many SMS segments a GSM-7 text takes."""
    length = septets(text)
    if length <= SINGLE_SEGMENT:
        return 1
    return -(-length // MULTI_SEGMENT)


def fit(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` septets at a word boundary, marking the cut."""
    if septets(text) <= limit:
        return text
    cut = text
    while septets(cut) > limit - 3:
        cut = cut[: max(0, len(cut) - max(1, septets(cut) - limit + 3))]
    head, _, _ = cut.rpartition(" ")
    return (head or cut).rstrip(" ,;:-") + "..."
