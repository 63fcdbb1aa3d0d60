"""`localsupport`: the command line (see INTERFACE.md for the contract)."""

from __future__ import annotations

import argparse
import errno
import json
import os
import socket
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.cli_timebank import add_timebank_commands
from bot.settings import SettingError
from catalogue.store import entry_count


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    from bot.cli_councillors import CommandError

    try:
        return int(args.func(args))
    except (UserError, CommandError, SettingError) as error:
        print(f"localsupport: {error}", file=sys.stderr)
        return 1


class UserError(Exception):
    """A problem the person running the command can fix; printed without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="localsupport", description="Local Support: find local public support by chat and SMS."
    )
    db_default = os.environ.get("LOCALSUPPORT_DB") or "localsupport.db"
    db_help = f"database file (default {db_default})"
    parser.add_argument("--db", default=db_default, help=db_help)
    # each command takes --db too, before or after its own words
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help=db_help)
    sub = parser.add_subparsers(metavar="COMMAND")

    cat = sub.add_parser("catalogue", help="import, export or check the council's catalogue")
    cat_sub = cat.add_subparsers(metavar="ACTION")
    imp = cat_sub.add_parser("import", parents=[common], help="import a catalogue CSV or "
                             "circumstances CSV (all or nothing), or an Open Referral UK feed "
                             "(a JSON file or an API's /services URL)")
    imp.add_argument("file", metavar="FILE|URL")
    imp.add_argument("--replace", action="store_true",
                     help="remove the entries not in the file that came from the same kind of "
                     "source (a catalogue CSV, or an Open Referral UK feed)")
    imp.add_argument("--dry-run", action="store_true", help="check and report, change nothing")
    imp.add_argument("--yes", action="store_true",
                     help="replace the sample catalogue without asking")
    imp.set_defaults(func=cmd_catalogue_import)
    exp = cat_sub.add_parser("export", parents=[common], help="write the catalogue out")
    exp.add_argument("file")
    exp.add_argument("--format", choices=("csv", "oruk", "oruk-v1"), default=None,
                     help="csv, oruk (ORUK 3.0, UK profile) or oruk-v1 (ORUK 1.0); "
                     "default: oruk for a .json file, else csv")
    exp.set_defaults(func=cmd_catalogue_export)
    chk = cat_sub.add_parser("check", parents=[common], help="validate a file, import nothing")
    chk.add_argument("file", metavar="FILE|URL")
    chk.set_defaults(func=cmd_catalogue_check)

    ask = sub.add_parser("ask", parents=[common], help="what the assistant would answer")
    ask.add_argument("text", nargs="?")
    ask.add_argument("--batch", metavar="FILE", help="one query per line ('-' for stdin)")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("--limit", type=int, default=5, help="how many matches (default 5)")
    ask.set_defaults(func=cmd_ask)

    chat = sub.add_parser("chat", parents=[common], help="talk to the assistant here")
    chat.add_argument("--channel", choices=("sms", "telegram"), default="sms")
    chat.add_argument("--user", default="terminal", help="who you are (default 'terminal')")
    chat.set_defaults(func=cmd_chat)

    serve = sub.add_parser("serve", parents=[common], help="run the HTTP server and bots")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.set_defaults(func=cmd_serve)
    add_people_commands(sub, common)
    outbox = sub.add_parser("outbox", parents=[common], help="messages waiting, retrying or "
                            "failed (without their text)")
    outbox.add_argument("--failed", action="store_true", help="only those that failed")
    outbox.add_argument("--retry", action="store_true",
                        help="queue every failed message again (after fixing the cause)")
    outbox.set_defaults(func=cmd_outbox)
    add_timebank_commands(sub, common)
    add_councillor_commands(sub, common)
    return parser


# -- database -----------------------------------------------------------------------------

SQLITE_HEADER = b"SQLite format 3\x00"


def database(args: argparse.Namespace) -> sqlite_utils.Database:
    from bot.store import open_store

    return opened(args, open_store, ", or a new file name")


def database_copy(args: argparse.Namespace) -> sqlite_utils.Database:
    """The database in memory, for a command that must not create or change it (`catalogue
    check`, `import --dry-run`): an empty one when the file does not exist."""
    from catalogue.store import open_snapshot

    return opened(args, open_snapshot)


def opened(args: argparse.Namespace, opener: Callable[[Path], sqlite_utils.Database],
           or_new: str = "") -> sqlite_utils.Database:
    """`--db` opened by `opener`, a file that is no database or cannot be read named."""
    path = Path(args.db)
    check_database_path(path)
    try:
        return opener(path)
    except sqlite3.DatabaseError as error:
        raise UserError(f"--db {path} cannot be opened as a database ({error}): give the "
                        f"path of your Local Support database{or_new}.") from None
    except OSError as error:
        raise UserError(f"--db {path} cannot be opened ({error.strerror}).") from None


def check_database_path(path: Path) -> None:
    """A database file that exists must be a SQLite file; a new one needs its folder."""
    fix = "give a file name such as ./localsupport.db (or set LOCALSUPPORT_DB)"
    if path.is_dir():
        raise UserError(f"--db {path} is a folder, not a database file: {fix}.")
    if path.exists() and not path.is_file():
        raise UserError(f"--db {path} is not a regular file: {fix}.")
    if not path.exists():
        if not path.parent.exists():
            raise UserError(f"no such folder for the database: {path.parent}")
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise UserError(f"--db {path} cannot be read ({error.strerror}).") from None
    if header and header != SQLITE_HEADER:
        raise UserError(f"--db {path} is not a SQLite database (it holds something else): "
                        f"{fix}, or the path of your Local Support database.")


SAMPLE_NOTICE = ("Using the SAMPLE catalogue ({count} made-up entries for \"Sample Borough\", "
                 "not a real council). Import your own with "
                 "'localsupport catalogue import FILE'.")


def ensure_catalogue_loaded(db: sqlite_utils.Database) -> None:
    """An empty database gets the bundled sample catalogue, with a word on stderr; while
    the sample is in use, every start says so."""
    from catalogue.store import sample_entry_count

    if not entry_count(db):
        from catalogue.importer import load_sample

        summary = load_sample(db)
        if load_sample_wards(db):
            load_sample_councillors(db)
        print(f"The database holds no catalogue: loaded the bundled SAMPLE catalogue "
              f"({summary.entries} entries for a sample council).", file=sys.stderr)
    if count := sample_entry_count(db):
        print(SAMPLE_NOTICE.format(count=count), file=sys.stderr)


def load_sample_wards(db: sqlite_utils.Database) -> bool:
    """The sample council's postcode-to-ward lookup (ZZ1 1 to ZZ1 5), unless wards exist;
    True when it was loaded."""
    from importlib import resources

    from conversations.wards import import_wards

    if not db.table("wards").count:
        sample = resources.files("catalogue") / "sample" / "sample-wards.csv"
        with resources.as_file(sample) as path:
            import_wards(db, path)
        return True
    return False


def load_sample_councillors(db: sqlite_utils.Database) -> None:
    """The sample council's made-up councillors (catalogue/sample/) beside its wards,
    unless any councillors exist."""
    from datetime import UTC, datetime
    from importlib import resources

    from conversations.councillors import all_councillors, import_councillors

    if not all_councillors(db):
        sample = resources.files("catalogue") / "sample" / "sample-councillors.csv"
        with resources.as_file(sample) as path:
            import_councillors(db, path, datetime.now(UTC))


# -- catalogue ----------------------------------------------------------------------------

def cmd_catalogue_import(args: argparse.Namespace) -> int:
    from catalogue.importer import CatalogueError, ImportSummary, SampleInUse
    from conversations.councillors.directory import remove_sample_councillors
    from conversations.wards import remove_sample_wards

    db = database_copy(args) if args.dry_run else database(args)
    try:
        run = catalogue_importer(db, args)
        try:
            summary: ImportSummary = run(args.yes)
        except SampleInUse as pending:
            if not confirm_hand_over(pending.summary, args.file):
                print("Nothing imported: the sample catalogue is still in use.", file=sys.stderr)
                return 1
            summary = run(True)
    except CatalogueError as error:
        print(error.report(), file=sys.stderr)
        return 1
    except OSError as error:
        raise UserError(f"cannot read {args.file}: {error.strerror}") from error
    print(("Dry run, nothing changed: " if args.dry_run else "Imported: ") + summary.describe())
    if summary.sample_removed and not args.dry_run and (wards := remove_sample_wards(db)):
        print(f"The sample council's {wards} postcode sectors are taken out of the ward "
              "lookup; import yours with 'localsupport wards import FILE'.")
    if summary.sample_removed and not args.dry_run and remove_sample_councillors(db):
        print("The sample council's made-up councillors are removed; import yours with "
              "'localsupport councillors import FILE'.")
    if summary.warnings or summary.skipped:
        print(summary.warning_report(), file=sys.stderr)
    return 0


def catalogue_importer(db: sqlite_utils.Database, args: argparse.Namespace) -> Any:
    """import(hand_over) for the file or the ORUK API's URL (read once, here)."""
    from catalogue.importer import import_file, import_records
    from catalogue.oruk_api import is_url, read_feed

    options = {"replace": args.replace, "dry_run": args.dry_run}
    if is_url(args.file):
        records = read_feed(args.file)
        return lambda hand_over: import_records(db, records, args.file, hand_over=hand_over,
                                                **options)
    return lambda hand_over: import_file(db, Path(args.file), hand_over=hand_over, **options)


