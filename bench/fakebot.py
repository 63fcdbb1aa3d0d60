"""A Bot API and Twilio REST stand-in on loopback for the benchmarks: enough for
python-telegram-bot in webhook mode (getMe, setWebhook, deleteWebhook, sendMessage,
answerCallbackQuery) and for twilio's Messages.json create, counting what it is sent;
`GET /stats` -> {"sent": n, "calls": n, "sms": n}.

Run in its own process: `python -m bench.fakebot --port P --token T`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from aiohttp import web

BOT_USER = {"id": 777000222, "is_bot": True, "first_name": "Local Support",
            "username": "local_support_bench_bot", "can_join_groups": False,
            "can_read_all_group_messages": False, "supports_inline_queries": False}


class FakeBotApi:
    def __init__(self, token: str) -> None:
        self.token = token
        self.sent = 0
        self.calls = 0
        self.sms = 0
        self._message_ids = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/stats", self.stats)
        app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", self.create_sms)
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        return app

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response({"sent": self.sent, "calls": self.calls, "sms": self.sms})

    async def create_sms(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.sms += 1
        sid = f"SM{self.sms:032x}"
        return web.json_response({"sid": sid, "to": form.get("To"), "status": "queued",
                                  "account_sid": request.match_info["account"]}, status=201)

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return reply_error(401, "Unauthorized")
        self.calls += 1
        method = request.match_info["method"]
        params = await read_params(request)
        if method == "getMe":
            return ok(BOT_USER)
        if method in ("setWebhook", "deleteWebhook", "answerCallbackQuery"):
            return ok(True)
        if method == "sendMessage":
            self.sent += 1
            chat_id = int(params.get("chat_id", 0))
            return ok({"message_id": next(self._message_ids), "date": int(time.time()),
                       "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER,
                       "text": params.get("text", "")})
        return reply_error(404, "Not Found: method not found")


async def read_params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=json.dumps)


def reply_error(code: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": code, "description": description},
                             status=code)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fakebot", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args(argv)
    web.run_app(FakeBotApi(args.token).app(), host="127.0.0.1", port=args.port,
                access_log=None, print=lambda _: print("ready", flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
