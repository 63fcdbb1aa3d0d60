"""`localsupport timebank ...`: the coordinator's commands (INTERFACE.md): the ledger, a
member's statement, recording an exchange for members without phones (confirmed at once),
adding such a member, approving one."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from catalogue.storage import write
from conversations import records, timebank
from conversations import timebank_notices as notices
from conversations.timebank import LedgerError, Member, Policy

BY = "coordinator (command line)"


def add_timebank_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    tb = sub.add_parser("timebank", help="the time bank: ledger, statements, exchanges")
    tb_sub = tb.add_subparsers(metavar="ACTION")
    ledger = tb_sub.add_parser("ledger", parents=[common], help="every posting, or balances")
    ledger.add_argument("--csv", action="store_true", help="one CSV row a posting")
    ledger.set_defaults(func=cmd_ledger)
    statement = tb_sub.add_parser("statement", parents=[common],
                                  help="a member's contributions made and benefits received")
    statement.add_argument("member", metavar="MEMBER", help="member id or first name")
    statement.add_argument("--year", type=int, help="only exchanges confirmed that year")
    statement.set_defaults(func=cmd_statement)
    record = tb_sub.add_parser("record", parents=[common],
                               help="record an exchange for members (confirmed at once)")
    record.add_argument("giver", metavar="GIVER")
    record.add_argument("receiver", metavar="RECEIVER")
    record.add_argument("hours", metavar="HOURS", help="e.g. 2 or 1.5")
    record.add_argument("--note", default="", help="what the help was")
    record.set_defaults(func=cmd_record)
    add = tb_sub.add_parser("add-member", parents=[common],
                            help="add a member who has no phone (the coordinator records "
                            "their exchanges)")
    add.add_argument("name", metavar="FIRST_NAME")
    add.add_argument("--ward", default=None)
    add.add_argument("--offers", default="")
    add.add_argument("--needs", default="")
    add.set_defaults(func=cmd_add_member)
    forget = tb_sub.add_parser("forget", parents=[common],
                               help="erase a member without a phone (their hours stay, "
                               "anonymous)")
    forget.add_argument("member", metavar="MEMBER")
    forget.set_defaults(func=cmd_forget)
    approve = tb_sub.add_parser("approve", parents=[common], help="approve a waiting member")
    approve.add_argument("member", metavar="MEMBER")
    approve.set_defaults(func=cmd_approve)


def policy() -> Policy:
    from bot.settings import Settings

    return Settings.from_env().timebank_policy()


def open_ledger(args: argparse.Namespace) -> sqlite_utils.Database:
    from bot.cli import database

    return database(args)  # the whole store (bot/store.py): the ledger and the outbox


def find_member(db: sqlite_utils.Database, given: str) -> Member:
    from bot.cli import UserError

    found = timebank.member(db, int(given)) if given.isdigit() else None
    if found is not None:
        return found
    named = timebank.named(db, given)
    if len(named) == 1:
        return named[0]
    if not named:
        raise UserError(f"no active member {given!r}: give a member id or a first name "
                        "(`localsupport timebank ledger` lists them)")
    listed = ", ".join(f"#{m.id} {m.described}" for m in named)
    raise UserError(f"more than one member is called {given}: {listed}; give the id")


def hours_to_minutes(text: str) -> int:
    from bot.cli import UserError

    try:
        hours = float(text)
    except ValueError:
        raise UserError(f"HOURS must be a number of hours such as 2 or 1.5; got {text!r}"
                        ) from None
    minutes = round(hours * 60)
    if not 0 < minutes <= timebank.MAX_MINUTES:
        raise UserError(f"HOURS must be more than 0 and at most 24; got {text!r}")
    return minutes


def cmd_ledger(args: argparse.Namespace) -> int:
    db = open_ledger(args)
    if args.csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(timebank.LEDGER_COLUMNS)
        out.writerows(timebank.ledger_rows(db))
        return 0
    everyone = timebank.members(db, active_only=False)
    print(f"{len(everyone)} members; confirmed total "
          f"{timebank.signed_hours(timebank.total(db)) or '0'} hours (always 0: double entry)")
    for m in everyone:
        state = "" if m.status == "active" else f" [{m.status}]"
        print(f"#{m.id:<5} {m.described:<40} "
              f"{timebank.signed_hours(timebank.balance(db, m.id)):>7} h{state}")
    return 0


def cmd_statement(args: argparse.Namespace) -> int:
    db = open_ledger(args)
    found = timebank.statement(db, find_member(db, args.member).id, args.year)
    when = f"in {args.year}" if args.year else "all time"
    print(f"Statement for #{found.member.id} {found.member.name}, {when}")
    print(f"Contributions made: {timebank.hours_text(found.given)}; benefits received: "
          f"{timebank.hours_text(found.received)}; pending: {found.pending}")
    for line in found.lines:
        way = "gave" if line.minutes > 0 else "received from"
        note = f" ({line.exchange.note})" if line.exchange.note else ""
        print(f"  {timebank.uk_day(line.exchange.decided_at)}  {way} {line.other}  "
              f"{timebank.signed_hours(line.minutes)} h{note}")
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from bot.cli import UserError

    db = open_ledger(args)
    giver, receiver = find_member(db, args.giver), find_member(db, args.receiver)
    minutes, now = hours_to_minutes(args.hours), datetime.now(UTC)
    try:
        with write(db):
            made = timebank.record(db, giver.id, receiver.id, minutes, args.note, BY, now,
                                   policy(), confirmed=True)
            for member, other in ((giver, receiver), (receiver, giver)):
                notices.tell(db, member, f"timebank-recorded:{made.id}:{member.id}",
                             f"Time bank: a coordinator recorded "
                             f"{timebank.hours_text(minutes)} between you and {other.name}. "
                             "Send STATEMENT to see it.", now)
    except LedgerError as error:
        raise UserError(str(error)) from None
    print(f"Recorded exchange {made.id}: {giver.name} gave {receiver.name} "
          f"{timebank.hours_text(minutes)} (confirmed).")
    return 0


def cmd_add_member(args: argparse.Namespace) -> int:
    from bot.cli import UserError

    name = args.name.strip()
    if not name.replace("-", "").replace("'", "").isalpha():
        raise UserError(f"FIRST_NAME must be a first name in letters; got {args.name!r}")
    db = open_ledger(args)
    ward = args.ward
    if ward and db["wards"].exists() and db["wards"].count:  # a ward of the lookup, as spelt
        ward = records.ward_named(db, ward)
        if ward is None:
            raise UserError(f"{args.ward!r} is not a ward of the lookup "
                            "(localsupport wards import); check the spelling")
    found = timebank.join(db, None, None, name.capitalize(), ward, args.offers,
                          args.needs, datetime.now(UTC), policy())
    print(f"Added member #{found.id} {found.described}.")
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from bot.cli import UserError

    db = open_ledger(args)
    given = args.member
    waiting = [m for m in timebank.waiting_members(db)
               if str(m.id) == given or (m.first_name or "").lower() == given.lower()]
    if len(waiting) != 1:
        raise UserError(f"no single member {given!r} is waiting for approval")
    with write(db):
        timebank.approve(db, waiting[0].id)
        notices.approved(db, waiting[0], datetime.now(UTC))
    print(f"Approved #{waiting[0].id} {waiting[0].name}.")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    db = open_ledger(args)
    found = find_member(db, args.member)
    with write(db):
        withdrawn = notices.leaving(db, found, datetime.now(UTC))
        timebank.forget_member(db, found.id)
    if withdrawn:
        print(f"{withdrawn} exchange(s) still waiting for a YES no longer count; the other "
              "members are told.")
    print(f"Forgot member #{found.id}: name, ward, offers, needs and contact emptied; their "
          "exchanges stay in the ledger as a former member's.")
    return 0
