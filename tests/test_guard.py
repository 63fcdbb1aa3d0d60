"""Malformed requests through the real server: a 4xx with a short reason, never a 5xx or a
traceback; size and time limits; slow clients cut off; the last resort for bugs; the
security headers on every response (bot/guard.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import zlib
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from conftest import BOT_TOKEN, Server
from fakes.telegram_api import FakeBotApi
from test_sms import sign, twilio_form

from bot.channels.telegram import SECRET_HEADER
from bot.settings import Settings

SECRET = "a-secret-only-telegram-and-we-know"
FORM = "application/x-www-form-urlencoded"
DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture
async def full(make_server: Any, settings: Settings, bot_api: FakeBotApi) -> Server:
    """Every route on: SMS, the Telegram webhook (against the local Bot API), the web chat."""
    server: Server = await make_server(
        replace(settings, telegram_bot_token=BOT_TOKEN,
                telegram_api_base_url=bot_api.base_url,
                telegram_webhook_url="https://support.example.org/telegram",
                telegram_secret_token=SECRET))
    return server


def signed_sms(form: dict[str, str]) -> dict[str, str]:
    return {"X-Twilio-Signature": sign(form), "Content-Type": FORM}


GOOD_FORM = twilio_form("free school meals")
# (route, body, headers, status, a word of the reason)
MALFORMED: list[tuple[str, bytes, dict[str, str], int, str]] = [
    ("/sms/twilio", b"--b\r\nContent-Disposition: form-data; name=\"Body\"\r\n\r\nhi\r\n--b--\r\n",
     {"Content-Type": "multipart/form-data; boundary=b"}, 415, "x-www-form-urlencoded"),
    ("/sms/twilio", urlencode(GOOD_FORM).encode(),
     {**signed_sms(GOOD_FORM), "Content-Type": FORM + "; charset=klingon"}, 415, "UTF-8"),
    ("/sms/twilio", b"Body=%FF%FE&From=%2B447700900123&MessageSid=SM1", signed_sms({}),
     400, "UTF-8"),
    ("/sms/twilio", b"Body=\xff\xfe", signed_sms({}), 400, "UTF-8"),
    ("/sms/twilio", b"Body=%ED%A0%80", signed_sms({}), 400, "UTF-8"),  # a lone surrogate
    ("/sms/twilio", "&".join(f"f{n}=1" for n in range(300)).encode(), signed_sms({}), 400,
     "fields"),
    ("/sms/twilio", b"x" * 70_000, signed_sms({}), 413, "larger"),
    ("/sms/twilio", zlib.compress(b"Body=hi")[:5] + b"garbage",
     {**signed_sms({}), "Content-Encoding": "deflate"}, 415, "Compressed"),
    ("/sms/twilio", urlencode(GOOD_FORM).encode(), {"Content-Type": FORM}, 403, "Signature"),
    ("/sms/twilio/status", b"MessageSid=%FF", signed_sms({}), 400, "UTF-8"),
    ("/sms/twilio/status", b"{}", {"Content-Type": "application/json"}, 415, "urlencoded"),
    ("/web/message", b"\x78\x9cgarbage", {"Content-Encoding": "deflate"}, 415, "Compressed"),
    ("/web/message", b'{"user": "a", "text": "\\ud800"}', {}, 400, "surrogate"),
    ("/web/message", b'{"user": "\\udfff", "text": "hi"}', {}, 400, "surrogate"),
    ("/web/message", DEEP, {}, 413, "larger"),
    ("/web/message", b"[" * 5000 + b"]" * 5000, {}, 400, "deeply"),
    ("/web/message", b'{"user": "a", "text": "\xff"}', {}, 400, "UTF-8"),
    ("/web/message", b"", {}, 400, "JSON"),
    ("/telegram", b"[1, 2]", {SECRET_HEADER: SECRET}, 400, "JSON object"),
    ("/telegram", b'"update"', {SECRET_HEADER: SECRET}, 400, "JSON object"),
    ("/telegram", b"[" * 5000 + b"]" * 5000, {SECRET_HEADER: SECRET}, 400, "deeply"),
    ("/telegram", b'{"update_id": true, "message": {}}', {SECRET_HEADER: SECRET}, 400,
     "update_id"),
    ("/telegram", b'{"update_id": 1, "message": {"chat": []}}', {SECRET_HEADER: SECRET}, 400,
     "malformed message"),
    ("/telegram", json.dumps({"update_id": 2, "message": {
        "message_id": 1, "date": 1, "chat": {"id": 5, "type": "private"}, "text": 7}}).encode(),
     {SECRET_HEADER: SECRET}, 400, "malformed message"),
    ("/telegram", json.dumps({"update_id": 3, "callback_query": {"id": 1}}).encode(),
     {SECRET_HEADER: SECRET}, 400, "malformed callback_query"),
    ("/telegram", b"[1, 2]", {}, 403, "secret"),  # the secret is checked first
]


async def test_malformed_requests_get_a_4xx_with_a_reason_and_no_traceback(
    http: aiohttp.ClientSession, full: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for path, body, headers, status, reason in MALFORMED:
        async with http.post(full.url + path, data=body, headers=headers) as response:
            text = await response.text()
        assert response.status == status, (path, body[:60], text)
        assert reason in text, (path, body[:60], text)
        assert len(text) < 200
    assert "Traceback" not in caplog.text
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []
    async with http.get(full.url + "/healthz") as response:
        assert response.status == 200


async def test_a_well_formed_update_of_another_kind_is_acknowledged_and_ignored(
    http: aiohttp.ClientSession, full: Server, bot_api: FakeBotApi
) -> None:
    update = {"update_id": 9, "channel_post": {"message_id": 1, "date": 1,
                                               "chat": {"id": 5, "type": "channel"}}}
    async with http.post(full.url + "/telegram", json=update,
                         headers={SECRET_HEADER: SECRET}) as response:
        assert response.status == 200
    rows = await full.services.on_db(lambda db: db.execute(
        "SELECT count(*) FROM message_ids WHERE channel = 'telegram'").fetchone()[0])
    assert rows == 0


# -- slow clients ------------------------------------------------------------------------------

async def trickle(url: str, head: bytes, drip: bytes, count: int, every: float
                  ) -> tuple[bytes | None, int]:
    """Send `head`, then `drip` every `every` seconds, at most `count` times, until the
    server answers or closes. Returns its answer (None if it never did) and the drips sent."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(head)
    answer = asyncio.create_task(reader.read(4096))
    sent = 0
    try:
        while sent < count and not answer.done():
            await asyncio.sleep(every)
            writer.write(drip)
            sent += 1
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        if not answer.done():
            answer.cancel()
            return None, sent
        return answer.result(), sent
    finally:
        writer.close()


