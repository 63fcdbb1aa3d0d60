"""The machine, the issue's targets beside the figures, and the output: a table printed,
bench/results.md and bench/results.json (the shape in INTERFACE.md, plus extra keys)."""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Results = dict[str, Any]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def reference_ms() -> float:
    """A fixed pure-Python workload (best of 3): compare start and end of a run to see
    how much the machine's speed moved while it ran (other work, CPU steal)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i % 7
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 2)


def machine() -> str:
    return (f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}, "
            f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}")


@dataclass(frozen=True)
class Target:
    name: str
    goal: str
    measure: Callable[[Results], float | None]
    met: Callable[[float], bool]
    unit: str


def _match(entries: int, key: str) -> Callable[[Results], float | None]:
    def get(results: Results) -> float | None:
        rows = [r for r in results["match"] if r["entries"] == entries]
        return float(rows[0][key]) if rows else None
    return get


def _sms(concurrency: int, key: str) -> Callable[[Results], float | None]:
    def get(results: Results) -> float | None:
        rows = [r for r in results.get("sms", []) if r["concurrency"] == concurrency]
        return float(rows[0][key]) if rows else None
    return get


TARGETS = (
    Target("p99 per query, 1,519 entries", "< 5 ms", _match(1519, "p99_ms"),
           lambda v: v < 5, "ms"),
    Target("p99 per query, 100,000 entries", "< 20 ms", _match(100_000, "p99_ms"),
           lambda v: v < 20, "ms"),
    Target("peak memory, 1,519 entries", "< 150 MB", _match(1519, "peak_mb"),
           lambda v: v < 150, "MB"),
    Target("SMS webhooks/s, concurrency 20", ">= 500/s", _sms(20, "rps"),
           lambda v: v >= 500, "/s"),
    Target("SMS p99, concurrency 20", "< 50 ms", _sms(20, "p99_ms"), lambda v: v < 50, "ms"),
)


def targets(results: Results) -> list[dict[str, Any]]:
    out = []
    for target in TARGETS:
        value = target.measure(results)
        verdict = "not measured" if value is None else "pass" if target.met(value) else "miss"
        out.append({"target": target.name, "goal": target.goal, "measured": value,
                    "unit": target.unit, "verdict": verdict})
    return out


# -- tables ----------------------------------------------------------------------------------

def table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.1%}"


def match_table(results: Results) -> str:
    rows = []
    for r in results["match"]:
        q = r["quality"]
        rows.append([r["entries"], r["index_s"], r["p50_ms"], r["p99_ms"], r["qps"],
                     r["peak_mb"], r["naive_p50_ms"], r["naive_p99_ms"],
                     r.get("naive_queries", "-"), pct(q["top1"]), pct(q["top3"]),
                     pct(q["reject"])])
    return table(["entries", "index s", "p50 ms", "p99 ms", "queries/s", "peak MB",
                  "naive p50 ms", "naive p99 ms", "naive n", "dev top-1", "dev top-3",
                  "dev reject"], rows)


def e2e_table(results: Results) -> str:
    rows = [[channel, r["concurrency"], r["rps"], r["p50_ms"], r["p99_ms"], r["requests"],
             r["errors"], r.get("server_cpu", "-"), r.get("client_cpu", "-"),
             r.get("machine_cpu", "-")]
            for channel in ("sms", "telegram") for r in results.get(channel, [])]
    return table(["channel", "concurrency", "requests/s", "p50 ms", "p99 ms", "requests",
                  "errors", "server CPU", "client CPU", "whole machine CPU"], rows)


def sms_note(results: Results) -> str:
    """Little's law for the SMS levels: with N requests in flight the mean latency is
    N / throughput, so p99 at concurrency 20 follows from the CPU each webhook costs."""
    parts = []
    for r in results.get("sms", []):
        if r.get("rps") and r.get("server_cpu"):
            cpu_ms = 1000 * r["server_cpu"] / r["rps"]
            parts.append(f"concurrency {r['concurrency']}: {cpu_ms:.2f} ms of server CPU per "
                         f"webhook, {1000 * r['concurrency'] / r['rps']:.1f} ms mean latency")
    if not parts:
        return ""
    return ("SMS: the server is one Python process whose webhooks queue for one database "
            "thread, so with N requests in flight the mean latency is N / throughput "
            "(Little's law) and p99 at concurrency 20 is set by the CPU each webhook costs: "
            + "; ".join(parts) + ". `python -m bench.profile` shows where that CPU goes "
            "(py-spy).")


def telegram_note(results: Results) -> str:
    """How fast replies reached the Bot API: PTB's AIORateLimiter allows 30 a second."""
    rates = [f"{r['delivered_per_s']}/s at concurrency {r['concurrency']} (the last one "
             f"{r['outbox_lag_s']} s after the last webhook was answered)"
             for r in results.get("telegram", []) if "delivered_per_s" in r]
    if not rates:
        return ""
    return ("Telegram: the webhook answers as soon as the update and its replies are "
            "stored; the replies go out through the outbox. They reached the Bot API "
            "stand-in at " + ", ".join(rates) + ": python-telegram-bot's AIORateLimiter "
            "lets 30 a second through, Telegram's own limit for a bot.")


