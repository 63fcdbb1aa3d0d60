"""Shared fixtures for the channel tests: a database with the sample catalogue, the server
running on a free loopback port, and local stand-ins for the Telegram Bot API and Twilio's
REST API."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import sqlite_utils
from aiohttp import web
from aiosmtpd.controller import Controller
from conversation_kit import Talk, engine_for, make_db
from fakes.telegram_api import FakeBotApi
from fakes.twilio_api import FakeTwilioApi

from bot.app import SERVICES, Services, build_app, handler_options
from bot.settings import Settings
from catalogue.importer import load_sample
from catalogue.storage import write
from catalogue.store import load_entries, open_db
from conversations.outbox import Message as OutboxMessage
from conversations.outbox import enqueue

PUBLIC_URL = "https://support.example.org"
AUTH_TOKEN = "12345678901234567890123456789012"
ACCOUNT_SID = "AC" + "a" * 32
BOT_TOKEN = "123456:TEST-token_for-the-fake-bot-api"

@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database holding the bundled sample catalogue, as `make run` serves it."""
    path = tmp_path / "localsupport.db"
    db = open_db(path)
    load_sample(db)
    db.close()
    return path


@pytest.fixture
def titles(db_path: Path) -> set[str]:
    db = open_db(db_path)
    try:
        return {entry.title for entry in load_entries(db)}
    finally:
        db.close()


async def start_app(app: web.Application, **options: Any) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None, **options)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


@dataclass
class Server:
    url: str
    app: web.Application

    @property
    def services(self) -> Services:
        return self.app[SERVICES]


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi(BOT_TOKEN)
    runner, fake.url = await start_app(fake.app())
    yield fake
    await runner.cleanup()


@pytest.fixture
async def twilio_api() -> AsyncIterator[FakeTwilioApi]:
    fake = FakeTwilioApi(ACCOUNT_SID, AUTH_TOKEN)
    runner, fake.url = await start_app(fake.app())
    yield fake
    await runner.cleanup()


@pytest.fixture
def twilio_thread() -> Iterator[FakeTwilioApi]:
    """The Twilio stand-in served from its own thread and event loop, for commands that run
    `asyncio.run` themselves (localsupport respond, digest send)."""
    fake = FakeTwilioApi(ACCOUNT_SID, AUTH_TOKEN)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner, fake.url = asyncio.run_coroutine_threadsafe(start_app(fake.app()), loop).result(10)
    yield fake
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


@pytest.fixture
def settings(db_path: Path) -> Settings:
    """Inbound SMS on (signatures checked against PUBLIC_URL); no outbound, no Telegram."""
    return Settings(db_path=str(db_path), public_url=PUBLIC_URL, twilio_auth_token=AUTH_TOKEN,
                    outbox_idle=0.5, outbox_first_retry=0.05)


@pytest.fixture
async def make_server() -> AsyncIterator[Callable[..., Awaitable[Server]]]:
    """Start the whole app (lifespan included) on a free port: `await make_server(settings)`."""
    runners: list[web.AppRunner] = []

    async def start(settings: Settings, **changes: Any) -> Server:
        settings = replace(settings, **changes)
        app = build_app(settings)
        runner, url = await start_app(app, **handler_options(settings))
        runners.append(runner)
        return Server(url, app)

    yield start
    for runner in reversed(runners):
        await runner.cleanup()


@pytest.fixture
async def server(make_server: Callable[..., Awaitable[Server]], settings: Settings) -> Server:
    return await make_server(settings)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


# -- a real SMTP server on loopback (aiosmtpd) --------------------------------------------

class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MailServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)
        self.running = False

    def start(self) -> None:
        self.controller.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False


@pytest.fixture
def mail() -> Iterator[MailServer]:
    server = MailServer(free_port())
    server.start()
    yield server
    server.stop()


# -- the conversation flow tests (tests/test_flows_*.py) ----------------------------------

@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    """A small catalogue (conversation_kit) in a real database; files may define their own."""
    return make_db(tmp_path / "flows.db")


@pytest.fixture(params=("sms", "telegram"))
def talk(request: pytest.FixtureRequest, db: sqlite_utils.Database) -> Talk:
    """A scripted person, once as an SMS user and once on Telegram."""
    return Talk(engine_for(db), db, channel=request.param)


# -- messages the assistant starts (the outbox) ---------------------------------------------

async def send_later(server: Server, message: OutboxMessage) -> str:
    """Queue a message as a feature would, let the server's outbox worker deliver what is
    due, and return the row's state ("sent", "refused", "queued" for a retry, ...)."""
    services = server.services

    def queue(db: sqlite_utils.Database) -> None:
        with write(db):
            enqueue(db, message, datetime.now(UTC))

    await services.on_db(queue)
    assert services.outbox is not None
    await services.outbox.drain()
    return str(await services.on_db(lambda db: db.execute(
        "SELECT state FROM outbox WHERE key = ?", [message.key]).fetchone()[0]))


async def eventually(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll `check` until it returns something truthy (bounded), and return that."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.02)
