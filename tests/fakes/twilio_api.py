"""A Twilio REST API stand-in on loopback: records Messages.json creates; answers Twilio's
error 21610 for numbers it is told are unsubscribed."""

from __future__ import annotations

import base64
import itertools
from typing import Any

from aiohttp import web


class FakeTwilioApi:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.authorization = f"Basic {credentials}"
        self.created: list[dict[str, str]] = []
        self.unsubscribed: set[str] = set()
        self._sids = itertools.count(1)
        self.url = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", self.create)
        return app

    async def create(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != self.authorization:
            return web.json_response({"code": 20003, "message": "Authenticate",
                                      "status": 401}, status=401)
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        if form.get("To") in self.unsubscribed:
            return web.json_response(
                {"code": 21610, "message": "Attempt to send to unsubscribed recipient",
                 "more_info": "https://www.twilio.com/docs/errors/21610", "status": 400},
                status=400)
        self.created.append(form)
        sid = f"SM{next(self._sids):032x}"
        body: dict[str, Any] = {
            "sid": sid, "account_sid": request.match_info["account"], "to": form.get("To"),
            "from": form.get("From"), "body": form.get("Body"), "status": "queued",
            "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{request.match_info['account']}/Messages/{sid}.json",
        }
        return web.json_response(body, status=201)
