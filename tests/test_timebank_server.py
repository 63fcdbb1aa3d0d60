"""The time bank through the real server: three members, two on SMS (signed Twilio
webhooks, messages we start sent through the Twilio REST stand-in) and one on Telegram
(webhook updates; every message through the Bot API stand-in). What the assistant starts
goes through the outbox and its worker (bot/outbox.py) and is read where it arrives."""

from __future__ import annotations

import asyncio
import html
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
from conftest import ACCOUNT_SID, BOT_TOKEN, Server
from fakes.telegram_api import FakeBotApi
from fakes.twilio_api import FakeTwilioApi
from test_sms import messages_of, post_sms, twilio_form
from test_telegram import BOT_USER, SECRET, button_update, post_update, text_update

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


async def telegram_got(bot_api: FakeBotApi, fragment: str) -> str:
    """Wait until a message holding `fragment` reached the Bot API stand-in (the outbox
    worker sends on its own time); the message, or "" when none came."""
    for _ in range(200):
        found = [html.unescape(str(m["text"])) for m in bot_api.sent
                 if fragment in html.unescape(str(m["text"]))]
        if found:
            return found[-1]
        await asyncio.sleep(0.05)
    return ""


async def join_by_sms(http, server, sender: str, name: str, offers: str) -> str:
    await sms(http, server, sender, "join the time bank")
    await sms(http, server, sender, "45")
    await sms(http, server, sender, name)
    await sms(http, server, sender, "skip")
    await sms(http, server, sender, offers)
    return await sms(http, server, sender, "skip")


async def texts_to(twilio: FakeTwilioApi, number: str, count: int) -> list[str]:
    deadline = asyncio.get_running_loop().time() + 10
    while asyncio.get_running_loop().time() < deadline:
        bodies = [m["Body"] for m in twilio.created if m["To"] == number]
        if len(bodies) >= count:
            return bodies
        await asyncio.sleep(0.05)
    return [m["Body"] for m in twilio.created if m["To"] == number]


async def test_three_members_on_two_channels(http, make_server, settings: Settings,
                                             bot_api: FakeBotApi, twilio_api: FakeTwilioApi,
                                             db_path: Path) -> None:
    server = await make_server(replace(
        settings, telegram_bot_token=BOT_TOKEN, telegram_api_base_url=bot_api.base_url,
        telegram_webhook_url="https://support.example.org/telegram",
        telegram_secret_token=SECRET, twilio_account_sid=ACCOUNT_SID,
        twilio_from_number="+447700900000", twilio_api_base_url=twilio_api.url,
        outbox_idle=0.05, timebank_coordinators=(COORDINATOR,)))
    assert "Welcome, Sam!" in await join_by_sms(http, server, SAM, "Sam", "gardening")
    assert "Welcome, Jo!" in await join_by_sms(http, server, JO, "Jo", "lifts")
    for text in ("join the time bank", "38", "Priya", "skip", "cooking", "a lift"):
        reply = await telegram(http, server, bot_api, text)
    assert "Welcome, Priya!" in reply

    # Sam records; Priya is asked on Telegram (queued in the outbox) and says YES
    assert "asked Priya to confirm 2 hours" in await sms(
        http, server, SAM, "I helped Priya with her garden for 2 hours")
    asked = rows(db_path, "SELECT channel, address, body FROM outbox "
                 "WHERE key LIKE 'timebank-confirm:%'")
    assert asked == [("telegram", str(PRIYA_CHAT), "Time bank: Sam says they helped you with "
                      "your garden for 2 hours. Is that right? Reply YES to confirm or NO if "
                      "not.")]
    assert (await telegram_got(bot_api, "Sam says they helped")).startswith("Time bank:")
    assert any(m.get("reply_markup") for m in bot_api.sent)  # Yes / No buttons
    assert "Thank you, confirmed" in await telegram(http, server, bot_api, "YES")
    told = await texts_to(twilio_api, SAM, 1)
    assert told == ["Time bank: Priya confirmed 2 hours with her garden. Your balance is "
                    "2 hours."]
    assert "balance is 2 hours" in await sms(http, server, SAM, "BALANCE")

    # Jo records a lift for Priya; Priya says no and the coordinator is told
    await sms(http, server, JO, "I drove Priya to the station, 1 hour")
    assert await telegram_got(bot_api, "Jo says they helped you")
    assert "it won't count" in await telegram(http, server, bot_api, "no")
    assert "Priya said no" in (await texts_to(twilio_api, JO, 1))[0]
    assert "was declined by Priya" in (await texts_to(twilio_api, COORDINATOR[1], 1))[0]
    assert "balance is 0 hours" in await sms(http, server, JO, "balance")

    # Priya's statement; nobody's number or chat id in anything members were sent
    statement = await telegram(http, server, bot_api, "STATEMENT")
    assert "you gave 0 hours and received 2 hours" in statement
    bodies = " ".join(body for (body,) in rows(db_path, "SELECT body FROM outbox"))
    assert SAM not in bodies and JO not in bodies and str(PRIYA_CHAT) not in bodies
    balances = rows(db_path, "SELECT sum(p.minutes) FROM timebank_postings p JOIN "
                    "timebank_decisions d ON d.exchange = p.exchange AND d.state = 'confirmed'")
    assert balances == [(0,)]