def confirm_hand_over(summary: Any, source: str) -> bool:
    """Ask on stderr, read the answer from stdin (no answer is no)."""
    from catalogue.importer import plural

    made_up = plural(summary.sample_removed, "made-up entry")
    print(f"This database holds the SAMPLE catalogue ({made_up} for \"Sample Borough\"). "
          f"Importing {source} ({plural(summary.entries, 'entry')}) replaces "
          "it: the sample's entries are removed. Go ahead? [y/N] ", end="", file=sys.stderr,
          flush=True)
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def cmd_catalogue_check(args: argparse.Namespace) -> int:
    from catalogue.importer import CatalogueError, check_file, import_records
    from catalogue.oruk_api import is_url, read_feed

    db = database_copy(args)  # a check creates and changes no database
    try:
        if is_url(args.file):
            summary = import_records(db, read_feed(args.file), args.file, dry_run=True)
        else:
            summary = check_file(db, Path(args.file))
    except CatalogueError as error:
        print(error.report(), file=sys.stderr)
        return 1
    except OSError as error:
        raise UserError(f"cannot read {args.file}: {error.strerror}") from error
    print("OK: " + summary.describe())
    if summary.warnings or summary.skipped:
        print(summary.warning_report(), file=sys.stderr)
    return 0


def cmd_catalogue_export(args: argparse.Namespace) -> int:
    from catalogue.importer import export_file, plural

    db = database(args)
    fmt = args.format or ("oruk" if args.file.endswith(".json") else "csv")
    try:
        count = export_file(db, Path(args.file), fmt=fmt)
    except OSError as error:
        raise UserError(f"cannot write {args.file}: {error.strerror}") from error
    print(f"Wrote {plural(count, 'entry')} to {args.file} ({fmt}).")
    return 0


