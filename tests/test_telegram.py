"""The Telegram bot against a local Bot API server (PTB's base_url points at it), in long
polling mode and in webhook mode; Update JSON as Telegram sends it."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from conftest import BOT_TOKEN, OutboxMessage, Server, eventually, send_later
from fakes.telegram_api import BOT_USER, FakeBotApi
from telegram import Update

from bot.channels.telegram import SECRET_HEADER, PerChatProcessor, decode_choice, encode_choice
from bot.settings import Settings

CHAT = 4242
SECRET = "a-secret-only-telegram-and-we-know"
_ids = itertools.count(5000)
USER = {"id": CHAT, "is_bot": False, "first_name": "Sam", "language_code": "en"}
PRIVATE_CHAT = {"id": CHAT, "type": "private", "first_name": "Sam"}


def text_update(text: str, chat: int = CHAT, update_id: int | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_ids), "date": 1735732800, "from": {**USER, "id": chat},
        "chat": {**PRIVATE_CHAT, "id": chat}, "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    return {"update_id": update_id or next(_ids), "message": message}


def button_update(data: str, chat: int = CHAT) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)), "from": {**USER, "id": chat}, "chat_instance": "-77",
            "data": data,
            "message": {"message_id": next(_ids), "date": 1735732800, "from": BOT_USER,
                        "chat": {**PRIVATE_CHAT, "id": chat}, "text": "Did you mean:"},
        },
    }


def photo_update() -> dict[str, Any]:
    return {"update_id": next(_ids), "message": {
        "message_id": next(_ids), "date": 1735732800, "from": USER, "chat": PRIVATE_CHAT,
        "photo": [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 90}]}}


def query(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def telegram_settings(settings: Settings, bot_api: FakeBotApi) -> Settings:
    return replace(settings, telegram_bot_token=BOT_TOKEN,
                   telegram_api_base_url=bot_api.base_url)


@pytest.fixture
async def polling(make_server: Any, telegram_settings: Settings) -> Server:
    server: Server = await make_server(telegram_settings)
    return server


@pytest.fixture
async def webhook(make_server: Any, telegram_settings: Settings) -> Server:
    server: Server = await make_server(
        telegram_settings, telegram_webhook_url="https://support.example.org/telegram",
        telegram_secret_token=SECRET)
    return server


async def post_update(
    http: aiohttp.ClientSession, server: Server, update: dict[str, Any],
    secret: str | None = SECRET,
) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with http.post(server.url + "/telegram", json=update, headers=headers) as response:
        return response.status


# -- long polling ------------------------------------------------------------------------------

async def test_polling_a_text_message_gets_a_reply(polling: Server, bot_api: FakeBotApi) -> None:
    assert "deleteWebhook" in bot_api.calls  # polling takes over from any webhook
    bot_api.push(text_update("free school meals"))
    sent = await bot_api.wait_sent(1)
    assert sent, "the bot sent nothing"
    assert int(sent[0]["chat_id"]) == CHAT
    assert sent[0]["parse_mode"] == "HTML"
    assert sent[0]["text"].startswith("<b>Free school meals</b>")


async def test_an_edited_message_is_answered_as_it_now_reads(
    polling: Server, bot_api: FakeBotApi
) -> None:
    """Someone who fixes a typo, or adds what they could not say at first, is heard."""
    first = text_update("hello")
    bot_api.push(first)
    await bot_api.wait_sent(1)
    for text, answers in (("free school meals", ("<b>Free school meals</b>",)),
                          ("my dad hits me", ("Childline", "You did the right thing"))):
        before = len(bot_api.sent)  # the crisis contacts, then the gentle next step
        bot_api.push({"update_id": next(_ids), "edited_message": {
            **first["message"], "text": text, "edit_date": 1735732860}})
        assert await eventually(lambda before=before, answers=answers: all(
            any(a in m["text"] for m in bot_api.sent[before:]) for a in answers))
    # a live location moving (an edit with no words), or an edit an hour on, gets nothing
    before = len(bot_api.sent)
    bot_api.push({"update_id": next(_ids), "edited_message": {
        **first["message"], "text": "youth club", "edit_date": 1735732800 + 3600}})
    moved = {k: v for k, v in first["message"].items() if k != "text"}
    bot_api.push({"update_id": next(_ids), "edited_message": {
        **moved, "edit_date": 1735732900, "location": {"latitude": 51.5, "longitude": -0.1}}})
    bot_api.push(text_update("free school meals"))  # the next message is answered first
    assert await eventually(lambda: any(m["text"].startswith("<b>Free school meals</b>")
                                        for m in bot_api.sent[before:]))
    await asyncio.sleep(0.3)
    later = [m["text"] for m in bot_api.sent[before:]]
    assert not any("<b>Youth club</b>" in text for text in later), later
    assert later[0].startswith("<b>Free school meals</b>"), later  # nothing before it


async def test_polling_a_button_press_picks_the_choice(
    polling: Server, bot_api: FakeBotApi, titles: set[str]
) -> None:
    bot_api.push(text_update("school"))
    with_buttons = await bot_api.wait_for_buttons()
    assert with_buttons, bot_api.sent
    rows = with_buttons[-1]["reply_markup"]["inline_keyboard"]
    button = next(b for row in rows for b in row if b["text"] in titles)
    before = len(bot_api.sent)
    press = button_update(button["callback_data"])
    bot_api.push(press)
    sent = await bot_api.wait_sent(before + 1)
    assert sent[before]["text"].startswith(f"<b>{button['text']}</b>")
    assert [a["callback_query_id"] for a in bot_api.callback_answers] == [
        press["callback_query"]["id"]]


# -- webhook -----------------------------------------------------------------------------------

async def test_webhook_is_registered_with_the_secret(webhook: Server, bot_api: FakeBotApi) -> None:
    assert bot_api.webhook is not None
    assert bot_api.webhook["url"] == "https://support.example.org/telegram"
    assert bot_api.webhook["secret_token"] == SECRET
    assert "getUpdates" not in bot_api.calls


async def test_webhook_with_a_wrong_secret_is_refused(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi, db_path: Path
) -> None:
    for secret in [None, "", "wrong", SECRET + "x", SECRET[:-1], SECRET.upper()]:
        assert await post_update(http, webhook, text_update("hello"), secret=secret) == 403
    assert bot_api.sent == []
    assert query(db_path, "SELECT count(*) FROM inbound_messages") == [(0,)]


async def test_webhook_a_repeated_update_is_processed_once(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi, db_path: Path
) -> None:
    update = text_update("free school meals")
    assert await post_update(http, webhook, update) == 200
    answered = list(await bot_api.wait_sent(1))
    assert answered
    assert await post_update(http, webhook, update) == 200
    await delivered(webhook)
    assert bot_api.sent == answered
    assert query(db_path, "SELECT count(*) FROM inbound_messages") == [(1,)]


async def delivered(server: Server) -> None:
    """Let the outbox deliver everything due now, the background worker's rounds included."""
    assert server.services.outbox is not None
    await server.services.outbox.drain()

    def busy(db: Any) -> bool:
        return bool(db.execute("SELECT count(*) FROM outbox WHERE state = 'sending'"
                               ).fetchone()[0])

    for _ in range(500):  # bounded: a round in flight settles within milliseconds
        if not await server.services.on_db(busy):
            return
        await asyncio.sleep(0.01)


