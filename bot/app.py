"""The composition root: builds the database thread, the assistant, the channels (and,
later, the scheduler), and starts and stops them in one lifespan. No globals."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from aiohttp import web
from telegram.error import InvalidToken, NetworkError

from bot.assistant import Assistant
from bot.channels.sms import SmsSender
from bot.channels.telegram import TelegramChannel
from bot.dbthread import DbThread
from bot.notify import SmtpConfig, ViaDbThread, alert_loop
from bot.routes import add_routes
from bot.settings import Settings
from catalogue.store import open_db

log = logging.getLogger("localsupport")


@dataclass
class Services:
    """Everything the server runs, for routes, jobs and tests to reach."""

    settings: Settings
    db: DbThread[Assistant]
    telegram: TelegramChannel | None = None
    sms: SmsSender | None = None  # outbound SMS; None without Twilio credentials
    background: list[asyncio.Task[None]] = field(default_factory=list)


SERVICES = web.AppKey("services", Services)


def open_assistant(db_path: str) -> Assistant:
    return Assistant(open_db(db_path))


def close_assistant(assistant: Assistant) -> None:
    assistant.db.close()


def build_app(settings: Settings) -> web.Application:
    db: DbThread[Assistant] = DbThread(lambda: open_assistant(settings.db_path), close_assistant)
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
    await services.db.start()
    try:
        if services.settings.sms_outbound:
            services.sms = SmsSender(services.settings, services.db)
        if services.telegram is not None:
            await services.telegram.start()
        # Background jobs start here, after the channels they send through; they are
        # cancelled first on the way down.
        services.background.extend(start_background(services))
        yield
    finally:
        for task in services.background:
            task.cancel()
        await asyncio.gather(*services.background, return_exceptions=True)
        if services.telegram is not None:
            await services.telegram.stop()
        if services.sms is not None:
            await services.sms.close()
        await services.db.stop()


def smtp_config(settings: Settings) -> SmtpConfig:
    return SmtpConfig(
        host=settings.smtp_host, port=settings.smtp_port, user=settings.smtp_user,
        password=settings.smtp_password, starttls=settings.smtp_starttls,
        sender=settings.digest_from,
    )


def start_background(services: Services) -> list[asyncio.Task[None]]:
    """Safeguarding alerts go out by email as soon as they are recorded (polled every
    `alert_interval` seconds), when SMTP and SAFEGUARDING_EMAIL are set."""
    settings = services.settings
    tasks = []
    if settings.email and settings.safeguarding_email:
        tasks.append(asyncio.create_task(alert_loop(
            ViaDbThread(services.db), smtp_config(settings), settings.safeguarding_email,
            every=settings.alert_interval,
        )))
    else:
        log.warning("SAFEGUARDING_EMAIL or SMTP_HOST/DIGEST_FROM not set: safeguarding "
                    "alerts are stored in the alerts table but nobody is emailed")
    return tasks


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
