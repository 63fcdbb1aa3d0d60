"""The Open Referral UK import benchmark (bench/oruk_import.py) on a small feed: every
generated service imports, and the figures are there and sane (no timing assertions)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench/ is a development tool, not an installed package

from bench import oruk_import  # noqa: E402
from bench.report import oruk_import_table  # noqa: E402


def test_the_generated_feed_imports_whole_and_is_measured() -> None:
    feed = oruk_import.feed(40)
    assert len({s["id"] for s in feed["contents"]}) == 40
    assert "<!--{cke_protected}" in feed["contents"][0]["description"]
    row = oruk_import.run(40)
    assert row["services"] == 40
    for key in ("feed_mb", "seconds", "services_per_s", "peak_mb"):
        assert math.isfinite(row[key]) and row[key] > 0, key
    assert oruk_import_table({"oruk_import": row}).splitlines()[2].startswith("| 40 |")
