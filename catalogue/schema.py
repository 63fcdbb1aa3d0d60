"""The catalogue's tables (catalogue/storage.py says how tables are declared).

What the council publishes: nothing here is about a person."""

from __future__ import annotations

import csv
import io
from importlib import resources

import sqlite_utils

from catalogue.model import DETAIL_COLUMNS
from catalogue.oruk_fields import ID_PREFIX
from catalogue.storage import NOBODY, Migration, Schema, Table, add_column

ENTRIES = Table("entries", NOBODY, """
CREATE TABLE IF NOT EXISTS "entries" (
   "id" TEXT PRIMARY KEY,
   "kind" TEXT NOT NULL,
   "title" TEXT NOT NULL,
   "summary" TEXT NOT NULL,
   "description" TEXT,
   "keywords" TEXT,
   "category" TEXT,
   "url" TEXT,
   "phone" TEXT,
   "email" TEXT,
   "address" TEXT,
   "opening_hours" TEXT,
   "provider" TEXT,
   "how_to_apply" TEXT,
   "wards" TEXT,
   "min_age" INTEGER,
   "max_age" INTEGER,
   "criteria" TEXT
);""")

CIRCUMSTANCES = Table("circumstances", NOBODY, """
CREATE TABLE IF NOT EXISTS "circumstances" (
   "code" TEXT PRIMARY KEY,
   "question" TEXT
);""")

# One row: a number bumped by every catalogue save, so a running server knows to rebuild.
CATALOGUE_VERSION = Table("catalogue_version", NOBODY, """
CREATE TABLE IF NOT EXISTS "catalogue_version" (
   "version" INTEGER
);
INSERT INTO catalogue_version (version)
   SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM catalogue_version);""")

# Since 0002 an entry also keeps where it came from (`source`: a file name, a feed's URL,
# or SAMPLE_SOURCE for the bundled sample) and what people ask about (DETAIL_COLUMNS).
SAMPLE_SOURCE = "sample"


def add_entry_details(db: sqlite_utils.Database) -> None:
    for column in (*DETAIL_COLUMNS, "source"):
        add_column("entries", column, "TEXT")(db)


def mark_sample_entries(db: sqlite_utils.Database) -> None:
    """Entries loaded from the bundled sample before `source` existed: same id and title."""
    text = (resources.files("catalogue") / "sample" / "sample-catalogue.csv").read_text(
        "utf-8-sig")
    for row in csv.DictReader(io.StringIO(text)):
        db.execute("UPDATE entries SET source = ? WHERE id = ? AND title = ? AND source IS NULL",
                   [SAMPLE_SOURCE, row["id"], row["title"]])



REMOVED_ENTRIES = """
CREATE TABLE IF NOT EXISTS "removed_entries" (
   "id" TEXT PRIMARY KEY,
   "kind" TEXT NOT NULL,
   "title" TEXT NOT NULL,
   "summary" TEXT NOT NULL,
   "removed_at" TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS "entries_remember_removed" AFTER DELETE ON "entries"
BEGIN
   INSERT OR REPLACE INTO "removed_entries" ("id", "kind", "title", "summary", "removed_at")
   VALUES (OLD."id", OLD."kind", OLD."title", OLD."summary",
           strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER IF NOT EXISTS "entries_back_again" AFTER INSERT ON "entries"
BEGIN
   DELETE FROM "removed_entries" WHERE "id" = NEW."id";
END;"""

# Since 0007 an entry keeps what kind of source it came from (`origin`: ORIGIN_CSV, a
# council's spreadsheet; ORIGIN_FEED, an Open Referral UK feed; or SAMPLE_SOURCE), so that
# `--replace` replaces only what came from the same kind of source, and the keywords the
# feed gave it last (`feed_keywords`), so that the keywords the council added in its
# spreadsheet survive the next import of the feed (catalogue/importer.py). A NULL origin
# is the council's own (ORIGIN_CSV).
ORIGIN_CSV = "csv"
ORIGIN_FEED = "oruk"


def add_entry_origin(db: sqlite_utils.Database) -> None:
    add_column("entries", "origin", "TEXT")(db)
    add_column("entries", "feed_keywords", "TEXT")(db)
    db.execute("UPDATE entries SET origin = ? WHERE source = ?", [SAMPLE_SOURCE, SAMPLE_SOURCE])
    # a feed's entries have ids made from its own (catalogue/oruk_fields.py ID_PREFIX), and
    # were saved with its URL or its file's name, whatever that is called, as their source
    db.execute("UPDATE entries SET origin = ?, feed_keywords = keywords WHERE origin IS NULL "
               "AND (id LIKE ? OR source LIKE 'http://%' OR source LIKE 'https://%' "
               "OR lower(source) LIKE '%.json')", [ORIGIN_FEED, ID_PREFIX + "%"])
    db.execute("UPDATE entries SET origin = ? WHERE origin IS NULL AND source IS NOT NULL",
               [ORIGIN_CSV])


SCHEMA = Schema("catalogue", (ENTRIES, CIRCUMSTANCES, CATALOGUE_VERSION), migrations=(
    Migration("catalogue.0002_entry_details", add_entry_details),
    Migration("catalogue.0003_mark_sample_entries", mark_sample_entries),
    # The catalogue CSV's `alert_at` column (conversations/councillors/alerts.py).
    Migration("catalogue.0004_entries_alert_at", add_column("entries", "alert_at", "INTEGER")),
    # The catalogue CSV's `lgsl` column (catalogue/lgsl.py).
    Migration("catalogue.0005_entries_lgsl", add_column("entries", "lgsl", "TEXT")),
    # An entry an import removes is remembered by its title, so the people who objected to
    # a plan the council dropped can still be answered and the digest still names it.
    Migration("catalogue.0006_removed_entries", REMOVED_ENTRIES),
    Migration("catalogue.0007_entries_origin", add_entry_origin),
))