async def test_a_member_who_sent_stop_is_not_messaged(http, make_server, settings: Settings,
                                                      twilio_api: FakeTwilioApi,
                                                      db_path: Path) -> None:
    server = await make_server(replace(
        settings, twilio_account_sid=ACCOUNT_SID, twilio_from_number="+447700900000",
        twilio_api_base_url=twilio_api.url, outbox_idle=0.05))
    await join_by_sms(http, server, SAM, "Sam", "gardening")
    await join_by_sms(http, server, JO, "Jo", "lifts")
    assert await sms(http, server, JO, "STOP") == ""
    told = await sms(http, server, SAM, "I helped Jo for 1 hour")
    assert "Jo can't get messages, so a coordinator will confirm it" in told
    assert rows(db_path, "SELECT state FROM outbox WHERE key LIKE 'timebank-confirm:%'") == []
    await sms(http, server, SAM, "BALANCE")  # the outbox has had its turn
    assert [m for m in twilio_api.created if m["To"] == JO] == []


async def test_approval_introductions_and_forget_me(http, make_server, settings: Settings,
                                                    bot_api: FakeBotApi,
                                                    twilio_api: FakeTwilioApi,
                                                    db_path: Path) -> None:
    """A coordinator on Telegram approves two SMS members; one finds the other through
    MATCHES, both agree to be put in touch, a message is passed on; then one is forgotten
    and the other's statement still shows the hours, from "a former member"."""
    server = await make_server(replace(
        settings, telegram_bot_token=BOT_TOKEN, telegram_api_base_url=bot_api.base_url,
        telegram_webhook_url="https://support.example.org/telegram",
        telegram_secret_token=SECRET, twilio_account_sid=ACCOUNT_SID,
        twilio_from_number="+447700900000", twilio_api_base_url=twilio_api.url,
        outbox_idle=0.05, timebank_approval=True,
        timebank_coordinators=(("telegram", str(PRIYA_CHAT)),)))
    assert "A coordinator approves" in await join_by_sms(http, server, SAM, "Sam", "gardening")
    await sms(http, server, JO, "join the time bank")
    for text in ("61", "Jo", "skip", "skip"):
        await sms(http, server, JO, text)
    assert "A coordinator approves" in await sms(http, server, JO, "gardening")
    asked = [html.unescape(str(m["text"])) for m in await bot_api.wait_sent(2)]
    assert any("Sam (gardening) #1 asks to join. Reply APPROVE 1" in text for text in asked)
    assert "Approved Sam #1" in await telegram(http, server, bot_api, "APPROVE 1")
    assert "Approved Jo #2" in await telegram(http, server, bot_api, "approve 2")
    assert "welcome, Sam!" in (await texts_to(twilio_api, SAM, 1))[0]

    assert "Sam (no ward) offers gardening" in await sms(http, server, JO, "MATCHES")
    assert "I've asked Sam" in await sms(http, server, JO, "1")
    request = (await texts_to(twilio_api, SAM, 2))[1]
    assert request.startswith("Time bank: Jo would like to be put in touch with you")
    assert JO not in request
    assert "to Jo: your message" in await sms(http, server, SAM, "yes")
    assert "Passed on to Sam" in await sms(http, server, JO, "to Sam: is Saturday good?")
    passed = (await texts_to(twilio_api, SAM, 3))[2]
    assert passed.startswith("Time bank, from Jo: is Saturday good?") and JO not in passed

    await sms(http, server, SAM, "I helped Jo with the garden for 3 hours")
    assert "confirmed" in await sms(http, server, JO, "YES")
    await sms(http, server, JO, "FORGET ME")
    assert "deleted" in await sms(http, server, JO, "yes")
    assert "gave a former member 3 hours" in await sms(http, server, SAM, "STATEMENT")
    assert rows(db_path, "SELECT count(*) FROM timebank_members WHERE address = ?",
                (JO,)) == [(0,)]
    assert rows(db_path, "SELECT sum(minutes) FROM timebank_postings") == [(0,)]