async def test_a_reply_whose_sends_fail_is_retried_and_delivered_once(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi, db_path: Path
) -> None:
    """429 (with retry_after), 502, 500 and a dropped connection: the webhook has said 200
    already, so the outbox retries until the reply is through, and sends it once."""
    bot_api.failures = [429, 502, 500, "drop"]
    assert await post_update(http, webhook, text_update("free school meals")) == 200
    sent = await bot_api.wait_sent(1, timeout=60)
    assert len(sent) == 1 and sent[0]["text"].startswith("<b>Free school meals</b>")
    assert bot_api.failures == []
    settled = await eventually(lambda: query(db_path, "SELECT state, attempts FROM outbox")
                               == [("sent", 5)])
    assert settled, query(db_path, "SELECT state, attempts FROM outbox")
    await delivered(webhook)
    assert len(bot_api.sent) == 1


async def test_a_long_message_resumes_after_the_pieces_already_delivered(
    webhook: Server, bot_api: FakeBotApi, db_path: Path
) -> None:
    """A message over Telegram's 4,096 characters goes in two pieces; when the second
    fails, the retry sends the second alone: the person never gets the first twice."""
    body = "\n".join(f"Riverside ward, item {n}: residents asked about the library." for n in
                     range(90))
    bot_api.failures = ["ok", 500]
    await send_later(webhook, OutboxMessage("long-1", "digest", "telegram", str(CHAT), body))
    sent = await bot_api.wait_sent(2, timeout=60)
    await delivered(webhook)
    assert len(bot_api.sent) == 2 and bot_api.failures == []
    assert sent[0]["text"].startswith("Riverside ward, item 0:")
    assert sent[1]["text"].endswith("item 89: residents asked about the library.")
    assert "item 0:" not in sent[1]["text"]
    assert query(db_path, "SELECT state, attempts, pieces_sent FROM outbox") == [("sent", 2, 1)]


