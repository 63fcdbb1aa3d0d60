"""The councillors' loop through the real server and the stand-ins for the outside world:
at start the missed week's digests go out (email to aiosmtpd, the Telegram summary to the
Bot API stand-in, an SMS to the Twilio stand-in for a councillor with only a phone); the
councillor replies on Telegram to the summary (the id the Bot API gave it, kept in the
outbox as `provider_id`), presses "Send it", and every objector gets the response on their
own channel: SMS within two segments, Telegram; nobody twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT_SID, AUTH_TOKEN, BOT_TOKEN, PUBLIC_URL, MailServer, Server, eventually
from conversation_kit import CIRCUMSTANCES, ENTRIES, WARDS
from digest_kit import Activity, add_councillors
from fakes.telegram_api import BOT_USER, FakeBotApi
from fakes.twilio_api import FakeTwilioApi
from test_telegram import button_update, text_update

from bot.digest.weeks import latest_due, parse_digest_at
from bot.render import segments
from bot.settings import Settings
from bot.store import open_store
from catalogue.store import save_catalogue
from conversations.records import save_wards

JO_CHAT = 555001  # Jo Bloggs, Riverside (digest_kit.COUNCILLORS)
OUR_NUMBER = "+447700900000"


@pytest.fixture
def council_path(tmp_path: Path) -> Path:
    path = tmp_path / "council.db"
    db = open_store(path)
    save_catalogue(db, ENTRIES, CIRCUMSTANCES)
    save_wards(db, WARDS)
    add_councillors(db, tmp_path, datetime(2026, 1, 5, tzinfo=UTC))
    week = Activity(db, latest_due(datetime.now(UTC), parse_digest_at("MON 08:00")))
    week.objection("close-library", "Riverside", "Saturday is when I can go", count=3)
    week.objection("close-library", "Riverside", "We need it", channel="telegram", count=2)
    week.objection("close-library", "Riverside", channel="web")
    db.close()
    return path


@pytest.fixture
async def server(bot_api: FakeBotApi, twilio_api: FakeTwilioApi, mail: MailServer,
                 make_server: Any, council_path: Path) -> Server:
    settings = Settings(
        db_path=str(council_path), public_url=PUBLIC_URL, twilio_auth_token=AUTH_TOKEN,
        twilio_account_sid=ACCOUNT_SID, twilio_from_number=OUR_NUMBER,
        twilio_api_base_url=twilio_api.url, telegram_bot_token=BOT_TOKEN,
        telegram_api_base_url=bot_api.base_url, smtp_host="127.0.0.1", smtp_port=mail.port,
        smtp_starttls=False, digest_from="digest@council.example", outbox_idle=0.1)
    started: Server = await make_server(settings)
    return started


def reply_update(text: str, replying_to: str) -> dict[str, Any]:
    """A councillor's Telegram message replying to one of ours, as the Bot API sends it."""
    update = text_update(text, chat=JO_CHAT)
    update["message"]["reply_to_message"] = {
        "message_id": int(replying_to), "date": 1735732800, "from": BOT_USER,
        "chat": update["message"]["chat"], "text": "Weekly digest"}
    return update


def pressed_on(update: dict[str, Any], message_id: str) -> dict[str, Any]:
    """A button press under our message `message_id` (the Bot API's id for it)."""
    update["callback_query"]["message"]["message_id"] = int(message_id)
    return update


def previews(bot_api: FakeBotApi) -> list[dict[str, Any]]:
    return [m for m in to_chat(bot_api, JO_CHAT) if "This goes to 5 people" in m["text"]]


async def provider_ids(server: Server, where: str, count: int) -> list[str]:
    """The Bot API's ids of our first `count` sent Telegram messages matching `where`, once
    the outbox worker has recorded them."""
    for _ in range(500):
        ids = await server.services.on_db(lambda db: [row[0] for row in db.execute(
            f"SELECT provider_id FROM outbox WHERE channel = 'telegram' AND state = 'sent' "
            f"AND {where} ORDER BY id")])
        if len(ids) >= count:
            return list(ids)
        await asyncio.sleep(0.02)
    raise AssertionError(f"fewer than {count} sent where {where}: {ids}")


