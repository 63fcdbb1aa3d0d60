"""Where the server's CPU goes under SMS load: `python -m bench.profile [SECONDS]` starts
the same stack as the end-to-end benchmark, sends signed SMS webhooks at concurrency 20
and samples the server with py-spy (GIL holders only), then prints the functions that
hold the most samples. py-spy is not a project dependency:
`.venv/bin/pip install py-spy` first (profiling only)."""

from __future__ import annotations

import asyncio
import itertools
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench import e2e

CONCURRENCY = 20
_LINE_NUMBER = re.compile(r":\d+\)$")


def inclusive_shares(raw: str) -> tuple[int, Counter[str]]:
    """py-spy's collapsed stacks ("a;b;c count") -> (samples, function -> samples in it)."""
    total, counts = 0, Counter[str]()
    for line in raw.splitlines():
        stack, _, number = line.rpartition(" ")
        if not stack:
            continue
        total += int(number)
        for frame in {_LINE_NUMBER.sub(")", f) for f in stack.split(";")[1:]}:
            counts[frame] += int(number)
    return total, counts


async def profile(stack: e2e.Stack, logs: list[Path], seconds: float, out: Path) -> str:
    await e2e.wait_ready(stack.url + "/healthz", stack.server, logs[1])
    rng, counter = random.Random(3), itertools.count(1)
    url = stack.url + "/sms/twilio"
    await e2e.load(url, e2e.sms_requests(50, counter, rng), 1, 10)
    requests = e2e.sms_requests(int(seconds * 1500), counter, rng)
    spy = subprocess.Popen(
        [str(shutil.which("py-spy") or Path(sys.executable).with_name("py-spy")), "record",
         "--pid", str(stack.server.pid), "--duration", str(int(seconds) + 2), "--gil",
         "--threads", "--nonblocking", "--rate", "200", "--format", "raw", "-o", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    await asyncio.sleep(1.0)
    figures = await e2e.measured(stack, url, requests, CONCURRENCY, seconds)
    spy.wait()
    return f"SMS at concurrency {CONCURRENCY} while sampled: {figures}"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    seconds = float(args[0]) if args else 10.0
    with tempfile.TemporaryDirectory() as tmp, e2e.processes(Path(tmp)) as (stack, logs):
        out = Path(tmp) / "server.raw"
        print(asyncio.run(profile(stack, logs, seconds, out)))
        total, counts = inclusive_shares(out.read_text() if out.exists() else "")
    if not total:
        print("py-spy recorded nothing: is it installed, and may it ptrace?", file=sys.stderr)
        return 1
    print(f"{total} samples of the server holding the GIL; share of them in each function:")
    for frame, count in counts.most_common(45):
        print(f"{count / total:6.1%}  {frame}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
