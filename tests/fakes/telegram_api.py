"""A Bot API server on loopback, enough for python-telegram-bot to run against it.

Serves queued updates to getUpdates (honouring `offset`), records sendMessage and
answerCallbackQuery calls, and answers 403 Forbidden for chats marked as blocked.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from typing import Any

from aiohttp import web

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Local Support",
            "username": "local_support_test_bot", "can_join_groups": False,
            "can_read_all_group_messages": False, "supports_inline_queries": False}
DROP = object()  # a handler's answer meaning "close the connection instead"
LONG_POLL_CAP = 0.2  # seconds a getUpdates call waits for news, whatever timeout it asks


class FakeBotApi:
    def __init__(self, token: str) -> None:
        self.token = token
        self.updates: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.webhook: dict[str, Any] | None = None
        self.blocked: set[int] = set()
        # sendMessage answers to give before accepting: 429 (retry_after 1), 500, 502, or
        # "drop" (close the connection without an answer)
        self.failures: list[int | str] = []
        self._news = asyncio.Event()
        self._message_ids = itertools.count(100)
        self.url = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        return app

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    def push(self, update: dict[str, Any]) -> None:
        self.updates.append(update)
        self._news.set()

    async def wait_sent(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until `count` messages were sent (or give up), then return them all."""
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.sent

    async def wait_for_buttons(self, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until a message with inline buttons was sent (or give up); those messages."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.sent if m.get("reply_markup")]
            if found:
                return found
            await asyncio.sleep(0.02)
        return []

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls.append(method)
        if request.match_info["token"] != self.token:
            return error(401, "Unauthorized")
        params = await read_params(request)
        handler = getattr(self, "do_" + method, None)
        if handler is None:
            return error(404, "Not Found: method not found")
        result = await handler(params)
        if result is DROP:
            assert request.transport is not None
            request.transport.close()  # no answer at all: the client sees the connection drop
            return web.Response(status=500)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def do_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def do_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        return True

    async def do_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = params
        return True

    async def do_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and float(params.get("timeout") or 0) > 0:
            self._news.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._news.wait(), LONG_POLL_CAP)
        limit = int(params.get("limit") or 100)
        return self.updates[:limit]

    async def do_sendMessage(self, params: dict[str, Any]) -> Any:
        failure = self.failures.pop(0) if self.failures else "ok"  # "ok": this one goes
        if failure != "ok":
            if failure == "drop":
                return DROP
            if failure == 429:
                return web.json_response({"ok": False, "error_code": 429, "description":
                                          "Too Many Requests: retry after 1",
                                          "parameters": {"retry_after": 1}}, status=429)
            return error(int(failure), "Internal Server Error" if failure == 500
                         else "Bad Gateway")
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            return error(403, "Forbidden: bot was blocked by the user")
        self.sent.append(params)
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER,
                "text": params.get("text", "")}

    async def do_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        self.callback_answers.append(params)
        return True


async def read_params(request: web.Request) -> dict[str, Any]:
    """PTB posts form fields, JSON-encoding those that are not strings."""
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        if not isinstance(value, str):
            continue
        try:
            params[key] = json.loads(value) if key in ("reply_markup", "allowed_updates") \
                else value
        except ValueError:
            params[key] = value
    return params


def error(code: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": code, "description": description},
                             status=code)
