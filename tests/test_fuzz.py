"""Fuzzing every route of the real server on loopback (hypothesis): arbitrary bytes, forms
(signed and not), JSON and Telegram updates. Never a 5xx, never a traceback or an error in
the log, and the server still answers /healthz after each one.

The server runs on an event loop in a thread of its own, so hypothesis drives it with
plain blocking requests (http.client)."""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import threading
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest
from aiohttp import web
from conftest import AUTH_TOKEN, BOT_TOKEN, PUBLIC_URL, start_app
from fakes.telegram_api import FakeBotApi
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sms import sign

from bot.app import build_app, handler_options
from bot.channels.telegram import SECRET_HEADER
from bot.settings import Settings
from catalogue.importer import load_sample
from catalogue.store import open_db

T = TypeVar("T")
SECRET = "a-secret-only-telegram-and-we-know"
EXAMPLES = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


class Recorder(logging.Handler):
    """Every record of WARNING or worse, from any logger."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def bad(self) -> list[str]:
        return [self.format(r) for r in self.records
                if r.levelno >= logging.ERROR or r.exc_info or "Traceback" in r.getMessage()]


@dataclass
class Live:
    """The server and a local Bot API on a loop running in another thread."""

    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    runners: list[web.AppRunner] = field(default_factory=list)
    port: int = 0

    def run(self, coroutine: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(60)  # type: ignore[arg-type]

    async def start(self, db_path: Path) -> None:
        bot_api = FakeBotApi(BOT_TOKEN)
        runner, bot_api.url = await start_app(bot_api.app())
        self.runners.append(runner)
        config = Settings(db_path=str(db_path), public_url=PUBLIC_URL,
                          twilio_auth_token=AUTH_TOKEN, telegram_bot_token=BOT_TOKEN,
                          telegram_api_base_url=bot_api.base_url,
                          telegram_webhook_url=PUBLIC_URL + "/telegram",
                          telegram_secret_token=SECRET, outbox_idle=0.5, request_timeout=5)
        runner, url = await start_app(build_app(config), **handler_options(config))
        self.runners.append(runner)
        self.port = int(url.rsplit(":", 1)[1])

    async def stop(self) -> None:
        for runner in reversed(self.runners):
            await runner.cleanup()

    def request(self, method: str, path: str, body: bytes = b"",
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Live, Recorder]]:
    db_path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    db = open_db(db_path)
    load_sample(db)
    db.close()
    recorder = Recorder()
    logging.getLogger().addHandler(recorder)
    server = Live()
    thread = threading.Thread(target=server.loop.run_forever, daemon=True)
    thread.start()
    try:
        server.run(server.start(db_path))
        yield server, recorder
    finally:
        server.run(server.stop())
        server.loop.call_soon_threadsafe(server.loop.stop)
        thread.join(10)
        server.loop.close()
        logging.getLogger().removeHandler(recorder)


def check(live: tuple[Live, Recorder], status: int, what: Any) -> None:
    server, recorder = live
    assert status < 500, what
    assert recorder.bad() == [], what
    assert server.request("GET", "/healthz")[0] == 200, what


# -- what is thrown ----------------------------------------------------------------------------

surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1)
texts = st.text(max_size=200) | surrogates
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(texts, inner, max_size=5),
    max_leaves=20)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
content_types = st.sampled_from([
    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8",
    "application/x-www-form-urlencoded; charset=klingon", "multipart/form-data; boundary=b",
    "application/json", "text/plain", ""]) | header_text
extra_headers = st.dictionaries(
    st.sampled_from(["Content-Encoding", "Content-Type", "X-Twilio-Signature", SECRET_HEADER,
                     "X-Forwarded-For", "Cookie", "Transfer-Encoding-Hint"]),
    header_text, max_size=3)
POST_ROUTES = ["/sms/twilio", "/sms/twilio/status", "/telegram", "/web/message"]
ALL_ROUTES = [*POST_ROUTES, "/", "/healthz", "/chat.js", "/chat.css", "/nowhere"]


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually (nine times in ten) the right type, sometimes anything."""
    return st.integers(0, 9).flatmap(lambda n: json_values if n == 0 else strategy)