async def test_a_client_trickling_its_body_is_cut_off(make_server: Any, settings: Settings
                                                      ) -> None:
    server = await make_server(settings, request_timeout=1.0)
    head = (b"POST /web/message HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{")
    answer, drips = await trickle(server.url, head, b" ", count=100, every=0.1)
    assert answer is not None and answer.startswith(b"HTTP/1.1 408"), answer
    assert drips < 40  # cut off after about a second, not after all 100 drips (10 s)


async def test_a_client_trickling_its_headers_is_cut_off(make_server: Any, settings: Settings
                                                         ) -> None:
    server = await make_server(settings, request_timeout=1.0)
    answer, drips = await trickle(server.url, b"GET /healthz HTTP/1.1\r\nHost: x\r\n",
                                  b"X-Slow: a\r\n", count=100, every=0.1)
    assert answer == b""  # the connection was closed, with nothing answered
    assert drips < 40


# -- the last resort ---------------------------------------------------------------------------

async def test_an_unexpected_failure_is_a_500_with_one_line_in_the_log(
    http: aiohttp.ClientSession, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(replies: Any) -> Any:
        raise ZeroDivisionError  # a bug in the web chat's rendering

    await server.services.db.call(lambda inbox: inbox.renderers.__setitem__("web", broken))
    caplog.set_level(logging.INFO)
    async with http.post(server.url + "/web/message",
                         json={"user": "a", "text": "my secret words"}) as response:
        assert response.status == 500
        assert "went wrong" in await response.text()
    lines = [r for r in caplog.records if r.name == "localsupport.http"]
    assert len(lines) == 1 and lines[0].exc_info is None
    assert lines[0].getMessage().startswith("ZeroDivisionError at tests/test_guard.py:")
    assert lines[0].getMessage().endswith("on POST /web/message")
    assert "secret words" not in caplog.text and "Traceback" not in caplog.text


# -- headers -----------------------------------------------------------------------------------

async def test_the_page_and_every_response_carry_the_security_headers(
    http: aiohttp.ClientSession, full: Server
) -> None:
    async with http.get(full.url + "/") as page:
        csp = page.headers["Content-Security-Policy"]
        page_text = await page.text()
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe-inline" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert "<script>" not in page_text and '<script src="/chat.js">' in page_text
    async with http.get(full.url + "/chat.js") as script:
        assert script.status == 200 and script.content_type == "text/javascript"
        assert "fetch(\"/web/message\"" in await script.text()
    for method, path in [("GET", "/"), ("GET", "/chat.js"), ("GET", "/healthz"),
                         ("POST", "/sms/twilio"), ("POST", "/telegram"), ("GET", "/nowhere"),
                         ("GET", "/web/message")]:
        async with http.request(method, full.url + path) as response:
            headers = response.headers
        assert headers["Server"] == "localsupport", (path, headers["Server"])
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path


async def test_a_request_aiohttp_cannot_parse_names_no_version_and_logs_one_line(
    full: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    host, port = full.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
    answer = await asyncio.wait_for(reader.read(4096), 5)
    writer.close()
    assert answer.startswith((b"HTTP/1.0 400", b"HTTP/1.1 400"))
    server_line = [line for line in answer.split(b"\r\n") if line.startswith(b"Server:")]
    assert server_line == [b"Server: localsupport"]
    assert "Traceback" not in caplog.text
    assert [r.getMessage() for r in caplog.records if r.name.startswith("localsupport.http")
            ] == ["Error handling request from 127.0.0.1: BadHttpMessage"]