def answering(update: dict[str, Any], message_id: str) -> dict[str, Any]:
    """`update` (a text or a button press) made about our message `message_id`."""
    ours = {"message_id": int(message_id), "date": 1735732800, "from": BOT_USER,
            "chat": {"id": PRIYA_CHAT, "type": "private"}, "text": "Time bank: ..."}
    if "callback_query" in update:
        update["callback_query"]["message"] = ours
    else:
        update["message"]["reply_to_message"] = ours
    return update


async def test_on_telegram_a_yes_answers_the_exchange_whose_message_it_replies_to(
        http, make_server, settings: Settings, bot_api: FakeBotApi,
        twilio_api: FakeTwilioApi, db_path: Path) -> None:
    """Two exchanges wait for Priya. A bare YES would be asked "which one?"; replying to
    one's message, or pressing a button on it, answers that one."""
    server = await make_server(replace(
        settings, telegram_bot_token=BOT_TOKEN, telegram_api_base_url=bot_api.base_url,
        telegram_webhook_url="https://support.example.org/telegram",
        telegram_secret_token=SECRET, twilio_account_sid=ACCOUNT_SID,
        twilio_from_number="+447700900000", twilio_api_base_url=twilio_api.url,
        outbox_idle=0.05))
    await join_by_sms(http, server, SAM, "Sam", "gardening")
    await join_by_sms(http, server, JO, "Jo", "lifts")
    for text in ("join the time bank", "38", "Priya", "skip", "cooking", "a lift"):
        await telegram(http, server, bot_api, text)
    await sms(http, server, SAM, "I helped Priya with her garden for 2 hours")
    await sms(http, server, JO, "I drove Priya to the station, 1 hour")
    assert await telegram_got(bot_api, "Jo says they helped you")
    for _ in range(200):
        sent = rows(db_path, "SELECT key, provider_id FROM outbox "
                    "WHERE key LIKE 'timebank-confirm:%' AND state = 'sent' ORDER BY id")
        if len(sent) == 2:
            break
        await asyncio.sleep(0.05)
    (sams, sams_message), (jos, jos_message) = sent

    before = len(bot_api.sent)
    reply = answering(text_update("yes", chat=PRIYA_CHAT), jos_message)
    assert await post_update(http, server, reply) == 200
    said = html.unescape(str((await bot_api.wait_sent(before + 1))[before]["text"]))
    assert said.startswith("Thank you, confirmed") and "balance is -1 hour" in said
    assert "Priya confirmed 1 hour" in (await texts_to(twilio_api, JO, 2))[-1]
    decided = rows(db_path, "SELECT exchange, state FROM timebank_decisions")
    assert decided == [(int(jos.rpartition(":")[2]), "confirmed")]

    await sms(http, server, SAM, "I helped Priya with her shopping for 1 hour")
    assert await telegram_got(bot_api, "with your shopping")  # two wait again
    before = len(bot_api.sent)
    press = answering(button_update("1|No", chat=PRIYA_CHAT), sams_message)
    assert await post_update(http, server, press) == 200
    said = html.unescape(str((await bot_api.wait_sent(before + 1))[before]["text"]))
    assert "it won't count" in said
    assert sorted(rows(db_path, "SELECT exchange, state FROM timebank_decisions")) == sorted([
        (int(jos.rpartition(":")[2]), "confirmed"), (int(sams.rpartition(":")[2]), "declined")])
    assert len(rows(db_path, "SELECT id FROM timebank_exchanges WHERE id NOT IN "
                    "(SELECT exchange FROM timebank_decisions)")) == 1  # the new one waits

    before = len(bot_api.sent)
    again = answering(text_update("yes", chat=PRIYA_CHAT), sams_message)
    assert await post_update(http, server, again) == 200
    said = html.unescape(str((await bot_api.wait_sent(before + 1))[before]["text"]))
    assert "already been answered" in said
