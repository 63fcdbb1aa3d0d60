"""The message path's tables, and what each holds about a person (catalogue/storage.py).

- `message_ids`: every channel message id seen, for de-duplication. No personal data, so it
  outlives erasure and the message log: a Twilio retry of a message sent before FORGET ME
  is recognised and processes nothing.
- `inbound_messages`: the message log, with the replies as rendered (a retry is answered
  with them).
The outbox and the opt-outs are the conversations' tables (conversations/schema.py):
flows queue messages in the same transaction as the change that causes them.
- `alerts`: safeguarding alerts for the council's contact (bot/notify.py).
"""

from __future__ import annotations

from catalogue.storage import Migration, Personal, Schema, Table, add_column

MESSAGE_IDS = Table("message_ids", Personal(
    "none", "message ids only, to recognise a retry; kept 90 days, longer than any retry",
    retain_days=90, age_column="seen_at",
), """
CREATE TABLE IF NOT EXISTS "message_ids" (
   "channel" TEXT NOT NULL,
   "message_id" TEXT NOT NULL,
   "seen_at" TEXT NOT NULL,
   PRIMARY KEY ("channel", "message_id")
);""")

INBOUND = Table("inbound_messages", Personal(
    "delete", "the message log, kept a month for retries and to look into problems",
    retain_days=30, age_column="received_at", label="message(s) you sent",
), """
CREATE TABLE IF NOT EXISTS "inbound_messages" (
   "channel" TEXT,
   "message_id" TEXT,
   "address" TEXT,
   "text" TEXT,
   "received_at" TEXT,
   "replies" TEXT,
   "processed_at" TEXT,
   "sent_at" TEXT,
   PRIMARY KEY ("channel", "message_id")
);
CREATE INDEX IF NOT EXISTS "idx_inbound_messages_channel_address"
    ON "inbound_messages" ("channel", "address");""")

ALERTS = Table("alerts", Personal(
    "delete", "safeguarding alerts: one not yet emailed still goes to the council; once "
    "emailed it is kept 90 days (the council's own records hold the referral)",
    keep_where="sent_at IS NULL", retain_days=90, retain_only="sent_at IS NOT NULL",
    label="safeguarding alert(s)",
), """
CREATE TABLE IF NOT EXISTS "alerts" (
   "id" INTEGER PRIMARY KEY,
   "channel" TEXT NOT NULL,
   "address" TEXT NOT NULL,
   "text" TEXT NOT NULL,
   "category" TEXT,
   "phrase" TEXT,
   "created_at" TEXT NOT NULL,
   "sent_at" TEXT,
   "attempts" INTEGER,
   "last_error" TEXT
);
CREATE INDEX IF NOT EXISTS "idx_alerts_channel_address" ON "alerts" ("channel", "address");
CREATE INDEX IF NOT EXISTS "idx_alerts_sent_at" ON "alerts" ("sent_at");""")

# Before the outbox, messages the assistant started were only logged here: their log
# moves into the outbox as delivered history (state sent, refused or failed).
MOVE_OUTBOUND_LOG = Migration("bot.0002_outbound_log_into_outbox", """
CREATE TABLE IF NOT EXISTS "outbound_messages" ("id" INTEGER PRIMARY KEY, "channel" TEXT,
   "address" TEXT, "text" TEXT, "status" TEXT, "detail" TEXT, "created_at" TEXT);
INSERT OR IGNORE INTO outbox (key, kind, channel, address, body, state, attempts,
   next_attempt_at, last_error, provider_id, created_at, sent_at)
   SELECT 'legacy:' || id, 'legacy', coalesce(channel, ''), coalesce(address, ''),
          coalesce(text, ''), CASE status WHEN 'sent' THEN 'sent' WHEN 'refused' THEN 'refused'
          ELSE 'failed' END, 1, created_at, CASE WHEN status = 'sent' THEN NULL ELSE detail END,
          CASE WHEN status = 'sent' THEN detail END, created_at,
          CASE WHEN status = 'sent' THEN created_at END
   FROM outbound_messages;
DROP TABLE outbound_messages;""")

# Message ids already in the log are known ids.
SEED_MESSAGE_IDS = Migration("bot.0003_message_ids_from_log", """
INSERT OR IGNORE INTO message_ids (channel, message_id, seen_at)
   SELECT channel, message_id, coalesce(received_at, '') FROM inbound_messages
   WHERE channel IS NOT NULL AND message_id IS NOT NULL;""")

# Where a person came from (a Telegram /start payload: a poster in a ward, a school).
LOG_SOURCE = Migration("bot.0004_inbound_source", add_column("inbound_messages", "source", "TEXT"))

# A safeguarding alert is emailed through the outbox (key "alert:<id>"): when that row is
# sent, the alert is marked sent; when an alert is erased or purged, so is its email.
ALERT_TRIGGERS = Migration("bot.0005_alert_outbox_triggers", """
CREATE TRIGGER IF NOT EXISTS alert_emailed AFTER UPDATE OF state ON outbox
   WHEN new.state = 'sent' AND new.kind = 'safeguarding'
   BEGIN UPDATE alerts SET sent_at = new.sent_at, attempts = new.attempts
         WHERE id = CAST(substr(new.key, 7) AS INTEGER); END;
CREATE TRIGGER IF NOT EXISTS alert_gone AFTER DELETE ON alerts
   BEGIN DELETE FROM outbox WHERE key = 'alert:' || old.id; END;""")

SCHEMA = Schema("bot", (MESSAGE_IDS, INBOUND, ALERTS),
                (MOVE_OUTBOUND_LOG, SEED_MESSAGE_IDS, LOG_SOURCE, ALERT_TRIGGERS))
