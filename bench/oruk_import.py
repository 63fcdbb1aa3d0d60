"""Importing a council's Open Referral UK feed: services a second and peak memory for a
feed of N services (`make bench`: 10,000), from a file into a fresh database, the way
`localsupport catalogue import services.json` does it.

The feed is generated from the published ORUK 3.0 UK-profile full example service
(tests/data/oruk-examples/v3-uk-profile/service_full.json, CC BY-SA 4.0): each service
gets its own id, an LGA service name, and HTML in its description (headings, a list,
entities, a CKEditor comment), as real feeds have. Time is measured on one run; peak
memory (Python's own allocations, tracemalloc) on a second, since tracing slows it down."""

from __future__ import annotations

import copy
import json
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

from bench.data import DATA, lga_entries
from catalogue.importer import import_file
from catalogue.store import entry_count, open_db

EXAMPLE = DATA / "oruk-examples" / "v3-uk-profile" / "service_full.json"
HTML = ("<h2>{title}</h2><!--{{cke_protected}}%3Cmeta%20charset%3D%22utf-8%22%2F%3E-->"
        "<p>{summary}&nbsp;Run by the council &amp; partners.</p>"
        "<ul><li>Free</li><li>Drop&#160;in</li></ul>")


def feed(size: int) -> dict[str, Any]:
    base = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    names = lga_entries()
    services = []
    for number in range(size):
        entry = names[number % len(names)]
        service = copy.deepcopy(base)
        service["id"] = str(uuid.UUID(int=number + 1))
        service["name"] = f"{entry.title} {number // len(names) + 1}"
        service["description"] = HTML.format(title=entry.title, summary=entry.summary)
        services.append(service)
    return {"total_items": size, "total_pages": 1, "page_number": 1, "size": size,
            "first_page": True, "last_page": True, "empty": False, "contents": services}


def import_once(path: Path, folder: Path, name: str) -> tuple[float, int]:
    db = open_db(folder / name)
    start = time.perf_counter()
    import_file(db, path)
    seconds = time.perf_counter() - start
    count = entry_count(db)
    db.close()
    return seconds, count


def run(size: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "services.json"
        path.write_text(json.dumps(feed(size)), encoding="utf-8")
        megabytes = path.stat().st_size / 1e6
        seconds, count = import_once(path, folder, "timed.db")
        tracemalloc.start()
        import_once(path, folder, "traced.db")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {"services": count, "feed_mb": round(megabytes, 1), "seconds": round(seconds, 2),
            "services_per_s": round(count / seconds, 1), "peak_mb": round(peak / 1e6, 1)}
