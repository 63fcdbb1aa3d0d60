"""Fair use (bot/fairuse.py): the buckets on their own with an injected clock, then each
channel through the real server: one polite reply, then silence, nothing stored; and a
flood that leaves another person's replies as quick as before."""

from __future__ import annotations

import asyncio
import base64
import html
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from conftest import Server, eventually
from fakes.telegram_api import FakeBotApi
from test_sms import messages_of, post_sms, sign, twilio_form
from test_telegram import post_update, telegram_settings, text_update, webhook  # noqa: F401

from bot.fairuse import FLOOD, Allowance, FairUse
from bot.inbox import MAX_WORK_CHARS, Arrival, Inbox

FLOODER = "+447700900666"
NEIGHBOUR = "+447700900777"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_warning_then_silence_then_back() -> None:
    clock = Clock()
    fair = FairUse(person=Allowance(burst=5, per_minute=6), quiet=60, clock=clock)
    verdicts = [fair.check("sms", FLOODER) for _ in range(8)]
    assert verdicts == ["ok"] * 5 + ["warn", "drop", "drop"]
    assert fair.check("sms", NEIGHBOUR) == "ok"  # someone else is not touched
    clock.now += 59
    assert fair.check("sms", FLOODER) == "drop"  # still quiet
    clock.now += 2
    assert fair.check("sms", FLOODER) == "ok"  # refilled while quiet
    assert fair.check("telegram", FLOODER) == "ok"  # keys are per channel


def test_a_steady_person_within_the_rate_is_never_stopped() -> None:
    clock = Clock()
    fair = FairUse(person=Allowance(burst=3, per_minute=6), clock=clock)
    for _ in range(100):  # one message every 10 seconds, forever
        assert fair.check("sms", NEIGHBOUR) == "ok"
        clock.now += 10


def test_one_client_address_is_limited_whatever_visitor_it_claims() -> None:
    clock = Clock()
    fair = FairUse(person=Allowance(5, 6), client=Allowance(burst=10, per_minute=6),
                   clock=clock)
    verdicts = [fair.check("web", f"visitor-{n}", client="203.0.113.9") for n in range(12)]
    assert verdicts == ["ok"] * 10 + ["warn", "drop"]
    assert fair.check("web", "visitor-99", client="198.51.100.1") == "ok"


def test_memory_stays_bounded() -> None:
    clock = Clock()
    fair = FairUse(person=Allowance(burst=2, per_minute=60), max_keys=500, clock=clock)
    for n in range(20_000):  # idle buckets (full again after 2 s) are dropped
        fair.check("sms", f"+4477{n:08d}")
        clock.now += 0.01
    assert len(fair) <= 2 / 0.01 + 10
    for n in range(20_000):  # all at once: never past max_keys
        fair.check("sms", f"+4478{n:08d}")
    assert len(fair) <= 500


def test_a_long_message_is_cut_before_the_conversation_reads_it() -> None:
    came = Arrival("sms", "SM1", FLOODER, "food bank " * 2000, at=None)  # type: ignore[arg-type]
    assert len(Inbox._inbound(came).text) == MAX_WORK_CHARS


# -- through the real server -------------------------------------------------------------------

def count(server: Server, sql: str, *params: Any) -> Any:
    return server.services.on_db(lambda db: db.execute(sql, list(params)).fetchone()[0])


async def test_sms_over_fair_use_is_told_once_then_silence_and_nothing_stored(
    http: aiohttp.ClientSession, server: Server
) -> None:
    answers = [messages_of((await post_sms(http, server, twilio_form("hello", FLOODER)))[1])
               for _ in range(25)]
    assert all(a and a != [FLOOD] for a in answers[:20])
    assert answers[20] == [FLOOD]
    assert answers[21:] == [[]] * 4
    assert await count(server, "SELECT count(*) FROM inbound_messages WHERE address = ?",
                       FLOODER) == 20
    assert await count(server, "SELECT count(*) FROM message_ids") == 20


async def test_stop_and_forget_me_are_heard_even_in_the_quiet_period(
    http: aiohttp.ClientSession, server: Server
) -> None:
    for _ in range(22):  # over the limit, told once, now quiet
        await post_sms(http, server, twilio_form("hello", FLOODER))
    assert messages_of((await post_sms(http, server, twilio_form("hello", FLOODER)))[1]) == []
    await post_sms(http, server, twilio_form("STOP", FLOODER))
    assert await count(server, "SELECT count(*) FROM optouts WHERE address = ?", FLOODER) == 1
    _, twiml = await post_sms(http, server, twilio_form("FORGET ME", FLOODER))
    assert "cannot be undone" in " ".join(messages_of(twiml))


async def test_telegram_over_fair_use_gets_one_reply_through_the_outbox(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi  # noqa: F811
) -> None:
    chat = 31337
    for n in range(24):
        assert await post_update(http, webhook, text_update(f"hi {n}", chat=chat)) == 200
    await eventually(lambda: any(html.unescape(m["text"]) == FLOOD for m in bot_api.sent))
    assert webhook.services.outbox is not None
    await webhook.services.outbox.drain()
    floods = [m for m in bot_api.sent if html.unescape(m["text"]) == FLOOD]
    assert len(floods) == 1 and int(floods[0]["chat_id"]) == chat
    assert await count(webhook, "SELECT count(*) FROM inbound_messages WHERE address = ?",
                       str(chat)) == 20
    assert await count(webhook, "SELECT count(*) FROM message_ids") == 21


