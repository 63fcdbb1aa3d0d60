"""Time-bank ledger queries at scale: BALANCE and STATEMENT (conversations/timebank.py) on
a database of `members` members and `postings` postings (two an exchange; 90% confirmed,
5% declined, 5% pending, over two years), each query timed alone on the real code path.

`python -m bench.timebank [--members N] [--postings N]` runs it alone."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.stats import summary_ms
from bot.store import open_store
from conversations import timebank

SEED = 14
START = datetime(2025, 1, 1, tzinfo=UTC)


def build(path: Path, members: int, postings: int) -> float:
    """Fill a fresh store with the ledger; returns seconds taken."""
    started = time.perf_counter()
    db = open_store(path)
    rng = random.Random(SEED)
    conn = db.conn
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO timebank_members (id, channel, address, first_name, ward, offers, needs, "
        "status, joined_at) VALUES (?, 'sms', ?, ?, 'Riverside', 'gardening', '', 'active', ?)",
        ((n, f"+447{n:09d}", f"Member{n}", START.isoformat()) for n in range(1, members + 1)))
    exchanges, postings_rows, decisions = [], [], []
    for exchange_id in range(1, postings // 2 + 1):
        giver = rng.randint(1, members)
        receiver = rng.randint(1, members - 1)
        receiver += receiver >= giver
        minutes = rng.choice((30, 60, 60, 90, 120, 180))
        when = (START + timedelta(minutes=exchange_id)).isoformat(timespec="milliseconds")
        exchanges.append((exchange_id, giver, receiver, minutes, "help", f"member:{giver}",
                          when))
        postings_rows += [(exchange_id, giver, minutes), (exchange_id, receiver, -minutes)]
        fate = rng.random()
        if fate < 0.95:
            decisions.append((exchange_id, "confirmed" if fate < 0.90 else "declined",
                              f"member:{receiver}", when))
    conn.executemany("INSERT INTO timebank_exchanges (id, giver, receiver, minutes, note, "
                     "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", exchanges)
    conn.executemany("INSERT INTO timebank_postings (exchange, member, minutes) "
                     "VALUES (?, ?, ?)", postings_rows)
    conn.executemany("INSERT INTO timebank_decisions (exchange, state, decided_by, decided_at) "
                     "VALUES (?, ?, ?, ?)", decisions)
    conn.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()
    return time.perf_counter() - started


def warm(db: Any) -> None:
    """Read the tables and indexes the queries use once, so the file is in the operating
    system's page cache as it is for a server that has been running (a cold first read
    measures the disk, not the ledger)."""
    db.execute("SELECT sum(member), sum(exchange), sum(minutes) FROM timebank_postings "
               "INDEXED BY idx_timebank_postings_member").fetchone()
    db.execute("SELECT count(*), sum(length(state)), max(decided_at) FROM timebank_decisions"
               ).fetchone()
    db.execute("SELECT sum(giver + receiver + minutes), max(recorded_at), max(note) "
               "FROM timebank_exchanges").fetchone()
    db.execute("SELECT max(first_name) FROM timebank_members").fetchone()


def timed(queries: int, run: Any) -> tuple[float, float]:
    seconds = []
    for n in range(queries):
        start = time.perf_counter()
        run(n)
        seconds.append(time.perf_counter() - start)
    return summary_ms(seconds)


def run(members: int = 10_000, postings: int = 1_000_000, queries: int = 500
        ) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.db"
        build_s = build(path, members, postings)
        db = open_store(path)
        rng = random.Random(SEED + 1)
        picks = [rng.randint(1, members) for _ in range(queries)]
        warm(db)
        balance = timed(queries, lambda n: timebank.balance(db, picks[n]))
        statement = timed(queries, lambda n: timebank.statement(db, picks[n]))
        year = timed(queries, lambda n: timebank.statement(db, picks[n], 2026))
        lines = sum(len(timebank.statement(db, m).lines) for m in picks[:50]) / 50
        balanced = timebank.total(db) == 0
        db.close()
    return {"members": members, "postings": postings, "queries": queries,
            "build_s": round(build_s, 1), "balance_p50_ms": balance[0],
            "balance_p99_ms": balance[1], "statement_p50_ms": statement[0],
            "statement_p99_ms": statement[1], "statement_year_p50_ms": year[0],
            "statement_year_p99_ms": year[1], "lines_per_statement": round(lines, 1),
            "balanced": balanced}


def table(row: dict[str, Any]) -> str:
    return "\n".join([
        "| members | postings | query | p50 ms | p99 ms |", "|---|---|---|---|---|",
        *(f"| {row['members']:,} | {row['postings']:,} | {name} | {row[key + '_p50_ms']} | "
          f"{row[key + '_p99_ms']} |" for name, key in (
              ("BALANCE", "balance"), ("STATEMENT, all time", "statement"),
              ("STATEMENT 2026", "statement_year")))])


NOTE = """\
Each query runs the code the assistant runs (`conversations.timebank.balance` and
`statement`) on one connection, one at a time, for members picked at random, after one read
of the tables (the page cache of a server that has been running); a statement
at this size lists about {lines} confirmed exchanges. The ledger was built with bulk inserts
in {build} s and sums to zero ({balanced})."""


def markdown(row: dict[str, Any]) -> str:
    return table(row) + "\n\n" + NOTE.format(
        lines=row["lines_per_statement"], build=row["build_s"],
        balanced="checked" if row["balanced"] else "NOT balanced")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.timebank", description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args(argv)
    print(markdown(run(args.members, args.postings, args.queries)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
