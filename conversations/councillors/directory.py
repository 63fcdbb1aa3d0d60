"""The councillors CSV (`localsupport councillors import FILE`) and who represents a ward.

Header `name,ward,email,phone,telegram_chat_id` (INTERFACE.md); each councillor needs one
contact at least. `ward` is a ward name (as the postcode lookup names it) or an ONS ward
code (E05...). The file is the whole list: councillors missing from it are removed. All
or nothing: any bad row stops the import, and the problems name the row and column.
A councillor's id (`<ward>/<name>`, folded) stays the same across imports, so a re-import
mid-week never makes a second digest. A councillor for two wards is two rows with the same
name and email; they get one digest with both wards in it (bot/digest/queue.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib import resources
from pathlib import Path

import sqlite_utils

from catalogue.csvfile import check_header, decode, read_table, row_values
from catalogue.plurals import counted
from catalogue.problems import CatalogueError, Log
from catalogue.storage import write
from catalogue.validate import did_you_mean
from conversations.outbox import iso
from conversations.phones import texting_number

COLUMNS = ("name", "ward", "email", "phone", "telegram_chat_id")
REQUIRED = ("name", "ward")
CONTACTS = ("email", "phone", "telegram_chat_id")
ONS_WARD_CODE = re.compile(r"^[EWSN]05\d{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CHAT_ID = re.compile(r"^-?\d{1,20}$")


@dataclass(frozen=True)
class Councillor:
    id: str
    name: str
    ward: str
    email: str = ""
    phone: str = ""  # E.164
    telegram_chat_id: str = ""

    @property
    def contacts(self) -> list[tuple[str, str]]:
        """(channel, address) of every way to reach them."""
        found = [("email", self.email), ("telegram", self.telegram_chat_id),
                 ("sms", self.phone)]
        return [(channel, address) for channel, address in found if address]


def councillor_id(ward: str, name: str) -> str:
    def fold(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return f"{fold(ward)}/{fold(name)}"


def uk_phone(text: str) -> str | None:
    """A number digests can be texted to, as E.164 (+447700900123), read as a UK one
    without a country code; None when it is not one, or is a landline
    (conversations/phones.py)."""
    return texting_number(text)


# -- reading the file ---------------------------------------------------------------------

def read_councillors(path: Path, known_wards: list[str]) -> list[Councillor]:
    """Every councillor in the file, or CatalogueError listing every problem.
    `known_wards`: the postcode lookup's wards (a ward name must be one of them when any
    are loaded)."""
    source = str(path)
    table = read_table(decode(path.read_bytes(), source), source)
    log = Log()
    check_header(table, COLUMNS, REQUIRED, log)
    log.raise_if_any(source)
    if not table.rows:
        log.error(None, None, "the file has a header row but no councillors")
    wards = {ward.lower(): ward for ward in known_wards}
    found: list[Councillor] = []
    first: dict[str, int] = {}
    for number, cells in table.rows:
        values = row_values(table, number, cells, log)
        if values is None:
            continue
        councillor = read_row(values, number, wards, log)
        if councillor is None:
            continue
        if councillor.id in first:
            log.error(number, "name", f'"{councillor.name}" in {councillor.ward} is already '
                      f"on row {first[councillor.id]}")
            continue
        first[councillor.id] = number
        found.append(councillor)
    log.raise_if_any(source)
    return found


def read_row(values: dict[str, str], row: int, wards: dict[str, str],
             log: Log) -> Councillor | None:
    before = len(log.problems)
    for name in REQUIRED:
        if not values.get(name):
            log.error(row, name, "must not be empty")
    ward = check_ward(values.get("ward", ""), row, wards, log)
    email = values.get("email", "")
    if email and not _EMAIL.match(email):
        log.error(row, "email", f'"{email}" is not an email address')
    phone = values.get("phone", "")
    normalised = uk_phone(phone) if phone else ""
    if normalised is None:
        log.error(row, "phone", f'"{phone}" is not a mobile number that can get texts '
                  "(write it like 07700 900123 or +44 7700 900123; for a landline, give an "
                  "email instead)")
    chat = values.get("telegram_chat_id", "")
    if chat and not _CHAT_ID.match(chat):
        log.error(row, "telegram_chat_id", f'"{chat}" is not a Telegram chat id (a whole '
                  "number; Telegram's @userinfobot tells anyone theirs)")
    if not any(values.get(name) for name in CONTACTS):
        log.error(row, None, "needs at least one contact: email, phone or telegram_chat_id")
    if len(log.problems) > before or ward is None:
        return None
    name = values["name"]
    return Councillor(councillor_id(ward, name), name, ward, email, normalised or "", chat)


def check_ward(value: str, row: int, wards: dict[str, str], log: Log) -> str | None:
    """The ward as the lookup spells it; an ONS code as given; a name the lookup lacks is
    an error when a lookup is loaded (a typo would leave the ward without alerts)."""
    if not value:
        return None
    if ONS_WARD_CODE.match(value.upper()):
        return value.upper()
    if not wards:
        return value
    if value.lower() in wards:
        return wards[value.lower()]
    log.error(row, "ward", f'"{value}" is not a ward in the postcode lookup'
              + did_you_mean(value, list(wards.values())) + "; the wards are: "
              + ", ".join(sorted(wards.values())))
    return None


# -- storing and finding ------------------------------------------------------------------

@dataclass(frozen=True)
class Imported:
    councillors: int
    wards: int
    new: int
    changed: int
    removed: int
    uncovered: list[str]  # wards in the lookup that nobody represents
    unmatched_codes: list[str] = field(default_factory=list)  # ONS codes the lookup lacks

    def describe(self, source: str) -> str:
        line = (f"Imported {counted(self.councillors, 'councillor')} "
                f"for {counted(self.wards, 'ward')} ({source}): "
                f"{self.new} new, {self.changed} changed, {self.removed} removed.")
        if self.uncovered:
            line += (" No councillor for: " + ", ".join(self.uncovered)
                     + " (objections there alert nobody).")
        if self.unmatched_codes:
            line += (" Wards given as ONS codes that the postcode lookup does not use: "
                     + ", ".join(self.unmatched_codes) + " (their councillors get alerts and "
                     "their ward's digest only once the lookup names wards by those codes).")
        return line


def lookup_wards(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT DISTINCT ward FROM wards ORDER BY ward")]


def import_councillors(db: sqlite_utils.Database, path: Path, now: datetime) -> Imported:
    """Read the file and make it the list of councillors, in one transaction."""
    councillors = read_councillors(path, lookup_wards(db))
    with write(db):
        before = {c.id: c for c in all_councillors(db)}
        keep = [c.id for c in councillors]
        removed = [cid for cid in before if cid not in keep]
        for c in councillors:
            db.execute(
                "INSERT INTO councillors (id, name, ward, email, phone, telegram_chat_id, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "name = excluded.name, ward = excluded.ward, email = excluded.email, "
                "phone = excluded.phone, telegram_chat_id = excluded.telegram_chat_id",
                [c.id, c.name, c.ward, c.email or None, c.phone or None,
                 c.telegram_chat_id or None, iso(now)])
        for cid in removed:
            db.execute("DELETE FROM councillors WHERE id = ?", [cid])
            cancel_queued(db, before[cid])
    represented = {c.ward.lower() for c in councillors}
    known = {w.lower() for w in lookup_wards(db)}
    return Imported(
        councillors=len(councillors), wards=len(represented),
        new=sum(c.id not in before for c in councillors),
        changed=sum(c.id in before and before[c.id] != c for c in councillors),
        removed=len(removed),
        uncovered=[w for w in lookup_wards(db) if w.lower() not in represented],
        unmatched_codes=sorted({c.ward for c in councillors if ONS_WARD_CODE.match(c.ward)
                                and c.ward.lower() not in known}))


def remove_sample_councillors(db: sqlite_utils.Database) -> int:
    """Take the sample council's made-up councillors (catalogue/sample/) out, as the
    council's own catalogue replaces the sample; councillors the council imported stay."""
    sample = resources.files("catalogue") / "sample" / "sample-councillors.csv"
    with resources.as_file(sample) as path:
        made_up = read_councillors(path, [])
    removed = 0
    with write(db):
        for councillor in made_up:
            if councillor_by_id(db, councillor.id) == councillor:
                db.execute("DELETE FROM councillors WHERE id = ?", [councillor.id])
                cancel_queued(db, councillor)
                removed += 1
    return removed