async def test_webhook_not_json_is_a_bad_request(
    http: aiohttp.ClientSession, webhook: Server
) -> None:
    async with http.post(webhook.url + "/telegram", data=b"{nope",
                         headers={SECRET_HEADER: SECRET}) as response:
        assert response.status == 400


# Recorded updates through one harness: what the person sends, what the bot answers.
CASES = [
    ("command /start", text_update("/start"), "Local Support"),
    ("command with bot name", text_update("/help@local_support_test_bot"), "/stop"),
    ("plain question", text_update("food bank"), "<b>Sample Borough Food Bank</b>"),
    ("capitals and punctuation", text_update("FOOD BANK!!"), "Food Bank"),
    ("Arabic", text_update("\u0623\u062d\u062a\u0627\u062c \u0645\u0633\u0627\u0639\u062f\u0629"),
     "English"),
    ("a photo, no text", photo_update(), ""),
]


async def test_webhook_updates_get_replies(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi
) -> None:
    for name, update, expected in CASES:
        before = len(bot_api.sent)
        assert await post_update(http, webhook, update) == 200, name
        await bot_api.wait_sent(before + 1)
        texts = [m["text"] for m in bot_api.sent[before:]]
        assert texts, f"{name}: no reply"
        assert expected in "\n".join(texts), (name, texts)
        assert all(len(t) <= 4096 for t in texts), name


def notice(text: str, n: int = 1, choices: tuple[str, ...] = ()) -> OutboxMessage:
    return OutboxMessage(f"notice:{n}", "notice", "telegram", str(CHAT), text, choices=choices)


async def test_stop_then_messages_we_start_are_refused_until_start(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi, db_path: Path
) -> None:
    await post_update(http, webhook, text_update("/stop"))
    await bot_api.wait_sent(1)
    assert "START" in bot_api.sent[-1]["text"]  # a reply to the person's own STOP goes out
    assert query(db_path, "SELECT channel, address FROM optouts") == [("telegram", str(CHAT))]
    before = len(bot_api.sent)
    assert await send_later(webhook, notice("A new youth club opens on Monday")) == "refused"
    assert len(bot_api.sent) == before
    await post_update(http, webhook, text_update("/start"))
    await bot_api.wait_sent(before + 1)
    assert query(db_path, "SELECT count(*) FROM optouts") == [(0,)]
    assert await send_later(webhook, notice("A new youth club opens on Monday", 2)) == "sent"
    assert bot_api.sent[-1]["text"] == "A new youth club opens on Monday"


async def test_a_user_who_blocked_the_bot_is_opted_out(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi, db_path: Path
) -> None:
    bot_api.blocked.add(CHAT)
    assert await post_update(http, webhook, text_update("free school meals")) == 200
    await delivered(webhook)
    assert query(db_path, "SELECT reason FROM optouts WHERE channel = 'telegram' AND address = ?",
                 (str(CHAT),)) == [("blocked the bot",)]
    bot_api.blocked.clear()
    assert await send_later(webhook, notice("Are you still there?")) == "refused"
    assert bot_api.sent == []


