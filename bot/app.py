"""The composition root: builds the store, the assistant, the inbox, the channel adapters,
the outbox worker and the scheduler, and starts and stops them in one lifespan. No globals.

Channels are registered here and nowhere else: each is an adapter that turns what its
provider sends into an `Arrival` for the inbox (bot/inbox.py), renders replies, and
delivers outbox rows (bot/outbox.py `Deliverer`). Adding WhatsApp through Twilio would be
the SMS adapter registered again under another channel name.
"""

from __future__ import annotations

import errno
import gc
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from aiohttp import web, web_response
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram.error import InvalidToken, NetworkError

from bot import guard
from bot.assistant import Assistant
from bot.channels import sms, telegram
from bot.channels.email import EmailAdapter, SmtpConfig
from bot.channels.sms import SmsAdapter
from bot.channels.telegram import TelegramChannel
from bot.dbthread import DbThread
from bot.fairuse import FairUse
from bot.inbox import Inbox
from bot.logs import redact_logs
from bot.notify import queue_unsent_alerts
from bot.outbox import Backoff, Deliverer, OutboxWorker
from bot.routes import add_routes
from bot.scheduler import build_scheduler
from bot.settings import Settings
from bot.store import open_store
from catalogue.storage import write
from conversations.councillors import configure as configure_alerts

log = logging.getLogger("localsupport")

RENDERERS = {"sms": sms.render, "telegram": telegram.render}
QUEUED_CHANNELS = ("telegram",)  # replies go through the outbox, not the HTTP response
MAX_REQUEST_BYTES = 256 * 1024  # aiohttp's own limit; each route reads less (bot/guard.py)


@dataclass
class Services:
    """Everything the server runs, for routes, jobs and tests to reach."""

    settings: Settings
    db: DbThread[Inbox]
    telegram: TelegramChannel | None = None
    outbox: OutboxWorker | None = None
    adapters: dict[str, Deliverer] = field(default_factory=dict)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    fairuse: FairUse = field(default_factory=FairUse)  # checked before the database thread

    def wake_outbox(self) -> None:
        if self.outbox is not None:
            self.outbox.wake()

    async def on_db(self, fn: Callable[[sqlite_utils.Database], Any]) -> Any:
        """Run `fn(database)` on the database thread."""
        return await self.db.call(lambda inbox: fn(inbox.assistant.db))


SERVICES = web.AppKey("services", Services)


def open_inbox(settings: Settings) -> Inbox:
    db = open_store(settings.db_path)
    contact = settings.safeguarding_email if settings.email else ""
    assistant = Assistant(db, safeguarding_contact=contact, timebank=settings.timebank_policy(),
                          council_phone=settings.council_phone)
    if contact:
        with write(db):
            queue_unsent_alerts(db, contact, datetime.now(UTC))
    return Inbox(assistant, RENDERERS, QUEUED_CHANNELS)


def close_inbox(inbox: Inbox) -> None:
    inbox.assistant.db.close()


def smtp_config(settings: Settings) -> SmtpConfig:
    return SmtpConfig(host=settings.smtp_host, port=settings.smtp_port,
                      user=settings.smtp_user, password=settings.smtp_password,
                      starttls=settings.smtp_starttls, sender=settings.digest_from,
                      reply_to=settings.digest_from)


def build_app(settings: Settings, clock: Callable[[], datetime] | None = None
              ) -> web.Application:
    db: DbThread[Inbox] = DbThread(lambda: open_inbox(settings), close_inbox)
    services = Services(settings, db)
    if clock is not None:
        services.clock = clock
    if settings.telegram:
        services.telegram = TelegramChannel(settings, db, services.fairuse,
                                            wake=services.wake_outbox)
    # aiohttp's own error pages (a request it cannot parse) name its version otherwise
    web_response.SERVER_SOFTWARE = guard.SERVER  # type: ignore[attr-defined]
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[SERVICES] = services
    guard.install(app, settings.request_timeout)
    add_routes(app, settings, db, services.telegram, services.fairuse)
    app.cleanup_ctx.append(lifespan)
    return app


