"""Catalogue and circumstances spreadsheets (CSV) in and out.

Reading is forgiving where a spreadsheet is sloppy (a BOM, Windows line endings, stray
spaces, trailing empty cells and rows, `kind` in any case, header names in any case) and
strict where the data would be wrong (see INTERFACE.md, "Catalogue CSV").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from catalogue.model import COLUMNS, REQUIRED, Circumstance, Entry
from catalogue.problems import CatalogueError, Log, Problem
from catalogue.store import entry_to_row
from catalogue.validate import CODE_PATTERN, build_entry, did_you_mean

CIRCUMSTANCE_COLUMNS = ("code", "question")
SAVE_AS_HINT = 'In Excel choose File > Save As > "CSV UTF-8 (Comma delimited) (*.csv)".'


@dataclass(frozen=True)
class Table:
    header: list[str]  # normalised column names, in file order, trailing blank names dropped
    width: int  # cells in the header row, blank names included
    rows: list[tuple[int, list[str]]]  # (spreadsheet row, trimmed cells); blank rows left out


def decode(data: bytes, source: str) -> str:
    """The file's text; a clear error when it is not UTF-8 CSV."""
    def fail(message: str) -> CatalogueError:
        return CatalogueError([Problem(None, None, message)], source)

    if data.startswith(b"PK\x03\x04"):
        raise fail("this is an Excel workbook (.xlsx), not a CSV file. " + SAVE_AS_HINT)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail('the file is saved as "Unicode Text" (UTF-16), not CSV. ' + SAVE_AS_HINT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row, line = row_and_line_at(data, error.start)
        char = data[error.start : error.start + 1].decode("cp1252", errors="replace")
        raise CatalogueError([Problem(row, None, (
            f'the file is not UTF-8: this row (line {line} of the file) has a character '
            f'("{char}") saved in another encoding, as Excel\'s plain "CSV (Comma delimited)" '
            f"does. {SAVE_AS_HINT}"
        ))], source) from None
    if not text.strip():
        raise fail("the file is empty")
    return text


def row_and_line_at(data: bytes, offset: int) -> tuple[int, int]:
    """The spreadsheet row (the CSV record, header = 1, as read_table numbers them) and the
    line of the file that the byte at `offset` is on: they differ once a cell before it
    holds a line break inside quotes."""
    line = data[:offset].count(b"\n") + 1
    before = data[:offset].decode("utf-8-sig", errors="replace")
    try:  # a character in place of the bad one, so that the record it is in is read
        return len(list(csv.reader(io.StringIO(before + "?", newline="")))), line
    except csv.Error:  # unreadable before it, too: the line is the best there is
        return line, line


def normalise_name(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def read_table(text: str, source: str) -> Table:
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise CatalogueError([Problem(None, None, f"cannot read the file as CSV: {error}. "
                                      "Check for a quote (\") that is never closed.")],
                             source) from None
    header = [normalise_name(cell) for cell in records[0]]
    while header and not header[-1]:
        header.pop()
    rows = []
    for number, cells in enumerate(records[1:], start=2):
        trimmed = [cell.strip() for cell in cells]
        if any(trimmed):
            rows.append((number, trimmed))
    return Table(header, len(records[0]), rows)


def is_circumstances(table: Table) -> bool:
    return {"code", "question"} <= set(table.header) and "id" not in table.header


def check_header(table: Table, known: Sequence[str], required: Sequence[str], log: Log) -> None:
    if len(table.header) == 1 and ";" in table.header[0]:
        log.error(1, None, 'the columns are separated by ";", not commas. ' + SAVE_AS_HINT)
        return
    seen: set[str] = set()
    for name in table.header:
        if not name:
            log.error(1, None, "a column has no name in the header row")
        elif name not in known:
            log.error(1, name, "is not a known column" + did_you_mean(name, known)
                      + "; the columns are: " + ", ".join(known))
        elif name in seen:
            log.error(1, name, "appears twice in the header row")
        seen.add(name)
    for name in required:
        if name not in seen:
            log.error(1, name, "is a required column but the header row does not have it")


def row_values(table: Table, number: int, cells: list[str], log: Log) -> dict[str, str] | None:
    width = len(table.header)
    if len(cells) > table.width or any(cells[width:]):
        log.error(number, None, f"has {len(cells)} cells but the header has {width} columns; "
                  'a cell with a comma in it must be inside "double quotes"')
        return None
    return {name: cells[i] if i < len(cells) else "" for i, name in enumerate(table.header)}


def read_catalogue(table: Table, known_codes: Collection[str], log: Log) -> list[Entry]:
    """Every entry in the table; problems (row and column) go to `log`."""
    check_header(table, COLUMNS, REQUIRED, log)
    if log.problems:
        return []
    if not table.rows:
        log.error(None, None, "the file has a header row but no entries")
    entries = []
    first_row: dict[str, tuple[int, str]] = {}  # id in lower case -> (its row, as written)
    for number, cells in table.rows:
        values = row_values(table, number, cells, log)
        if values is None:
            continue
        entry_id = values.get("id", "")
        folded = entry_id.strip().casefold()  # "FSM" and "fsm " would be two entries
        if folded in first_row:
            row, written = first_row[folded]
            log.error(number, "id", f'"{entry_id}" is already used on row {row}'
                      + ("" if entry_id == written else " (ids must differ by more than capitals "
                         "or spaces)"))
        elif entry_id:
            first_row[folded] = number, entry_id
        entry = build_entry(values, number, known_codes, log)
        if entry is not None:
            entries.append(entry)
    return entries


def read_circumstances(table: Table, log: Log) -> list[Circumstance]:
    check_header(table, CIRCUMSTANCE_COLUMNS, CIRCUMSTANCE_COLUMNS, log)
    if log.problems:
        return []
    if not table.rows:
        log.error(None, None, "the file has a header row but no circumstances")
    out: list[Circumstance] = []
    first_row: dict[str, int] = {}
    for number, cells in table.rows:
        values = row_values(table, number, cells, log)
        if values is None:
            continue
        code, question = values["code"].lower(), values["question"]
        if not code:
            log.error(number, "code", "must not be empty")
        elif not CODE_PATTERN.fullmatch(code):
            log.error(number, "code", f'"{values["code"]}" is not a code: use lower-case '
                      'letters, digits and "_", starting with a letter, like income_benefit')
        elif code in first_row:
            log.error(number, "code", f'"{code}" is already used on row {first_row[code]}')
        else:
            first_row[code] = number
        if not question:
            log.error(number, "question", "must not be empty")
        elif not question.endswith("?"):
            log.warn(number, "question", "does not end with a question mark; people answer "
                     "it yes or no")
        out.append(Circumstance(code, question))
    return out


def write_catalogue(path: Path, entries: Sequence[Entry]) -> None:
    """The contract's columns in order; UTF-8 with a BOM so that Excel shows accents right."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for entry in entries:
            row = entry_to_row(entry)
            writer.writerow(["" if row[name] is None else row[name] for name in COLUMNS])
