"""The one store: how every table is declared, created, upgraded, written and erased.

Each package declares its own tables in its `schema.py` (catalogue/schema.py,
conversations/schema.py, bot/schema.py) as `Table`s: the SQL that creates it, and beside
it what it holds about a person and what becomes of that (`Personal`). Versioned
`Migration`s upgrade a database in place; the composition root (bot/store.py) runs every
package's migrations at start, in order, each once (the `schema_migrations` table says
which have run). Erasure, export, MY DATA and the retention purge read the `Personal`
declarations (conversations/erasure.py, bot/retention.py), so a table cannot be added
without saying what happens to the people in it.

This module lives in the lowest package because every other package uses it; it knows no
table. It is the narrow interface a PostgreSQL backend would have to offer: `write`
(a transaction that takes the write lock first), `execute`, migrations, `checkpoint`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import sqlite_utils

BUSY_TIMEOUT_MS = 15_000  # a command and the server wait this long for each other's writes
ErasureAction = Literal["delete", "anonymise", "none"]


@dataclass(frozen=True)
class Personal:
    """What a table holds about a person, and what erasure and time do to it.

    `erase`: FORGET ME deletes the person's rows (`delete`), keeps them with `anonymise`
    columns set to NULL so totals stay right (`anonymise`), or the table holds nobody
    (`none`). `keep_where`: rows of the person that survive erasure on purpose, and why
    (an SQL condition). `retain_days`: how long any row is kept; then `retain_action`
    happens to rows older than that by `age_column` and matching `retain_only`.
    `export_via`: how export finds rows that name the person only by an id."""

    erase: ErasureAction
    why: str
    anonymise: tuple[str, ...] = ()
    keep_where: str = ""
    retain_days: int | None = None
    age_column: str = "created_at"
    retain_action: Literal["delete", "anonymise"] = "delete"
    retain_only: str = "1"
    label: str = ""  # how MY DATA counts these rows ("message(s) you sent")
    person: tuple[str, str] = ("channel", "address")  # the columns naming the person
    # For a table naming people by another table's id (the time bank's exchanges): a SELECT
    # of the rows about the person, given their channel and address, for `export-user`.
    export_via: str = ""


NOBODY = Personal("none", "holds nothing about a person")


@dataclass(frozen=True)
class Table:
    name: str
    personal: Personal
    create: str  # CREATE TABLE IF NOT EXISTS ... and its indexes, as first created


@dataclass(frozen=True)
class Migration:
    """One step of a package's schema, applied once. `id` is unique across packages
    ("bot.0002_outbox"); `apply` is SQL (a script) or a function of the database."""

    id: str
    apply: str | Callable[[sqlite_utils.Database], None]


@dataclass(frozen=True)
class Schema:
    package: str
    tables: tuple[Table, ...]
    migrations: tuple[Migration, ...] = field(default=())

    def all_migrations(self) -> tuple[Migration, ...]:
        """The initial step (every table as first created) then the later ones."""
        initial = Migration(f"{self.package}.0001_initial",
                            "\n".join(table.create for table in self.tables))
        return (initial, *self.migrations)


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open the database file with the settings every connection shares: WAL, a busy
    timeout (wait, not fail, while another process writes), and secure_delete (erased
    rows are overwritten, not left in free pages)."""
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA secure_delete = ON")
    return db


def snapshot(path: str | Path) -> sqlite_utils.Database:
    """A copy in memory of the database file at `path`, read without writing anything:
    no file is created when there is none (the copy is then empty), and no write-ahead
    log is left beside one that has none (`immutable`, as nothing has it open); while
    another process has it open (its log is there), it is read as a reader, log and all."""
    path = Path(path)
    memory = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    if path.exists():
        wal = path.with_name(path.name + "-wal")
        mode = "mode=ro" if wal.exists() else "immutable=1"
        source = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
        try:
            source.backup(memory)
        finally:
            source.close()
    return sqlite_utils.Database(memory)