_COLUMN = {"email": "email", "telegram": "telegram_chat_id", "sms": "phone"}


def cancel_queued(db: sqlite_utils.Database, councillor: Councillor) -> None:
    """Alerts and digests still queued for a councillor who is no longer one are not sent
    (call it once their row is gone; a contact still a councillor's, as when one of two
    wards' rows goes, keeps what is queued for it)."""
    for channel, address in councillor.contacts:
        if db.execute(f"SELECT 1 FROM councillors WHERE {_COLUMN[channel]} = ? LIMIT 1",
                      [address]).fetchone():
            continue
        db.execute("UPDATE outbox SET state = 'cancelled', last_error = 'no longer a "
                   "councillor' WHERE state = 'queued' AND kind IN ('digest', "
                   "'objection-alert') AND channel = ? AND address = ?", [channel, address])


def _councillor(row: tuple[str, ...]) -> Councillor:
    return Councillor(*(value or "" for value in row))


_SELECT = "SELECT id, name, ward, email, phone, telegram_chat_id FROM councillors"


def all_councillors(db: sqlite_utils.Database) -> list[Councillor]:
    return [_councillor(row) for row in db.execute(f"{_SELECT} ORDER BY lower(ward), id")]


def councillors_for_ward(db: sqlite_utils.Database, ward: str) -> list[Councillor]:
    return [_councillor(row) for row in db.execute(
        f"{_SELECT} WHERE lower(ward) = lower(?) ORDER BY id", [ward])]


