"""Reading and writing the catalogue's tables (declared in catalogue/schema.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlite_utils

from catalogue.model import Circumstance, Criterion, Entry
from catalogue.schema import SCHEMA
from catalogue.storage import connect, migrate, write


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if need be) the database with the catalogue tables present; the
    server and the command line open every package's tables with bot/store.py."""
    db = connect(path)
    ensure_catalogue(db)
    return db


def ensure_catalogue(db: sqlite_utils.Database) -> None:
    migrate(db, [SCHEMA])


def split_list(value: str | None) -> tuple[str, ...]:
    """`;`-separated cell to a tuple, blanks dropped."""
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())


def parse_criteria(value: str | None) -> tuple[Criterion, ...]:
    out = []
    for part in split_list(value):
        words = part.split()
        if len(words) == 2 and words[0].lower() == "not":
            out.append(Criterion(words[1], negated=True))
        else:
            out.append(Criterion(part))
    return tuple(out)


def entry_to_row(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id, "kind": entry.kind, "title": entry.title, "summary": entry.summary,
        "description": entry.description, "keywords": ";".join(entry.keywords),
        "category": entry.category, "url": entry.url, "phone": entry.phone,
        "email": entry.email, "address": entry.address, "opening_hours": entry.opening_hours,
        "provider": entry.provider, "how_to_apply": entry.how_to_apply,
        "wards": ";".join(entry.wards), "min_age": entry.min_age, "max_age": entry.max_age,
        "criteria": ";".join(str(c) for c in entry.criteria),
    }


def row_to_entry(row: dict[str, Any]) -> Entry:
    def text(name: str) -> str:
        return str(row.get(name) or "")

    return Entry(
        id=text("id"), kind=row["kind"], title=text("title"), summary=text("summary"),
        description=text("description"), keywords=split_list(row.get("keywords")),
        category=text("category"), url=text("url"), phone=text("phone"), email=text("email"),
        address=text("address"), opening_hours=text("opening_hours"),
        provider=text("provider"), how_to_apply=text("how_to_apply"),
        wards=split_list(row.get("wards")), min_age=row.get("min_age"),
        max_age=row.get("max_age"), criteria=parse_criteria(row.get("criteria")),
    )


def load_entries(db: sqlite_utils.Database) -> list[Entry]:
    return [row_to_entry(row) for row in db.table("entries").rows_where(order_by="id")]


def load_circumstances(db: sqlite_utils.Database) -> dict[str, Circumstance]:
    return {
        row["code"]: Circumstance(row["code"], row["question"])
        for row in db.table("circumstances").rows
    }


def entry_count(db: sqlite_utils.Database) -> int:
    return int(db.table("entries").count)


def save_catalogue(
    db: sqlite_utils.Database,
    entries: Iterable[Entry] = (),
    circumstances: Iterable[Circumstance] = (),
    *,
    replace: bool = False,
) -> None:
    """Write entries and circumstances in one transaction: upsert by id; with `replace`,
    entries (circumstances) not given are removed when any are given. Other tables, which
    hold what people said about entries by `entry_id`, are not touched."""
    entries = list(entries)
    circumstances = list(circumstances)
    with write(db):
        if replace and entries:
            keep = json.dumps([e.id for e in entries])
            db.execute("DELETE FROM entries WHERE id NOT IN (SELECT value FROM json_each(?))",
                       [keep])
        if entries:
            db.table("entries").upsert_all((entry_to_row(e) for e in entries), pk="id")
        if replace and circumstances:
            keep = json.dumps([c.code for c in circumstances])
            db.execute("DELETE FROM circumstances WHERE code NOT IN "
                       "(SELECT value FROM json_each(?))", [keep])
        if circumstances:
            db.table("circumstances").upsert_all(
                ({"code": c.code, "question": c.question} for c in circumstances), pk="code"
            )
        db.execute("UPDATE catalogue_version SET version = version + 1")


def catalogue_version(db: sqlite_utils.Database) -> int:
    """A number that changes whenever the catalogue is saved: a running server compares it
    to know when to rebuild its index after `localsupport catalogue import`."""
    row = db.execute("SELECT version FROM catalogue_version").fetchone()
    return int(row[0])
