"""Telegram through python-telegram-bot: the adapter.

In: updates arrive by webhook or long polling; each becomes an `Arrival` for the inbox,
which de-duplicates by update_id and queues the replies in the outbox; the webhook answers
at once. Polling handles different chats at the same time and one update at a time per
chat (`PerChatProcessor`). In groups the bot keeps nothing and asks to be messaged
directly. A person who blocks the bot (`my_chat_member`: kicked) is opted out; unblocking
opts them back in. `/start PAYLOAD` (a deep link from a poster or a school) starts the
conversation and keeps the payload as where they came from.

A webhook body is read with a size limit, decoded strictly (bot/guard.py) and its shape
checked (bot/channels/updates.py) after the secret. A chat over its fair use
(bot/fairuse.py) gets one polite reply through the outbox, then nothing for a while.

Out: `TelegramAdapter.deliver` sends one outbox row as HTML with the choices as inline
buttons, and tells the outbox what happened: Telegram's `retry_after` is honoured, a
blocked bot is an opt-out, a network fault is retried.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import secrets
import warnings
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.channels import updates
from bot.dbthread import DbThread
from bot.fairuse import FairUse
from bot.guard import BadInput, json_body, read_body, where
from bot.inbox import Arrival, Inbox
from bot.keywords import always_heard
from bot.messages import BLOCKED, Rendered, opt_out
from bot.outbox import Delivery, Queued
from bot.render import render_telegram_all, split_telegram
from bot.settings import Settings
from catalogue.storage import write
from conversations.types import Outbound

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
CALLBACK_LIMIT = 64  # bytes Telegram keeps of callback_data
START_PAYLOAD = re.compile(r"^/start(?:@\w+)?\s+([\w-]{1,64})\s*$")
MAX_UPDATE_BYTES = 256 * 1024
EDIT_WINDOW = timedelta(minutes=10)  # an edit later than this after the message is not answered


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


def render(replies: Sequence[Outbound]) -> list[Rendered]:
    return [Rendered(text, choices) for text, choices in render_telegram_all(replies)]


def arrival(update: Update, now: datetime) -> Arrival | None:
    """The update as the inbox takes it; None for updates that are not a person's message."""
    chat = update.effective_chat
    if chat is None:
        return None
    group = chat.type != ChatType.PRIVATE
    key = str(update.update_id)
    query = update.callback_query
    if query is not None:
        picked = decode_choice(query.data)
        if picked is None:
            return None
        index, label = picked
        pressed_on = query.message.message_id if query.message is not None else None
        return Arrival("telegram", key, str(chat.id), label, now, choice=index,
                       reply_to=str(pressed_on) if pressed_on is not None else None,
                       kind="group" if group else "text")
    message = update.message or update.edited_message  # an edit is answered as written now
    if message is None:
        return None
    text = message.text or message.caption or ""
    if update.message is None and not text.strip():
        return None  # an edit with no words: a live location moving, a photo replaced
    if update.message is None and message.edit_date is not None and \
            message.edit_date - message.date > EDIT_WINDOW:
        return None  # an old message put right: the conversation has moved on since
    source = None
    if started := START_PAYLOAD.match(text):
        text, source = "/start", started.group(1)
    reply_to = message.reply_to_message
    return Arrival("telegram", key, str(chat.id), text, now,
                   reply_to=str(reply_to.message_id) if reply_to is not None else None,
                   source=source,
                   kind="group" if group else "media" if not text and (
                       message.photo or message.document or message.sticker or message.voice)
                   else "text")


