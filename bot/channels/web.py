"""The local web chat: GET / (the page) and POST /web/message (JSON).

Request `{"user": str, "text": str, "channel": "sms"|"telegram", "choice": int|null}`
(`channel` and `choice` optional; `choice` is the 0-based index of a button pressed).
Reply `{"replies": [{"text": str, "choices": [str, ...], "html": str}]}`: `text` is what
that channel would show (the SMS body, or Telegram's text without markup), `html` the
Telegram HTML; SMS replies also say how many `segments` they take. The conversation is
the web visitor's own (channel "web").

Who a visitor is comes from a random id the server issues in an HttpOnly, SameSite cookie,
never from the request: `user` is only a label, so nobody can read or erase another
visitor's data by guessing a name.

Fair use (bot/fairuse.py) is counted per visitor and per client address (a larger
allowance: a school shares one): over it, one polite reply, then 429 for a while, with no
database work. The page's script is a file of its own (GET /chat.js), so the page's
Content-Security-Policy allows no inline script.
"""

from __future__ import annotations

import html
import ipaddress
import re
import secrets
import uuid
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Literal

from aiohttp import web

from bot.dbthread import DbThread
from bot.fairuse import FLOOD, FairUse
from bot.guard import BadInput, json_body, read_body
from bot.inbox import Arrival, Inbox
from bot.keywords import always_heard
from bot.render import render_sms_all, render_telegram_all, segments
from catalogue.store import sample_in_use
from conversations.types import Outbound

Look = Literal["sms", "telegram"]
MAX_USER = 64
MAX_TEXT = 4096
MAX_BODY_BYTES = 32 * 1024  # MAX_TEXT characters of four bytes each, and the rest
SAMPLE_NOTICE = ('<p class="sample"><strong>Sample council.</strong> These answers come from '
                 "the bundled SAMPLE catalogue of a made-up council, not a real one. Import "
                 "the council's own with <code>localsupport catalogue import</code>.</p>")
VISITOR_COOKIE = "localsupport_visitor"
VISITOR_DAYS = 30
_VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")


class BadRequest(ValueError):
    """The JSON body is not what /web/message takes; the message says which field."""


def parse(data: Any) -> tuple[str, str, Look, int | None]:
    if not isinstance(data, dict):
        raise BadRequest('send a JSON object like {"user": "me", "text": "hello"}')
    user, text = data.get("user"), data.get("text", "")
    look, choice = data.get("channel", "sms"), data.get("choice")
    if not isinstance(user, str) or not user.strip() or len(user) > MAX_USER:
        raise BadRequest(f'"user" must be a non-empty string of at most {MAX_USER} characters')
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise BadRequest(f'"text" must be a string of at most {MAX_TEXT} characters')
    if look not in ("sms", "telegram"):
        raise BadRequest('"channel" must be "sms" or "telegram"')
    if choice is not None and (not isinstance(choice, int) or isinstance(choice, bool)
                               or choice < 0):
        raise BadRequest('"choice" must be a whole number from 0, or null')
    return user.strip(), text, look, choice


def render(replies: list[Outbound], look: Look) -> list[dict[str, Any]]:
    """Replies as the chosen channel shows them."""
    if look == "sms":
        bodies = render_sms_all(replies)
        last_choices = list(replies[-1].choices) if replies else []
        return [{"text": body, "html": html.escape(body), "segments": segments(body),
                 "choices": last_choices if n == len(bodies) else []}
                for n, body in enumerate(bodies, 1)]
    out = []
    for marked, choices in render_telegram_all(replies):
        plain = html.unescape(re.sub(r"</?b>", "", marked))
        out.append({"text": plain, "html": marked, "choices": list(choices)})
    return out


def visitor(request: web.Request) -> tuple[str, bool]:
    """The visitor's id from their cookie, or a new one; True when it is new."""
    known = request.cookies.get(VISITOR_COOKIE, "")
    if _VISITOR_ID.match(known):
        return known, False
    return secrets.token_urlsafe(24), True


def client_address(request: web.Request) -> str:
    """Where the request came from. Behind a proxy on this machine (the peer is loopback),
    the address the proxy appended last to X-Forwarded-For; otherwise the peer's."""
    peer = request.remote or "?"
    forwarded = request.headers.get("X-Forwarded-For", "").rsplit(",", 1)[-1].strip()
    try:
        if forwarded and ipaddress.ip_address(peer).is_loopback:
            return str(ipaddress.ip_address(forwarded))
    except ValueError:
        pass
    return peer


def static(name: str) -> bytes:
    return resources.files("bot").joinpath(f"static/{name}").read_bytes()


class WebChat:
    def __init__(self, db: DbThread[Inbox], fairuse: FairUse) -> None:
        self.db = db
        self.fairuse = fairuse
        self.page = static("index.html")
        self.script = static("chat.js")
        self.style = static("chat.css")

    async def index(self, request: web.Request) -> web.Response:
        """The page; while the bundled sample catalogue is in use, it says so."""
        page = self.page
        if await self.db.call(lambda inbox: sample_in_use(inbox.assistant.db)):
            page = page.replace(b"<!--sample-->", SAMPLE_NOTICE.encode())
        return web.Response(body=page, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": "no-store",
                                     "Content-Security-Policy": CSP})

    async def chat_js(self, request: web.Request) -> web.Response:
        return web.Response(body=self.script, content_type="text/javascript",
                            charset="utf-8", headers={"Cache-Control": "no-cache"})

    async def chat_css(self, request: web.Request) -> web.Response:
        return web.Response(body=self.style, content_type="text/css", charset="utf-8",
                            headers={"Cache-Control": "no-cache"})

    async def message(self, request: web.Request) -> web.Response:
        try:
            _label, text, look, choice = parse(json_body(await read_body(request,
                                                                         MAX_BODY_BYTES)))
        except (BadRequest, BadInput) as error:
            return web.json_response({"error": str(error)}, status=400)
        who, new = visitor(request)
        verdict = "ok" if always_heard("web", text) else self.fairuse.check(
            "web", who, client=client_address(request))
        if verdict == "drop":
            return web.json_response({"error": FLOOD}, status=429,
                                     headers={"Retry-After": str(int(self.fairuse.quiet))})
        if verdict == "warn":  # once, as a reply; nothing is stored
            return web.json_response({"replies": render([Outbound(FLOOD)], look)})
        came = Arrival("web", uuid.uuid4().hex, who, text, datetime.now(UTC), choice=choice)
        receipt = await self.db.call(lambda inbox: inbox.receive(came))
        response = web.json_response({"replies": render(list(receipt.outbounds), look)})
        if new:
            response.set_cookie(VISITOR_COOKIE, who, max_age=VISITOR_DAYS * 86400,
                                httponly=True, samesite="Strict", path="/")
        return response


CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
       "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