# -- ask and chat -------------------------------------------------------------------------

def cmd_ask(args: argparse.Namespace) -> int:
    from catalogue.matcher import Matcher, SearchResult
    from catalogue.store import load_entries

    if (args.text is None) == (args.batch is None):
        raise UserError("give either TEXT or --batch FILE")
    db = database(args)
    ensure_catalogue_loaded(db)  # says so on stderr while the sample is in use
    matcher = Matcher(load_entries(db))

    def show(result: SearchResult) -> None:
        if args.json:
            print(json.dumps({
                "query": result.query, "answered": result.answered,
                "matches": [{"id": m.entry.id, "title": m.entry.title,
                             "score": round(m.score, 2)} for m in result.matches],
            }, ensure_ascii=False))
            return
        if not result.answered:
            print("No good match.", "Did you mean:" if result.matches else "")
        for m in result.matches:
            print(f"{m.score:5.1f}  {m.entry.id}  {m.entry.title}")

    if args.text is not None:
        show(matcher.search(args.text, limit=args.limit))
        return 0
    try:
        stream = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8-sig")  # noqa: SIM115
    except OSError as error:
        raise UserError(f"cannot read {args.batch}: {error.strerror}") from error
    with stream:
        for line in stream:
            show(matcher.search(line.rstrip("\r\n"), limit=args.limit))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    import uuid
    from datetime import UTC, datetime

    from bot.assistant import Assistant
    from bot.inbox import Arrival, Inbox
    from bot.render import render_plain, render_sms_all
    from bot.settings import Settings
    from conversations.phones import normalise_phone

    db = database(args)
    ensure_catalogue_loaded(db)
    # the time bank's settings (TIMEBANK_*) and COUNCIL_PHONE as `serve` reads them
    settings = Settings.from_env()
    assistant = Assistant(db, timebank=settings.timebank_policy(),
                          council_phone=settings.council_phone)
    inbox = Inbox(assistant, {})  # the terminal renders for itself, below
    if args.channel == "sms":  # the number kept as Twilio gives it, however it is typed
        args.user = normalise_phone(args.user) or args.user
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"Talking as {args.channel} user '{args.user}'. Ctrl-D to leave.\n")
    while True:
        if interactive:
            try:
                line = input("you> ")
            except EOFError:
                print()
                return 0
        else:
            raw = sys.stdin.readline()
            if not raw:
                return 0
            line = raw.rstrip("\r\n")
        came = Arrival(args.channel, f"terminal-{uuid.uuid4().hex}", args.user, line,
                       datetime.now(UTC))
        replies = list(inbox.receive(came).outbounds)
        shown = render_sms_all(replies) if args.channel == "sms" else \
            [render_plain(reply, args.channel) for reply in replies]
        for text in shown:  # SMS: the texts as sent, two segments at most
            print(text)
            print()
        sys.stdout.flush()