@contextmanager
def reading(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Reads that must agree with one another, from one snapshot of the database (BEGIN,
    then ROLLBACK: nothing is written): another process's import between two of them
    cannot make the second see entries the first did not. Inside a transaction, that one."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN")
    try:
        yield db
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the write lock at once (BEGIN IMMEDIATE), so two
    writers queue on the busy timeout instead of one failing with "database is locked"
    after reading; inside another transaction it is a savepoint."""
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


RULES = "data_rules"


class UndeclaredTable(RuntimeError):
    """A table names people (`channel`, `address`) but no schema says what becomes of them."""


def record_rules(db: sqlite_utils.Database, schemas: Iterable[Schema]) -> None:
    """Write every table's `Personal` declaration into the database, where erasure, export
    and retention read it."""
    db.execute(f"CREATE TABLE IF NOT EXISTS {RULES} (table_name TEXT PRIMARY KEY, rule TEXT)")
    declared = {t.name: t.personal for s in schemas for t in s.tables}
    for name, personal in declared.items():
        db.execute(f"INSERT INTO {RULES} (table_name, rule) VALUES (?, ?) ON CONFLICT "
                   "(table_name) DO UPDATE SET rule = excluded.rule",
                   [name, json.dumps(asdict(personal))])


def check_declared(db: sqlite_utils.Database) -> None:
    """Refuse a database holding a person-shaped table that no schema declares: it would
    escape FORGET ME and the retention purge."""
    known = set(personal_rules(db))
    for name in db.table_names():
        columns = set(db.table(name).columns_dict)
        if {"channel", "address"} <= columns and name not in known:
            raise UndeclaredTable(f"table {name} holds people but no schema declares what "
                                  "erasure and retention do to it (catalogue/storage.py)")


def personal_rules(db: sqlite_utils.Database) -> dict[str, Personal]:
    """Table -> what it holds about a person, as the schemas declared it."""
    if not db.table(RULES).exists():
        return {}
    rules = {}
    for name, rule in db.execute(f"SELECT table_name, rule FROM {RULES} ORDER BY table_name"):
        data = json.loads(rule)
        data["anonymise"], data["person"] = tuple(data["anonymise"]), tuple(data["person"])
        rules[name] = Personal(**data)
    return rules


def people_tables(db: sqlite_utils.Database) -> dict[str, Personal]:
    """The declared tables that hold people and exist in this database."""
    present = set(db.table_names())
    return {name: rule for name, rule in personal_rules(db).items()
            if rule.erase != "none" and name in present}


def applied_migrations(db: sqlite_utils.Database) -> set[str]:
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
               "(id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    return {row[0] for row in db.execute("SELECT id FROM schema_migrations")}


def migrate(db: sqlite_utils.Database, schemas: Iterable[Schema]) -> list[str]:
    """Apply every migration not yet applied, in order, in one transaction; returns the
    ids applied. A database made before migrations existed has every table of the
    initial steps already: those steps create only what is missing."""
    schemas = list(schemas)
    done = applied_migrations(db)
    todo = [m for schema in schemas for m in schema.all_migrations() if m.id not in done]
    if not todo:
        with write(db):
            record_rules(db, schemas)
        return []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with write(db):
        done = applied_migrations(db)  # another process may have migrated meanwhile
        applied = []
        for migration in todo:
            if migration.id in done:
                continue
            if isinstance(migration.apply, str):
                for statement in split_script(migration.apply):
                    db.execute(statement)
            else:
                migration.apply(db)
            db.execute("INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)",
                       [migration.id, now])
            applied.append(migration.id)
        record_rules(db, schemas)
    return applied


def split_script(script: str) -> list[str]:
    """SQL statements of a script (executescript would commit the open transaction)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def add_column(table: str, column: str, sql_type: str) -> Callable[[sqlite_utils.Database], None]:
    """A migration step adding a column unless it is there already."""
    def apply(db: sqlite_utils.Database) -> None:
        if column not in db.table(table).columns_dict:
            db.execute(f"ALTER TABLE [{table}] ADD COLUMN [{column}] {sql_type}")
    return apply


def checkpoint(db: sqlite_utils.Database) -> None:
    """Fold the write-ahead log into the database file and empty it, so erased rows are
    gone from the WAL too (with secure_delete, from the file's free pages as well)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

