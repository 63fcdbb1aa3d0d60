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
"""

from __future__ import annotations

import html
import re
import secrets
import uuid
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Literal

from aiohttp import web

from bot.dbthread import DbThread
from bot.inbox import Arrival, Inbox
from bot.render import render_sms_all, render_telegram_all, segments
from conversations.types import Outbound

Look = Literal["sms", "telegram"]
MAX_USER = 64
MAX_TEXT = 4096
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


class WebChat:
    def __init__(self, db: DbThread[Inbox]) -> None:
        self.db = db
        self.page = resources.files("bot").joinpath("static/index.html").read_bytes()

    async def index(self, request: web.Request) -> web.Response:
        return web.Response(body=self.page, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": "no-store",
                                     "Content-Security-Policy": CSP})

    async def message(self, request: web.Request) -> web.Response:
        try:
            _label, text, look, choice = parse(await request.json())
        except ValueError as error:  # BadRequest, or a body that is not JSON
            reason = str(error) if isinstance(error, BadRequest) else "the body is not JSON"
            return web.json_response({"error": reason}, status=400)
        who, new = visitor(request)
        came = Arrival("web", uuid.uuid4().hex, who, text, datetime.now(UTC), choice=choice)
        receipt = await self.db.call(lambda inbox: inbox.receive(came))
        response = web.json_response({"replies": render(list(receipt.outbounds), look)})
        if new:
            response.set_cookie(VISITOR_COOKIE, who, max_age=VISITOR_DAYS * 86400,
                                httponly=True, samesite="Strict", path="/")
        return response


CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'")
