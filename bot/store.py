"""Opening the one store: every package's tables, migrated to the newest version.

The composition root (bot/app.py) and the command line (bot/cli.py) open the database
here; a feature with tables of its own adds its `Schema` to SCHEMAS."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from bot import schema as bot_schema
from catalogue import schema as catalogue_schema
from catalogue.storage import Schema, check_declared, connect, migrate
from conversations import schema as conversations_schema
from conversations.councillors import schema as councillors_schema

SCHEMAS: tuple[Schema, ...] = (
    catalogue_schema.SCHEMA,
    conversations_schema.SCHEMA,
    councillors_schema.SCHEMA,
    bot_schema.SCHEMA,
)


def open_store(path: str | Path) -> sqlite_utils.Database:
    """The database at `path`, created or upgraded so it has every table."""
    db = connect(path)
    migrate(db, SCHEMAS)
    check_declared(db)
    return db
