"""End to end: signed Twilio SMS webhooks and Telegram webhook updates through the real
server (`python -m bot serve`, its own process, temp database, bundled sample catalogue)
on 127.0.0.1, from an aiohttp client in this process, at several concurrency levels.
Telegram replies go to a local Bot API stand-in (bench/fakebot.py), a third process.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from twilio.request_validator import RequestValidator

from bench.data import query_sets
from bench.stats import summary_ms

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_URL = "https://support.example.org"
AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
ACCOUNT_SID = "AC" + "b" * 32
BOT_TOKEN = "123456:BENCH-token_for-the-fake-bot-api"
SECRET = "bench-secret-only-telegram-and-we-know"
OUR_NUMBER = "+447700900000"
SENDERS = 1000  # distinct phone numbers / Telegram chats per run
# What people send besides questions: greetings, menu words, numbered choices, yes/no.
CHATTER = ("hi", "Hello", "HELP", "menu", "1", "2", "3", "yes", "no", "thanks", "ok")
CHATTER_SHARE = 0.3
SETTINGS_PREFIXES = ("LOCALSUPPORT_", "TWILIO_", "TELEGRAM_", "SMTP_", "PUBLIC_URL",
                     "DIGEST_", "WEB_CHAT")


@dataclass(frozen=True)
class Level:
    concurrency: int
    latencies: list[float]  # seconds, successful requests
    errors: int
    elapsed: float

    def figures(self) -> dict[str, Any]:
        p50, p99 = summary_ms(self.latencies)
        rps = len(self.latencies) / self.elapsed if self.elapsed else 0.0
        return {"concurrency": self.concurrency, "rps": round(rps, 1), "p50_ms": p50,
                "p99_ms": p99, "requests": len(self.latencies), "errors": self.errors,
                "seconds": round(self.elapsed, 2)}


Request = tuple[bytes, dict[str, str]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def texts(count: int, rng: random.Random) -> list[str]:
    """A realistic mix: questions from the quality sets, and everyday chatter."""
    questions = [q.text for qs in query_sets().values() for q in qs]
    return [rng.choice(CHATTER) if rng.random() < CHATTER_SHARE else rng.choice(questions)
            for _ in range(count)]


def sms_requests(count: int, sids: Iterator[int], rng: random.Random) -> list[Request]:
    """Twilio inbound-message webhooks with the fields Twilio sends, signed with its
    RequestValidator against PUBLIC_URL + path, one MessageSid each."""
    validator = RequestValidator(AUTH_TOKEN)
    url = PUBLIC_URL + "/sms/twilio"
    out = []
    for body in texts(count, rng):
        sid = f"SM{next(sids):032x}"
        sender = f"+4477009{rng.randrange(SENDERS):05d}"
        form = {
            "ToCountry": "GB", "ToState": "", "SmsMessageSid": sid, "NumMedia": "0",
            "ToCity": "", "FromZip": "", "SmsSid": sid, "FromState": "",
            "SmsStatus": "received", "FromCity": "", "Body": body, "FromCountry": "GB",
            "To": OUR_NUMBER, "ToZip": "", "NumSegments": "1", "MessageSid": sid,
            "AccountSid": ACCOUNT_SID, "From": sender, "ApiVersion": "2010-04-01",
        }
        headers = {"X-Twilio-Signature": validator.compute_signature(url, form),
                   "Content-Type": "application/x-www-form-urlencoded"}
        out.append((urlencode(form).encode(), headers))
    return out


def telegram_requests(count: int, ids: Iterator[int], rng: random.Random) -> list[Request]:
    """Telegram Update JSON for text messages, from many private chats."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    out = []
    for text in texts(count, rng):
        chat = 10_000_000 + rng.randrange(SENDERS)
        user = {"id": chat, "is_bot": False, "first_name": "Sam", "language_code": "en"}
        message: dict[str, Any] = {
            "message_id": next(ids), "date": int(time.time()), "from": user,
            "chat": {"id": chat, "type": "private", "first_name": "Sam"}, "text": text,
        }
        out.append((json.dumps({"update_id": next(ids), "message": message}).encode(),
                    headers))
    return out