def outbox_note(results: Results) -> str:
    drain = results.get("outbox")
    if not drain:
        return ""
    during = drain["webhooks_during"]
    return (f"Outbox: {drain['queued']:,} SMS queued at once were delivered to the Twilio "
            f"stand-in in {drain['drain_s']} s ({drain['delivered_per_s']} a second; "
            f"{drain['delivered']:,} delivered), while signed SMS webhooks at concurrency 20 "
            f"ran at {during['rps']}/s with p50 {during['p50_ms']} ms and p99 "
            f"{during['p99_ms']} ms.")


def flood_table(results: Results) -> str:
    f = results.get("flood")
    if not f:
        return "(no flood figures)"
    quiet_n, loud_n = f["neighbour_requests"]
    rows = [["quiet", quiet_n, f["quiet_p50_ms"], f["quiet_p99_ms"], "-", "-"],
            ["under flood", loud_n, f["flood_p50_ms"], f["flood_p99_ms"],
             f"{f['flood_messages']} in {f['flood_seconds']} s ({f['flood_rps']}/s)",
             f"SMS {f['processed_sms']}, web {f['processed_web']} (web 429: {f['web_429']})"]]
    return table(["other people's SMS", "replies timed", "p50 ms", "p99 ms",
                  "flood messages", "flood messages processed"], rows)


FLOOD_NOTE = """\
Flood: one phone number and one web client (keeping its cookie, a new `user` name each
time) each send long messages at the rate shown, while other people (100 numbers, each
within fair use) send SMS one after another and their reply times are taken: first with
no flood, then only while the flood runs. Fair use (bot/fairuse.py) lets 20 of the
flooder's messages through, answers the next one politely, and drops the rest before the
database thread (README, "Abuse and bad input")."""


def digest_table(results: Results) -> str:
    found = results.get("digest")
    if not found:
        return "(not run)"
    rows = [[found["councillors"], found["objections"], found["unmet_needs"],
             found["build_s"], found["queue_s"], found["peak_mb"], found["digest_kb"]]]
    return table(["councillors", "objections (6 weeks)", "unmet needs", "build all, s",
                  "queue, s", "peak MB", "digest KB"], rows)


def quality_table(results: Results) -> str:
    rows = []
    for r in results["match"]:
        for name, key in (("dev", "quality"), ("extra", "extra_quality")):
            q = r[key]
            rows.append([f"{name}, matcher", r["entries"], pct(q["top1"]), pct(q["top3"]),
                         pct(q["reject"]), f"{q['answerable']} + {q['unanswerable']} NONE"])
        naive = r.get("naive_quality")
        if naive:
            rows.append(["dev, naive WRatio", r["entries"], pct(naive["top1"]),
                         pct(naive["top3"]), pct(naive["reject"]),
                         f"{naive['answerable']} + {naive['unanswerable']} NONE"])
    return table(["set", "entries", "top-1", "top-3", "reject", "queries"], rows)


def targets_table(results: Results) -> str:
    rows = [[t["target"], t["goal"], "-" if t["measured"] is None
             else f"{t['measured']:,.1f} {t['unit']}".replace(" /s", "/s"), t["verdict"]]
            for t in results["targets"]]
    return table(["target", "goal", "measured", "verdict"], rows)


def slowest(results: Results) -> str:
    lines = []
    for r in results["match"]:
        worst = "; ".join(f"{s['ms']} ms \"{s['query']}\"" for s in r.get("slowest", []))
        lines.append(f"- {r['entries']:,} entries: {worst}")
    return "\n".join(lines)


