"""Importing, checking and exporting a council's catalogue (the `catalogue` commands).

The file's type is recognised from its content: JSON is an Open Referral UK export, a CSV
whose header is `code,question` is the circumstances list, any other CSV is the catalogue.
An import is all or nothing: every row is checked first, and the whole file is written in
one transaction only when no row has a problem.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

import sqlite_utils

from catalogue import csvfile, oruk
from catalogue.model import Circumstance, Entry
from catalogue.problems import CatalogueError, Log, Problem, report_lines
from catalogue.store import load_circumstances, load_entries, save_catalogue

__all__ = [
    "CatalogueError", "ImportSummary", "Problem", "check_file", "export_file", "import_file",
    "load_sample",
]

FileKind = Literal["catalogue", "circumstances", "oruk"]
SAMPLE_CATALOGUE = "sample-catalogue.csv"
SAMPLE_CIRCUMSTANCES = "sample-circumstances.csv"


@dataclass
class ImportSummary:
    """What an import did, or would do (check, dry run)."""

    kind: FileKind
    source: str = ""
    entries: int = 0  # entries in the file
    circumstances: int = 0  # circumstances in the file (catalogue files: in the database)
    added: int = 0  # of the file's kind: entries, or circumstances for a circumstances file
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    warnings: list[Problem] = field(default_factory=list)

    def describe(self) -> str:
        if self.kind == "circumstances":
            what = f"{self.circumstances} circumstances"
        elif self.kind == "oruk":
            what = f"{self.entries} services from an Open Referral UK file"
        else:
            what = f"{self.entries} catalogue entries"
        source = f" ({self.source})" if self.source else ""
        text = (f"{what}{source}: {self.added} new, {self.updated} changed, "
                f"{self.unchanged} unchanged, {self.removed} removed")
        if self.warnings:
            text += f"; {len(self.warnings)} warning{'s' if len(self.warnings) > 1 else ''}"
        return text + "."

    def warning_report(self) -> str:
        """The warnings, one line each ("" when there are none)."""
        return "\n".join(f"warning: {line}" for line in report_lines(self.warnings))


@dataclass(frozen=True)
class Parsed:
    kind: FileKind
    entries: list[Entry]
    circumstances: list[Circumstance]
    warnings: list[Problem]


# -- the commands ----------------------------------------------------------------------------

def check_file(db: sqlite_utils.Database, path: Path) -> ImportSummary:
    """Validate `path` against the database; raise CatalogueError as an import would."""
    return import_bytes(db, path.read_bytes(), path.name, write=False)


def import_file(
    db: sqlite_utils.Database, path: Path, *, replace: bool = False, dry_run: bool = False
) -> ImportSummary:
    """Import `path` (upsert by id; `replace` removes what the file does not hold)."""
    return import_bytes(db, path.read_bytes(), path.name, replace=replace, write=not dry_run)


def export_file(db: sqlite_utils.Database, path: Path, fmt: str = "csv") -> int:
    """Write every entry to `path` as the catalogue CSV or ORUK JSON; return how many."""
    entries = load_entries(db)
    if fmt == "csv":
        csvfile.write_catalogue(path, entries)
    elif fmt == "oruk":
        text = json.dumps(oruk.to_oruk(entries), ensure_ascii=False, indent=1)
        path.write_text(text + "\n", encoding="utf-8")
    else:
        raise ValueError(f"unknown export format {fmt!r}: use csv or oruk")
    return len(entries)


def load_sample(db: sqlite_utils.Database) -> ImportSummary:
    """Import the bundled sample circumstances, then the sample catalogue."""
    folder = resources.files("catalogue") / "sample"
    import_bytes(db, (folder / SAMPLE_CIRCUMSTANCES).read_bytes(), SAMPLE_CIRCUMSTANCES)
    return import_bytes(db, (folder / SAMPLE_CATALOGUE).read_bytes(), SAMPLE_CATALOGUE)


# -- the work --------------------------------------------------------------------------------

def import_bytes(
    db: sqlite_utils.Database, data: bytes, source: str, *,
    replace: bool = False, write: bool = True,
) -> ImportSummary:
    known = load_circumstances(db)
    parsed = parse(data, source, known)
    if parsed.kind == "circumstances":
        summary = compare_circumstances(parsed.circumstances, known, replace)
        if replace:
            check_codes_still_used(db, parsed.circumstances, source)
    else:
        summary = compare_entries(parsed, load_entries(db), replace)
        summary.circumstances = len(known)
    summary.source, summary.warnings = source, parsed.warnings
    if write:
        save_catalogue(db, parsed.entries, parsed.circumstances, replace=replace)
    return summary


def parse(data: bytes, source: str, known: dict[str, Circumstance]) -> Parsed:
    """The file's records, whatever its type; CatalogueError naming every problem."""
    if looks_like_json(data, source):
        log = Log(unit="service", names=oruk.FIELD_NAMES)
        text = data.decode("utf-8-sig", errors="replace")
        entries = oruk.read_services(oruk.services_in(text, source), known, log)
        log.raise_if_any(source)
        return Parsed("oruk", entries, [], log.warnings)
    log = Log()
    table = csvfile.read_table(csvfile.decode(data, source), source)
    if csvfile.is_circumstances(table):
        circumstances = csvfile.read_circumstances(table, log)
        log.raise_if_any(source)
        return Parsed("circumstances", [], circumstances, log.warnings)
    entries = csvfile.read_catalogue(table, known, log)
    log.raise_if_any(source)
    return Parsed("catalogue", entries, [], log.warnings)


def looks_like_json(data: bytes, source: str) -> bool:
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return source.lower().endswith(".json") or start in (b"{", b"[")


def compare_entries(parsed: Parsed, existing: list[Entry], replace: bool) -> ImportSummary:
    summary = ImportSummary(parsed.kind, entries=len(parsed.entries))
    count_changes(summary, {e.id: e for e in parsed.entries}, {e.id: e for e in existing},
                  replace)
    return summary


def compare_circumstances(
    circumstances: list[Circumstance], known: dict[str, Circumstance], replace: bool
) -> ImportSummary:
    summary = ImportSummary("circumstances", circumstances=len(circumstances))
    count_changes(summary, {c.code: c for c in circumstances}, known, replace)
    return summary


def count_changes(
    summary: ImportSummary, new: Mapping[str, object], old: Mapping[str, object], replace: bool
) -> None:
    """Added, unchanged and updated by key; removed only when the file replaces the rest."""
    for key, item in new.items():
        if key not in old:
            summary.added += 1
        elif old[key] == item:
            summary.unchanged += 1
        else:
            summary.updated += 1
    if replace:
        summary.removed = len(set(old) - set(new))


def check_codes_still_used(
    db: sqlite_utils.Database, circumstances: list[Circumstance], source: str
) -> None:
    """--replace must not drop a circumstance that catalogue entries still depend on."""
    keep = {item.code for item in circumstances}
    problems = []
    for entry in load_entries(db):
        missing = sorted({c.code for c in entry.criteria} - keep)
        if missing:
            problems.append(Problem(None, None, (
                f'entry "{entry.id}" depends on {", ".join(missing)}, which this file would '
                "remove; import without --replace, or change that entry's criteria first")))
    if problems:
        raise CatalogueError(problems, source)
