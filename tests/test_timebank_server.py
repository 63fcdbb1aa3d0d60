"""The time bank through the real server: three members, two on SMS (signed Twilio
webhooks) and one on Telegram (webhook updates, replies through the local Bot API
stand-in). Messages the assistant starts are read from the outbox table (bot/outbox.py
delivers them)."""

from __future__ import annotations

import html
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
from conftest import BOT_TOKEN, Server
from fakes.telegram_api import FakeBotApi
from test_sms import messages_of, post_sms, twilio_form
from test_telegram import SECRET, post_update, text_update

from bot.settings import Settings

SAM, JO, PRIYA_CHAT = "+447700900201", "+447700900202", 777001
COORDINATOR = ("sms", "+447700900999")


def rows(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


async def sms(http: aiohttp.ClientSession, server: Server, sender: str, body: str) -> str:
    status, twiml = await post_sms(http, server, twilio_form(body, sender=sender))
    assert status == 200
    return "\n".join(messages_of(twiml))


async def telegram(http: aiohttp.ClientSession, server: Server, bot_api: FakeBotApi,
                   text: str) -> str:
    before = len(bot_api.sent)
    assert await post_update(http, server, text_update(text, chat=PRIYA_CHAT)) == 200
    sent = await bot_api.wait_sent(before + 1)
    return html.unescape("\n".join(str(m["text"]) for m in sent[before:]))


async def join_by_sms(http, server, sender: str, name: str, offers: str) -> str:
    await sms(http, server, sender, "join the time bank")
    await sms(http, server, sender, name)
    await sms(http, server, sender, "skip")
    await sms(http, server, sender, offers)
    return await sms(http, server, sender, "skip")


async def test_three_members_on_two_channels(http, make_server, settings: Settings,
                                             bot_api: FakeBotApi, db_path: Path) -> None:
    server = await make_server(replace(
        settings, telegram_bot_token=BOT_TOKEN, telegram_api_base_url=bot_api.base_url,
        telegram_webhook_url="https://support.example.org/telegram",
        telegram_secret_token=SECRET, timebank_coordinators=(COORDINATOR,)))
    assert "Welcome, Sam!" in await join_by_sms(http, server, SAM, "Sam", "gardening")
    assert "Welcome, Jo!" in await join_by_sms(http, server, JO, "Jo", "lifts")
    for text in ("join the time bank", "Priya", "skip", "cooking", "a lift"):
        reply = await telegram(http, server, bot_api, text)
    assert "Welcome, Priya!" in reply

    # Sam records; Priya is asked on Telegram (queued in the outbox) and says YES
    assert "asked Priya to confirm 2 hours" in await sms(
        http, server, SAM, "I helped Priya with her garden for 2 hours")
    asked = rows(db_path, "SELECT channel, address, body FROM outbox "
                 "WHERE key LIKE 'timebank-confirm:%'")
    assert asked == [("telegram", str(PRIYA_CHAT), "Time bank: Sam says they helped you with "
                      "her garden for 2 hours. Is that right? Reply YES to confirm or NO if "
                      "not.")]
    assert "Thank you, confirmed" in await telegram(http, server, bot_api, "YES")
    assert "balance is 2 hours" in await sms(http, server, SAM, "BALANCE")

    # Jo records a lift for Priya; Priya says no and the coordinator is told
    await sms(http, server, JO, "I drove Priya to the station, 1 hour")
    assert "it won't count" in await telegram(http, server, bot_api, "no")
    told = rows(db_path, "SELECT address FROM outbox WHERE key LIKE 'timebank-declined:%' "
                "ORDER BY id")
    assert told == [(JO,), (COORDINATOR[1],)]
    assert "balance is 0 hours" in await sms(http, server, JO, "balance")

    # Priya's statement; nobody's number or chat id in anything members were sent
    statement = await telegram(http, server, bot_api, "STATEMENT")
    assert "you gave 0 hours and received 2 hours" in statement
    bodies = " ".join(body for (body,) in rows(db_path, "SELECT body FROM outbox"))
    assert SAM not in bodies and JO not in bodies and str(PRIYA_CHAT) not in bodies
    balances = rows(db_path, "SELECT sum(p.minutes) FROM timebank_postings p JOIN "
                    "timebank_decisions d ON d.exchange = p.exchange AND d.state = 'confirmed'")
    assert balances == [(0,)]