def handler_options(settings: Settings) -> dict[str, Any]:
    """How aiohttp treats connections: bodies are not decompressed (bot/guard.py refuses
    compressed ones); a connection that has not sent a whole request within
    `request_timeout` seconds, or is idle that long between requests, is closed."""
    return {"auto_decompress": False, "keepalive_timeout": settings.request_timeout,
            "max_line_size": 8190, "max_field_size": 8190, "max_headers": 64,
            "logger": guard.protocol_log()}


async def lifespan(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    settings = services.settings
    scheduler: AsyncIOScheduler | None = None
    sms_out: SmsAdapter | None = None
    await services.db.start()
    await services.on_db(lambda db: configure_alerts(db, settings.objection_alert_at))
    # The catalogue index is built and lives as long as the process: keep the garbage
    # collector from walking it again and again (long pauses under load otherwise).
    gc.freeze()
    try:
        if settings.sms_outbound:
            services.adapters["sms"] = sms_out = SmsAdapter(settings)
        if settings.email:
            services.adapters["email"] = EmailAdapter(smtp_config(settings))
        if services.telegram is not None:
            services.adapters["telegram"] = services.telegram
            await services.telegram.start()
        services.outbox = OutboxWorker(services.on_db, services.adapters, services.clock,
                                       Backoff(first=settings.outbox_first_retry),
                                       idle=settings.outbox_idle)
        await services.outbox.start()
        # The scheduler starts after the channels its jobs send through, and stops first.
        scheduler = build_scheduler(settings, services.on_db, services.clock)
        scheduler.start()
        yield
    finally:
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        if services.outbox is not None:
            await services.outbox.stop()
        if services.telegram is not None:
            await services.telegram.stop()
        if sms_out is not None:
            await sms_out.close()
        await services.db.stop()


def banner(settings: Settings, host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    lines = [f"Local Support is running on http://{host}:{port}/"]
    if settings.web_chat:
        lines.append(f"Try the web chat: http://{shown}:{port}/")
    lines.append("SMS (Twilio): " + ("webhook at /sms/twilio" if settings.sms_inbound
                                     else "off (set TWILIO_AUTH_TOKEN and PUBLIC_URL)"))
    lines.append("Telegram: " + ("webhook" if settings.telegram_webhook
                                 else "long polling" if settings.telegram
                                 else "off (set TELEGRAM_BOT_TOKEN)"))
    lines.append("Email: " + (f"through {settings.smtp_host}" if settings.email
                              else "off (set SMTP_HOST and DIGEST_FROM)"))
    lines.append("Safeguarding alerts: " + (f"emailed to {settings.safeguarding_email}"
                 if settings.email and settings.safeguarding_email
                 else "stored only (set SAFEGUARDING_EMAIL, SMTP_HOST and DIGEST_FROM)"))
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


def serve(db_path: Path | str, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Run until SIGINT or SIGTERM; the lifespan closes everything on the way out."""
    settings = replace(Settings.from_env(), db_path=str(db_path))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s")
    # httpx logs every Bot API URL at INFO, and those URLs hold the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    redact_logs(logging.getLogger().handlers)
    try:
        web.run_app(build_app(settings), host=host, port=port, access_log=None,
                    print=lambda _: print(banner(settings, host, port), flush=True),
                    **handler_options(settings))
    except InvalidToken as error:
        raise SystemExit(f"localsupport: Telegram refused TELEGRAM_BOT_TOKEN ({error}). "
                         "Check the token @BotFather gave you.") from None
    except NetworkError as error:
        raise SystemExit(f"localsupport: cannot reach the Telegram Bot API ({error}). "
                         "Unset TELEGRAM_BOT_TOKEN to run without Telegram.") from None
    except OSError as error:  # the port was free when bot/cli.py checked it, taken since
        if error.errno != errno.EADDRINUSE:
            raise
        raise SystemExit(f"localsupport: port {port} on {host} is in use by another "
                         "program: stop it, or choose another port with --port.") from None
