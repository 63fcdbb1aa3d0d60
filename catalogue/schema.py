"""The catalogue's tables (catalogue/storage.py says how tables are declared).

What the council publishes: nothing here is about a person."""

from __future__ import annotations

from catalogue.storage import NOBODY, Schema, Table

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

SCHEMA = Schema("catalogue", (ENTRIES, CIRCUMSTANCES, CATALOGUE_VERSION))
