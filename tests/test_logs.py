"""No phone numbers, chat ids, email addresses or message texts in the logs: the real
server does not log them (caplog, with the server busy and failing), and the filter
`serve` installs (bot/logs.py) removes any that a library writes."""

from __future__ import annotations

import io
import logging
from typing import Any

import aiohttp
import pytest
from conftest import Server
from fakes.telegram_api import FakeBotApi
from test_sms import post_sms, twilio_form
from test_telegram import post_update, telegram_settings, text_update, webhook  # noqa: F401

from bot.logs import Redact, redact, redact_logs

NUMBER = "+447700900456"
CHAT = 918273645
WORDS = "my landlord is evicting me tomorrow"


async def test_the_server_logs_no_number_chat_id_or_text(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi,  # noqa: F811
    caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot_api.failures = [500, 502, "drop"]  # deliveries fail before they succeed
    assert (await post_sms(http, webhook, twilio_form(WORDS, NUMBER)))[0] == 200
    assert await post_update(http, webhook, text_update(WORDS, chat=CHAT)) == 200
    async with http.post(webhook.url + "/web/message", json={"user": NUMBER, "text": WORDS}):
        pass
    for _ in range(25):  # over fair use
        await post_sms(http, webhook, twilio_form(WORDS, NUMBER))
    bad = text_update(WORDS, chat=CHAT)
    bad["message"]["text"] = 5  # malformed: refused, and the refusal is not logged with it
    await post_update(http, webhook, bad)
    assert webhook.services.outbox is not None
    await bot_api.wait_sent(1)
    logged = caplog.text
    assert caplog.records  # the server did log things
    for secret in (NUMBER, NUMBER[1:], str(CHAT), WORDS, "landlord"):
        assert secret not in logged, secret


def test_the_filter_rewrites_numbers_chat_ids_and_addresses() -> None:
    assert redact("sent to +447700900123 (07700 900123), chat -1001234567 and 918273645, "
                  "mail jo@example.org, code 21610 at 127.0.0.1:8080") == (
        "sent to [number] ([number]), chat -[number] and [number], mail [email], "
        "code 21610 at 127.0.0.1:8080")


def test_the_filter_covers_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    redact_logs([handler])
    redact_logs([handler])  # installing twice adds one filter
    assert sum(isinstance(f, Redact) for f in handler.filters) == 1
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("could not reach %s", "+447700900123")
        try:
            int("chat 918273645")
        except ValueError:
            logger.exception("delivery failed for %s", {"chat_id": 918273645})
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    written: Any = stream.getvalue()
    assert "could not reach [number]" in written and "Traceback" in written
    assert "918273645" not in written and "7700900123" not in written
