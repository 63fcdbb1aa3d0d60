"""The composition root: settings, the database thread, /healthz, and `localsupport serve`
run for real (started, asked, stopped with SIGINT and SIGTERM)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import IO, Any

import aiohttp
import pytest
from conftest import MailServer, Server
from fakes.telegram_api import FakeBotApi

from bot.dbthread import DbThread
from bot.settings import Settings


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env({
        "LOCALSUPPORT_DB": "/data/ls.db", "PUBLIC_URL": "https://support.example.org/",
        "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "tok", "TWILIO_FROM_NUMBER": "+44",
        "TELEGRAM_BOT_TOKEN": "1:x", "WEB_CHAT": "off", "SMTP_PORT": "2525",
        "SMTP_STARTTLS": "false",
    })
    assert settings.db_path == "/data/ls.db"
    assert settings.public_url == "https://support.example.org"
    assert settings.sms_inbound and settings.sms_outbound and settings.telegram
    assert not settings.telegram_webhook
    assert settings.web_chat is False
    assert settings.smtp_port == 2525 and settings.smtp_starttls is False


def test_nothing_needs_a_credential() -> None:
    settings = Settings.from_env({})
    assert settings.web_chat
    assert not (settings.sms_inbound or settings.sms_outbound or settings.telegram)


async def test_every_database_call_runs_on_one_thread_off_the_loop() -> None:
    db: DbThread[list[int]] = DbThread(list, lambda state: None)
    await db.start()
    idents = await asyncio.gather(*(db.call(lambda s: threading.get_ident()) for _ in range(20)))
    await db.stop()
    assert len(set(idents)) == 1
    assert idents[0] != threading.get_ident()


async def test_a_danger_message_is_emailed_to_the_safeguarding_contact(
    http: aiohttp.ClientSession, make_server: Any, settings: Settings, mail: MailServer
) -> None:
    server = await make_server(
        settings, smtp_host="127.0.0.1", smtp_port=mail.port, smtp_starttls=False,
        digest_from="localsupport@council.example", safeguarding_email="safe@council.example",
    )
    body = {"user": "web-17", "text": "my step dad hits me and im scared to go home"}
    async with http.post(server.url + "/web/message", json=body) as response:
        replies = (await response.json())["replies"]
    assert "Childline 0800 1111" in replies[0]["text"]  # crisis contacts first
    for _ in range(200):  # bounded wait for the background delivery
        if mail.inbox.messages:
            break
        await asyncio.sleep(0.02)
    (sender, recipients, message), *_ = mail.inbox.messages
    assert recipients == ["safe@council.example"]
    assert sender == "localsupport@council.example"
    text = message.get_payload(decode=True)
    assert isinstance(text, bytes)
    assert "my step dad hits me" in text.decode()
    assert "web chat" in text.decode() and "web-17" not in text.decode()  # a label only


async def test_the_web_chats_sms_view_shows_the_welcome_whole(
    http: aiohttp.ClientSession, server: Server
) -> None:
    """The page can show replies as SMS would: the welcome must fit, choices and all."""
    body = {"user": "web-18", "text": "hi", "channel": "sms"}
    async with http.post(server.url + "/web/message", json=body) as response:
        [reply] = (await response.json())["replies"]
    assert reply["text"].endswith("Reply 1, 2 or 3") and "FORGET ME" in reply["text"]
    assert "..." not in reply["text"]


async def test_healthz(http: aiohttp.ClientSession, server: Server) -> None:
    async with http.get(server.url + "/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env() -> dict[str, str]:
    names = ("TWILIO", "TELEGRAM", "PUBLIC_URL", "SMTP", "WEB_CHAT", "LOCALSUPPORT_DB")
    return {k: v for k, v in os.environ.items() if not k.startswith(names)}


def read_banner(stream: IO[str]) -> str:
    lines = []
    for line in stream:
        lines.append(line)
        if line.startswith("Press Ctrl+C"):
            break
    return "".join(lines)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_starts_the_web_chat_and_stops_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    port = free_port()
    command = [sys.executable, "-m", "bot", "serve", "--db", str(tmp_path / "ls.db"),
               "--port", str(port)]
    with (tmp_path / "stderr.txt").open("w+") as errors, subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=errors, text=True, env=clean_env()
    ) as process:
        try:
            assert process.stdout is not None
            banner = read_banner(process.stdout)
            assert f"Try the web chat: http://127.0.0.1:{port}/" in banner
            assert "Telegram: off" in banner and "SMS (Twilio): off" in banner
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
                assert r.read() == b'{"status": "ok"}'
            process.send_signal(stop)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
        errors.seek(0)
        stderr = errors.read()
    assert "Traceback" not in stderr
    assert "SAMPLE catalogue" in stderr


async def test_serve_with_a_token_telegram_refuses_says_so(
    tmp_path: Path, bot_api: FakeBotApi
) -> None:
    env = {**clean_env(), "TELEGRAM_BOT_TOKEN": "999:not-the-fake-bots-token",
           "TELEGRAM_API_BASE_URL": bot_api.base_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--db", str(tmp_path / "ls.db"),
        "--port", str(free_port()), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 1
    assert "Telegram refused TELEGRAM_BOT_TOKEN" in stderr.decode()
    assert "getMe" in bot_api.calls


async def test_a_catalogue_imported_while_serving_is_used_once_its_index_is_built(
    http: aiohttp.ClientSession, server: Server, db_path: Path, tmp_path: Path
) -> None:
    """`localsupport catalogue import` in another process: the index is rebuilt off the
    database thread and swapped in, answering from the old one meanwhile."""
    async def ask(text: str) -> str:
        body = {"user": "officer", "text": text}
        async with http.post(server.url + "/web/message", json=body) as response:
            return " ".join(r["text"] for r in (await response.json())["replies"])

    assert "Zorbing" not in await ask("zorbing in the park")
    csv = tmp_path / "new.csv"
    csv.write_text("id,kind,title,summary,keywords\nzorb,service,Zorbing at Riverside Park,"
                   "Roll down the hill in a giant ball. Saturdays 10am.,zorb;zorbing\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db_path), "catalogue", "import", str(csv),
         "--yes"],  # the council's own catalogue replaces the sample
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    answers = []
    for _ in range(200):  # bounded: the rebuild takes well under a second here
        answers.append(await ask("zorbing in the park"))
        if "Zorbing at Riverside Park" in answers[-1]:
            break
        await asyncio.sleep(0.05)
    assert "Zorbing at Riverside Park" in answers[-1]
