"""The composition root: builds the database thread, the assistant, the channels and the
scheduler, and starts and stops them in one lifespan. No globals."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram.error import InvalidToken, NetworkError

from bot.assistant import Assistant
from bot.channels.sms import SmsSender
from bot.channels.telegram import TelegramChannel
from bot.dbthread import DbThread
from bot.routes import add_routes
from bot.scheduler import build_scheduler
from bot.settings import Settings
from catalogue.store import open_db
from conversations.timebank import Policy

log = logging.getLogger("localsupport")


@dataclass
class Services:
    """Everything the server runs, for routes, jobs and tests to reach."""

    settings: Settings
    db: DbThread[Assistant]
    telegram: TelegramChannel | None = None
    sms: SmsSender | None = None  # outbound SMS; None without Twilio credentials


SERVICES = web.AppKey("services", Services)


def open_assistant(db_path: str, timebank: Policy | None = None) -> Assistant:
    return Assistant(open_db(db_path), timebank)


def close_assistant(assistant: Assistant) -> None:
    assistant.db.close()


def build_app(settings: Settings) -> web.Application:
    db: DbThread[Assistant] = DbThread(
        lambda: open_assistant(settings.db_path, settings.timebank_policy()), close_assistant)
    services = Services(settings, db)
    if settings.telegram:
        services.telegram = TelegramChannel(settings, db)
    app = web.Application()
    app[SERVICES] = services
    add_routes(app, settings, db, services.telegram)
    app.cleanup_ctx.append(lifespan)
    return app


async def lifespan(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    scheduler: AsyncIOScheduler | None = None
    await services.db.start()
    # The catalogue index is built and lives as long as the process: keep the garbage
    # collector from walking it again and again (long pauses under load otherwise).
    gc.freeze()
    try:
        if services.settings.sms_outbound:
            services.sms = SmsSender(services.settings, services.db)
        if services.telegram is not None:
            await services.telegram.start()
        # The scheduler starts after the channels its jobs send through, and stops first.
        scheduler = build_scheduler(services.settings, services.db)
        scheduler.start()
        yield
    finally:
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        if services.telegram is not None:
            await services.telegram.stop()
        if services.sms is not None:
            await services.sms.close()
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
    try:
        web.run_app(build_app(settings), host=host, port=port, access_log=None,
                    print=lambda _: print(banner(settings, host, port), flush=True))
    except InvalidToken as error:
        raise SystemExit(f"localsupport: Telegram refused TELEGRAM_BOT_TOKEN ({error}). "
                         "Check the token @BotFather gave you.") from None
    except NetworkError as error:
        raise SystemExit(f"localsupport: cannot reach the Telegram Bot API ({error}). "
                         "Unset TELEGRAM_BOT_TOKEN to run without Telegram.") from None
