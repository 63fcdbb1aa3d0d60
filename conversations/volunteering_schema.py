"""Volunteering sign-ups, and what they hold about a person (catalogue/storage.py).

One row a sign-up: the role (a catalogue entry of kind `volunteering`), the first name,
age and availability given, whether the volunteer agreed to their contact details going to
the organiser (and which, `contact`), and when they withdrew, if they did."""

from __future__ import annotations

from catalogue.storage import Personal, Schema, Table

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

SCHEMA = Schema("volunteering", (SIGNUPS,))