def member_update(status: str) -> dict[str, Any]:
    member = {"user": BOT_USER, "status": status}
    if status == "kicked":
        member["until_date"] = 0
    return {"update_id": next(_ids), "my_chat_member": {
        "chat": PRIVATE_CHAT, "from": USER, "date": 1735732800,
        "old_chat_member": {"user": BOT_USER, "status": "member"},
        "new_chat_member": member}}


async def test_blocking_the_bot_is_an_opt_out_and_unblocking_lifts_it(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi, db_path: Path
) -> None:
    assert await post_update(http, webhook, member_update("kicked")) == 200
    assert query(db_path, "SELECT reason FROM optouts") == [("blocked the bot",)]
    assert await send_later(webhook, notice("Your councillor replied")) == "refused"
    assert await post_update(http, webhook, member_update("member")) == 200
    assert query(db_path, "SELECT count(*) FROM optouts") == [(0,)]
    assert await send_later(webhook, notice("Your councillor replied", 2)) == "sent"


async def test_in_a_group_the_bot_keeps_nothing_and_asks_for_a_direct_message(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi, db_path: Path
) -> None:
    group = {"id": -100123, "type": "group", "title": "Youth council"}
    for user, text in ((101, "my postcode is ZZ1 1AB, object to the library closing"),
                       (102, "MY DATA")):
        update = text_update(text)
        update["message"]["chat"] = group
        update["message"]["from"] = {**USER, "id": user}
        assert await post_update(http, webhook, update) == 200
    sent = await bot_api.wait_sent(2)
    assert all("message me directly" in m["text"] for m in sent)
    assert "ZZ1" not in " ".join(m["text"] for m in sent)
    assert query(db_path, "SELECT count(*) FROM sessions") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM people") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM inbound_messages") == [(0,)]


async def test_a_deep_link_starts_the_conversation_and_keeps_its_source(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi, db_path: Path
) -> None:
    assert await post_update(http, webhook, text_update("/start poster-riverside")) == 200
    sent = await bot_api.wait_sent(1)
    assert "Local Support" in sent[0]["text"]  # the welcome, not a search for "poster"
    assert query(db_path, "SELECT source FROM inbound_messages") == [("poster-riverside",)]


async def test_long_messages_are_split_at_4096(webhook: Server, bot_api: FakeBotApi) -> None:
    paragraph = "Support is available. " * 40
    text = "\n\n".join([paragraph] * 12)
    assert await send_later(webhook, notice(text, choices=("Yes", "No"))) == "sent"
    assert len(bot_api.sent) >= 2
    assert all(len(m["text"]) <= 4096 for m in bot_api.sent)
    assert [bool(m.get("reply_markup")) for m in bot_api.sent][-1] is True
    assert not any(m.get("reply_markup") for m in bot_api.sent[:-1])


@pytest.mark.parametrize(
    "label", ["Free school meals", "Z" * 100, "Ba\u0144k \u017cywno\u015bci " * 6])
def test_callback_data_fits_64_bytes_and_keeps_the_index(label: str) -> None:
    data = encode_choice(2, label)
    assert len(data.encode()) <= 64
    decoded = decode_choice(data)
    assert decoded is not None and decoded[0] == 2 and label.startswith(decoded[1])


async def test_polling_runs_chats_side_by_side_and_each_chat_in_order() -> None:
    """Two chats' updates overlap; one chat's second update waits for its first."""
    processor = PerChatProcessor()
    events: list[str] = []
    gate = asyncio.Event()

    async def work(name: str, wait: bool) -> None:
        events.append(f"start {name}")
        if wait:
            await gate.wait()
        events.append(f"end {name}")

    def update(chat: int, n: int) -> Update:
        data = text_update(f"message {n}", chat=chat)
        return Update.de_json(data, None)

    first = asyncio.create_task(processor.do_process_update(update(1, 1), work("1a", True)))
    second = asyncio.create_task(processor.do_process_update(update(1, 2), work("1b", False)))
    other = asyncio.create_task(processor.do_process_update(update(2, 3), work("2a", False)))
    await other  # chat 2 is not held up by chat 1's slow update
    assert events == ["start 1a", "start 2a", "end 2a"]
    gate.set()
    await asyncio.gather(first, second)
    assert events[3:] == ["end 1a", "start 1b", "end 1b"]
