"""Reading and writing the catalogue's tables (declared in catalogue/schema.py)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from catalogue.model import Circumstance, Criterion, Entry
from catalogue.schema import ORIGIN_CSV, ORIGIN_FEED, SAMPLE_SOURCE, SCHEMA
from catalogue.storage import connect, migrate, snapshot, write


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if need be) the database with the catalogue tables present; the
    server and the command line open every package's tables with bot/store.py."""
    db = connect(path)
    ensure_catalogue(db)
    return db


def open_snapshot(path: str | Path) -> sqlite_utils.Database:
    """A copy in memory of the database at `path` (an empty one when there is no file),
    with the catalogue tables present: `catalogue check` and a dry run compare with it,
    and neither create nor change a file (catalogue/storage.py `snapshot`)."""
    db = snapshot(path)
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
        "fees": entry.fees, "eligibility": entry.eligibility,
        "languages": ";".join(entry.languages), "areas_served": ";".join(entry.areas_served),
        "accessibility": entry.accessibility, "required_documents": entry.required_documents,
        "alert_at": entry.alert_at, "lgsl": entry.lgsl,
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
        fees=text("fees"), eligibility=text("eligibility"),
        languages=split_list(row.get("languages")),
        areas_served=split_list(row.get("areas_served")),
        accessibility=text("accessibility"), required_documents=text("required_documents"),
        alert_at=row.get("alert_at"), lgsl=text("lgsl"),
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
    source: str | None = None,
    keep: Collection[str] = (),
    origin: str | None = None,
    feed_keywords: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Write entries and circumstances in one transaction: upsert by id; with `replace`,
    entries (circumstances) not given, nor in `keep`, are removed when any are given, and
    when `origin` is given only the entries of that origin (catalogue/schema.py).
    `source` and `origin` are recorded on each entry written (where it came from), except
    that a spreadsheet (ORIGIN_CSV) writing over a feed's entry leaves it the feed's.
    `feed_keywords`: the keywords a feed gave each entry. Other tables, which hold what
    people said about entries by `entry_id`, are not touched."""
    entries = list(entries)
    circumstances = list(circumstances)
    with write(db):
        if replace and entries:
            kept = json.dumps([e.id for e in entries] + list(keep))
            db.execute("DELETE FROM entries WHERE id NOT IN (SELECT value FROM json_each(?))"
                       + (" AND COALESCE(origin, ?) = ?" if origin else ""),
                       [kept, *([ORIGIN_CSV, origin] if origin else [])])
        if entries:
            save_entries(db, entries, source, origin, feed_keywords)
        if replace and circumstances:
            keep = json.dumps([c.code for c in circumstances])
            db.execute("DELETE FROM circumstances WHERE code NOT IN "
                       "(SELECT value FROM json_each(?))", [keep])
        if circumstances:
            db.table("circumstances").upsert_all(
                ({"code": c.code, "question": c.question} for c in circumstances), pk="code"
            )
        db.execute("UPDATE catalogue_version SET version = version + 1")


def save_entries(
    db: sqlite_utils.Database, entries: list[Entry], source: str | None, origin: str | None,
    feed_keywords: Mapping[str, Sequence[str]] | None,
) -> None:
    stay_feeds = entry_ids_of_origin(db, ORIGIN_FEED) if origin == ORIGIN_CSV else set()
    marks = ({"source": source} if source else {}) | ({"origin": origin} if origin else {})
    rows = [entry_to_row(e) for e in entries]
    if feed_keywords is not None:
        for row in rows:
            row["feed_keywords"] = ";".join(feed_keywords.get(row["id"], ()))
    # two batches: sqlite-utils would set the marks' columns to NULL on rows without them
    db.table("entries").upsert_all([r | marks for r in rows if r["id"] not in stay_feeds],
                                   pk="id")
    db.table("entries").upsert_all([r for r in rows if r["id"] in stay_feeds], pk="id")


def catalogue_version(db: sqlite_utils.Database) -> int:
    """A number that changes whenever the catalogue is saved: a running server compares it
    to know when to rebuild its index after `localsupport catalogue import`."""
    row = db.execute("SELECT version FROM catalogue_version").fetchone()
    return int(row[0])


# -- where entries came from: the sample, a file, a feed ------------------------------------

def sample_in_use(db: sqlite_utils.Database) -> bool:
    """The bundled sample catalogue (a made-up council) is what the assistant answers from:
    every start, `ask` and the web page say so while this is true."""
    row = db.execute("SELECT 1 FROM entries WHERE source = ? LIMIT 1", [SAMPLE_SOURCE])
    return row.fetchone() is not None


def sample_entry_count(db: sqlite_utils.Database) -> int:
    row = db.execute("SELECT COUNT(*) FROM entries WHERE source = ?", [SAMPLE_SOURCE])
    return int(row.fetchone()[0])


def remove_sample(db: sqlite_utils.Database) -> int:
    """Delete the sample's entries (the caller owns the transaction); how many."""
    return int(db.execute("DELETE FROM entries WHERE source = ?", [SAMPLE_SOURCE]).rowcount)


def remove_gone_from_source(
    db: sqlite_utils.Database, source: str, present: Collection[str]
) -> int:
    """Delete entries that came from `source` (a feed) and are not among `present` ids any
    more (the caller owns the transaction); how many."""
    cursor = db.execute("DELETE FROM entries WHERE source = ? AND id NOT IN "
                        "(SELECT value FROM json_each(?))", [source, json.dumps(list(present))])
    return int(cursor.rowcount)


def entry_ids_from(db: sqlite_utils.Database, source: str) -> set[str]:
    return {row[0] for row in db.execute("SELECT id FROM entries WHERE source = ?", [source])}


def entry_ids_of_origin(db: sqlite_utils.Database, origin: str) -> set[str]:
    """The ids of the entries that came from a source of that kind (catalogue/schema.py)."""
    cursor = db.execute("SELECT id FROM entries WHERE COALESCE(origin, ?) = ?",
                        [ORIGIN_CSV, origin])
    return {row[0] for row in cursor}


def entry_origins(db: sqlite_utils.Database) -> dict[str, str]:
    """Entry id -> the kind of source it came from (ORIGIN_CSV when nothing says)."""
    cursor = db.execute("SELECT id, COALESCE(origin, ?) FROM entries", [ORIGIN_CSV])
    return {row[0]: row[1] for row in cursor}


def council_keywords(db: sqlite_utils.Database) -> dict[str, tuple[str, ...]]:
    """Entry id -> the keywords the council gave it beyond those its feed gave it last
    (all of its keywords when no feed ever gave it any); entries without such are left out."""
    out = {}
    for entry_id, keywords, from_feed in db.execute(
            "SELECT id, keywords, feed_keywords FROM entries WHERE keywords <> ''"):
        feeds = {word.casefold() for word in split_list(from_feed)}
        own = tuple(word for word in split_list(keywords) if word.casefold() not in feeds)
        if own:
            out[entry_id] = own
    return out
