"""A person's data across the whole database: find it, export it, describe it, erase it.

What each table holds about a person, and what erasure does to it, is declared beside the
table's schema (catalogue/storage.py `Personal`, in each package's schema.py) and recorded
in the database when it is opened, so every table is covered the same way here, whichever
package owns it. FORGET ME, `localsupport forget`, `export-user` and MY DATA all read it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from catalogue.storage import Personal, people_tables, personal_rules
from conversations import timebank, timebank_notices, volunteering
from conversations.councillors.forget import forget_reasons

_DESCRIBED = {"sessions", "people", "feedback", "objections", "unmet_needs",
              "volunteering_signups"}


def person_tables(db: sqlite_utils.Database) -> list[str]:
    """Every table in this database that is declared to hold people."""
    return list(people_tables(db))


def _where(rule: Personal) -> str:
    channel, address = rule.person
    return f"[{channel}] = ? AND [{address}] = ?"


def _rows(
    db: sqlite_utils.Database, table: str, channel: str, address: str
) -> list[dict[str, Any]]:
    rule = people_tables(db).get(table)
    if rule is None:
        return []
    return list(db.table(table).rows_where(_where(rule), [channel, address]))


def export_person(db: sqlite_utils.Database, channel: str, address: str) -> dict[str, Any]:
    """Everything held about the person, table by table (session data decoded)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, rule in people_tables(db).items():
        rows = list(db.table(table).rows_where(_where(rule), [channel, address]))
        if table == "sessions":
            for row in rows:
                row["data"] = json.loads(row.get("data") or "{}")
        if rows:
            tables[table] = rows
    present = set(db.table_names())
    for table, rule in personal_rules(db).items():
        if rule.export_via and table in present:
            cursor = db.execute(rule.export_via, [channel, address])
            columns = [c[0] for c in cursor.description]
            if rows := [dict(zip(columns, row, strict=True)) for row in cursor]:
                tables[table] = rows
    return {"channel": channel, "address": address, "tables": tables}


def erase_person(db: sqlite_utils.Database, channel: str, address: str,
                 now: datetime | None = None) -> dict[str, int]:
    """Delete or anonymise the person's rows as each table declares; returns rows touched
    a table. The other member of a time-bank exchange still waiting for a YES is told
    first (conversations/timebank_notices.py `leaving`), the organisers of volunteering
    sign-ups are asked to delete theirs (conversations/volunteering.py `forget`), and
    councillors' alerts and digests not yet sent lose their words
    (conversations/councillors/forget.py). The caller owns the transaction (and
    checkpoints the log afterwards)."""
    touched: dict[str, int] = {}
    member = timebank.member_for(db, channel, address) \
        if "timebank_members" in db.table_names() else None
    if member is not None:
        timebank_notices.leaving(db, member, now or datetime.now(UTC))
    if "volunteering_signups" in db.table_names():
        volunteering.forget(db, channel, address, now or datetime.now(UTC))
    forget_reasons(db, channel, address)  # councillors' messages not yet sent
    for table, rule in people_tables(db).items():
        where, args = _where(rule), [channel, address]
        if rule.keep_where:
            where += f" AND NOT ({rule.keep_where})"
        if rule.erase == "anonymise":
            columns = ", ".join(f"[{c}] = NULL" for c in rule.anonymise)
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
    elif person and person[0].get("ward"):
        facts.append(f"your ward, {person[0]['ward']} (no postcode)")
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
    if "volunteering_signups" in tables and (
            signups := volunteering.described(db, channel, address)):
        facts.append(signups)  # standing and withdrawn apart
    for table, rule in people_tables(db).items():
        if table not in _DESCRIBED and (n := len(_rows(db, table, channel, address))):
            label = rule.label or f"in {table.replace('_', ' ')}"
            facts.append(f"{n} {label}")
    if not facts:
        return "I hold nothing about you apart from this chat's place in the conversation."
    kept = any(db.execute(f"SELECT 1 FROM [{table}] WHERE {_where(rule)} AND ({rule.keep_where})",
                          [channel, address]).fetchone()
               for table, rule in people_tables(db).items() if rule.keep_where)
    forget = ("FORGET ME deletes it, except what the council must still have (a safeguarding "
              "alert not yet sent, a request for no messages)" if kept else
              "FORGET ME deletes it")
    return ("I hold: " + "; ".join(facts) + ". Only used to help you, and in councillors' "
            f"counts without your details. {forget}.")
