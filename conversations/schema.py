"""The conversations' tables, and what each holds about a person (catalogue/storage.py).

Every table about a person names them by `channel` and `address`."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from catalogue.storage import NOBODY, Migration, Personal, Schema, Table, add_column
from conversations.postcodes import parse_postcode, parse_prefix

SESSIONS = Table("sessions", Personal(
    "delete", "where a conversation stands (it restarts after a day anyway)",
    retain_days=30, age_column="updated_at", label="place in the conversation",
), """
CREATE TABLE IF NOT EXISTS "sessions" (
   "channel" TEXT,
   "address" TEXT,
   "state" TEXT,
   "data" TEXT,
   "updated_at" TEXT,
   PRIMARY KEY ("channel", "address")
);""")

PEOPLE = Table("people", Personal(
    "delete", "a person's postcode and ward, asked once", retain_days=365,
    age_column="updated_at",
), """
CREATE TABLE IF NOT EXISTS "people" (
   "channel" TEXT,
   "address" TEXT,
   "postcode" TEXT,
   "ward" TEXT,
   "updated_at" TEXT,
   PRIMARY KEY ("channel", "address")
);""")

FEEDBACK = Table("feedback", Personal(
    "delete", "\"was this helpful?\" answers and ratings; after 90 days only who gave them "
    "is removed, the answers stay for the digests", retain_days=90, retain_action="anonymise",
    anonymise=("address",),
), """
CREATE TABLE IF NOT EXISTS "feedback" (
   "id" INTEGER PRIMARY KEY,
   "channel" TEXT,
   "address" TEXT,
   "entry_id" TEXT,
   "helpful" INTEGER,
   "rating" INTEGER,
   "comment" TEXT,
   "created_at" TEXT
);
CREATE INDEX IF NOT EXISTS "idx_feedback_entry_id" ON "feedback" ("entry_id");""")

UNMET_NEEDS = Table("unmet_needs", Personal(
    "delete", "what someone asked that the catalogue could not answer, redacted; after 90 "
    "days who asked is removed and the text stays for the digests", retain_days=90,
    retain_action="anonymise", anonymise=("address",), label="message(s) I had no answer for",
), """
CREATE TABLE IF NOT EXISTS "unmet_needs" (
   "id" INTEGER PRIMARY KEY,
   "channel" TEXT,
   "address" TEXT,
   "text" TEXT,
   "suggestions" INTEGER,
   "created_at" TEXT
);""")

# Erasure keeps an objection in the counts without who made it or why; the channel stays
# (not personal) so web-chat objections can be told apart from residents' own channels.
OBJECTIONS = Table("objections", Personal(
    "anonymise", "objections; erased or after a year, who objected and their reason are "
    "removed and the objection stays in the counts", anonymise=("address", "reason"),
    retain_days=365, retain_action="anonymise",
), """
CREATE TABLE IF NOT EXISTS "objections" (
   "id" INTEGER PRIMARY KEY,
   "channel" TEXT,
   "address" TEXT,
   "entry_id" TEXT NOT NULL,
   "ward" TEXT,
   "reason" TEXT,
   "created_at" TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_objections_channel_address_entry_id"
    ON "objections" ("channel", "address", "entry_id");
CREATE INDEX IF NOT EXISTS "idx_objections_entry_id_ward" ON "objections" ("entry_id", "ward");""")

WARDS = Table("wards", NOBODY, """
CREATE TABLE IF NOT EXISTS "wards" (
   "postcode" TEXT PRIMARY KEY,
   "ward" TEXT
);""")

# Since 0002 a key is a parsed postcode written with its space ("M1 4AE", sector "M1 4",
# district "M14"), `level` says which, and `ward_code` holds the ONS code when known.
WARDS_BY_PART = """
CREATE TABLE "wards_by_part" (
   "postcode" TEXT PRIMARY KEY,
   "level" TEXT NOT NULL,
   "ward" TEXT NOT NULL,
   "ward_code" TEXT
);"""


def legacy_keys(key: str) -> list[tuple[str, str]]:
    """The (key, level) of a key stored without its space before 0002. "RV12" could be the
    district RV12 or the sector RV1 2 (the old lookup matched both, the bug this fixes);
    it is read as the sector, the usual grain of a ward lookup (districts span wards).
    A key that is neither is dropped (the old import never wrote one)."""
    full = parse_postcode(key)
    if full is not None:
        return [(str(full), full.level)]
    readings = [parse_prefix(key)]
    if len(key) > 2 and key[-1].isdigit():
        readings.insert(0, parse_prefix(f"{key[:-1]} {key[-1]}"))
    found = [code for code in readings if code is not None]
    return [(str(found[0]), found[0].level)] if found else []


def rekey_wards(db: sqlite_utils.Database) -> None:
    db.execute(WARDS_BY_PART)
    rows: list[Any] = db.execute("SELECT postcode, ward FROM wards ORDER BY postcode").fetchall()
    for key, ward in rows:
        for new_key, level in legacy_keys(str(key or "")):
            db.execute("INSERT OR IGNORE INTO wards_by_part (postcode, level, ward) "
                       "VALUES (?, ?, ?)", [new_key, level, ward])
    db.execute("DROP TABLE wards")
    db.execute("ALTER TABLE wards_by_part RENAME TO wards")

OUTBOX = Table("outbox", Personal(
    "delete", "messages the assistant sends (replies, digests, alerts, confirmations): "
    "delivered ones are kept a month, failed ones until an officer looks (at most 90 days)",
    retain_days=30, retain_only="state IN ('sent', 'refused', 'cancelled')",
    label="message(s) to you",
), """
CREATE TABLE IF NOT EXISTS "outbox" (
   "id" INTEGER PRIMARY KEY,
   "key" TEXT NOT NULL UNIQUE,
   "kind" TEXT NOT NULL,
   "channel" TEXT NOT NULL,
   "address" TEXT NOT NULL,
   "subject" TEXT,
   "body" TEXT NOT NULL,
   "choices" TEXT,
   "extra" TEXT,
   "state" TEXT NOT NULL DEFAULT 'queued',
   "attempts" INTEGER NOT NULL DEFAULT 0,
   "next_attempt_at" TEXT NOT NULL,
   "last_error" TEXT,
   "provider_id" TEXT,
   "created_at" TEXT NOT NULL,
   "sent_at" TEXT
);
CREATE INDEX IF NOT EXISTS "idx_outbox_due" ON "outbox" ("state", "next_attempt_at");
CREATE INDEX IF NOT EXISTS "idx_outbox_person" ON "outbox" ("channel", "address");
CREATE INDEX IF NOT EXISTS "idx_outbox_provider" ON "outbox" ("provider_id");""")

OPTOUTS = Table("optouts", Personal(
    "delete", "a 'send me nothing' request outlives the rest of a person's data, or we "
    "could message them again", keep_where="1", label="your request for no messages",
), """
CREATE TABLE IF NOT EXISTS "optouts" (
   "channel" TEXT,
   "address" TEXT,
   "reason" TEXT,
   "opted_out_at" TEXT,
   PRIMARY KEY ("channel", "address")
);""")

SCHEMA = Schema("conversations", (SESSIONS, PEOPLE, FEEDBACK, UNMET_NEEDS, OBJECTIONS, WARDS,
                                    OUTBOX, OPTOUTS), migrations=(
    Migration("conversations.0002_wards_by_postcode_part", rekey_wards),
    # a message sent in pieces (Telegram's 4,096 characters) resumes after the last piece
    # delivered when a later one fails, so no piece reaches the person twice
    Migration("conversations.0003_outbox_pieces_sent",
              'ALTER TABLE "outbox" ADD COLUMN "pieces_sent" INTEGER NOT NULL DEFAULT 0;'),
    # when a row was marked `sending`: a claim older than the lease (bot/outbox.py) was
    # left by a process that died mid-send, and goes back to the queue
    Migration("conversations.0004_outbox_claimed_at",
              add_column("outbox", "claimed_at", "TEXT")),
))
