"""How long personal data is kept: a policy as data, applied once a day by the scheduler.

Each rule names a table, the column that says how old a row is, how many days it is kept,
and what happens then: `delete` the row, or `anonymise` it (channel and address emptied,
so the counts councillors see stay right). Tables that do not exist yet are skipped, so
a rule can be written before its table. FORGET ME erases at once (conversations/erasure);
this is what happens to everybody's data without being asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import sqlite_utils


@dataclass(frozen=True)
class Rule:
    table: str
    age_column: str
    days: int
    action: Literal["delete", "anonymise"]
    why: str
    only: str = "1"  # an SQL condition: which rows the rule applies to
    anonymise: tuple[str, ...] = ("channel", "address")


POLICY: tuple[Rule, ...] = (
    Rule("inbound_messages", "received_at", 30, "delete",
         "the message log, kept a month for retries and to look into problems"),
    Rule("outbound_messages", "created_at", 30, "delete", "the log of messages we started"),
    Rule("sessions", "updated_at", 30, "delete",
         "where a conversation stands (a conversation restarts after a day anyway)"),
    Rule("alerts", "created_at", 90, "delete",
         "safeguarding alerts once emailed (the council's own records hold the referral)",
         only="sent_at IS NOT NULL"),
    Rule("feedback", "created_at", 90, "anonymise",
         "who gave feedback; the answers and ratings stay for the digests"),
    Rule("unmet_needs", "created_at", 90, "anonymise",
         "who asked something we had no answer for; the redacted text stays"),
    Rule("objections", "created_at", 365, "anonymise",
         "who objected, and their reason; the objection stays in the counts",
         anonymise=("channel", "address", "reason")),
    Rule("people", "updated_at", 365, "delete", "a person's postcode and ward"),
)


def purge(
    db: sqlite_utils.Database, now: datetime, policy: tuple[Rule, ...] = POLICY
) -> dict[str, int]:
    """Apply the policy in one transaction; returns the rows touched per table."""
    touched: dict[str, int] = {}
    with db.atomic():
        for rule in policy:
            if not db.table(rule.table).exists():
                continue
            cutoff = (now - timedelta(days=rule.days)).isoformat()
            where = f"[{rule.age_column}] < ? AND ({rule.only})"
            if rule.action == "delete":
                sql = f"DELETE FROM [{rule.table}] WHERE {where}"
            else:
                columns = ", ".join(f"[{c}] = NULL" for c in rule.anonymise)
                where += f" AND [{rule.anonymise[0]}] IS NOT NULL"
                sql = f"UPDATE [{rule.table}] SET {columns} WHERE {where}"
            count = db.execute(sql, [cutoff]).rowcount
            if count:
                touched[rule.table] = count
    return touched