def either(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """For the fields a handler reads: half the time the right type, half anything."""
    return strategy | json_values


TWILIO_FIELDS = ["MessageSid", "SmsSid", "From", "To", "Body", "NumMedia", "MessageStatus",
                 "SmsStatus", "ErrorCode", "AccountSid", "MediaUrl0"]
forms = st.dictionaries(st.sampled_from(TWILIO_FIELDS) | st.text(max_size=20),
                        st.text(max_size=300), max_size=12)
users = st.fixed_dictionaries({"id": maybe(st.integers()), "is_bot": maybe(st.booleans()),
                               "first_name": maybe(st.text(max_size=20))})
chats = st.fixed_dictionaries({"id": maybe(st.integers()), "type": maybe(st.sampled_from(
    ["private", "group", "supergroup", "channel"]))})
messages = st.fixed_dictionaries(
    {"message_id": maybe(st.integers()), "date": maybe(st.integers(0, 2**31)),
     "chat": maybe(chats)},
    optional={"text": either(texts), "caption": either(texts), "from": maybe(users),
              "photo": maybe(st.lists(json_values, max_size=2)),
              "reply_to_message": maybe(st.fixed_dictionaries(
                  {"message_id": maybe(st.integers()), "date": maybe(st.integers()),
                   "chat": maybe(chats)})),
              "entities": maybe(st.lists(json_values, max_size=2))})
callback_queries = st.fixed_dictionaries(
    {"id": maybe(st.text(max_size=10)), "from": maybe(users),
     "chat_instance": maybe(st.text(max_size=10))},
    optional={"data": either(st.text(max_size=70)), "message": maybe(messages)})
members = st.fixed_dictionaries({"status": either(st.sampled_from(
    ["member", "kicked", "left", "administrator", "creator", "restricted"])),
    "user": maybe(users)})
chat_member_updates = st.fixed_dictionaries(
    {"chat": maybe(chats), "from": maybe(users), "date": maybe(st.integers()),
     "old_chat_member": maybe(members), "new_chat_member": maybe(members)})
update_ids = maybe(st.integers(0, 2**40))
updates = st.one_of(
    st.fixed_dictionaries({"update_id": update_ids, "message": maybe(messages)}),
    st.fixed_dictionaries({"update_id": update_ids, "callback_query": maybe(callback_queries)}),
    st.fixed_dictionaries({"update_id": update_ids,
                           "my_chat_member": maybe(chat_member_updates)}),
    st.fixed_dictionaries({"update_id": update_ids}, optional={
        "message": maybe(messages), "edited_message": json_values,
        "callback_query": maybe(callback_queries)}))
web_bodies = st.fixed_dictionaries({"user": maybe(st.text(max_size=70)),
                                    "text": maybe(texts)},
                                   optional={"channel": maybe(st.sampled_from(
                                       ["sms", "telegram"])),
                                             "choice": maybe(st.integers(-2, 10))})


# -- the fuzz tests ----------------------------------------------------------------------------

@EXAMPLES
@given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
       path=st.sampled_from(ALL_ROUTES), body=st.binary(max_size=2000),
       content_type=content_types, headers=extra_headers)
def test_arbitrary_bytes_at_every_route(live: tuple[Live, Recorder], method: str, path: str,
                                        body: bytes, content_type: str,
                                        headers: dict[str, str]) -> None:
    status, _ = live[0].request(method, path, body, {"Content-Type": content_type, **headers})
    check(live, status, (method, path, body[:100], headers))


@EXAMPLES
@given(form=forms, signed=st.booleans(), path=st.sampled_from(POST_ROUTES[:2]))
def test_forms_signed_and_not_at_the_sms_routes(live: tuple[Live, Recorder],
                                                form: dict[str, str], signed: bool,
                                                path: str) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signed:
        headers["X-Twilio-Signature"] = sign(form, PUBLIC_URL + path)
    status, _ = live[0].request("POST", path, urlencode(form).encode(), headers)
    check(live, status, (path, form))
    if signed:
        assert status != 403


@EXAMPLES
@given(update=st.one_of(updates, updates, updates, json_values),
       secret=st.sampled_from([SECRET, SECRET, SECRET, SECRET, SECRET, "wrong", ""]))
def test_json_and_telegram_updates_at_the_webhook(live: tuple[Live, Recorder], update: Any,
                                                  secret: str) -> None:
    body = json.dumps(update).encode()
    status, _ = live[0].request("POST", "/telegram", body, {SECRET_HEADER: secret,
                                                            "Content-Type": "application/json"})
    check(live, status, update)
    if secret != SECRET:
        assert status == 403  # the secret is checked before anything is read


@EXAMPLES
@given(data=web_bodies | json_values)
def test_json_at_the_web_chat(live: tuple[Live, Recorder], data: Any) -> None:
    status, _ = live[0].request("POST", "/web/message", json.dumps(data).encode(),
                                {"Content-Type": "application/json"})
    check(live, status, data)
