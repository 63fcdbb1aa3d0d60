"""UK postcodes, parsed: outward and inward codes, and the area, district, sector and unit.

"M1 4AE": area "M", district "M1" (the outward code), sector "M1 4", unit "M1 4AE". The
space is where the outward code ends, so a sector ("M1 4") and a district ("M14") never
look alike once parsed, whatever case or spacing people type. The rules are the Royal
Mail format: the outward code is a letter or two, a digit, then a digit or a letter; the
inward code a digit and two letters. An area never starts with Q, V or X, nor has I or J
second. Two things are let through on purpose: "ZZ" as an area (the sample council's
made-up postcodes, catalogue/sample/README.md) and any inward letters (Royal Mail never
uses C, I, K, M, O or V there, but the examples people are shown, "AB1 2CD", do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Level = Literal["unit", "sector", "district"]
LEVELS: tuple[Level, ...] = ("unit", "sector", "district")  # the order a lookup tries

_OUTWARD = r"(?P<area>[A-PR-UWYZ][A-HK-Z]?)(?P<rest>\d[A-Z\d]?)"
_UNIT = re.compile(_OUTWARD + r"(?P<sector>\d)(?P<unit>[A-Z]{2})")
_SECTOR = re.compile(rf"{_OUTWARD} (?P<sector>\d)")
_DISTRICT = re.compile(_OUTWARD)
_LETTER_AFTER_DIGIT = re.compile(r"[A-Z]{1,2}\d[A-Z]")  # W1A, EC1V: a single digit first
GIRO = "GIR0AA"  # the one postcode outside the rules
# what may come before a postcode sent on its own: "my postcode is ZZ1 1AA", "its B1 1AA"
_LEAD_IN = re.compile(r"^(?:(?:my |the )?post ?code(?: is|'?s)?:?|it'?s|it is|i'?m in|"
                      r"i am in|i live (?:at|in))\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Postcode:
    """A full postcode (unit) or one of its prefixes, as a lookup row may give it."""

    outward: str  # "M1"
    inward: str  # "4AE" for a unit, "4" for a sector, "" for a district
    area: str  # "M"

    @property
    def level(self) -> Level:
        if len(self.inward) == 3:
            return "unit"
        return "sector" if self.inward else "district"

    @property
    def district(self) -> str:
        return self.outward

    @property
    def sector(self) -> str | None:
        return f"{self.outward} {self.inward[0]}" if self.inward else None

    @property
    def unit(self) -> str | None:
        return str(self) if self.level == "unit" else None

    def __str__(self) -> str:
        return f"{self.outward} {self.inward}" if self.inward else self.outward

    def lookup_keys(self) -> list[str]:
        """This code and what contains it, most precise first: unit, sector, district."""
        return [key for key in (self.unit, self.sector, self.district) if key]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def parse_postcode(text: str) -> Postcode | None:
    """A full UK postcode in any case and spacing ("m14ae", " M1  4AE "), or None. A space,
    when given, must be where the inward code starts."""
    words = text.upper().split()
    if len(words) == 2 and not re.fullmatch(r"\d[A-Z]{2}", words[1]):
        return None  # a space in the wrong place ("M1 44AE") is not moved
    code = "".join(words)
    if code == GIRO:
        return Postcode("GIR", "0AA", "GIR")
    match = _UNIT.fullmatch(code)
    if match is None or not _outward_ok(match["area"] + match["rest"]):
        return None
    return Postcode(match["area"] + match["rest"], match["sector"] + match["unit"],
                    match["area"])


def postcode_alone(text: str) -> Postcode | None:
    """The postcode of a message that says nothing else ("ZZ1 1AA", "my postcode is b1 1aa."),
    or None."""
    return parse_postcode(_LEAD_IN.sub("", text.strip().rstrip(".!?, ")))


def parse_prefix(text: str) -> Postcode | None:
    """A full postcode, a sector ("M1 4", the space needed to tell it from a district) or
    a district ("M14"), as a lookup row gives it; None when it is none of these."""
    full = parse_postcode(text)
    if full is not None:
        return full
    words = text.upper().split()
    if len(words) == 2:
        match = _SECTOR.fullmatch(" ".join(words))
        if match and _outward_ok(match["area"] + match["rest"]):
            return Postcode(match["area"] + match["rest"], match["sector"], match["area"])
        return None
    if len(words) == 1:
        match = _DISTRICT.fullmatch(words[0])
        if match and _outward_ok(words[0]):
            return Postcode(words[0], "", match["area"])
    return None


def _outward_ok(outward: str) -> bool:
    """A letter after the digits only follows a single digit (W1A, EC1V; never W12A)."""
    if outward[-1].isalpha():
        return _LETTER_AFTER_DIGIT.fullmatch(outward) is not None
    return True
