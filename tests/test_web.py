"""The local web chat: its JSON endpoint, WEB_CHAT=off, and a real browser typing into it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from conftest import Server

from bot.cli import main
from bot.render import GSM7_BASIC, GSM7_EXTENDED
from bot.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")


async def chat(http: aiohttp.ClientSession, server: Server, body: Any) -> tuple[int, Any]:
    async with http.post(server.url + "/web/message", json=body) as response:
        return response.status, await response.json()


async def test_sms_look_replies_as_sms(http: aiohttp.ClientSession, server: Server) -> None:
    status, data = await chat(http, server, {"user": "ana", "text": "free school meals"})
    assert status == 200
    first = data["replies"][0]
    assert first["text"].startswith("Free school meals:")
    assert all(c in GSM7_BASIC or c in GSM7_EXTENDED for r in data["replies"] for c in r["text"])
    assert first["segments"] <= 2


async def test_telegram_look_replies_with_html_and_choices(
    http: aiohttp.ClientSession, server: Server
) -> None:
    status, data = await chat(http, server, {"user": "ben", "text": "hello",
                                             "channel": "telegram"})
    assert status == 200
    offer = next(r for r in data["replies"] if r["choices"])
    status, picked = await chat(http, server, {"user": "ben", "text": offer["choices"][0],
                                               "channel": "telegram", "choice": 0})
    assert status == 200 and picked["replies"]
    status, data = await chat(http, server, {"user": "ben", "text": "food bank",
                                             "channel": "telegram"})
    assert data["replies"][0]["html"].startswith("<b>Sample Borough Food Bank</b>")
    assert data["replies"][0]["text"].startswith("Sample Borough Food Bank")


BAD_REQUESTS = [
    ({"text": "hi"}, '"user"'),
    ({"user": "", "text": "hi"}, '"user"'),
    ({"user": "x" * 65, "text": "hi"}, '"user"'),
    ({"user": "a", "text": 5}, '"text"'),
    ({"user": "a", "text": "x" * 5000}, '"text"'),
    ({"user": "a", "text": "hi", "channel": "fax"}, '"channel"'),
    ({"user": "a", "text": "hi", "choice": -1}, '"choice"'),
    ({"user": "a", "text": "hi", "choice": True}, '"choice"'),
    (["not", "an", "object"], "JSON object"),
]


async def test_bad_requests_name_the_field(http: aiohttp.ClientSession, server: Server) -> None:
    for body, field in BAD_REQUESTS:
        status, data = await chat(http, server, body)
        assert status == 400, body
        assert field in data["error"], body


async def test_a_body_that_is_not_json(http: aiohttp.ClientSession, server: Server) -> None:
    async with http.post(server.url + "/web/message", data=b"user=a") as response:
        assert response.status == 400
        assert "not JSON" in (await response.json())["error"]


async def test_the_page_has_no_external_assets(http: aiohttp.ClientSession, server: Server) -> None:
    async with http.get(server.url + "/") as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        page = await response.text()
    assert '<meta name="viewport"' in page
    assert re.findall(r"""(?:src|href)\s*=\s*["']?https?:""", page) == []


async def test_web_chat_off(
    http: aiohttp.ClientSession, make_server: Any, settings: Settings
) -> None:
    server = await make_server(settings, web_chat=False)
    async with http.get(server.url + "/") as response:
        assert response.status == 404
    async with http.post(server.url + "/web/message", json={"user": "a", "text": "hi"}) as r:
        assert r.status == 404
    async with http.get(server.url + "/healthz") as response:
        assert response.status == 200


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium")
async def test_a_browser_types_into_the_page_and_reads_the_reply(server: Server) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            await page.goto(server.url + "/")
            await page.get_by_label("Your message").fill("free school meals")
            await page.get_by_role("button", name="Send").click()
            reply = page.locator("li.them .bubble").first
            await reply.wait_for()
            assert (await reply.inner_text()).startswith("Free school meals:")

            await page.get_by_label("a Telegram user").check()
            await page.get_by_label("Your message").fill("hello")
            await page.keyboard.press("Enter")
            buttons = page.locator("li.them.telegram .choices button")
            await buttons.first.wait_for()
            label = await buttons.first.inner_text()
            count = await page.locator("li.them").count()
            await buttons.first.click()
            await page.locator("li.them").nth(count).wait_for()
            assert await page.locator("li.me").last.inner_text() == f"You\n{label}"
        finally:
            await browser.close()


async def test_the_page_says_when_the_sample_council_is_in_use(
    http: aiohttp.ClientSession, server: Server, db_path: Path, tmp_path: Path
) -> None:
    async with http.get(server.url + "/") as response:
        assert "Sample council." in await response.text()
    own = tmp_path / "own.csv"
    own.write_text("id,kind,title,summary\nhub,service,Westside Hub,Advice and a warm space.\n")
    assert main(["catalogue", "import", str(own), "--yes", "--db", str(db_path)]) == 0
    async with http.get(server.url + "/") as response:
        page = await response.text()
    assert "Sample council." not in page and "<!--sample-->" in page