METHOD = """\
How it was measured:
- Matching: each catalogue size runs in a fresh Python process, which loads the catalogue
  from SQLite (`catalogue.store.load_entries`) and builds `catalogue.matcher.Matcher` as the
  server does (`index s`), runs 4 warm-up queries, then every message of
  tests/data/dev-queries.tsv and extra-queries.tsv once, timed alone with `perf_counter`
  (`p50`/`p99` nearest-rank; `queries/s` = queries / their summed time, one thread).
  1,519 = the LGA service list; larger sizes are the LGA list plus entries made by
  recombining its titles and description sentences (seeded, deterministic).
- Peak memory: `getrusage(RUSAGE_SELF).ru_maxrss` of that process (peak resident set of
  the whole process: interpreter, imports, entries and index), read before the naive
  matcher runs.
- Naive: `rapidfuzz.process.extractOne(query, ["title. summary", ...], scorer=fuzz.WRatio)`
  on the same entries, on a seeded sample of the same queries within a time budget.
- Quality: scored as the held-out sets are (top-1 needs `answered`; NONE
  queries score when not answered), from the same searches that were timed.
- End to end: `python -m bot serve` in its own process (temp database, bundled sample
  catalogue), a local Bot API stand-in (bench/fakebot.py) in another, and an aiohttp client
  in the bench process. SMS: Twilio's form fields signed with twilio's RequestValidator,
  a unique MessageSid each, ~1,000 distinct senders, questions from the quality sets mixed
  with chatter (hi, HELP, 1, yes...). Telegram: Update JSON posted to /telegram with the
  secret token; the webhook answers after the replies were sent to the Bot API, so its
  latency includes python-telegram-bot's AIORateLimiter (30 messages/s overall, Telegram's
  own limit), which caps Telegram throughput by design.
- The machine is shared: other work may have been running. The load average, the
  reference loop timed at start and end, and the whole machine's CPU use during each
  end-to-end level (cores busy, all processes; 2 = everything) show how much."""


def oruk_import_table(results: Results) -> str:
    """bench/oruk_import.py: a feed file into a fresh database, as `catalogue import` does."""
    row = results.get("oruk_import")
    if not row:
        return "(not run)"
    return "\n".join([
        "| services | feed | seconds | services/s | peak memory (tracemalloc) |",
        "|---:|---:|---:|---:|---:|",
        f"| {row['services']:,} | {row['feed_mb']} MB | {row['seconds']} | "
        f"{row['services_per_s']:,} | {row['peak_mb']} MB |",
    ])


def markdown(results: Results) -> str:
    e2e = results.get("e2e_extra", {})
    parts = [
        "# Benchmark results", "",
        f"Machine: {results['machine']}  ",
        f"Load average at start / end: {results['load_start']} / {results['load_end']}  ",
        f"Reference loop (pure Python, lower is faster) at start / end: "
        f"{results.get('reference_ms_start', '-')} / {results.get('reference_ms_end', '-')} ms  ",
        f"Total run time: {results['seconds']:.0f} s", "",
        "## Targets (issue 5)", "", targets_table(results), "",
        "## Matching", "", match_table(results), "",
        "Slowest queries:", "", slowest(results), "",
        "## Quality", "", quality_table(results), "",
        "## Importing an Open Referral UK feed", "", oruk_import_table(results), "",
        "## End to end (real server on 127.0.0.1)", "", e2e_table(results), "",
        f"Server peak memory (VmHWM): {e2e.get('server_peak_mb', '-')} MB. "
        "Telegram `requests` are webhook updates; "
        f"Bot API sendMessage calls received: "
        f"{', '.join(str(r.get('messages_sent', '-')) for r in results.get('telegram', []))}.",
        "", sms_note(results), "", telegram_note(results), "", outbox_note(results), "",
        "## Flood (fair use)", "", flood_table(results), "", FLOOD_NOTE, "", METHOD, "",


        "## Weekly digest (bench/digest.py)", "", digest_table(results), "",
        "Build: the figures read from SQLite and every councillor's digest rendered (text, "
        "HTML, chart, Telegram), as the server's job does off the database thread; queue: "
        "the one transaction writing the outbox rows. Objections: the digest's week plus the "
        "five before it (a tenth as many each), for the trend.", "",
        METHOD, "",
    ]
    if "timebank" in results:
        from bench.timebank import markdown as timebank_markdown

        parts += ["## Time bank ledger (issue 14)", "", timebank_markdown(results["timebank"]),
                  ""]
    return "\n".join(parts)


def write(results: Results, folder: Path) -> None:
    (folder / "results.json").write_text(json.dumps(results, indent=1) + "\n",
                                         encoding="utf-8")
    (folder / "results.md").write_text(markdown(results), encoding="utf-8")
