"""The councillors' tables, and what each holds about a person (catalogue/storage.py).

- `councillors`: who represents each ward and how to reach them (the council's own list,
  replaced by each `localsupport councillors import`).
- `alert_settings`: the council-wide objection threshold (OBJECTION_ALERT_AT), written by
  the composition root so flows need not read settings.
- `objection_alerts`: one row per threshold an entry's objections in a ward crossed (at the
  threshold, then at twice it), so each crossing alerts the ward's councillors once.
- `responses`: "you said, we did": what the council or a councillor answered about an
  entry; the same text for the same entry is one response, however often it is sent.
- `response_recipients`: who was sent which response, so nobody is told twice.
- `response_replies`: what someone answered to a response sent them ("that's not good
  enough, keep it open"), for the councillors' next digest.
- `councillor_drafts`: a response a councillor wrote on Telegram, waiting for their "Send";
  `message_id` is the councillor's message it answers, so "Send it" pressed under an
  older draft's preview is told apart (conversations/councillors/replies.py).
- `digest_weeks`: one row per councillor per ISO week whose digest was queued (bot/digest/
  queue.py), written with the outbox rows: the database, not the scheduler, says "sent".
"""

from __future__ import annotations

from catalogue.storage import NOBODY, Migration, Personal, Schema, Table, add_column

COUNCILLORS = Table("councillors", Personal(
    "none", "councillors' work contact details: the council's own published list, replaced "
    "by each import"), """
CREATE TABLE IF NOT EXISTS "councillors" (
   "id" TEXT PRIMARY KEY,
   "name" TEXT NOT NULL,
   "ward" TEXT NOT NULL,
   "email" TEXT,
   "phone" TEXT,
   "telegram_chat_id" TEXT,
   "created_at" TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_councillors_ward" ON "councillors" (lower("ward"));
CREATE INDEX IF NOT EXISTS "idx_councillors_chat" ON "councillors" ("telegram_chat_id");""")

ALERT_SETTINGS = Table("alert_settings", NOBODY, """
CREATE TABLE IF NOT EXISTS "alert_settings" (
   "name" TEXT PRIMARY KEY,
   "value" TEXT NOT NULL
);""")

OBJECTION_ALERTS = Table("objection_alerts", NOBODY, """
CREATE TABLE IF NOT EXISTS "objection_alerts" (
   "entry_id" TEXT NOT NULL,
   "ward" TEXT NOT NULL,
   "level" INTEGER NOT NULL,
   "threshold" INTEGER NOT NULL,
   "objections" INTEGER NOT NULL,
   "created_at" TEXT NOT NULL,
   PRIMARY KEY ("entry_id", "ward", "level")
);""")

RESPONSES = Table("responses", Personal(
    "none", "what the council or a councillor said publicly about an entry"), """
CREATE TABLE IF NOT EXISTS "responses" (
   "id" INTEGER PRIMARY KEY,
   "entry_id" TEXT NOT NULL,
   "text" TEXT NOT NULL,
   "councillor_id" TEXT,
   "author" TEXT NOT NULL,
   "created_at" TEXT NOT NULL,
   UNIQUE ("entry_id", "text")
);""")

RESPONSE_RECIPIENTS = Table("response_recipients", Personal(
    "delete", "who was sent a council response to their objection, so nobody is told "
    "twice; kept a year, like the objection", retain_days=365,
    label="council response(s) to your objections",
), """
CREATE TABLE IF NOT EXISTS "response_recipients" (
   "response_id" INTEGER NOT NULL,
   "channel" TEXT NOT NULL,
   "address" TEXT NOT NULL,
   "created_at" TEXT NOT NULL,
   PRIMARY KEY ("response_id", "channel", "address")
);
CREATE INDEX IF NOT EXISTS "idx_response_recipients_person"
    ON "response_recipients" ("channel", "address");""")

RESPONSE_REPLIES = Table("response_replies", Personal(
    "delete", "what someone answered to a council response to their objection, for the "
    "councillors' next weekly digest; kept 90 days, like feedback", retain_days=90,
    label="reply(ies) to council responses",
), """
CREATE TABLE IF NOT EXISTS "response_replies" (
   "id" INTEGER PRIMARY KEY,
   "response_id" INTEGER NOT NULL,
   "channel" TEXT NOT NULL,
   "address" TEXT NOT NULL,
   "text" TEXT NOT NULL,
   "created_at" TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_response_replies_person"
    ON "response_replies" ("channel", "address");""")

COUNCILLOR_DRAFTS = Table("councillor_drafts", NOBODY, """
CREATE TABLE IF NOT EXISTS "councillor_drafts" (
   "councillor_id" TEXT PRIMARY KEY,
   "entry_id" TEXT NOT NULL,
   "text" TEXT NOT NULL,
   "created_at" TEXT NOT NULL
);""")

DIGEST_WEEKS = Table("digest_weeks", NOBODY, """
CREATE TABLE IF NOT EXISTS "digest_weeks" (
   "councillor_id" TEXT NOT NULL,
   "week" TEXT NOT NULL,
   "created_at" TEXT NOT NULL,
   PRIMARY KEY ("councillor_id", "week")
);""")

SCHEMA = Schema("councillors", (COUNCILLORS, ALERT_SETTINGS, OBJECTION_ALERTS, RESPONSES,
                                 RESPONSE_RECIPIENTS, RESPONSE_REPLIES, COUNCILLOR_DRAFTS,
                                 DIGEST_WEEKS),
                (Migration("councillors.0002_draft_message_id",
                           add_column("councillor_drafts", "message_id", "TEXT")),
                 Migration("councillors.0003_response_replies", RESPONSE_REPLIES.create)))