def cmd_outbox(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from catalogue.storage import write
    from conversations.outbox import counts, listing, requeue

    db = database(args)
    if args.retry:
        with write(db):
            again = [row.key for row in listing(db, failed_only=True)
                     if requeue(db, row.key, datetime.now(UTC))]
        print(f"Queued {len(again)} failed message(s) again; the server sends them next.")
    rows = listing(db, failed_only=args.failed)
    totals = counts(db)
    print("Outbox: " + (", ".join(f"{n} {state}" for state, n in sorted(totals.items()))
                        or "empty") + ".")
    if args.failed and not rows:
        print("No failed messages.")
    for row in rows:
        error = f"  last error: {row.last_error}" if row.last_error else ""
        print(f"{row.id:>6}  {row.state:<8} {row.channel:<9} {row.kind:<13} tries {row.attempts}"
              f"  next {row.next_attempt_at}  {row.key}{error}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.app import serve
    from bot.settings import problems, unknown

    for line in unknown(os.environ):
        print(f"localsupport: warning: {line}", file=sys.stderr)
    wrong = problems(os.environ) + port_problems(args.host, args.port)
    if wrong:
        for line in wrong:
            print(f"localsupport: {line}", file=sys.stderr)
        return 1
    db = database(args)
    ensure_catalogue_loaded(db)
    db.close()
    serve(Path(args.db), host=args.host, port=args.port)
    return 0


def port_problems(host: str, port: int) -> list[str]:
    """The address `serve` would listen on is usable (as aiohttp binds it, reusing
    addresses in TIME_WAIT)."""
    if not 1 <= port <= 65535:
        return [f"--port {port} is out of range: use a number from 1 to 65535 "
                "(the default is 8080)."]
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return [f"port {port} on {host} is in use by another program: stop it, or "
                    "choose another port with --port."]
        return [f"cannot listen on {host}:{port} ({error.strerror}): check --host and "
                "--port."]
    return []


# -- people's data and wards (conversations) ------------------------------------------------

def add_people_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """`wards import`, `forget` and `export-user`."""
    wards = sub.add_parser("wards", help="postcode-to-ward lookup")
    wards_sub = wards.add_subparsers(metavar="ACTION")
    imp = wards_sub.add_parser("import", parents=[common],
                               help="import a postcode,ward CSV or the ONS Postcode "
                               "Directory (all or nothing)")
    imp.add_argument("file")
    imp.add_argument("--replace", action="store_true", help="remove postcodes not in the file")
    imp.add_argument("--council", default="", metavar="CODE",
                     help="ONS Postcode Directory: only this local authority (e.g. E06000001)")
    imp.set_defaults(func=cmd_wards_import)
    look = wards_sub.add_parser("lookup", parents=[common],
                                help="the ward a postcode is counted in")
    look.add_argument("postcode")
    look.set_defaults(func=cmd_wards_lookup)
    forget = sub.add_parser("forget", parents=[common], help="erase one person's data")
    forget.add_argument("person", metavar="CHANNEL:ADDRESS")
    forget.set_defaults(func=cmd_forget)
    export = sub.add_parser("export-user", parents=[common],
                            help="print one person's data as JSON")
    export.add_argument("person", metavar="CHANNEL:ADDRESS")
    export.set_defaults(func=cmd_export_user)


def add_councillor_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """`councillors import`, `digest preview|send` and `respond` (bot/cli_councillors.py)."""
    from bot import cli_councillors as run

    people = sub.add_parser("councillors", help="the councillors of each ward")
    people_sub = people.add_subparsers(metavar="ACTION")
    imp = people_sub.add_parser("import", parents=[common], help="import a councillors CSV "
                                "(name,ward,email,phone,telegram_chat_id); it becomes the list")
    imp.add_argument("file")
    imp.set_defaults(func=run.cmd_councillors_import)
    digest = sub.add_parser("digest", help="the councillors' weekly digest")
    digest_sub = digest.add_subparsers(metavar="ACTION")
    preview = digest_sub.add_parser("preview", parents=[common], help="print a digest")
    preview.add_argument("--ward", help="the ward's part first (default: the whole council)")
    preview.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: last full week)")
    preview.set_defaults(func=run.cmd_digest_preview)
    send = digest_sub.add_parser("send", parents=[common],
                                 help="send the week's digests not yet sent")
    send.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: last full week)")
    send.add_argument("--force", action="store_true", help="send them again")
    send.set_defaults(func=run.cmd_digest_send)
    respond = sub.add_parser("respond", parents=[common], help="a council response to "
                             "everyone who objected to an entry (\"you said, we did\")")
    respond.add_argument("entry_id", metavar="ENTRY_ID")
    respond.add_argument("text", metavar="TEXT")
    respond.add_argument("--yes", action="store_true", help="do not ask before sending")
    respond.set_defaults(func=run.cmd_respond)


