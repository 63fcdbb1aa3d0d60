"""The postcode -> ward lookup (`localsupport wards import FILE`, `wards lookup POSTCODE`).

Two kinds of file, told apart by their header:
- the council's own CSV, `postcode,ward`: a row gives a full postcode, a sector ("RV1 1")
  or a district ("RV1"), parsed as UK postcodes (conversations/postcodes.py); the ward is
  a name, or an ONS ward code (E05...) whose name the ONS list gives;
- the ONS Postcode Directory (ONSPD) CSV: the `pcds` column and a ward-code column such
  as `wd24cd`, ward names from the ONS list (catalogue/data/ons-wards-2019.csv, see
  catalogue/data/README.md); a code the list does not have is kept as the ward's name.
All or nothing: any bad row stops the import; problems name the row (header = row 1).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import sqlite_utils

from catalogue.csvfile import Table, check_header, decode, normalise_name, read_table
from catalogue.plurals import agree, counted
from catalogue.problems import CatalogueError, Log, Problem
from catalogue.storage import write
from conversations.postcodes import parse_postcode, parse_prefix
from conversations.records import ensure_records, save_wards, ward_row_for_postcode

COLUMNS = ("postcode", "ward")
ONSPD_POSTCODE = "pcds"
ONSPD_WARD = re.compile(r"wd\d\dcd")
ONS_WARD_CODE = re.compile(r"[EWSN]\d{8}")
PSEUDO_CODE = re.compile(r"[A-Z]99999999")  # ONSPD's "no ward" (Channel Islands, Isle of Man)
ONSPD_COUNCIL = re.compile(r"oslaua|lad\d\dcd")
MAX_PROBLEMS = 200


@dataclass
class Lookup:
    """What a wards file holds: key -> ward name, and ward name -> ONS code where known."""

    wards: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    unnamed: set[str] = field(default_factory=set)  # ONS codes the list has no name for
    kind: str = "postcode,ward"


@cache
def ons_ward_names() -> dict[str, str]:
    """ONS ward code -> ward name (December 2019, catalogue/data/ons-wards-2019.csv)."""
    text = (resources.files("catalogue") / "data" / "ons-wards-2019.csv").read_text("utf-8-sig")
    return {row["WD19CD"]: row["WD19NM"] for row in csv.DictReader(io.StringIO(text))}


def read_wards(path: Path, council: str = "") -> Lookup:
    """The lookup in the file, or CatalogueError listing every problem. An ONSPD file is
    read row by row (the whole UK is 2.7 million rows); `council` keeps only the rows of
    one local authority (its ONS code, the `oslaua` or `ladNNcd` column)."""
    source = str(path)
    with path.open("rb") as handle:
        first_line = handle.readline(65_536).decode("utf-8-sig", errors="replace")
    header = [normalise_name(cell) for cell in next(csv.reader([first_line]), [])]
    ward_column = next((name for name in header if ONSPD_WARD.fullmatch(name)), None)
    log = Log()
    if ONSPD_POSTCODE in header and ward_column:
        lookup = read_onspd(path, header, ward_column, council.upper(), log)
        log.raise_if_any(source)
        return lookup
    table = read_table(decode(path.read_bytes(), source), source)
    check_header(table, COLUMNS, COLUMNS, log)
    log.raise_if_any(source)
    lookup = read_council_csv(table, log)
    if not table.rows:
        log.error(None, None, "the file has a header row but no postcodes")
    log.raise_if_any(source)
    return lookup


def read_council_csv(table: Table, log: Log) -> Lookup:
    lookup = Lookup()
    first: dict[str, int] = {}
    where = {name: table.header.index(name) for name in COLUMNS}
    for number, cells in table.rows:
        cells = cells + [""] * (len(table.header) - len(cells))
        raw, ward = cells[where["postcode"]], cells[where["ward"]]
        code = parse_prefix(raw)
        if code is None:
            log.error(number, "postcode", f'"{raw}" is not a UK postcode (like RV1 1AA), '
                      'sector (RV1 1, with the space) or district (RV1)')
        if not ward:
            log.error(number, "ward", "is empty")
        elif ONS_WARD_CODE.fullmatch(ward.upper()):
            ward = name_for_code(ward.upper(), lookup)
        if code is None or not ward:
            continue
        add(lookup, str(code), ward, number, raw, first, log)
    return lookup


def read_onspd(path: Path, header: list[str], ward_column: str, council: str,
               log: Log) -> Lookup:
    lookup = Lookup(kind=f"ONS Postcode Directory, {ward_column}")
    first: dict[str, int] = {}
    postcode_at, ward_at = header.index(ONSPD_POSTCODE), header.index(ward_column)
    council_at = next((i for i, name in enumerate(header) if ONSPD_COUNCIL.fullmatch(name)),
                      None)
    if council and council_at is None:
        log.error(1, None, "has no local authority column (oslaua, lad24cd, ...) to pick "
                  f"the council {council} by")
        return lookup
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        rows = csv.reader(handle)
        next(rows, None)
        for number, cells in enumerate(rows, start=2):
            if len(log.problems) >= MAX_PROBLEMS:
                log.error(None, None, f"stopped reading at row {number}: too many problems")
                break
            cells += [""] * (len(header) - len(cells))
            if council and council_at is not None and cells[council_at].upper() != council:
                continue
            read_onspd_row(cells, number, postcode_at, ward_at, ward_column, lookup, first,
                           log)
    if not lookup.wards and not log.problems:
        log.error(None, None, "no postcode in the file has a ward" + (
            f" in the council {council}" if council else ""))
    return lookup


def read_onspd_row(cells: list[str], number: int, postcode_at: int, ward_at: int,
                   ward_column: str, lookup: Lookup, first: dict[str, int], log: Log) -> None:
    raw, ward_code = cells[postcode_at].strip(), cells[ward_at].strip().upper()
    if not ward_code or PSEUDO_CODE.fullmatch(ward_code):
        return  # a postcode in no ward (ONSPD's pseudo-code)
    code = parse_postcode(raw)
    if code is None:
        log.error(number, ONSPD_POSTCODE, f'"{raw}" is not a full UK postcode')
    elif not ONS_WARD_CODE.fullmatch(ward_code):
        log.error(number, ward_column, f'"{ward_code}" is not an ONS ward code (E05...)')
    else:
        add(lookup, str(code), name_for_code(ward_code, lookup), number, raw, first, log)


def name_for_code(ward_code: str, lookup: Lookup) -> str:
    name = ons_ward_names().get(ward_code)
    if name is None:
        lookup.unnamed.add(ward_code)
        name = ward_code
    lookup.codes[name] = ward_code
    return name


def add(lookup: Lookup, key: str, ward: str, number: int, raw: str, first: dict[str, int],
        log: Log) -> None:
    if key in lookup.wards and lookup.wards[key] != ward:
        log.error(number, "postcode", f'"{raw}" is already in ward "{lookup.wards[key]}" '
                  f"on row {first[key]}")
        return
    lookup.wards.setdefault(key, ward)
    first.setdefault(key, number)


def import_wards(db: sqlite_utils.Database, path: Path, *, replace: bool = False,
                 council: str = "") -> str:
    """Read and store the file; a summary for the person running the command."""
    lookup = read_wards(path, council)
    ensure_records(db)
    moved = save_wards(db, lookup.wards, replace=replace, ward_codes=lookup.codes)
    text = f"Imported {len(lookup.wards)} postcodes in {len(set(lookup.wards.values()))} wards."
    if moved:
        text += (f" {counted(moved, 'person')} who gave a postcode now "
                 f"{agree(moved, 'belongs', 'belong')} to another ward, with their objections.")
    if lookup.kind != "postcode,ward":
        text += f" (from the {lookup.kind} columns)"
    if lookup.unnamed:
        text += (f"\n{len(lookup.unnamed)} ward codes are not in the ONS list of December "
                 f"2019, so they are kept by code: {', '.join(sorted(lookup.unnamed)[:10])}")
    return text


def remove_sample_wards(db: sqlite_utils.Database) -> int:
    """Take the sample council's rows (catalogue/sample/sample-wards.csv) out of the lookup,
    as the council's own catalogue replaces the sample; rows the council imported stay."""
    if not db.table("wards").exists():
        return 0
    sample = resources.files("catalogue") / "sample" / "sample-wards.csv"
    with resources.as_file(sample) as path:
        rows = read_wards(path).wards
    with write(db):
        return sum(db.execute("DELETE FROM wards WHERE postcode = ? AND ward = ?",
                              [key, ward]).rowcount for key, ward in rows.items())


def describe_lookup(db: sqlite_utils.Database, postcode: str) -> tuple[bool, str]:
    """`wards lookup`: (found, what to say). A text that is not a postcode is a CatalogueError."""
    code = parse_postcode(postcode)
    if code is None:
        raise CatalogueError([Problem(None, None, (
            f'"{postcode}" is not a full UK postcode (like RV1 1AA)'))])
    ensure_records(db)
    found = ward_row_for_postcode(db, postcode)
    if found is None:
        return False, (f"{code} is not in the lookup (tried {', '.join(code.lookup_keys())}); "
                       "objections from it are counted, just not in a ward.")
    key, ward = found
    row = db.execute("SELECT level, ward_code FROM wards WHERE postcode = ?", [key]).fetchone()
    level, ward_code = row
    how = "the postcode itself" if level == "unit" else f"its {level} {key}"
    code_text = f" ({ward_code})" if ward_code else ""
    return True, f"{code} is in {ward}{code_text}, found by {how}."


__all__ = ["CatalogueError", "Lookup", "describe_lookup", "import_wards", "read_wards",
           "remove_sample_wards"]