async def load(url: str, requests: Sequence[Request], concurrency: int, cap_s: float) -> Level:
    """POST every request (until `cap_s` has passed) with `concurrency` at a time."""
    latencies: list[float] = []
    errors = 0
    queue = iter(requests)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        start = time.perf_counter()
        deadline = start + cap_s

        async def worker() -> None:
            nonlocal errors
            for body, headers in queue:
                if time.perf_counter() > deadline:
                    return
                sent = time.perf_counter()
                try:
                    async with http.post(url, data=body, headers=headers) as response:
                        await response.read()
                        good = response.status == 200
                except aiohttp.ClientError:
                    good = False
                if good:
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return Level(concurrency, latencies, errors, elapsed)


# -- the processes ---------------------------------------------------------------------------

def clean_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    return {**env, "PYTHONPATH": str(ROOT), **settings}


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT (a clean shutdown through the lifespan), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{url} exited early:\n{log.read_text(errors='replace')}")
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start in time:\n{log.read_text(errors='replace')}")


def cpu_seconds_of(pid: int) -> float:
    """User + system CPU time a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine so far, all cores, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    steal = fields[7] if len(fields) > 7 else 0
    busy = sum(fields[:8]) - idle - steal
    tick = os.sysconf("SC_CLK_TCK")
    return busy / tick, steal / tick


def peak_rss_mb_of(pid: int) -> float:
    """VmHWM (peak resident set) of a running process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


@dataclass
class Stack:
    url: str
    bot_url: str
    server: subprocess.Popen[bytes]
    db_path: Path


@contextmanager
def processes(folder: Path) -> Iterator[tuple[Stack, list[Path]]]:
    """The fake Bot API and the server, each in its own process; stopped on the way out."""
    bot_port, port = free_port(), free_port()
    bot = start([sys.executable, "-m", "bench.fakebot", "--port", str(bot_port),
                 "--token", BOT_TOKEN], clean_env(), folder / "fakebot.log")
    env = clean_env(PUBLIC_URL=PUBLIC_URL, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                    TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_SECRET_TOKEN=SECRET,
                    TELEGRAM_WEBHOOK_URL=PUBLIC_URL + "/telegram",
                    TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{bot_port}/bot",
                    TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_FROM_NUMBER=OUR_NUMBER,
                    TWILIO_API_BASE_URL=f"http://127.0.0.1:{bot_port}")
    server = None
    try:
        server = start([sys.executable, "-m", "bot", "serve", "--db",
                        str(folder / "e2e.db"), "--port", str(port)], env,
                       folder / "server.log")
        yield (Stack(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bot_port}", server,
                     folder / "e2e.db"),
               [folder / "fakebot.log", folder / "server.log"])
    finally:
        if server is not None:
            stop(server)
        stop(bot)


async def bot_sent(bot_url: str, what: str = "sent") -> int:
    async with aiohttp.ClientSession() as http, http.get(bot_url + "/stats") as response:
        return int((await response.json())[what])


