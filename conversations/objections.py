"""Objections ("veto complaints") to services and council proposals, and their counts.

One objection per person per entry. Withdrawing deletes it; erasing a person keeps the
row but removes who made it (channel, address and reason become NULL), so totals per
entry and per ward stay right after FORGET ME.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

TABLE = "objections"


def find_objection(
    db: sqlite_utils.Database, channel: str, address: str, entry_id: str
) -> dict[str, Any] | None:
    rows = list(db.table(TABLE).rows_where(
        "channel = ? AND address = ? AND entry_id = ?", [channel, address, entry_id]))
    return rows[0] if rows else None


def person_objections(
    db: sqlite_utils.Database, channel: str, address: str
) -> list[dict[str, Any]]:
    return list(db.table(TABLE).rows_where(
        "channel = ? AND address = ?", [channel, address], order_by="created_at"))


def add_objection(
    db: sqlite_utils.Database, channel: str, address: str, entry_id: str, ward: str | None,
    reason: str | None, now: datetime,
) -> bool:
    """Record an objection; False (and nothing written) when the person already objected."""
    if find_objection(db, channel, address, entry_id) is not None:
        return False
    db.table(TABLE).insert({
        "channel": channel, "address": address, "entry_id": entry_id, "ward": ward or None,
        "reason": reason or None, "created_at": now.isoformat(),
    })
    return True


def add_reason(
    db: sqlite_utils.Database, channel: str, address: str, entry_id: str, reason: str
) -> bool:
    """A reason given after the objection was recorded without one; False when there is
    no such objection (or it has a reason already)."""
    cursor = db.execute(
        f"UPDATE {TABLE} SET reason = ? WHERE channel = ? AND address = ? AND entry_id = ? "
        "AND (reason IS NULL OR reason = '')", [reason, channel, address, entry_id])
    return bool(cursor.rowcount)


def withdraw_objection(
    db: sqlite_utils.Database, channel: str, address: str, entry_id: str
) -> bool:
    """Take an objection back; True when there was one."""
    cursor = db.execute(
        f"DELETE FROM {TABLE} WHERE channel = ? AND address = ? AND entry_id = ?",
        [channel, address, entry_id],
    )
    return bool(cursor.rowcount)


def objection_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Standing objections per entry id (anonymised ones included)."""
    rows = db.execute(f"SELECT entry_id, COUNT(*) FROM {TABLE} GROUP BY entry_id").fetchall()
    return {row[0]: row[1] for row in rows}


def objection_counts_by_ward(db: sqlite_utils.Database, entry_id: str) -> dict[str | None, int]:
    """Standing objections to one entry per ward (None: the person gave no postcode)."""
    rows = db.execute(
        f"SELECT ward, COUNT(*) FROM {TABLE} WHERE entry_id = ? GROUP BY ward", [entry_id]
    ).fetchall()
    return {row[0]: row[1] for row in rows}


def objection_count(db: sqlite_utils.Database, entry_id: str, ward: str | None = None) -> int:
    """Objections to an entry, in one ward when given."""
    if ward:
        by_ward = objection_counts_by_ward(db, entry_id)
        return by_ward.get(ward, 0)
    return objection_counts(db).get(entry_id, 0)


def objectors(db: sqlite_utils.Database, entry_id: str) -> list[tuple[str, str]]:
    """(channel, address) of everyone still known who objected to the entry (for responses)."""
    rows = db.execute(
        f"SELECT channel, address FROM {TABLE} WHERE entry_id = ? AND address IS NOT NULL",
        [entry_id],
    ).fetchall()
    return [(row[0], row[1]) for row in rows]
