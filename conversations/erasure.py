"""A person's data across the whole database: find it, export it, describe it, erase it.

By convention every table holding something about a person has `channel` and `address`
columns; the tables are found by looking, so tables added later are covered without
changes here. Rows are deleted, except in tables listed in ANONYMISE, whose rows are kept
with the identifying columns set to NULL so anonymous totals stay right.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sqlite_utils

# table -> columns set to NULL instead of deleting the row (they must be nullable)
ANONYMISE: dict[str, tuple[str, ...]] = {"objections": ("channel", "address", "reason")}
# table -> which of the person's rows survive erasure, and why:
# - optouts: a "send me nothing" request must outlive the data, or we could message them
#   again (a suppression list: channel and address only);
# - alerts: a safeguarding referral not yet delivered still goes to the council; it is
#   erased once sent.
KEEP: dict[str, str] = {"optouts": "1", "alerts": "sent_at IS NULL"}
_DESCRIBED = {"sessions", "people", "feedback", "objections", "unmet_needs"}
# how other parts' tables read in MY DATA (any other table: "N in <table name>")
_LABELS = {"inbound_messages": "message(s) you sent", "outbound_messages": "message(s) to you",
           "optouts": "your request for no messages"}


def person_tables(db: sqlite_utils.Database) -> list[str]:
    """Every table with both a `channel` and an `address` column."""
    return [
        name for name in db.table_names()
        if {"channel", "address"} <= set(db.table(name).columns_dict)
    ]


def _rows(
    db: sqlite_utils.Database, table: str, channel: str, address: str
) -> list[dict[str, Any]]:
    return list(db.table(table).rows_where("channel = ? AND address = ?", [channel, address]))


def export_person(db: sqlite_utils.Database, channel: str, address: str) -> dict[str, Any]:
    """Everything held about the person, table by table (session data decoded)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in person_tables(db):
        rows = _rows(db, table, channel, address)
        if table == "sessions":
            for row in rows:
                row["data"] = json.loads(row.get("data") or "{}")
        if rows:
            tables[table] = rows
    return {"channel": channel, "address": address, "tables": tables}


def erase_person(db: sqlite_utils.Database, channel: str, address: str) -> dict[str, int]:
    """Delete (or anonymise, see ANONYMISE) the person's rows; returns rows touched a table.
    The caller owns the transaction."""
    touched: dict[str, int] = {}
    for table in person_tables(db):
        where, args = "channel = ? AND address = ?", [channel, address]
        if table in KEEP:
            where += f" AND NOT ({KEEP[table]})"
        if table in ANONYMISE:
            columns = ", ".join(f"[{c}] = NULL" for c in ANONYMISE[table])
            cursor = db.execute(f"UPDATE [{table}] SET {columns} WHERE {where}", args)
        else:
            cursor = db.execute(f"DELETE FROM [{table}] WHERE {where}", args)
        if cursor.rowcount:
            touched[table] = cursor.rowcount
    return touched


def _titles(db: sqlite_utils.Database, entry_ids: list[str]) -> list[str]:
    titles = []
    for entry_id in entry_ids:
        row = db.execute("SELECT title FROM entries WHERE id = ?", [entry_id]).fetchone()
        titles.append(str(row[0]) if row else entry_id)
    return titles


def _answers_fact(answers: Mapping[str, Any]) -> str:
    if not answers:
        return ""
    shown = [f"age {answers['age']}"] if isinstance(answers.get("age"), int) else []
    rest = len(answers) - len(shown)
    if rest:
        shown.append(f"{rest} other answer{'s' if rest != 1 else ''}")
    return "your answers in this chat (" + ", ".join(shown) + ")"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe_person(
    db: sqlite_utils.Database, channel: str, address: str, answers: Mapping[str, Any]
) -> str:
    """MY DATA: a short summary (SMS-sized: counts and key facts, not the rows)."""
    facts: list[str] = []
    person = _rows(db, "people", channel, address) if db.table("people").exists() else []
    if person and person[0].get("postcode"):
        ward = person[0].get("ward")
        facts.append(f"postcode {person[0]['postcode']}" + (f" ({ward})" if ward else ""))
    elif person:
        facts.append("that you chose not to give a postcode")
    if answer := _answers_fact(answers):
        facts.append(answer)
    tables = person_tables(db)
    if "feedback" in tables and (n := len(_rows(db, "feedback", channel, address))):
        facts.append(_count(n, "feedback answer"))
    if "objections" in tables:
        ids = [row["entry_id"] for row in _rows(db, "objections", channel, address)]
        if ids:
            facts.append("your objection to " + "; ".join(_titles(db, ids)[:3])
                         + (f" and {len(ids) - 3} more" if len(ids) > 3 else ""))
    if "unmet_needs" in tables and (n := len(_rows(db, "unmet_needs", channel, address))):
        facts.append(_count(n, "message") + " I had no answer for")
    for table in tables:
        if table not in _DESCRIBED and (n := len(_rows(db, table, channel, address))):
            label = _LABELS.get(table)
            facts.append(f"{n} {label}" if label else f"{n} in {table.replace('_', ' ')}")
    if not facts:
        return "I hold nothing about you apart from this chat's place in the conversation."
    return ("I hold: " + "; ".join(facts) + ". Only used to help you, and in councillors' "
            "counts without your details. FORGET ME deletes it.")
