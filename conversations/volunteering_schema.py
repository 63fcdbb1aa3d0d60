"""Volunteering sign-ups, and what they hold about a person (catalogue/storage.py).

One row a sign-up: the role (a catalogue entry of kind `volunteering`), the first name,
age and availability given, whether the volunteer agreed to their contact details going to
the organiser (and which, `contact`), and when they withdrew, if they did."""

from __future__ import annotations

import sqlite_utils

from catalogue.storage import Migration, Personal, Schema, Table

SIGNUPS = Table("volunteering_signups", Personal(
    "delete", "volunteering sign-ups: first name, age, availability and, with consent, how "
    "the organiser may reach you; kept a year (the organiser holds their own copy)",
    retain_days=365, label="volunteering sign-up(s)",
), """
CREATE TABLE IF NOT EXISTS "volunteering_signups" (
   "id" INTEGER PRIMARY KEY,
   "channel" TEXT,
   "address" TEXT,
   "entry_id" TEXT NOT NULL,
   "first_name" TEXT NOT NULL,
   "age" INTEGER NOT NULL,
   "availability" TEXT NOT NULL,
   "consent" INTEGER NOT NULL,
   "contact" TEXT,
   "created_at" TEXT NOT NULL,
   "withdrawn_at" TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_volunteering_signups_open"
    ON "volunteering_signups" ("channel", "address", "entry_id") WHERE "withdrawn_at" IS NULL;
CREATE INDEX IF NOT EXISTS "idx_volunteering_signups_entry"
    ON "volunteering_signups" ("entry_id", "created_at");""")


def ids_never_reused(db: sqlite_utils.Database) -> None:
    """FORGET ME deletes a sign-up, and SQLite gave its id to the next one: that one's
    organiser email then had the erased one's key in the outbox ("signup:<id>:organiser")
    and was never sent. The table is rebuilt with AUTOINCREMENT, counting on from the
    highest id any sign-up email was queued under."""
    db.execute(SIGNUPS.create.split(";")[0].replace(
        '"volunteering_signups"', '"volunteering_signups_new"').replace(
        '"id" INTEGER PRIMARY KEY,', '"id" INTEGER PRIMARY KEY AUTOINCREMENT,'))
    db.execute('INSERT INTO "volunteering_signups_new" SELECT * FROM "volunteering_signups"')
    db.execute('DROP TABLE "volunteering_signups"')
    db.execute('ALTER TABLE "volunteering_signups_new" RENAME TO "volunteering_signups"')
    for statement in SIGNUPS.create.split(";")[1:]:
        if statement.strip():
            db.execute(statement)
    used = 0
    if "outbox" in db.table_names():
        row = db.execute("SELECT max(CAST(substr(key, 8, instr(substr(key, 8), ':') - 1) "
                         "AS INTEGER)) FROM outbox WHERE key LIKE 'signup:%'").fetchone()
        used = int(row[0] or 0)
    if not db.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) "
                      "WHERE name = 'volunteering_signups'", [used]).rowcount:
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES "
                   "('volunteering_signups', ?)", [used])


SCHEMA = Schema("volunteering", (SIGNUPS,), migrations=(
    Migration("volunteering.0002_ids_never_reused", ids_never_reused),))
