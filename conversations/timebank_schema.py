"""The time bank's tables, and what each holds about a person (catalogue/storage.py).

The ledger is double entry and append-only (conversations/timebank.py): an exchange is one
`timebank_exchanges` row and two `timebank_postings` rows (+minutes for the member who
gave, -minutes for the one who received) written together and never changed; its fate is
one `timebank_decisions` row (confirmed or declined), whose primary key makes a second
confirmation a no-op. Amounts are whole minutes, so sums are exact.

FORGET ME anonymises the member row (its id and postings stay, so the ledger stays
balanced and the other members' statements stay true); a trigger then empties the notes
of that member's exchanges, which may name them.
"""

from __future__ import annotations

from catalogue.storage import NOBODY, Migration, Personal, Schema, Table

MEMBERS = Table("timebank_members", Personal(
    "anonymise", "time bank members: first name, ward, what they offer and need. Erased, the "
    "member becomes an anonymous account so the ledger and others' statements stay true",
    anonymise=("address", "first_name", "ward", "offers", "needs"),
    label="time bank membership",
), """
CREATE TABLE IF NOT EXISTS "timebank_members" (
   "id" INTEGER PRIMARY KEY,
   "channel" TEXT,
   "address" TEXT,
   "first_name" TEXT,
   "ward" TEXT,
   "offers" TEXT,
   "needs" TEXT,
   "status" TEXT NOT NULL,
   "joined_at" TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_timebank_members_person"
    ON "timebank_members" ("channel", "address");
CREATE INDEX IF NOT EXISTS "idx_timebank_members_name" ON "timebank_members" ("first_name");""")

FORMER = "a former member"  # how a forgotten member is named to the others
# A member's rows in the tables that name members by id, as `export-user` shows them.
_MEMBER = ("JOIN timebank_members m ON m.id IN ({0}, {1}) AND m.channel = ? AND m.address = ? "
           "JOIN timebank_members o ON o.id = (CASE WHEN {0} = m.id THEN {1} ELSE {0} END)")
EXCHANGES_OF_MEMBER = (
    "SELECT e.id AS exchange, CASE WHEN e.giver = m.id THEN 'gave' ELSE 'received' END "
    "AS direction, e.minutes, coalesce(o.first_name, '" + FORMER + "') AS with_member, "
    "coalesce(d.state, 'pending') AS state, e.note, e.recorded_at, d.decided_at "
    "FROM timebank_exchanges e " + _MEMBER.format("e.giver", "e.receiver")
    + " LEFT JOIN timebank_decisions d ON d.exchange = e.id ORDER BY e.recorded_at, e.id")
INTRODUCTIONS_OF_MEMBER = (
    "SELECT i.id AS introduction, CASE WHEN i.asker = m.id THEN 'you asked' ELSE 'you were "
    "asked' END AS direction, coalesce(o.first_name, '" + FORMER + "') AS with_member, "
    "i.about, i.state, i.created_at FROM timebank_introductions i "
    + _MEMBER.format("i.asker", "i.asked") + " ORDER BY i.id")

EXCHANGES = Table("timebank_exchanges", Personal(
    "none", "who gave whom how many minutes (by member id); the note is emptied when "
    "either member is forgotten (trigger below)", export_via=EXCHANGES_OF_MEMBER,
), """
CREATE TABLE IF NOT EXISTS "timebank_exchanges" (
   "id" INTEGER PRIMARY KEY,
   "giver" INTEGER NOT NULL REFERENCES "timebank_members" ("id"),
   "receiver" INTEGER NOT NULL REFERENCES "timebank_members" ("id"),
   "minutes" INTEGER NOT NULL CHECK ("minutes" > 0),
   "note" TEXT,
   "recorded_by" TEXT NOT NULL,
   "recorded_at" TEXT NOT NULL,
   CHECK ("giver" != "receiver")
);
CREATE INDEX IF NOT EXISTS "idx_timebank_exchanges_receiver" ON "timebank_exchanges" ("receiver");
CREATE INDEX IF NOT EXISTS "idx_timebank_exchanges_giver" ON "timebank_exchanges" ("giver");
CREATE TRIGGER IF NOT EXISTS "timebank_forget_notes"
AFTER UPDATE OF "first_name" ON "timebank_members" WHEN NEW."first_name" IS NULL
BEGIN
   UPDATE "timebank_exchanges" SET "note" = NULL
   WHERE "giver" = NEW."id" OR "receiver" = NEW."id";
   DELETE FROM "timebank_introductions" WHERE "asker" = NEW."id" OR "asked" = NEW."id";
END;""")
# A forgotten member can no longer answer: exchanges still waiting on either side are
# declined (they never counted), so none waits for ever.
DECLINE_ON_FORGET = """
CREATE TRIGGER IF NOT EXISTS "timebank_forget_declines_pending"
AFTER UPDATE OF "first_name" ON "timebank_members" WHEN NEW."first_name" IS NULL
BEGIN
   INSERT OR IGNORE INTO "timebank_decisions" ("exchange", "state", "decided_by", "decided_at")
   SELECT "id", 'declined', 'forgotten', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   FROM "timebank_exchanges" WHERE "giver" = NEW."id" OR "receiver" = NEW."id";
END;"""