def to_chat(bot_api: FakeBotApi, chat: int) -> list[dict[str, Any]]:
    return [m for m in bot_api.sent if int(m["chat_id"]) == chat]


async def test_the_missed_weeks_digests_reach_every_councillor_on_their_channels(
    server: Server, bot_api: FakeBotApi, twilio_api: FakeTwilioApi, mail: MailServer
) -> None:
    assert await eventually(lambda: len(mail.inbox.messages) == 3 and to_chat(bot_api, JO_CHAT)
                            and twilio_api.created)
    assert sorted(to for _, [to], _ in mail.inbox.messages) == [
        "alex.chen@example.org", "jo.bloggs@example.org", "sam.patel@example.org"]
    [summary] = to_chat(bot_api, JO_CHAT)
    assert summary["parse_mode"] == "HTML"
    assert summary["text"].startswith("<b>Weekly digest: Riverside, ")
    assert "1. Close Riverside library on Saturdays: 5" in summary["text"]
    [sms] = twilio_api.created  # Kim Lee: a phone and nothing else
    assert sms["To"] == "+447700900104" and sms["From"] == OUR_NUMBER
    assert sms["Body"].startswith("Local Support digest ") and "Hillside" in sms["Body"]
    assert segments(sms["Body"]) <= 2


async def test_a_councillors_telegram_reply_reaches_every_objector_once(
    server: Server, bot_api: FakeBotApi, twilio_api: FakeTwilioApi
) -> None:
    assert await eventually(lambda: to_chat(bot_api, JO_CHAT) and twilio_api.created)
    [summary_id] = await provider_ids(server, "kind = 'digest'", 1)
    assert summary_id is not None and summary_id.isdigit()  # the Bot API's message_id

    # the councillor replies on Telegram to the summary, thinks better of it and replies
    # again, then presses "Send it": under the first preview it sends neither
    for n, text in enumerate(("1 Saturdays stay open until Easter.",
                              "1 Saturdays stay open until March."), 1):
        bot_api.push(reply_update(text, summary_id))
        assert await eventually(lambda n=n: len(previews(bot_api)) == n)
    assert "3 by SMS, 2 on Telegram" in previews(bot_api)[-1]["text"]
    preview_ids = await provider_ids(server, "body LIKE 'This goes to%'", 2)
    keyboard = previews(bot_api)[-1]["reply_markup"]["inline_keyboard"]
    send_it = next(b for row in keyboard for b in row if b["text"] == "Send it")
    bot_api.push(pressed_on(button_update(send_it["callback_data"], chat=JO_CHAT),
                            preview_ids[0]))
    assert await eventually(lambda: any(m["text"].startswith("Those buttons are under an "
                                                             "earlier draft")
                                        for m in to_chat(bot_api, JO_CHAT)))
    bot_api.push(pressed_on(button_update(send_it["callback_data"], chat=JO_CHAT),
                            preview_ids[1]))
    assert await eventually(lambda: any(m["text"].startswith("Sent to 5 people")
                                        for m in to_chat(bot_api, JO_CHAT)))
    server.services.wake_outbox()
    def to_objectors() -> list[dict[str, Any]]:
        return [m for m in bot_api.sent if "March" in m["text"] and int(m["chat_id"]) != JO_CHAT]

    assert await eventually(lambda: len(twilio_api.created) == 4 and len(to_objectors()) == 2)
    responses = [m for m in twilio_api.created if "March" in m["Body"]]
    assert not any("Easter" in m["Body"] for m in twilio_api.created)
    assert len({m["To"] for m in responses}) == 3
    for message in responses:
        assert message["Body"].endswith("Jo Bloggs (Riverside councillor) says: Saturdays "
                                        "stay open until March.")
        assert segments(message["Body"]) <= 2
    telegram = to_objectors()
    assert all(m["text"].startswith("<b>Close Riverside library on Saturdays</b>")
               for m in telegram)
    before = len(to_chat(bot_api, JO_CHAT))
    bot_api.push(reply_update("1 Saturdays stay open until March.", summary_id))
    again = await eventually(lambda: to_chat(bot_api, JO_CHAT)[before:])
    assert again[0]["text"].startswith("Nobody who objected to")
