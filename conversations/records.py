"""What the conversations keep in SQLite, besides the session itself.

Every table holding something about a person has `channel` and `address` columns, so
erasure (conversations/erasure.py) finds it. Tables:

- `people`: one row a person: their postcode (or that they skipped it) and its ward.
- `feedback`: "was this helpful?" answers and "rate X" scores, each with an optional comment.
- `unmet_needs`: messages the assistant found nothing for, redacted, for the digest.
- `objections`: see conversations/objections.py.
- `wards`: postcode -> ward (not personal; imported with `localsupport wards import`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlite_utils

from catalogue.storage import write
from conversations.postcodes import parse_postcode, parse_prefix, squeeze

COMMENT_LIMIT = 500
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE_IN_TEXT = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\w)\+?\(?\d(?:[\s().-]{0,2}\d){8,}(?!\w)")
# a postcode written wrong ("ZZ13 AB"): capitals only, so "the M1 is" stays
_POSTCODE_MISTYPED = re.compile(r"\b[A-Z]{1,2}\d{1,2}[A-Z]?\s?\d?[A-Z]{2}\b")
_NUMBER_WORDS = r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|double|treble|\d+)"
_SPELT_PHONE = re.compile(rf"\b{_NUMBER_WORDS}(?:[\s,.-]+{_NUMBER_WORDS}){{5,}}\b",
                          re.IGNORECASE)
_STREETS = ("road|rd|street|st|avenue|ave|lane|ln|drive|crescent|grove|gardens|terrace|"
            "mews|parade")
_WEAK_STREETS = "Close|Way|Walk|View|Green|Place|Court|Row|Square|Rise|Hill|Park"  # words too
_NOT_A_STREET_NAME = (r"(?!(?:and|the|a|an|of|to|for|on|in|at|is|are|was|more|people|"
                      r"years?|months?|weeks?|days?|hours?|minutes?|mins?|times?|bins?|"
                      r"buses|bus|cars?|kids|children|schools?|parks?|miles?|pounds?|stars?)\b)")
_ADDRESS = re.compile(
    rf"\b(?:(?:number|no\.?)\s+)?\d{{1,4}}[a-z]?,?\s+(?:{_NOT_A_STREET_NAME}[A-Za-z'-]+\s+)"
    rf"{{1,3}}(?i:{_STREETS})\b"
    rf"|\b(?:(?:[Nn]umber|[Nn]o\.?)\s+)?\d{{1,4}}[a-z]?,?\s+(?:[A-Z][a-z'-]+\s+){{1,3}}"
    rf"(?:{_WEAK_STREETS})\b"
    rf"|\b(?i:flat|apartment|apt)\s*\d+[a-z]?\b")


def ensure_records(db: sqlite_utils.Database) -> None:
    """Create the conversation tables that are missing (conversations/schema.py)."""
    from conversations.store import ensure_conversations

    ensure_conversations(db)


# -- postcodes and wards ------------------------------------------------------------------

def normalise_postcode(text: str) -> str:
    """The text without spaces, in upper case ("m1 4ae" -> "M14AE"); conversations/postcodes.py
    parses it properly."""
    return squeeze(text)


def looks_like_postcode(text: str) -> bool:
    """A full UK postcode, in any case and spacing."""
    return parse_postcode(text) is not None


def ward_for_postcode(db: sqlite_utils.Database, postcode: str) -> str | None:
    """The ward of a full postcode: by its unit ("M1 4AE"), else its sector ("M1 4"), else
    its district ("M1"), whichever the wards table holds; None for what is not a postcode."""
    found = ward_row_for_postcode(db, postcode)
    return found[1] if found else None


def ward_row_for_postcode(db: sqlite_utils.Database, postcode: str) -> tuple[str, str] | None:
    """(the lookup's key that matched, its ward) for a full postcode, or None."""
    code = parse_postcode(postcode)
    if code is None:
        return None
    for key in code.lookup_keys():
        row = db.execute("SELECT ward FROM wards WHERE postcode = ?", [key]).fetchone()
        if row:
            return key, str(row[0])
    return None


_IN_WARD = re.compile(
    r"^(?:(?:i|we) (?:live|am|are|'m|m) in|i'?m in|im in|it'?s in|its in|in|my ward is|"
    r"(?:the )?ward is|ward)\s+|\s+(?:ward|area|please|thanks)$")


def ward_named(db: sqlite_utils.Database, text: str) -> str | None:
    """A ward the person named instead of giving a postcode: "Millbrook", "i live in
    millbrook", "Millbrook ward", "near the park in millbrook" (one ward named in a short
    message)."""
    said = text.strip().lower().replace("\u2019", "'")
    for name in dict.fromkeys((said, _IN_WARD.sub("", said.rstrip(".!")).strip())):
        row = db.execute("SELECT ward FROM wards WHERE lower(ward) = ? LIMIT 1",
                         [name]).fetchone()
        if row:
            return str(row[0])
    # "i live near the park in riverside"; not "i dont live in riverside", "used to"
    if len(said.split()) <= 10 and not re.search(
            r"\b(?:not|dont|don't|do not|never|no longer|used to|moved)\b", said):
        named = [str(row[0]) for row in db.execute("SELECT DISTINCT ward FROM wards")
                 if re.search(rf"\b{re.escape(str(row[0]).lower())}\b", said)]
        if len(named) == 1:
            return named[0]
    return None


def save_wards(
    db: sqlite_utils.Database, rows: Mapping[str, str], *, replace: bool = False,
    ward_codes: Mapping[str, str] | None = None,
) -> int:
    """Write postcode -> ward rows in one transaction. A key is a full postcode, a sector
    ("M1 4") or a district ("M14"), in any case (conversations/postcodes.py); `ward_codes`
    gives a ward's ONS code by its name. A key that is none of these is a ValueError.
    People who gave a postcode follow the new lookup, and their objections with them (a
    corrected lookup must not leave them counted in the old ward); returns how many moved."""
    codes = ward_codes or {}
    parsed = []
    for key, ward in rows.items():
        code = parse_prefix(key)
        if code is None:
            raise ValueError(f"{key!r} is not a UK postcode, sector or district")
        parsed.append((str(code), code.level, ward, codes.get(ward)))
    with write(db):
        if replace:
            db.execute("DELETE FROM wards")
        db.conn.executemany(
            "INSERT INTO wards (postcode, level, ward, ward_code) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (postcode) DO UPDATE SET level = excluded.level, "
            "ward = excluded.ward, ward_code = excluded.ward_code", parsed)
        return _follow_postcodes(db)


def _follow_postcodes(db: sqlite_utils.Database) -> int:
    if not (db.table("people").exists() and db.table("objections").exists()):
        return 0
    moved = 0
    for channel, address, postcode, old in db.execute(
            "SELECT channel, address, postcode, ward FROM people WHERE postcode != ''"
            ).fetchall():
        new = ward_for_postcode(db, postcode)
        if new is None or new == old:
            continue  # a postcode the new lookup does not hold keeps the ward it had
        db.execute("UPDATE people SET ward = ? WHERE channel = ? AND address = ?",
                   [new, channel, address])
        db.execute("UPDATE objections SET ward = ? WHERE channel = ? AND address = ? AND "
                   "ward IS ?", [new, channel, address, old])
        moved += 1
    return moved


# -- people -------------------------------------------------------------------------------

def get_person(db: sqlite_utils.Database, channel: str, address: str) -> dict[str, Any] | None:
    rows = list(db.table("people").rows_where("channel = ? AND address = ?", [channel, address]))
    return rows[0] if rows else None


def set_postcode(
    db: sqlite_utils.Database, channel: str, address: str, postcode: str | None,
    ward: str | None, now: datetime,
) -> None:
    """Remember the person's postcode and ward; an empty postcode means they skipped it."""
    db.table("people").upsert(
        {"channel": channel, "address": address, "postcode": postcode or "", "ward": ward,
         "updated_at": now.isoformat()},
        pk=("channel", "address"),
    )


# -- feedback -----------------------------------------------------------------------------

def add_feedback(
    db: sqlite_utils.Database, channel: str, address: str, entry_id: str, now: datetime,
    *, helpful: bool | None = None, rating: int | None = None,
) -> int:
    table = db.table("feedback")
    table.insert({
        "channel": channel, "address": address, "entry_id": entry_id,
        "helpful": None if helpful is None else int(helpful), "rating": rating,
        "comment": None, "created_at": now.isoformat(),
    })
    return int(table.last_pk or 0)


def set_feedback_comment(db: sqlite_utils.Database, feedback_id: int, comment: str) -> bool:
    """Store the comment, cut to COMMENT_LIMIT characters; True when it was cut."""
    cut = len(comment) > COMMENT_LIMIT
    db.execute(
        "UPDATE feedback SET comment = ? WHERE id = ?", [comment[:COMMENT_LIMIT], feedback_id]
    )
    return cut


def feedback_summary(db: sqlite_utils.Database) -> dict[str, dict[str, float]]:
    """Per entry: helpful yes/no counts and the ratings' count and mean (for the digest)."""
    rows = db.execute(
        "SELECT entry_id, SUM(helpful = 1), SUM(helpful = 0), COUNT(rating), AVG(rating) "
        "FROM feedback GROUP BY entry_id"
    ).fetchall()
    return {
        row[0]: {"helpful": row[1] or 0, "not_helpful": row[2] or 0, "ratings": row[3] or 0,
                 "mean_rating": round(row[4], 2) if row[4] is not None else 0.0}
        for row in rows
    }


# -- unmet needs --------------------------------------------------------------------------

def redact(text: str) -> str:
    """Phone numbers (in digits or words), email addresses, UK postcodes (mistyped ones
    too) and house addresses ("14 Oak Road", "number 7") replaced by placeholders."""
    text = _EMAIL.sub("[email]", text)
    text = _POSTCODE_IN_TEXT.sub("[postcode]", text)
    text = _POSTCODE_MISTYPED.sub("[postcode]", text)
    text = _PHONE.sub(_phone_placeholder, text)
    text = _SPELT_PHONE.sub("[phone]", text)
    return _ADDRESS.sub("[address]", text)


def _phone_placeholder(found: re.Match[str]) -> str:
    """"[phone]", keeping an opening bracket the number does not close: "(07700 900123)"."""
    number = found.group()
    return "([phone]" if number.startswith("(") and ")" not in number else "[phone]"


def add_unmet_need(
    db: sqlite_utils.Database, channel: str, address: str, text: str, suggestions: int,
    now: datetime,
) -> None:
    """A message nothing fitted (`suggestions`: how many "did you mean" were offered)."""
    db.table("unmet_needs").insert({
        "channel": channel, "address": address, "text": redact(text)[:COMMENT_LIMIT],
        "suggestions": suggestions, "created_at": now.isoformat(),
    })


def unmet_needs(db: sqlite_utils.Database, since: datetime | None = None) -> list[str]:
    """Redacted unmet-need texts, oldest first (for the digest)."""
    where, args = ("created_at >= ?", [since.isoformat()]) if since else (None, [])
    return [row["text"] for row in db.table("unmet_needs").rows_where(
        where, args, order_by="created_at")]
