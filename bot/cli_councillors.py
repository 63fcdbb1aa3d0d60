"""`localsupport councillors import`, `digest preview|send` and `respond` (registered by
bot/cli.py `add_councillor_commands`). Heavy imports (Jinja2, matplotlib) happen inside
the commands that need them, so other commands start fast."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.settings import Settings


class CommandError(Exception):
    """Printed as "localsupport: ..." with exit status 1 (bot/cli.py UserError)."""


def open_database(args: argparse.Namespace) -> sqlite_utils.Database:
    from bot.cli import database
    from conversations.records import ensure_records

    db = database(args)
    ensure_records(db)
    return db


def now() -> datetime:
    return datetime.now(UTC)


# -- councillors import -----------------------------------------------------------------------

def cmd_councillors_import(args: argparse.Namespace) -> int:
    from catalogue.problems import CatalogueError
    from conversations.councillors import import_councillors

    db = open_database(args)
    try:
        done = import_councillors(db, Path(args.file), now())
    except CatalogueError as error:
        print(error.report(), file=sys.stderr)
        return 1
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from error
    print(done.describe(Path(args.file).name))
    return 0


# -- digest -----------------------------------------------------------------------------------

def chosen_week(args: argparse.Namespace) -> Any:
    from bot.digest.weeks import parse_week, week_of

    if not args.week:
        return week_of(now()).previous()
    try:
        return parse_week(args.week)
    except ValueError as error:
        raise CommandError(str(error)) from None


def cmd_digest_preview(args: argparse.Namespace) -> int:
    from bot.digest.figures import build_figures, ward_names
    from bot.digest.render import render_digest
    from catalogue.validate import did_you_mean

    db = open_database(args)
    week = chosen_week(args)
    if args.ward:
        names = ward_names(db)
        if args.ward.lower() not in names:
            known = ", ".join(sorted(names.values())) or "none (import the wards first)"
            raise CommandError(f'"{args.ward}" is not a ward{did_you_mean(args.ward, names)}; '
                               f"the wards are: {known}")
    print(render_digest(build_figures(db, week), args.ward, chart=False).text, end="")
    return 0


def cmd_digest_send(args: argparse.Namespace) -> int:
    from bot.digest.queue import queue_week
    from bot.digest.weeks import LONDON
    from conversations.councillors import all_councillors

    db = open_database(args)
    week = chosen_week(args)
    if week.end > now():
        raise CommandError(f"{week.label} is not over until "
                           f"{week.end.astimezone(LONDON):%A %d %B %H:%M}; "
                           "preview it with 'localsupport digest preview'")
    if not all_councillors(db):
        raise CommandError("no councillors: import them first with "
                           "'localsupport councillors import FILE'")
    queued = queue_week(db, week, now(), force=args.force)
    print(f"Queued {queued} digests for {week.label}"
          + ("" if queued or args.force else " (all were queued before; --force sends again)")
          + ".")
    return deliver(db, Settings.from_env(), f"digest:%:{week.label}:%")


# -- respond ----------------------------------------------------------------------------------

def cmd_respond(args: argparse.Namespace) -> int:
    from catalogue.validate import did_you_mean
    from conversations.councillors import audience, send_response
    from conversations.councillors.replies import get_entry
    from conversations.councillors.responses import (
        ResponseError,
        check_text,
        find_response,
        sms_text,
    )

    db = open_database(args)
    entry = get_entry(db, args.entry_id)
    if entry is None:
        ids = [row[0] for row in db.execute("SELECT id FROM entries")]
        raise CommandError(f'no entry "{args.entry_id}" in the catalogue'
                           + did_you_mean(args.entry_id, ids))
    try:
        check_text(entry, args.text)
    except ResponseError as error:
        raise CommandError(str(error)) from None
    reach = audience(db, entry.id, args.text)
    if not reach.count:
        print(f'Nobody to tell about "{entry.title}": {reach.describe()}.')
        return deliver_rest(db, find_response(db, entry.id, args.text))
    print(f'This response goes to {reach.describe()}, who objected to "{entry.title}".\n'
          f"By SMS they will read:\n\n  {sms_text(entry, args.text)}\n")
    if not args.yes and not confirmed("Send it? [y/N] "):
        print("Nothing sent.")
        return 1
    sent = send_response(db, entry, args.text, now())
    print(f"Queued {sum(sent.queued.values())} messages (response {sent.response_id}).")
    return deliver(db, Settings.from_env(), f"response:{sent.response_id}:%")


def deliver_rest(db: sqlite_utils.Database, response_id: int | None) -> int:
    """A response everyone was given already: what of it is not delivered yet (a run that
    was stopped mid-send) goes now, or its state is said."""
    keys = f"response:{response_id}:%"
    waiting = response_id is not None and db.execute(
        "SELECT 1 FROM outbox WHERE key LIKE ? AND state IN ('queued', 'sending', 'failed')",
        [keys]).fetchone()
    if not waiting:
        return 0
    print("Some of their messages are not delivered yet; sending them now.")
    return deliver(db, Settings.from_env(), keys)


def confirmed(question: str) -> bool:
    print(question, end="", flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


# -- delivering now -----------------------------------------------------------------------------

def adapters(settings: Settings) -> dict[str, Any]:
    """The channels this command can send through itself (email, SMS); rows for the
    others (Telegram, whose bot the server runs) wait for the server's outbox worker."""
    from bot.app import smtp_config
    from bot.channels.email import EmailAdapter
    from bot.channels.sms import SmsAdapter

    found: dict[str, Any] = {}
    if settings.email:
        found["email"] = EmailAdapter(smtp_config(settings))
    if settings.sms_outbound:
        found["sms"] = SmsAdapter(settings)
    return found


