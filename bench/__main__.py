"""`python -m bench`: run every benchmark, print the tables, write results.md and .json."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import digest, e2e, match, oruk_import, report
from bench.data import generate, lga_entries, write_catalogue

HERE = Path(__file__).resolve().parent
QUICK = ["--sizes", "300,2000", "--oruk-services", "300", "--levels", "1,2", "--sms-requests", "20",
         "--telegram-requests", "6", "--max-queries", "8", "--naive-budget", "0.2",
         "--cap", "10", "--warm-up", "2", "--outbox-messages", "50",
         "--digest", "6,2000,1000"]


def numbers(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=numbers, default=[1519, 10_000, 100_000],
                        help="catalogue sizes (default 1519,10000,100000)")
    parser.add_argument("--levels", type=numbers, default=[1, 20, 100],
                        help="end-to-end concurrency levels (default 1,20,100)")
    parser.add_argument("--sms-requests", type=int, default=4000, help="per level")
    parser.add_argument("--telegram-requests", type=int, default=600, help="per level")
    parser.add_argument("--outbox-messages", type=int, default=10_000,
                        help="SMS queued at once for the outbox drain (default 10000)")
    parser.add_argument("--digest", type=numbers, default=[60, 100_000, 50_000],
                        help="councillors, objections and unmet needs in the digest's week "
                        "(default 60,100000,50000)")
    parser.add_argument("--cap", type=float, default=20.0, help="seconds per level, at most")
    parser.add_argument("--warm-up", type=int, default=30, help="requests before timing")
    parser.add_argument("--naive-budget", type=float, default=12.0,
                        help="seconds of naive matching per size (at least 10 queries)")
    parser.add_argument("--max-queries", type=int, default=None,
                        help="only the first N queries of each set (quick checks)")
    parser.add_argument("--oruk-services", type=int, default=10_000,
                        help="services in the Open Referral UK feed imported (default 10000)")
    parser.add_argument("--out", type=Path, default=HERE, help="where results go")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the harness")
    given = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(given)
    if args.quick:  # the quick settings, then whatever was given (which wins)
        args = parser.parse_args([*QUICK, *given])
    return args


def run_matching(args: argparse.Namespace) -> list[dict[str, Any]]:
    real = lga_entries()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"catalogue-{size}.db"
            write_catalogue(path, generate(real, size))
            print(f"matching: {size:,} entries...", file=sys.stderr, flush=True)
            rows.append(match.run(path, args.naive_budget, args.max_queries))
            path.unlink()
    return rows


def run_e2e(args: argparse.Namespace) -> dict[str, Any]:
    print("end to end: SMS and Telegram webhooks...", file=sys.stderr, flush=True)
    plan = e2e.Plan(levels=tuple(args.levels), sms_requests=args.sms_requests,
                    telegram_requests=args.telegram_requests, cap_s=args.cap,
                    warm_up=args.warm_up, outbox_messages=args.outbox_messages,
                    drain_webhooks=min(2000, args.sms_requests))
    return e2e.run(plan)


def run_digest(args: argparse.Namespace) -> dict[str, Any]:
    councillors, objections, unmet = args.digest
    print(f"digest: {councillors} councillors, {objections:,} objections, {unmet:,} unmet "
          "needs...", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        return digest.run(councillors, objections, unmet, max(1, objections // 10), Path(tmp))


def headline_quality(rows: list[dict[str, Any]], key: str) -> dict[str, float]:
    """The quality on the LGA list itself (1,519 entries), else on the first size run."""
    row = next((r for r in rows if r["entries"] == 1519), rows[0])
    return {k: row[key][k] for k in ("top1", "top3", "reject")}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started, load_start = time.perf_counter(), report.load_average()
    reference_start = report.reference_ms()
    rows = run_matching(args)
    print(f"import: an Open Referral UK feed of {args.oruk_services:,} services...",
          file=sys.stderr, flush=True)
    feed_import = oruk_import.run(args.oruk_services)
    ends = run_e2e(args)
    weekly = run_digest(args)
    results: dict[str, Any] = {
        "machine": report.machine(), "match": rows, "sms": ends["sms"],
        "telegram": ends["telegram"], "quality": headline_quality(rows, "quality"),
        "extra_quality": headline_quality(rows, "extra_quality"),
        "outbox": ends["outbox"],
        "digest": weekly,
        "e2e_extra": {"server_peak_mb": ends["server_peak_mb"]},
        "oruk_import": feed_import,
        "load_start": load_start, "load_end": report.load_average(),
        "reference_ms_start": reference_start, "reference_ms_end": report.reference_ms(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    results["targets"] = report.targets(results)
    args.out.mkdir(parents=True, exist_ok=True)
    report.write(results, args.out)
    print(report.markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
