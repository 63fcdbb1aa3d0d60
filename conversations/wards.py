"""The postcode -> ward CSV (`localsupport wards import FILE`): header `postcode,ward`.

Postcodes are stored without spaces in upper case; a row may also give a postcode sector
("RV1 1") or district ("RV1") to cover every postcode in it. All or nothing: any bad row
stops the import, and the problems name the row (header = row 1) and column.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlite_utils

from catalogue.csvfile import check_header, decode, read_table
from catalogue.problems import CatalogueError, Log
from conversations.records import ensure_records, normalise_postcode, save_wards

COLUMNS = ("postcode", "ward")
_CODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?(?:\d(?:[A-Z]{2})?)?$")  # full, sector or district


def read_wards(path: Path) -> dict[str, str]:
    """postcode -> ward from the file, or CatalogueError listing every problem."""
    source = str(path)
    table = read_table(decode(path.read_bytes(), source), source)
    log = Log()
    check_header(table, COLUMNS, COLUMNS, log)
    log.raise_if_any(source)
    where = {name: table.header.index(name) for name in COLUMNS}
    wards: dict[str, str] = {}
    first: dict[str, int] = {}
    for number, cells in table.rows:
        cells = cells + [""] * (len(table.header) - len(cells))
        raw, ward = cells[where["postcode"]], cells[where["ward"]]
        code = normalise_postcode(raw)
        if not _CODE.match(code):
            log.error(number, "postcode", f'"{raw}" is not a UK postcode (like RV1 1AA), '
                      "sector (RV1 1) or district (RV1)")
        if not ward:
            log.error(number, "ward", "is empty")
        if code in wards and wards[code] != ward:
            log.error(number, "postcode", f'"{raw}" is already in ward "{wards[code]}" '
                      f"on row {first[code]}")
        wards.setdefault(code, ward)
        first.setdefault(code, number)
    if not table.rows:
        log.error(None, None, "the file has a header row but no postcodes")
    log.raise_if_any(source)
    return wards


def import_wards(db: sqlite_utils.Database, path: Path, *, replace: bool = False) -> str:
    """Read and store the file; a one-line summary for the person running the command."""
    wards = read_wards(path)
    ensure_records(db)
    save_wards(db, wards, replace=replace)
    return f"Imported {len(wards)} postcodes in {len(set(wards.values()))} wards."


__all__ = ["CatalogueError", "import_wards", "read_wards"]
