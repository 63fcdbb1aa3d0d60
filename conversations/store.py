"""Conversation state in SQLite, keyed by (channel, address)."""

from __future__ import annotations

import json
from datetime import datetime

import sqlite_utils

from conversations.types import Channel, Session


def ensure_conversations(db: sqlite_utils.Database) -> None:
    if not db.table("sessions").exists():
        db.table("sessions").create(
            {"channel": str, "address": str, "state": str, "data": str, "updated_at": str},
            pk=("channel", "address"),
        )


def load_session(db: sqlite_utils.Database, channel: Channel, address: str) -> Session:
    rows = list(db.table("sessions").rows_where("channel = ? AND address = ?", [channel, address]))
    if not rows:
        return Session(channel, address)
    row = rows[0]
    return Session(
        channel, address, state=row["state"], data=json.loads(row["data"] or "{}"),
        updated_at=datetime.fromisoformat(row["updated_at"]) if row["updated_at"] else None,
    )


def save_session(db: sqlite_utils.Database, session: Session) -> None:
    if session.state == "erased":  # FORGET ME: keep no row at all (conversations/flows/privacy)
        db.execute("DELETE FROM sessions WHERE channel = ? AND address = ?", list(session.key))
        return
    db.table("sessions").upsert(
        {
            "channel": session.channel, "address": session.address, "state": session.state,
            "data": json.dumps(session.data, sort_keys=True),
            "updated_at": session.updated_at.isoformat() if session.updated_at else None,
        },
        pk=("channel", "address"),
    )
