"""The weekly digest at a council's scale: 60 councillors (3 in each of 20 wards), a week
of 100,000 objections and 50,000 unmet needs (and 10,000 objections in each of the five
weeks before, for the trend), on the sample catalogue.

Generated rows (seeded): objections spread over the catalogue with a long tail (Zipf-like),
5% from the web chat, reasons drawn from typical wordings with names, numbers and
postcodes in some; unmet needs from ~120 kinds of need written many ways, with typos,
long-tail one-offs, small talk and gibberish. Timed in a fresh process: reading the
figures and rendering all 60 digests (text, HTML, chart, Telegram), as the server's job
does (bot/digest/queue.py `prepare`), then queueing them in one transaction. Peak memory
is that process's ru_maxrss.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261130
WARDS = [f"{name} Ward" for name in (
    "Abbey", "Brook", "Castle", "Dale", "Elm", "Fairfield", "Grange", "Heath", "Isle",
    "Jubilee", "Kings", "Lea", "Marsh", "Nether", "Oak", "Park", "Quarry", "Riverside",
    "Stone", "Tower")]
REASONS = [
    "We use it every week", "It is the only one near us", "My kids go there after school",
    "There is nowhere else to go", "It will make traffic worse", "Too expensive for families",
    "Nobody asked us", "My nan relies on it", "It is not safe for children",
    "Keep the green space", "The buses are bad enough already", "I can't get to the other one",
    "Ask Mrs {name} on 07700 9{n:05d}", "I'm {name}, email me at {name}@example.com",
    "I live at ZZ1 {d}AB and it affects us", "Waste of money", "Terrible idea",
]
NAMES = ["Patel", "Jones", "Smith", "Okafor", "Nowak", "Chen", "Evans", "Khan"]
NEEDS = [
    "renew my bus pass", "bus pass renewal", "dog poo on the pavement", "fly tipping in the alley",
    "broken street light", "pothole on my road", "noisy neighbours at night", "rats in the garden",
    "mould in my flat", "council tax arrears", "school uniform grant", "free school meals form",
    "blue badge renewal", "disabled parking bay", "bin not collected", "garden waste bin",
    "recycle a fridge", "bulky waste collection", "allotment waiting list", "library opening times",
    "swimming lessons for kids", "youth club near me", "food bank", "help with energy bills",
    "homeless tonight", "eviction notice", "housing register", "repairs not done",
    "carer support", "respite care", "meals on wheels", "adult social care assessment",
    "send support for my son", "ehcp assessment", "school transport", "school admissions appeal",
    "parking permit", "parking fine appeal", "planning objection", "tree blocking light",
]
PREFIXES = ["", "how do i ", "where can i get ", "i need ", "help with ", "who do i contact about ",
            "can you help with ", "what about "]
CHATTER = ["hi", "hello", "thanks", "ok", "lol", "asdfgh", "qwrtzpl", "who are you", "x",
           "thank you so much"]


def typo(text: str, rng: random.Random) -> str:
    if len(text) < 5 or rng.random() > 0.3:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def need(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.08:
        return rng.choice(CHATTER)
    if roll < 0.18:  # one-offs nobody else asks
        return " ".join([*rng.choice(NEEDS).split()[:2], f"item{rng.randrange(10**6)}"])
    base = NEEDS[min(int(rng.paretovariate(1.1)) - 1, len(NEEDS) - 1)]
    return typo(rng.choice(PREFIXES) + base + rng.choice(["", "?", " please", " asap"]), rng)


def reason(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return ""
    text = rng.choice(REASONS)
    return text.format(name=rng.choice(NAMES), n=rng.randrange(10**5), d=rng.randrange(1, 6))


def build(path: Path, councillors: int, objections: int, unmet: int, earlier: int) -> str:
    """Write the council into a new database; the week's label."""
    from bot.digest.weeks import parse_week
    from bot.store import open_store
    from catalogue.importer import load_sample
    from catalogue.storage import write
    from conversations.councillors import import_councillors

    rng = random.Random(SEED)
    week = parse_week("2026-W48")
    db = open_store(path)
    load_sample(db)
    entries = [row[0] for row in db.execute("SELECT id FROM entries ORDER BY id")]
    rng.shuffle(entries)
    wards = WARDS[: max(1, councillors // 3)]
    csv = path.with_suffix(".csv")
    csv.write_text("name,ward,email,phone,telegram_chat_id\n" + "".join(
        f"Cllr {n},{wards[n % len(wards)]},cllr{n}@council.example,,"
        f"{f'10000{n}' if n % 2 else ''}\n" for n in range(councillors)), encoding="utf-8")
    import_councillors(db, csv, datetime.now(UTC))

    def when(first: datetime) -> str:
        return (first + timedelta(seconds=rng.randrange(7 * 86400 - 3600))).isoformat()

    def entry() -> str:
        return entries[min(int(rng.paretovariate(0.9)) - 1, len(entries) - 1)]

    rows, people, inbound = [], [], []
    for back, count in [(0, objections)] + [(n, earlier) for n in range(1, 6)]:
        start = week.previous(back).start
        for n in range(count):
            channel = "web" if rng.random() < 0.05 else rng.choice(("sms", "telegram"))
            address = f"{back}-{n}"
            ward = rng.choice(wards) if rng.random() < 0.9 else None
            rows.append((channel, address, entry(), ward, reason(rng) or None, when(start)))
    with write(db):
        db.conn.executemany("INSERT INTO objections (channel, address, entry_id, ward, reason, "
                            "created_at) VALUES (?, ?, ?, ?, ?, ?)", rows)
    needs = []
    for n in range(unmet):
        address = f"u{n}"
        ward = rng.choice(wards) if rng.random() < 0.7 else None
        needs.append(("sms", address, need(rng), 0, when(week.start)))
        if ward:
            people.append(("sms", address, "", ward, when(week.start)))
        inbound.append(("sms", f"m{n}", address, "...", when(week.start)))
    with write(db):
        db.conn.executemany("INSERT INTO unmet_needs (channel, address, text, suggestions, "
                            "created_at) VALUES (?, ?, ?, ?, ?)", needs)
        db.conn.executemany("INSERT INTO people (channel, address, postcode, ward, updated_at) "
                            "VALUES (?, ?, ?, ?, ?)", people)
        db.conn.executemany("INSERT INTO inbound_messages (channel, message_id, address, text, "
                            "received_at) VALUES (?, ?, ?, ?, ?)", inbound)
    db.close()
    return week.label


def measure(path: Path, week_label: str) -> dict[str, Any]:
    from bench.stats import peak_rss_mb
    from bot.digest.queue import prepare, queue_prepared
    from bot.digest.weeks import parse_week
    from catalogue.storage import connect

    db = connect(path)
    base_mb = peak_rss_mb()
    start = time.perf_counter()
    prepared = prepare(db, parse_week(week_label))
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    queued = queue_prepared(db, prepared, datetime.now(UTC))
    queue_s = time.perf_counter() - start
    counts = db.execute("SELECT (SELECT COUNT(*) FROM objections), (SELECT COUNT(*) FROM "
                        "unmet_needs), (SELECT COUNT(*) FROM outbox)").fetchone()
    sizes = [len(d.html) + len(d.text) + len(d.chart.png if d.chart else b"")
             for _, d in prepared.digests]
    db.close()
    return {"councillors": len(prepared.digests), "objections": counts[0],
            "unmet_needs": counts[1], "build_s": round(build_s, 2),
            "queue_s": round(queue_s, 3), "peak_mb": peak_rss_mb(), "base_mb": base_mb,
            "queued": queued, "outbox_rows": counts[2],
            "digest_kb": round(sum(sizes) / max(1, len(sizes)) / 1024, 1)}


def run(councillors: int, objections: int, unmet: int, earlier: int, folder: Path
        ) -> dict[str, Any]:
    """Generate the council here, then `measure` in a fresh Python process."""
    path = folder / "digest.db"
    start = time.perf_counter()
    label = build(path, councillors, objections, unmet, earlier)
    generate_s = time.perf_counter() - start
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-m", "bench.digest", str(path), label],
                          capture_output=True, text=True, check=True, cwd=ROOT, env=env,
                          timeout=900)
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    result["generate_s"] = round(generate_s, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.digest", description=__doc__)
    parser.add_argument("db", type=Path)
    parser.add_argument("week")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.db, args.week)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
