"""Conversation state in SQLite, keyed by (channel, address)."""

from __future__ import annotations

import json
from datetime import datetime

import sqlite_utils

from catalogue.storage import migrate
from conversations.councillors.schema import SCHEMA as COUNCILLORS
from conversations.schema import SCHEMA
from conversations.types import Channel, Session


def ensure_conversations(db: sqlite_utils.Database) -> None:
    """The conversations' tables (conversations/schema.py), created or upgraded."""
    migrate(db, [SCHEMA, COUNCILLORS])


def load_session(db: sqlite_utils.Database, channel: Channel, address: str) -> Session:
    # Plain SQL here and in save_session: sqlite-utils' rows_where/upsert inspect the table
    # with extra queries on every call (~0.25 ms an upsert), on every message's path (bench/).
    row = db.execute("SELECT state, data, updated_at FROM sessions "
                     "WHERE channel = ? AND address = ?", [channel, address]).fetchone()
    if row is None:
        return Session(channel, address)
    state, data, updated_at = row
    return Session(
        channel, address, state=state, data=json.loads(data or "{}"),
        updated_at=datetime.fromisoformat(updated_at) if updated_at else None,
    )


def save_session(db: sqlite_utils.Database, session: Session) -> None:
    if session.state == "erased":  # FORGET ME: keep no row at all (conversations/flows/privacy)
        db.execute("DELETE FROM sessions WHERE channel = ? AND address = ?", list(session.key))
        return
    db.execute(
        "INSERT INTO sessions (channel, address, state, data, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (channel, address) DO UPDATE SET state = excluded.state, "
        "data = excluded.data, updated_at = excluded.updated_at",
        [session.channel, session.address, session.state,
         json.dumps(session.data, sort_keys=True),
         session.updated_at.isoformat() if session.updated_at else None],
    )