def joined(names: list[str]) -> str:
    """"Riverside", "Riverside and Hillside", "Abbey, Brook and Castle"."""
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]])) if names else ""


def wards_of(db: sqlite_utils.Database, councillor: Councillor) -> list[str]:
    """Every ward the councillor sits for (a councillor for two wards is two rows with
    the same Telegram chat), their own row's first."""
    rows = db.execute("SELECT ward FROM councillors WHERE telegram_chat_id = ? ORDER BY id",
                      [councillor.telegram_chat_id]).fetchall() \
        if councillor.telegram_chat_id else []
    return [councillor.ward, *(r[0] for r in rows if r[0].lower() != councillor.ward.lower())]


def speaking_for(db: sqlite_utils.Database, councillor: Councillor, wards: list[str],
                 objected_from: list[str]) -> Councillor:
    """The councillor as residents answered about an entry read them: named for the
    entry's own `wards` among theirs, else for the wards its objections came from
    (`objected_from`), else for all their wards ("Northgate and Riverside councillor")."""
    theirs = wards_of(db, councillor)
    if len(theirs) == 1:
        return councillor
    for concerned in (wards, objected_from):
        named = [w for w in theirs if w.lower() in {c.lower() for c in concerned if c}]
        if named:
            break
    else:
        named = theirs
    if len(named) == 1:
        return replace(councillor, id=councillor_id(named[0], councillor.name), ward=named[0])
    return replace(councillor, ward=joined(named))


def councillor_by_chat(db: sqlite_utils.Database, chat_id: str) -> Councillor | None:
    row = db.execute(f"{_SELECT} WHERE telegram_chat_id = ? ORDER BY id LIMIT 1",
                     [chat_id]).fetchone()
    return _councillor(row) if row else None


def councillor_by_id(db: sqlite_utils.Database, cid: str) -> Councillor | None:
    row = db.execute(f"{_SELECT} WHERE id = ?", [cid]).fetchone()
    return _councillor(row) if row else None


__all__ = ["CatalogueError", "Councillor", "import_councillors"]