def _membership(inbox: Inbox, chat_id: str, blocked: bool, now: datetime) -> None:
    db = inbox.assistant.db
    with write(db):
        if blocked:
            opt_out(db, "telegram", chat_id, BLOCKED, now)
        else:  # unblocked: only the opt-out the block made is lifted, not a STOP
            db.execute("DELETE FROM optouts WHERE channel = 'telegram' AND address = ? "
                       "AND reason = ?", [chat_id, BLOCKED])


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait (PTB 22 warns that the type will change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return float(wait if isinstance(wait, int | float) else wait.total_seconds())


class PerChatProcessor(BaseUpdateProcessor):
    """Updates of different chats run concurrently; one chat's run one at a time, in
    order, so a person's second message never overtakes their first."""

    def __init__(self, max_concurrent: int = 64) -> None:
        super().__init__(max_concurrent)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def do_process_update(self, update: object,
                                coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks[chat.id]
        async with lock:
            await coroutine
        if not lock.locked() and not lock._waiters:
            self._locks.pop(chat.id, None)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class TelegramChannel:
    """Both halves of the Telegram adapter: updates in (`webhook`, polling), and
    `deliver` for the outbox. `wake` tells the outbox worker a reply is queued."""

    def __init__(self, settings: Settings, db: DbThread[Inbox], fairuse: FairUse,
                 wake: Callable[[], None] = lambda: None) -> None:
        self.db = db
        self.fairuse = fairuse
        self.wake = wake
        self.webhook_url = settings.telegram_webhook_url
        # Without a configured secret, a fresh one is given to Telegram at each start.
        self.secret = settings.telegram_secret_token or secrets.token_urlsafe(32)
        builder = (Application.builder().token(settings.telegram_bot_token)
                   .rate_limiter(AIORateLimiter(max_retries=0))
                   .concurrent_updates(PerChatProcessor()))
        if settings.telegram_api_base_url:
            base = settings.telegram_api_base_url.rstrip("/")
            builder = builder.base_url(base).base_file_url(base.replace("/bot", "/file/bot"))
        if self.webhook_url:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(CallbackQueryHandler(self._on_button))
        self.application.add_handler(MessageHandler(
            filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE, self._on_message))
        self.application.add_handler(ChatMemberHandler(self._on_membership,
                                                       ChatMemberHandler.MY_CHAT_MEMBER))
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

    # -- in -------------------------------------------------------------------------------

    async def webhook(self, request: web.Request) -> web.Response:
        """POST /telegram: the secret token first, compared in constant time."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret.encode()):
            return web.Response(status=403, text="Bad or missing secret token.\n")
        try:
            data = json_body(await read_body(request, MAX_UPDATE_BYTES))
        except BadInput as error:
            return web.Response(status=400, text=f"Not a Telegram update: {error}.\n")
        wrong = updates.problem(data)
        if wrong is not None:
            return web.Response(status=400, text=f"Not a Telegram update: {wrong}.\n")
        if not updates.wanted(data):
            return web.Response(text="ok")  # a kind of update the bot does not handle
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception:  # PTB's parsing of an update it cannot read: bad input, not a bug
            return web.Response(status=400, text="Not a Telegram update: a field has the "
                                "wrong type.\n")
        await self.application.process_update(update)
        return web.Response(text="ok")

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._receive(update)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()
        except TelegramError as error:  # the spinner on the button: nothing is lost
            log.info("could not answer a button press: %s", type(error).__name__)
        await self._receive(update)

    async def _receive(self, update: Update) -> None:
        came = arrival(update, datetime.now(UTC))
        if came is None:
            return
        verdict = "ok" if always_heard("telegram", came.text) else self.fairuse.check(
            "telegram", came.address)
        if verdict == "drop":
            return  # over fair use and already told: no database work
        if verdict == "warn":
            came = replace(came, kind="flood")  # one polite reply, through the outbox
        receipt = await self.db.call(lambda inbox: inbox.receive(came))
        if receipt.queued:
            self.wake()

    async def _on_membership(self, update: Update,
                             context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        if change is None or change.chat.type != ChatType.PRIVATE:
            return
        status = change.new_chat_member.status
        blocked = status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
        chat_id, now = str(change.chat.id), datetime.now(UTC)
        await self.db.call(lambda inbox: _membership(inbox, chat_id, blocked, now))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        log.error("Telegram update failed: %s at %s", type(error).__name__,
                  where(error) if error is not None else "?")

    # -- out ------------------------------------------------------------------------------

    async def deliver(self, item: Queued) -> Delivery:
        """Send the message, in pieces when it is long; a retry starts after the pieces an
        earlier attempt delivered (`Queued.pieces_sent`), so none arrives twice."""
        message = item.message
        pieces = split_telegram(message.body)
        sent_id, done = "", item.pieces_sent
        try:
            for n, piece in enumerate(pieces, 1):
                if n <= item.pieces_sent:
                    continue
                markup = keyboard(message.choices) if n == len(pieces) else None
                sent = await self.application.bot.send_message(
                    int(message.address), piece, parse_mode=ParseMode.HTML,
                    reply_markup=markup)
                sent_id, done = str(sent.message_id), n
        except RetryAfter as error:
            return Delivery("retry", "429 retry_after", retry_after=retry_seconds(error),
                            pieces_sent=done)
        except Forbidden:
            return Delivery("refused", "403 blocked", opt_out=BLOCKED)
        except BadRequest as error:
            return Delivery("failed", f"400 {error.message}"[:120])
        except NetworkError as error:  # includes timeouts and 5xx answers
            return Delivery("retry", type(error).__name__, pieces_sent=done)
        return Delivery("sent", provider_id=sent_id)
