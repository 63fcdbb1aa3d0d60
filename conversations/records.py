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
from datetime import datetime
from typing import Any

import sqlite_utils

from catalogue.storage import write

COMMENT_LIMIT = 500
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE_IN_TEXT = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\w)\+?\(?\d(?:[\s().-]{0,2}\d){8,}(?!\w)")


def ensure_records(db: sqlite_utils.Database) -> None:
    """Create the conversation tables that are missing (conversations/schema.py)."""
    from conversations.store import ensure_conversations

    ensure_conversations(db)


# -- postcodes and wards ------------------------------------------------------------------

def normalise_postcode(text: str) -> str:
    """Postcodes compare without spaces, case-insensitively."""
    return re.sub(r"\s+", "", text).upper()


def looks_like_postcode(text: str) -> bool:
    return POSTCODE.match(normalise_postcode(text)) is not None


def ward_for_postcode(db: sqlite_utils.Database, postcode: str) -> str | None:
    """The ward of a postcode: the full postcode, else its sector ("AB1 2"), else its
    district ("AB1"), whichever the wards table holds."""
    code = normalise_postcode(postcode)
    candidates = [code, code[:-2], code[:-3]] if len(code) > 3 else [code]
    for candidate in candidates:
        row = db.execute("SELECT ward FROM wards WHERE postcode = ?", [candidate]).fetchone()
        if row:
            return str(row[0])
    return None


def ward_named(db: sqlite_utils.Database, text: str) -> str | None:
    """A ward the person named instead of giving a postcode."""
    row = db.execute(
        "SELECT ward FROM wards WHERE lower(ward) = ? LIMIT 1", [text.strip().lower()]
    ).fetchone()
    return str(row[0]) if row else None


def save_wards(db: sqlite_utils.Database, rows: dict[str, str], *, replace: bool = False) -> None:
    """Write postcode -> ward rows in one transaction."""
    with write(db):
        if replace:
            db.execute("DELETE FROM wards")
        db.table("wards").upsert_all(
            ({"postcode": code, "ward": ward} for code, ward in rows.items()), pk="postcode"
        )


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
    """Phone numbers, email addresses and UK postcodes replaced by placeholders."""
    text = _EMAIL.sub("[email]", text)
    text = _POSTCODE_IN_TEXT.sub("[postcode]", text)
    return _PHONE.sub("[phone]", text)


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
