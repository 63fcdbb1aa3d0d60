"""How long data is kept: applied once a day by the scheduler, without anyone asking.

The policy is not written here: each table declares beside its schema how many days its
rows are kept and what happens then (catalogue/storage.py `Personal`: `retain_days`,
`age_column`, `retain_action`, `retain_only`), and this applies every declaration:
`delete` the rows, or `anonymise` them (the declared columns emptied, so the counts
councillors see stay right). FORGET ME erases at once (conversations/erasure.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from catalogue.storage import Personal, personal_rules, write


def policy(db: sqlite_utils.Database) -> dict[str, Personal]:
    """Table -> its declared rule, for the tables that keep rows for a limited time."""
    present = set(db.table_names())
    return {name: rule for name, rule in personal_rules(db).items()
            if rule.retain_days is not None and name in present}


def purge(db: sqlite_utils.Database, now: datetime) -> dict[str, int]:
    """Apply every table's retention rule in one transaction; returns rows touched a table."""
    touched: dict[str, int] = {}
    with write(db):
        for table, rule in policy(db).items():
            assert rule.retain_days is not None
            cutoff = (now - timedelta(days=rule.retain_days)).isoformat()
            where = f"[{rule.age_column}] < ? AND ({rule.retain_only})"
            if rule.retain_action == "delete":
                sql = f"DELETE FROM [{table}] WHERE {where}"
            else:
                columns = ", ".join(f"[{c}] = NULL" for c in rule.anonymise)
                where += f" AND [{rule.anonymise[0]}] IS NOT NULL"
                sql = f"UPDATE [{table}] SET {columns} WHERE {where}"
            count = db.execute(sql, [cutoff]).rowcount
            if count:
                touched[table] = count
    return touched