def person_key(value: str) -> tuple[str, str]:
    from conversations.phones import texting_number
    from conversations.types import CHANNELS

    channel, sep, address = value.partition(":")
    if not sep or not address or channel not in CHANNELS:
        raise UserError(f"expected CHANNEL:ADDRESS with CHANNEL one of {', '.join(CHANNELS)}, "
                        f"e.g. sms:+447700900123; got {value!r}")
    if channel == "sms":  # kept as Twilio gives it (E.164), whatever way it is written here
        phone = texting_number(address)
        if phone is None:  # a typo must not read as "nothing held about them"
            raise UserError(f"{address!r} is not a mobile number (a UK one has 11 digits, "
                            "like 07700 900123)")
        address = phone
    return channel, address


def cmd_wards_import(args: argparse.Namespace) -> int:
    from catalogue.problems import CatalogueError
    from conversations.wards import import_wards

    db = database(args)
    try:
        print(import_wards(db, Path(args.file), replace=args.replace, council=args.council))
    except CatalogueError as error:
        print(error.report(), file=sys.stderr)
        return 1
    except OSError as error:
        raise UserError(f"cannot read {args.file}: {error.strerror}") from error
    return 0


def cmd_wards_lookup(args: argparse.Namespace) -> int:
    from catalogue.problems import CatalogueError
    from conversations.wards import describe_lookup

    db = database(args)
    try:
        found, text = describe_lookup(db, args.postcode)
    except CatalogueError as error:
        raise UserError(error.problems[0].message) from error
    print(text)
    return 0 if found else 1


def cmd_forget(args: argparse.Namespace) -> int:
    from catalogue.storage import checkpoint, write
    from conversations.erasure import erase_person

    channel, address = person_key(args.person)
    db = database(args)
    with write(db):
        touched = erase_person(db, channel, address)
    checkpoint(db)
    if not touched:
        print(f"Nothing held about {channel}:{address}.")
        return 0
    print(f"Erased {channel}:{address}: " + ", ".join(
        f"{table} {count}" for table, count in sorted(touched.items())) + " rows"
        + " (objections kept in the counts without who made them).")
    return 0


def cmd_export_user(args: argparse.Namespace) -> int:
    from conversations.erasure import export_person

    channel, address = person_key(args.person)
    db = database(args)
    print(json.dumps(export_person(db, channel, address), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