def queue_sms(db_path: Path, count: int, people: int) -> None:
    """Put `count` SMS in the server's outbox as a feature would (a digest run, a council
    response to everyone who objected), for `people` different numbers."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000+00:00", time.gmtime())
    rows = [(f"bench:{n}", "bench", "sms", f"+4477009{n % people:05}", f"Bench message {n}",
             now, now) for n in range(count)]
    with sqlite3.connect(db_path, timeout=30) as conn:
        conn.executemany("INSERT INTO outbox (key, kind, channel, address, body, state, "
                         "attempts, next_attempt_at, created_at) VALUES "
                         "(?, ?, ?, ?, ?, 'queued', 0, ?, ?)", rows)


async def outbox_drain(stack: Stack, plan: Plan, counter: Iterator[int],
                       rng: random.Random) -> dict[str, Any]:
    """Queue `plan.outbox_messages` SMS at once and time their delivery to the Twilio
    stand-in, while signed SMS webhooks keep coming at concurrency 20."""
    before = await bot_sent(stack.bot_url, "sms")
    started = time.monotonic()
    await asyncio.to_thread(queue_sms, stack.db_path, plan.outbox_messages, SENDERS)
    webhooks = asyncio.create_task(measured(
        stack, stack.url + "/sms/twilio", sms_requests(plan.drain_webhooks, counter, rng), 20,
        plan.cap_s))
    deadline = time.monotonic() + plan.drain_cap_s
    sent = 0
    while time.monotonic() < deadline:
        sent = await bot_sent(stack.bot_url, "sms") - before
        if sent >= plan.outbox_messages:
            break
        await asyncio.sleep(0.1)
    drained = time.monotonic() - started
    during = await webhooks
    return {"queued": plan.outbox_messages, "delivered": sent, "drain_s": round(drained, 2),
            "delivered_per_s": round(sent / drained, 1) if drained else 0.0,
            "webhooks_during": during}


async def sent_since(bot_url: str, before: int, at_least: int, cap_s: float) -> int:
    """Messages the fake Bot API received since `before`, once there are `at_least` of them
    (or `cap_s` seconds have passed)."""
    deadline = time.monotonic() + cap_s
    while True:
        sent = await bot_sent(bot_url) - before
        if sent >= at_least or time.monotonic() > deadline:
            return sent
        await asyncio.sleep(0.05)


@dataclass(frozen=True)
class Plan:
    levels: tuple[int, ...] = (1, 20, 100)
    sms_requests: int = 4000
    telegram_requests: int = 600
    cap_s: float = 20.0
    warm_up: int = 30
    outbox_messages: int = 10_000
    drain_webhooks: int = 2000
    drain_cap_s: float = 180.0


async def measured(
    stack: Stack, url: str, requests: Sequence[Request], concurrency: int, cap_s: float
) -> dict[str, Any]:
    """One level's figures, with the CPU the server and this client used (in cores:
    CPU seconds per second; one Python process holding the GIL tops out near 1)."""
    server_cpu, client_cpu = cpu_seconds_of(stack.server.pid), time.process_time()
    busy, steal = machine_cpu_seconds()
    level = await load(url, requests, concurrency, cap_s)
    figures = level.figures()
    if level.elapsed:
        busy_after, steal_after = machine_cpu_seconds()
        figures["server_cpu"] = round((cpu_seconds_of(stack.server.pid) - server_cpu)
                                      / level.elapsed, 2)
        figures["client_cpu"] = round((time.process_time() - client_cpu) / level.elapsed, 2)
        figures["machine_cpu"] = round((busy_after - busy) / level.elapsed, 2)
        figures["steal_cpu"] = round((steal_after - steal) / level.elapsed, 2)
    return figures


async def drive(stack: Stack, logs: list[Path], plan: Plan) -> dict[str, Any]:
    await wait_ready(stack.url + "/healthz", stack.server, logs[1])
    rng = random.Random(11)
    counter = itertools.count(1)
    sms_url, tg_url = stack.url + "/sms/twilio", stack.url + "/telegram"
    await load(sms_url, sms_requests(plan.warm_up, counter, rng), 1, plan.cap_s)
    await load(tg_url, telegram_requests(plan.warm_up, counter, rng), 1, plan.cap_s)
    sms, telegram = [], []
    for concurrency in plan.levels:
        requests = sms_requests(plan.sms_requests, counter, rng)
        sms.append(await measured(stack, sms_url, requests, concurrency, plan.cap_s))
    for concurrency in plan.levels:
        before = await bot_sent(stack.bot_url)
        requests = telegram_requests(plan.telegram_requests, counter, rng)
        started = time.monotonic()
        figures = await measured(stack, tg_url, requests, concurrency, plan.cap_s)
        answered = time.monotonic()
        # replies go out through the outbox after the webhook has answered: wait for them
        sent = await sent_since(stack.bot_url, before, figures["requests"], plan.cap_s)
        delivered = time.monotonic()
        figures["messages_sent"] = sent
        figures["outbox_lag_s"] = round(delivered - answered, 2)
        figures["delivered_per_s"] = round(sent / max(delivered - started, 1e-9), 1)
        telegram.append(figures)
    outbox = await outbox_drain(stack, plan, counter, rng)
    return {"sms": sms, "telegram": telegram, "outbox": outbox,
            "server_peak_mb": peak_rss_mb_of(stack.server.pid)}


def run(plan: Plan) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, processes(Path(tmp)) as (stack, logs):
        return asyncio.run(drive(stack, logs, plan))
