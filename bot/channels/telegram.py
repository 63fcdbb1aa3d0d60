"""Telegram through python-telegram-bot: updates in (webhook or long polling), each update
processed once (its update_id is stored with the replies), replies out as HTML with the
choices as inline buttons. A user who blocks the bot is opted out.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import UTC, datetime
from functools import partial

from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.assistant import Assistant
from bot.channels.sms import SendResult
from bot.dbthread import DbThread
from bot.messages import (
    Rendered,
    find_inbound,
    mark_sent,
    opt_out,
    record_inbound,
    record_sent,
    refuse_if_opted_out,
    unlogged,
)
from bot.render import render_telegram_all, split_telegram
from bot.settings import Settings
from conversations.types import Inbound

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
CALLBACK_LIMIT = 64  # bytes Telegram keeps of callback_data


def encode_choice(index: int, label: str) -> str:
    """callback_data for a button: the choice's index, then as much of its label as fits."""
    data = f"{index}|{label}".encode()[:CALLBACK_LIMIT]
    return data.decode("utf-8", "ignore")


def decode_choice(data: str | None) -> tuple[int, str] | None:
    index, sep, label = (data or "").partition("|")
    if not sep or not index.isdigit():
        return None
    return int(index), label


def keyboard(choices: tuple[str, ...]) -> InlineKeyboardMarkup | None:
    if not choices:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=encode_choice(i, label))]
         for i, label in enumerate(choices)]
    )


def answer(
    assistant: Assistant, update_id: int, inbound: Inbound, now: datetime
) -> list[Rendered] | None:
    """Runs on the database thread: the replies still to send for this update, or None when
    it was answered already. The update and its replies are stored in one transaction."""
    db = assistant.db
    key = str(update_id)
    with db.atomic():
        stored = find_inbound(db, "telegram", key)
        if stored is not None and stored.replies is not None:
            return None if stored.sent else list(stored.replies)
        outbounds = assistant.handle(inbound, now)
        replies = [Rendered(text, choices) for text, choices in render_telegram_all(outbounds)]
        who, text = unlogged(outbounds, inbound.address, inbound.text)
        record_inbound(db, "telegram", key, who, text, replies, now)
    return replies


def _mark_sent(assistant: Assistant, update_id: int, now: datetime) -> None:
    with assistant.db.atomic():
        mark_sent(assistant.db, "telegram", str(update_id), now)


def _blocked(assistant: Assistant, chat_id: str, now: datetime) -> None:
    with assistant.db.atomic():
        opt_out(assistant.db, "telegram", chat_id, "blocked the bot", now)


class TelegramChannel:
    def __init__(self, settings: Settings, db: DbThread[Assistant]) -> None:
        self.db = db
        self.webhook_url = settings.telegram_webhook_url
        # Without a configured secret, a fresh one is given to Telegram at each start.
        self.secret = settings.telegram_secret_token or secrets.token_urlsafe(32)
        builder = (Application.builder().token(settings.telegram_bot_token)
                   .rate_limiter(AIORateLimiter()))
        if settings.telegram_api_base_url:
            base = settings.telegram_api_base_url.rstrip("/")
            builder = builder.base_url(base).base_file_url(base.replace("/bot", "/file/bot"))
        if self.webhook_url:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(CallbackQueryHandler(self._on_button))
        self.application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self._on_message))
        self.application.add_error_handler(self._on_error)

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        if self.webhook_url:
            await app.bot.set_webhook(self.webhook_url, secret_token=self.secret,
                                      allowed_updates=ALLOWED_UPDATES)
        elif app.updater is not None:
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        await app.start()
        log.info("Telegram bot @%s is running (%s)", app.bot.username,
                 "webhook" if self.webhook_url else "long polling")

    async def stop(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    # -- webhook --------------------------------------------------------------------------

    async def webhook(self, request: web.Request) -> web.Response:
        """POST /telegram: the secret token first, compared in constant time."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret.encode()):
            return web.Response(status=403, text="Bad or missing secret token.\n")
        try:
            update = Update.de_json(await request.json(), self.application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="Not a Telegram update.\n")
        await self.application.process_update(update)
        return web.Response(text="ok")

    # -- handlers -------------------------------------------------------------------------

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        text = message.text or message.caption or ""
        await self._converse(update.update_id, chat.id, Inbound("telegram", str(chat.id), text))

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        picked = decode_choice(query.data)
        if picked is None:
            return
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        index, label = picked
        await self._converse(update.update_id, chat_id,
                             Inbound("telegram", str(chat_id), label, choice=index))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Telegram update failed", exc_info=context.error)

    async def _converse(self, update_id: int, chat_id: int, inbound: Inbound) -> None:
        now = datetime.now(UTC)
        replies = await self.db.call(partial(answer, update_id=update_id, inbound=inbound,
                                             now=now))
        if replies is None:
            log.info("update %s was answered already", update_id)
            return
        await self._deliver(chat_id, replies)
        await self.db.call(partial(_mark_sent, update_id=update_id, now=datetime.now(UTC)))

    async def _deliver(self, chat_id: int, replies: list[Rendered]) -> bool:
        """Send replies in order; False (and an opt-out) when the user has blocked the bot."""
        try:
            for reply in replies:
                pieces = split_telegram(reply.text)
                for n, piece in enumerate(pieces, 1):
                    markup = keyboard(reply.choices) if n == len(pieces) else None
                    await self.application.bot.send_message(
                        chat_id, piece, parse_mode=ParseMode.HTML, reply_markup=markup
                    )
        except Forbidden:
            log.info("chat %s has blocked the bot: opted out", chat_id)
            await self.db.call(partial(_blocked, chat_id=str(chat_id), now=datetime.now(UTC)))
            return False
        return True

    # -- messages we start ------------------------------------------------------------------

    async def send(self, chat_id: str, html_text: str, choices: tuple[str, ...] = ()) -> SendResult:
        """A message nobody asked for just now (alerts, replies from councillors)."""
        now = datetime.now(UTC)
        if await self.db.call(
                lambda a: refuse_if_opted_out(a.db, "telegram", chat_id, html_text, now)):
            return "refused"
        if not await self._deliver(int(chat_id), [Rendered(html_text, choices)]):
            return "refused"
        await self.db.call(lambda a: record_sent(a.db, "telegram", chat_id, html_text, now))
        return "sent"