def deliver(db: sqlite_utils.Database, settings: Settings, keys: str) -> int:
    """Send the rows whose key is LIKE `keys` now; non-zero when any could not be sent
    (they stay queued, and the server keeps trying)."""
    from bot.outbox import LEASE, OutboxWorker

    async def on_db(fn: Any) -> Any:
        return fn(db)

    async def drain() -> dict[str, Any]:
        channels = adapters(settings)  # inside the loop: Twilio's aiohttp session needs one
        try:
            await OutboxWorker(on_db, channels).drain()
        finally:
            if "sms" in channels:
                await channels["sms"].close()
        return channels

    channels = asyncio.run(drain())
    rows = db.execute("SELECT channel, state, COUNT(*), max(last_error) FROM outbox "
                      "WHERE key LIKE ? GROUP BY 1, 2 ORDER BY 1, 2", [keys]).fetchall()
    sent = sum(n for _, state, n, _ in rows if state == "sent")
    waiting = [(channel, n, error) for channel, state, n, error in rows
               if state not in ("sent", "refused", "cancelled", "sending")]
    refused = sum(n for _, state, n, _ in rows if state == "refused")
    print(f"Sent {sent}" + (f"; {refused} not sent (they said STOP)" if refused else "") + ".")
    for channel, state, n, _ in rows:
        if state == "sending":  # claimed by the server meanwhile, or by a run that stopped
            print(f"{n} {channel} message(s) being sent by another process (localsupport "
                  "serve; if it was a run that stopped, the outbox sends them again "
                  f"{LEASE.seconds // 60} minutes after it claimed them).")
    failed = False
    for channel, n, error in waiting:
        if channel in channels:
            print(f"{n} {channel} message(s) not delivered ({error or 'not yet'}); they stay "
                  "queued and the server retries them.", file=sys.stderr)
            failed = True
        elif not set_up(settings, channel):
            print(f"{n} {channel} message(s) NOT sent: {SETTINGS_FOR[channel]} not set, so "
                  "nothing can send them. They stay queued and go once it is set and "
                  "localsupport serve runs (README: Connecting Telegram and Twilio).",
                  file=sys.stderr)
            failed = True
        else:
            print(f"{n} {channel} message(s) queued for the server (localsupport serve) "
                  "to send.")
    return 1 if failed else 0


SETTINGS_FOR = {"sms": "Twilio (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER) is",
                "email": "email (SMTP_HOST and DIGEST_FROM) is",
                "telegram": "Telegram (TELEGRAM_BOT_TOKEN) is"}


def set_up(settings: Settings, channel: str) -> bool:
    """Whether the server could deliver on `channel` with these settings."""
    return {"sms": settings.sms_outbound, "email": settings.email,
            "telegram": settings.telegram}.get(channel, True)

