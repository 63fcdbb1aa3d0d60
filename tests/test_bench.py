"""The benchmark harness (bench/, `make bench`), run with tiny sizes: it must produce the
results in INTERFACE.md's shape with sane numbers, and generate the catalogue sizes asked
for. No timing assertions: the figures themselves belong in bench/results.md."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench/ is a development tool, not an installed package

from bench.data import generate, lga_entries, query_sets  # noqa: E402
from bench.quality import Answer, score  # noqa: E402
from bench.stats import percentile  # noqa: E402

MATCH_KEYS = {"entries", "p50_ms", "p99_ms", "qps", "index_s", "peak_mb", "naive_p50_ms",
              "naive_p99_ms"}
E2E_KEYS = {"concurrency", "rps", "p50_ms", "p99_ms"}


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("bench")
    subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(out)], cwd=ROOT,
                   check=True, capture_output=True, text=True, timeout=240)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return results, (out / "results.md").read_text(encoding="utf-8")


def sane(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value >= 0


def test_generated_catalogues_have_the_requested_number_of_unique_ids() -> None:
    real = lga_entries()
    assert len(real) == 1519
    for size in (100, 1519, 5000):
        entries = generate(real, size)
        assert len(entries) == size
        assert len({e.id for e in entries}) == size
    bigger = generate(real, 4000)
    assert bigger[:1519] == real
    assert all(e.title and e.summary for e in bigger[1519:])
    assert [e.title for e in generate(real, 4000)] == [e.title for e in bigger]  # seeded


def test_quality_is_scored_as_the_shared_readme_says() -> None:
    dev = query_sets()["dev"]
    right = next(q for q in dev if q.expected)
    none = next(q for q in dev if not q.expected)
    first = sorted(right.expected)[0]
    got = score([right, none], [Answer(False, (first,)), Answer(True, ("lgsl-1",))])
    assert (got["top1"], got["top3"], got["reject"]) == (0.0, 0.0, 0.0)
    got = score([right, none], [Answer(True, ("x", first)), Answer(False, ())])
    assert (got["top1"], got["top3"], got["reject"]) == (0.0, 1.0, 1.0)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([], 0.99) == 0.0


def test_a_quick_run_writes_results_in_the_interface_shape(
    quick_results: tuple[dict[str, Any], str],
) -> None:
    results, _ = quick_results
    assert isinstance(results["machine"], str) and "cores" in results["machine"]
    assert [row["entries"] for row in results["match"]] == [300, 2000]
    for row in results["match"]:
        assert row.keys() >= MATCH_KEYS
        assert all(sane(row[key]) for key in MATCH_KEYS), row
        assert row["p50_ms"] <= row["p99_ms"]
        assert row["peak_mb"] > 0 and row["qps"] > 0
    for channel in ("sms", "telegram"):
        rows = results[channel]
        assert [row["concurrency"] for row in rows] == [1, 2]
        for row in rows:
            assert row.keys() >= E2E_KEYS
            assert all(sane(row[key]) for key in E2E_KEYS), row
            assert row["requests"] > 0 and row["errors"] == 0
    assert set(results["quality"]) == {"top1", "top3", "reject"}
    assert all(0 <= v <= 1 for v in results["quality"].values())


def test_every_telegram_update_was_answered_through_the_bot_api(
    quick_results: tuple[dict[str, Any], str],
) -> None:
    results, _ = quick_results
    for row in results["telegram"]:
        assert row["messages_sent"] >= row["requests"]


def test_the_markdown_shows_targets_and_tables(quick_results: tuple[dict[str, Any], str]) -> None:
    _, text = quick_results
    assert "## Targets" in text and "< 150 MB" in text
    assert "| entries | index s |" in text
    assert "| sms | 1 |" in text and "| telegram | 2 |" in text


def test_the_outbox_drain_delivered_every_queued_message(
    quick_results: tuple[dict[str, Any], str],
) -> None:
    results, text = quick_results
    drain = results["outbox"]
    assert drain["queued"] == 50 and drain["delivered"] == 50
    assert drain["webhooks_during"]["errors"] == 0
    assert "Outbox: 50 SMS queued at once" in text


def test_the_digest_benchmark_builds_every_councillors_digest(
    quick_results: tuple[dict[str, Any], str],
) -> None:
    results, text = quick_results
    found = results["digest"]
    assert (found["councillors"], found["unmet_needs"], found["queued"]) == (6, 1000, 6)
    assert found["objections"] == 2000 + 5 * 200
    assert found["outbox_rows"] == 6 + 3  # everyone's email, and half have Telegram
    assert all(sane(found[k]) for k in ("build_s", "queue_s", "peak_mb", "digest_kb"))
    assert "## Weekly digest" in text
