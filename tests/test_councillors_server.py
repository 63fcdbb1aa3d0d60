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
from fakes.telegram_api import FakeBotApi
from fakes.twilio_api import FakeTwilioApi

from bot.digest.weeks import latest_due, parse_digest_at
from bot.render import segments
from bot.settings import Settings
from bot.store import open_store
from catalogue.storage import write
from catalogue.store import save_catalogue
from conversations.councillors import handle_councillor_reply
from conversations.records import save_wards
from conversations.types import Inbound, Outbound

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
    for _ in range(200):
        sent_ids = await server.services.on_db(lambda db: [row[0] for row in db.execute(
            "SELECT provider_id FROM outbox WHERE kind = 'digest' AND channel = 'telegram' "
            "AND state = 'sent'")])
        if sent_ids:
            break
        await asyncio.sleep(0.02)
    [summary_id] = sent_ids
    assert summary_id is not None and summary_id.isdigit()  # the Bot API's message_id

    def councillor(text: str, reply_to: str | None = None, choice: int | None = None
                   ) -> list[Outbound] | None:
        def step(db: Any) -> list[Outbound] | None:
            with write(db):
                return handle_councillor_reply(
                    db, Inbound("telegram", str(JO_CHAT), text, choice, reply_to=reply_to),
                    datetime.now(UTC))
        return step  # type: ignore[return-value]

    draft = await server.services.on_db(councillor("1 Saturdays stay open until March.",
                                                   reply_to=summary_id))
    assert draft is not None and "This goes to 5 people: 3 by SMS, 2 on Telegram" in draft[0].text
    done = await server.services.on_db(councillor("Send it", choice=0))
    assert done is not None and done[0].text.startswith("Sent to 5 people")
    server.services.wake_outbox()
    assert await eventually(lambda: len(twilio_api.created) == 4
                            and len([m for m in bot_api.sent if "March" in m["text"]]) == 2)
    responses = [m for m in twilio_api.created if "March" in m["Body"]]
    assert len({m["To"] for m in responses}) == 3
    for message in responses:
        assert message["Body"].endswith("Jo Bloggs (Riverside councillor) says: Saturdays "
                                        "stay open until March.")
        assert segments(message["Body"]) <= 2
    telegram = [m for m in bot_api.sent if "March" in m["text"]]
    assert all(m["text"].startswith("<b>Close Riverside library on Saturdays</b>")
               for m in telegram)
    again = await server.services.on_db(councillor("1 Saturdays stay open until March.",
                                                   reply_to=summary_id))
    assert again is not None and again[0].text.startswith("Nobody who objected to")
