"""The HTTP routes of `localsupport serve` (INTERFACE.md, "HTTP")."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.channels.sms import SmsWebhook
from bot.channels.telegram import TelegramChannel
from bot.channels.web import WebChat
from bot.dbthread import DbThread
from bot.inbox import Inbox
from bot.settings import Settings


def _ping(inbox: Inbox) -> bool:
    return bool(inbox.assistant.db.execute("SELECT 1").fetchone() == (1,))


def healthz(db: DbThread[Inbox]) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            ok = await db.call(_ping)
        except (sqlite3.Error, RuntimeError):
            ok = False
        if not ok:
            return web.json_response({"status": "error"}, status=503)
        return web.json_response({"status": "ok"})

    return handle


def add_routes(
    app: web.Application, settings: Settings, db: DbThread[Inbox],
    telegram: TelegramChannel | None,
) -> None:
    app.router.add_get("/healthz", healthz(db))
    sms = SmsWebhook(settings, db)
    app.router.add_post("/sms/twilio", sms.handle)
    app.router.add_post("/sms/twilio/status", sms.status)
    if telegram is not None and settings.telegram_webhook:
        app.router.add_post("/telegram", telegram.webhook)
    if settings.web_chat:
        chat = WebChat(db)
        app.router.add_get("/", chat.index)
        app.router.add_post("/web/message", chat.message)
