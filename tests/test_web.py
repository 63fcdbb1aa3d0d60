"""The local web chat: its JSON endpoint, WEB_CHAT=off, and a real browser typing into it."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from conftest import Server
from test_sms import messages_of, post_sms, twilio_form

from bot.cli import main
from bot.inbox import Arrival
from bot.render import GSM7_BASIC, GSM7_EXTENDED, render_sms_all
from bot.settings import Settings
from conversations.types import Outbound

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="Debian's chromium is not at /usr/bin/chromium")


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """Debian's Chromium, headless, with nothing of its own on the network."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        try:
            yield browser
        finally:
            await browser.close()


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


async def web_replies(server: Server, visitor: str, text: str) -> list[Outbound]:
    """The replies, before rendering, to a web visitor's message, through the server's inbox."""
    came = Arrival("web", uuid.uuid4().hex, visitor, text, datetime.now(UTC))
    receipt = await server.services.db.call(lambda inbox: inbox.receive(came))
    return list(receipt.outbounds)


def listed(sms: str) -> int:
    """How many numbered choices an SMS offers: its last line, "Reply 1, 2 or 3"."""
    prompt = sms.rsplit("\n", 1)[-1]
    return len(re.findall(r"\d+", prompt)) if prompt.startswith("Reply") else 0


SMS_LOOK_SCRIPT = ["hello", "help with rent", "3", "MENU", "food bank", "council tax"]


async def test_sms_look_is_the_sms_renderers_text_and_lists_its_choices(
    server: Server
) -> None:
    """Two visitors say the same things: one over HTTP in the SMS look, one through the
    inbox; the page shows the first exactly what bot/render.py gives for the second."""
    twin = "twin-" + uuid.uuid4().hex
    offered = 0
    jar = aiohttp.CookieJar(unsafe=True)  # keeps the visitor cookie of 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        for text in SMS_LOOK_SCRIPT:
            offered += await say_in_both(http, server, twin, text)
    assert offered  # the script met some choices


async def say_in_both(http: aiohttp.ClientSession, server: Server, twin: str, text: str) -> int:
    """Say `text` as the HTTP visitor and as `twin`; the choice buttons the page shows."""
    status, data = await chat(http, server, {"user": "cai", "text": text})
    assert status == 200, text
    bodies = render_sms_all(await web_replies(server, twin, text))
    assert [reply["text"] for reply in data["replies"]] == bodies, text
    *earlier, last = data["replies"]
    assert all(not reply["choices"] for reply in earlier), text
    assert len(last["choices"]) <= listed(last["text"]), text
    return len(last["choices"])


async def test_sms_look_offers_what_a_real_sms_offers(
    http: aiohttp.ClientSession, server: Server
) -> None:
    _, sms = await post_sms(http, server, twilio_form("help with rent"))
    status, data = await chat(http, server, {"user": "dee", "text": "help with rent"})
    assert status == 200
    assert [reply["text"] for reply in data["replies"]] == messages_of(sms)


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


@needs_chromium
async def test_a_browser_types_into_the_page_and_reads_the_reply(server: Server) -> None:
    async with chromium() as browser:
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
        # the buttons pressed, and any before them, answer nothing asked since
        assert await buttons.first.is_disabled()
        newest = page.locator("li.them").last.locator(".choices button")
        assert await newest.count() == 0 or not await newest.first.is_disabled()


# A phone 320 px wide, and the same phone zoomed to 200% (half the CSS pixels, each drawn
# twice as large): WCAG's reflow sizes
SMALL_SCREENS = [{"width": 320, "height": 480, "scale": 1},
                 {"width": 160, "height": 240, "scale": 2}]


@needs_chromium
@pytest.mark.parametrize("screen", SMALL_SCREENS, ids=["320px", "320px-at-200%"])
async def test_on_a_small_screen_a_reply_and_its_choices_are_not_behind_the_message_box(
    server: Server, screen: dict[str, int]
) -> None:
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": screen["width"],
                                                "height": screen["height"]},
                                      device_scale_factor=screen["scale"])
        await page.goto(server.url + "/")
        for text in ("free school meals", "help with rent"):  # the second asks, with choices
            replies = await page.locator("li.them").count()
            await page.get_by_label("Your message").fill(text)
            await page.keyboard.press("Enter")
            await page.locator("li.them").nth(replies).wait_for()
        last = page.locator("li.them").last.locator(".choices button").last
        await last.wait_for()
        seen = await page.evaluate("""() => {
            const button = [...document.querySelectorAll("li.them")].pop()
                .querySelector(".choices button:last-child").getBoundingClientRect();
            const box = document.getElementById("form").getBoundingClientRect();
            return {top: button.top, bottom: button.bottom, box: box.top,
                    boxBottom: box.bottom, height: window.innerHeight,
                    typing: document.activeElement.id};
        }""")
        assert seen["top"] >= 0 and seen["bottom"] <= seen["box"], seen  # above the box
        assert seen["box"] >= 0 and seen["boxBottom"] <= seen["height"], seen  # box on screen
        assert seen["typing"] == "text", seen  # and still where the keyboard types
        await page.keyboard.type("MENU")
        await page.keyboard.press("Enter")
        assert await page.locator("li.me").last.inner_text() == "You\nMENU"


def contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two CSS colours as getComputedStyle gives them, rgb(r, g, b)."""
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


FOCUS_RING = """() => {
    const element = document.activeElement, style = getComputedStyle(element);
    let behind = element.parentElement;  // the ring is drawn outside, on what is behind it
    while (behind && getComputedStyle(behind).backgroundColor === "rgba(0, 0, 0, 0)")
        behind = behind.parentElement;
    return {what: element.id || element.className || element.textContent,
            width: parseFloat(style.outlineWidth), style: style.outlineStyle,
            colour: style.outlineColor, behind: getComputedStyle(behind).backgroundColor};
}"""


@needs_chromium
async def test_the_keyboard_focus_ring_is_thick_and_stands_out(server: Server) -> None:
    """WCAG 2.2 focus appearance: a solid ring at least 2 px thick, 3:1 against what is
    behind it, on the text box, the Send button and a choice, reached by the keyboard."""
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(server.url + "/")
        await page.get_by_label("Your message").fill("hello")
        await page.keyboard.press("Enter")
        await page.locator("li.them .choices button").first.wait_for()
        rings = []
        await page.keyboard.press("Tab")  # from the text box to Send
        rings.append(await page.evaluate(FOCUS_RING))
        await page.keyboard.press("Shift+Tab")  # back to the text box
        rings.append(await page.evaluate(FOCUS_RING))
        await page.keyboard.press("Shift+Tab")  # the last choice of the reply
        rings.append(await page.evaluate(FOCUS_RING))
        assert [ring["what"] for ring in rings[:2]] == ["send", "text"]
        assert rings[2]["what"] == await page.locator(".choices button").last.inner_text()
        for ring in rings:
            assert ring["width"] >= 2 and ring["style"] not in ("none", "hidden"), ring
            assert contrast(ring["colour"], ring["behind"]) >= 3, ring


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