POSTINGS = Table("timebank_postings", NOBODY, """
CREATE TABLE IF NOT EXISTS "timebank_postings" (
   "id" INTEGER PRIMARY KEY,
   "exchange" INTEGER NOT NULL REFERENCES "timebank_exchanges" ("id"),
   "member" INTEGER NOT NULL REFERENCES "timebank_members" ("id"),
   "minutes" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_timebank_postings_member"
    ON "timebank_postings" ("member", "exchange", "minutes");
CREATE INDEX IF NOT EXISTS "idx_timebank_postings_exchange" ON "timebank_postings" ("exchange");
CREATE TRIGGER IF NOT EXISTS "timebank_postings_append_only"
BEFORE UPDATE ON "timebank_postings"
BEGIN SELECT RAISE(ABORT, 'time bank postings are append-only: record a reversing exchange');
END;
CREATE TRIGGER IF NOT EXISTS "timebank_postings_never_deleted"
BEFORE DELETE ON "timebank_postings"
BEGIN SELECT RAISE(ABORT, 'time bank postings are append-only: record a reversing exchange');
END;
CREATE TRIGGER IF NOT EXISTS "timebank_exchanges_amounts_fixed"
BEFORE UPDATE OF "giver", "receiver", "minutes" ON "timebank_exchanges"
BEGIN SELECT RAISE(ABORT, 'time bank exchanges are append-only: record a reversing exchange');
END;""")

DECISIONS = Table("timebank_decisions", NOBODY, """
CREATE TABLE IF NOT EXISTS "timebank_decisions" (
   "exchange" INTEGER PRIMARY KEY REFERENCES "timebank_exchanges" ("id"),
   "state" TEXT NOT NULL CHECK ("state" IN ('confirmed', 'declined')),
   "decided_by" TEXT NOT NULL,
   "decided_at" TEXT NOT NULL
);""" + DECLINE_ON_FORGET)

LISTINGS = Table("timebank_listings", Personal(
    "delete", "offers and requests a member posted", label="time bank offer(s) and request(s)",
), """
CREATE TABLE IF NOT EXISTS "timebank_listings" (
   "id" INTEGER PRIMARY KEY,
   "member" INTEGER NOT NULL REFERENCES "timebank_members" ("id"),
   "channel" TEXT,
   "address" TEXT,
   "kind" TEXT NOT NULL CHECK ("kind" IN ('offer', 'request')),
   "text" TEXT NOT NULL,
   "created_at" TEXT NOT NULL,
   "closed_at" TEXT
);
CREATE INDEX IF NOT EXISTS "idx_timebank_listings_member" ON "timebank_listings" ("member");
CREATE INDEX IF NOT EXISTS "idx_timebank_listings_person"
    ON "timebank_listings" ("channel", "address");""")

INTRODUCTIONS = Table("timebank_introductions", Personal(
    "none", "which two members asked to be put in touch (by member id); deleted with "
    "either member (trigger above)", export_via=INTRODUCTIONS_OF_MEMBER,
), """
CREATE TABLE IF NOT EXISTS "timebank_introductions" (
   "id" INTEGER PRIMARY KEY,
   "asker" INTEGER NOT NULL REFERENCES "timebank_members" ("id"),
   "asked" INTEGER NOT NULL REFERENCES "timebank_members" ("id"),
   "about" TEXT,
   "state" TEXT NOT NULL CHECK ("state" IN ('asked', 'accepted', 'declined')),
   "created_at" TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_timebank_introductions_pair"
    ON "timebank_introductions" ("asker", "asked");""")

# A forgotten member's name, ward and offers must not go out after all in a message still
# waiting for someone else: asking another member to confirm an exchange with them, to be
# put in touch, a relayed message, the coordinators' notices. Those rows are emptied and
# cancelled before the member's row is (a BEFORE trigger: the introductions still exist).
CANCEL_ON_FORGET = """
CREATE TRIGGER IF NOT EXISTS "timebank_forget_cancels_messages"
BEFORE UPDATE OF "first_name" ON "timebank_members"
WHEN NEW."first_name" IS NULL AND OLD."first_name" IS NOT NULL
BEGIN
   UPDATE "outbox" SET "state" = 'cancelled', "body" = '', "choices" = NULL
   WHERE "state" = 'queued' AND EXISTS (
      SELECT 1 FROM (
         SELECT 'timebank-' || kind || ':' || e."id" AS prefix
         FROM "timebank_exchanges" e,
              (SELECT 'confirm' AS kind UNION SELECT 'confirmed' UNION SELECT 'declined'
               UNION SELECT 'limit' UNION SELECT 'unreachable')
         WHERE e."giver" = OLD."id" OR e."receiver" = OLD."id"
         UNION
         SELECT 'timebank-' || kind || ':' || i."id"
         FROM "timebank_introductions" i,
              (SELECT 'intro' AS kind UNION SELECT 'intro-answer')
         WHERE i."asker" = OLD."id" OR i."asked" = OLD."id"
         UNION SELECT 'timebank-join:' || OLD."id"
         UNION SELECT 'timebank-relay:' || OLD."id")  -- those to them: their own, erased
      WHERE "key" = prefix OR "key" LIKE prefix || ':%');  -- coordinators: key:channel:address
END;"""

# the introductions table comes before the trigger on exchanges that names it
SCHEMA = Schema("timebank", (MEMBERS, INTRODUCTIONS, EXCHANGES, POSTINGS, DECISIONS, LISTINGS),
                migrations=(Migration("timebank.0002_forget_cancels_messages",
                                      CANCEL_ON_FORGET),))