async def test_the_web_chat_over_fair_use_replies_once_then_429(server: Server) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        statuses, replies = [], []
        for n in range(23):
            async with browser.post(server.url + "/web/message",
                                    json={"user": f"name-{n}", "text": "hello"}) as response:
                statuses.append(response.status)
                replies.append(await response.json())
    assert statuses == [200] * 21 + [429, 429]
    assert replies[20]["replies"][0]["text"] == FLOOD
    assert await count(server, "SELECT count(*) FROM inbound_messages") == 20


# -- a flood does not slow anyone else ---------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
Post = tuple[bytes, dict[str, str]]
FLOOD_RATE = 75  # messages a second from each flooder: hundreds within a few seconds


def flood_plan(url: str, posts: list[Post], cookies: bool = False) -> dict[str, Any]:
    """One flood as bench/flood.py reads it (`Flood.to_json`)."""
    return {"url": url, "at_once": 4, "cookies": cookies, "rate": FLOOD_RATE,
            "posts": [[base64.b64encode(body).decode(), headers] for body, headers in posts]}
QUESTIONS = ["free school meals", "help paying rent", "food bank", "hello", "menu",
             "warm space near me", "council tax reduction", "1", "debt advice", "thanks"]


def signed_posts(senders: list[str], texts: list[str]) -> list[Post]:
    posts = []
    for n, text in enumerate(texts):
        form = twilio_form(text, senders[n % len(senders)])
        posts.append((urlencode(form).encode(),
                      {"X-Twilio-Signature": sign(form),
                       "Content-Type": "application/x-www-form-urlencoded"}))
    return posts


async def neighbours_reply_times(http: aiohttp.ClientSession, server: Server,
                                 posts: list[Post], until: asyncio.Future[Any] | None = None
                                 ) -> list[float]:
    """Seconds each neighbour's SMS took to be answered; with `until`, only those sent
    while it is not done."""
    latencies = []
    for body, headers in posts:
        if until is not None and until.done():
            break
        started = time.perf_counter()
        async with http.post(server.url + "/sms/twilio", data=body,
                             headers=headers) as response:
            assert response.status == 200 and messages_of(await response.text())
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.005)
    return latencies


async def run_flood(floods: list[dict[str, Any]], folder: Path) -> list[list[int]]:
    """bench/flood.py in its own process, as a flood from the internet would be."""
    plan = folder / "flood.json"
    plan.write_text(json.dumps(floods))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.flood", str(plan), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    try:
        assert await asyncio.wait_for(process.stdout.readline(), 30) == b"ready\n"
        statuses: list[list[int]] = json.loads(await asyncio.wait_for(
            process.stdout.readline(), 60))
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
    return statuses


async def test_a_flood_from_one_number_and_one_web_client_leaves_others_unhurt(
    http: aiohttp.ClientSession, server: Server, tmp_path: Path
) -> None:
    texts = [QUESTIONS[n % len(QUESTIONS)] for n in range(200)]
    neighbours = [f"+4477009008{n:02d}" for n in range(20)]  # each well within fair use
    await neighbours_reply_times(http, server, signed_posts(neighbours, texts[:5]))  # warm up
    quiet = statistics.median(await neighbours_reply_times(
        http, server, signed_posts(neighbours, texts[:60])))
    sms = flood_plan(server.url + "/sms/twilio",  # long messages, as in issue 13
                     signed_posts([FLOODER], ["food bank " * 150] * 400))
    web = flood_plan(server.url + "/web/message", [
        (json.dumps({"user": f"name-{n}", "text": "warm space " * 100}).encode(),
         {"Content-Type": "application/json"}) for n in range(400)], cookies=True)
    flooding = asyncio.ensure_future(run_flood([sms, web], tmp_path))
    # the flood's process starts, and the 20 messages each flooder may send (as anyone
    # may) are answered; from then on everything it sends is over its fair use
    await asyncio.sleep(1.0)
    loud = await neighbours_reply_times(http, server, signed_posts(neighbours, texts[60:]),
                                        until=flooding)
    sms_statuses, web_statuses = await flooding
    assert len(loud) >= 10  # enough of them answered while the flood went on
    assert sms_statuses == [200] * 400 and web_statuses.count(429) >= 370
    processed_sms = await count(server, "SELECT count(*) FROM inbound_messages WHERE "
                                "address = ?", FLOODER)
    processed_web = await count(server, "SELECT count(*) FROM inbound_messages WHERE "
                                "channel = 'web'")
    assert processed_sms <= 22 and processed_web <= 22
    under_flood = statistics.median(loud)
    print(f"quiet median {quiet * 1000:.1f} ms, under flood {under_flood * 1000:.1f} ms "
          f"({len(loud)} replies)")
    assert under_flood <= 3 * quiet, (quiet, under_flood)


async def test_the_web_chat_counts_each_client_address_behind_a_local_proxy(
    http: aiohttp.ClientSession, server: Server
) -> None:
    """A new visitor each time (no cookie kept), from two addresses a proxy on this machine
    forwards: the first address's allowance runs out, the second's does not."""
    server.services.fairuse.client = Allowance(burst=3, per_minute=1)

    async def send(address: str) -> tuple[int, str]:
        async with http.post(server.url + "/web/message", json={"user": "a", "text": "hi"},
                             headers={"X-Forwarded-For": f"10.0.0.9, {address}"}) as reply:
            data = await reply.json()
            return reply.status, (data.get("replies") or [{"text": data.get("error")}])[0][
                "text"]

    school = [await send("203.0.113.7") for _ in range(5)]
    assert [status for status, _ in school] == [200, 200, 200, 200, 429]
    assert school[3][1] == FLOOD and FLOOD not in {text for _, text in school[:3]}
    assert (await send("198.51.100.4"))[0] == 200
    assert (await send("not an address"))[0] == 200  # then the peer's own address counts
