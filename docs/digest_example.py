"""The digest the README shows: a made-up week (2026-W48) in the sample council, the digest
Millbrook's councillor would get, as plain text and as a PNG of the HTML part at a phone's
width (headless Chromium through Playwright, the image inline as in the email).

    .venv/bin/python docs/digest_example.py      # prints the text, writes docs/digest-phone.png

tests/test_digest_example.py checks that the README shows this text.
"""

from __future__ import annotations

import asyncio
import base64
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cli import load_sample_councillors, load_sample_wards  # noqa: E402
from bot.digest.figures import build_figures  # noqa: E402
from bot.digest.render import CHART_CID, Digest, render_digest  # noqa: E402
from bot.digest.weeks import parse_week  # noqa: E402
from bot.store import open_store  # noqa: E402
from catalogue.importer import load_sample  # noqa: E402
from catalogue.storage import write  # noqa: E402
from conversations.councillors import all_councillors, send_response  # noqa: E402
from conversations.councillors.replies import get_entry  # noqa: E402

WEEK = parse_week("2026-W48")
CHROMIUM = Path("/usr/bin/chromium")
LIBRARY = "proposal-close-millbrook-library"
BINS = "proposal-three-weekly-bins"
OBJECTIONS = [  # (entry, ward, reason, how many); this week
    (LIBRARY, "Millbrook", "It's the only place my kids can do homework in peace", 5),
    (LIBRARY, "Millbrook", "My mum goes to the knit and natter group there every Tuesday", 3),
    (LIBRARY, "Millbrook", "Ring me on 07700 900456, I'm Sandra and I run the toddler group", 1),
    (LIBRARY, "Millbrook", "The next library is two buses away", 4),
    (LIBRARY, "Millbrook", "", 3),
    (BINS, "Millbrook", "Three weeks is too long with a baby in nappies", 2),
    (BINS, "Riverside", "Foxes will have the bags open", 4),
    (BINS, "Northgate", "", 6),
    ("proposal-garden-waste-charge", "Millbrook", "Pensioners can't afford another charge", 1),
    ("proposal-riverside-parking-charges", "Riverside", "Families will stop coming", 7),
    ("proposal-southfields-traffic", "Southfields", "Our road will take all the traffic", 5),
]
EARLIER = {LIBRARY: (1, 2, 4, 6, 9), BINS: (3, 5, 4, 8, 9)}  # five weeks before, Millbrook
UNMET = [("when is the millbrook library open on sundays", 4), ("library sunday opening", 2),
         ("help with a broken boiler in my council flat", 3), ("skate park near me", 2),
         ("hi", 3), ("dfghjk", 1)]
FEEDBACK = [("free-school-meals", True, 6), ("free-school-meals", False, 1),
            ("millbrook-library", True, 3)]


def fill(db_path: Path) -> None:
    db = open_store(db_path)
    load_sample(db)
    load_sample_wards(db)
    load_sample_councillors(db)
    n = 0

    def person(channel: str, ward: str, moment: datetime, age: int | None = None) -> str:
        nonlocal n
        n += 1
        address = f"+4477009{n:05d}" if channel == "sms" else str(700000 + n)
        db.execute("INSERT OR REPLACE INTO people (channel, address, postcode, ward, updated_at)"
                   " VALUES (?, ?, '', ?, ?)", [channel, address, ward, moment.isoformat()])
        data = f'{{"answers": {{"age": {age}}}}}' if age is not None else "{}"
        db.execute("INSERT OR REPLACE INTO sessions (channel, address, state, data, updated_at)"
                   " VALUES (?, ?, 'start', ?, ?)", [channel, address, data, moment.isoformat()])
        db.execute("INSERT INTO inbound_messages (channel, message_id, address, text, "
                   "received_at) VALUES (?, ?, ?, '...', ?)",
                   [channel, f"example-{n}", address, moment.isoformat()])
        return address

    def day(week_start: datetime, k: int) -> datetime:
        return week_start + timedelta(days=k % 7, hours=9 + k % 10)

    with write(db):
        for entry_id, ward, reason, count in OBJECTIONS:
            for k in range(count):
                moment = day(WEEK.start, k)
                channel = "telegram" if k % 3 == 0 else "sms"
                db.execute("INSERT INTO objections (channel, address, entry_id, ward, reason, "
                           "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           [channel, person(channel, ward, moment, 15 + k * 7 if k < 4 else None),
                            entry_id, ward, reason or None, moment.isoformat()])
        for entry_id, counts in EARLIER.items():
            for back, count in zip(range(5, 0, -1), counts, strict=True):
                for k in range(count):
                    moment = day(WEEK.previous(back).start, k)
                    db.execute("INSERT INTO objections (channel, address, entry_id, ward, "
                               "created_at) VALUES ('sms', ?, ?, 'Millbrook', ?)",
                               [person("sms", "Millbrook", moment), entry_id,
                                moment.isoformat()])
        for text, count in UNMET:
            for k in range(count):
                moment = day(WEEK.start, k)
                db.execute("INSERT INTO unmet_needs (channel, address, text, suggestions, "
                           "created_at) VALUES ('sms', ?, ?, 0, ?)",
                           [person("sms", "Millbrook", moment), text, moment.isoformat()])
        for entry_id, helpful, count in FEEDBACK:
            for k in range(count):
                moment = day(WEEK.start, k)
                db.execute("INSERT INTO feedback (channel, address, entry_id, helpful, "
                           "created_at) VALUES ('telegram', ?, ?, ?, ?)",
                           [person("telegram", "Millbrook", moment), entry_id, int(helpful),
                            moment.isoformat()])
    bins = get_entry(db, BINS)
    assert bins is not None
    send_response(db, bins, "The 3-weekly trial is paused while we consult on extra nappy and "
                  "food waste collections. Have your say at sample-borough.example.org/bins",
                  datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    db.execute("UPDATE outbox SET state = 'sent' WHERE key LIKE 'response:%'")  # delivered
    db.close()


def example() -> Digest:
    """Millbrook's councillor's digest for the example week."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "example.db"
        fill(path)
        db = open_store(path)
        councillor = next(c for c in all_councillors(db) if c.ward == "Millbrook")
        digest = render_digest(build_figures(db, WEEK), "Millbrook", councillor)
        db.close()
    return digest


async def screenshot(digest: Digest, out: Path, width: int = 390) -> None:
    """The HTML part as a phone shows it; the chart inline, as a mail client places it."""
    from playwright.async_api import async_playwright

    page_html = digest.html
    if digest.chart is not None:
        data = base64.b64encode(digest.chart.png).decode("ascii")
        page_html = page_html.replace(f"cid:{CHART_CID}", f"data:image/png;base64,{data}")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = await browser.new_page(viewport={"width": width, "height": 800},
                                          device_scale_factor=1)
            await page.set_content(page_html)
            await page.screenshot(path=str(out), full_page=True)
        finally:
            await browser.close()


def main() -> int:
    digest = example()
    out = Path(__file__).resolve().parent / "digest-phone.png"
    asyncio.run(screenshot(digest, out))
    print(digest.text, end="")
    print(f"(wrote {out})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
