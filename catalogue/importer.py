"""Importing, checking and exporting a council's catalogue (the `catalogue` commands).

The file's type is recognised from its content: JSON is an Open Referral UK export, a CSV
whose header is `code,question` is the circumstances list, any other CSV is the catalogue.
A CSV import is all or nothing: every row is checked first, and the whole file is written
in one transaction only when no row has a problem. An Open Referral UK feed (a file, or an
API read page by page: catalogue/oruk_api.py) skips the services it cannot import and
names them (catalogue/oruk.py); the rest is written in one transaction.

The hand-over from the sample: while the bundled sample catalogue is in use, the first
import of the council's own entries removes the sample's entries in the same transaction
and says so; `hand_over=False` refuses instead (SampleInUse), so that the command line can
ask first.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from catalogue import csvfile, oruk, oruk_export
from catalogue.lgsl import entry_code
from catalogue.model import Circumstance, Entry
from catalogue.plurals import counted
from catalogue.problems import CatalogueError, Log, Problem, report_lines
from catalogue.schema import ORIGIN_CSV, ORIGIN_FEED, SAMPLE_SOURCE
from catalogue.storage import reading
from catalogue.storage import write as write_transaction
from catalogue.store import (
    council_keywords,
    entry_ids_from,
    entry_origins,
    load_circumstances,
    load_entries,
    remove_gone_from_source,
    remove_sample,
    sample_entry_count,
    save_catalogue,
)

__all__ = [
    "CatalogueError", "ImportSummary", "Problem", "SampleInUse", "check_file", "export_file",
    "import_file", "import_records", "load_sample",
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
    removed_ids: list[str] = field(default_factory=list)  # which, for the officer to see
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # why feed services were left out
    skipped_services: int = 0
    closed: int = 0  # services the feed marks inactive or defunct
    repeated: int = 0  # services a feed lists twice, identically
    linked: int = 0  # entries with an LGSL code (catalogue/lgsl.py)
    sample_removed: int = 0  # the sample's entries this import replaces
    kept_other: int = 0  # entries --replace leaves: they came from the other kind of source
    kept_keywords: int = 0  # feed entries keeping what the council added to them
    written: bool = False  # the import was saved (not a check or a dry run)

    def describe(self) -> str:
        if self.kind == "circumstances":
            what = plural(self.circumstances, "circumstance")
        elif self.kind == "oruk":
            what = f"{plural(self.entries, 'service')} from an Open Referral UK feed"
        else:
            what = plural(self.entries, "catalogue entry")
        source = f" ({self.source})" if self.source else ""
        text = (f"{what}{source}: {self.added} new, {self.updated} changed, "
                f"{self.unchanged} unchanged, {self.removed} removed")
        if self.skipped_services:
            text += f"; {plural(self.skipped_services, 'service')} skipped (listed below)"
        if self.closed:
            text += f"; {plural(self.closed, 'service')} marked inactive or defunct left out"
        if self.repeated:
            text += f"; {plural(self.repeated, 'service')} listed twice read once"
        if self.linked:
            text += f"; {self.linked} linked to the LGA service list"
        if self.kept_keywords:
            text += (f"; what the council added (keywords, category, wards, conditions) "
                     f"kept on "
                     f"{plural(self.kept_keywords, 'entry')}")
        if self.warnings:
            text += f"; {plural(self.warnings, 'warning')}"
        text += "."
        if self.removed_ids and not self.sample_removed:
            shown = ", ".join(self.removed_ids[:REMOVED_SHOWN])
            more = len(self.removed_ids) - REMOVED_SHOWN
            text += (f" {'Removed' if self.written else 'Would remove'}: {shown}"
                     f"{f' and {more} more' if more > 0 else ''}.")
        if self.kept_other:
            text += " " + self.kept_other_text()
        if self.sample_removed:
            made_up = plural(self.sample_removed, "made-up entry")
            text += (f" This replaces the SAMPLE catalogue: its {made_up} "
                     f"{'is' if self.sample_removed == 1 else 'are'} removed."
                     if self.written else
                     f" This would replace the SAMPLE catalogue: its {made_up} would be "
                     "removed.")
        return text

    def kept_other_text(self) -> str:
        """What --replace left alone, and why."""
        ours, theirs = ((FROM_FEED, FROM_CSV) if self.kind == "oruk" else (FROM_CSV, FROM_FEED))
        count = plural(self.kept_other, "entry")
        verb = ("is" if self.kept_other == 1 else "are") if self.written else "would be"
        return (f"--replace replaces only the entries that came from {ours}: the {count} "
                f"from {theirs} {verb} kept.")

    def warning_report(self) -> str:
        """The skipped services and the warnings, one line each ("" when there are none)."""
        lines = [f"skipped: {line}" for line in report_lines(self.skipped)]
        lines += [f"warning: {line}" for line in report_lines(self.warnings)]
        return "\n".join(lines)


REMOVED_SHOWN = 10  # the ids an import names of the entries it removes
FROM_FEED, FROM_CSV = "an Open Referral UK feed", "a catalogue CSV"


def plural(count: int | list[Problem], noun: str, nouns: str = "") -> str:
    """"1 service", "2 services", "1 entry", "3 entries"; of a list, its length."""
    return counted(count if isinstance(count, int) else len(count), noun, nouns)


class SampleInUse(Exception):
    """The import would replace the sample catalogue and was not told it may."""

    def __init__(self, summary: ImportSummary) -> None:
        self.summary = summary
        made_up = plural(summary.sample_removed, "made-up entry")
        super().__init__(f"the database holds the SAMPLE catalogue ({made_up}); importing "
                         "would replace it")


@dataclass(frozen=True)
class Parsed:
    kind: FileKind
    entries: list[Entry]
    circumstances: list[Circumstance]
    warnings: list[Problem]
    feed: oruk.FeedRead | None = None
    # a feed's entries: the keywords the feed gives each (its entries may hold the
    # council's too, catalogue/store.py `council_keywords`)
    feed_keywords: dict[str, tuple[str, ...]] | None = None


# -- the commands ----------------------------------------------------------------------------

def check_file(db: sqlite_utils.Database, path: Path) -> ImportSummary:
    """Validate `path` against the database; raise CatalogueError as an import would."""
    return import_bytes(db, path.read_bytes(), path.name, write=False)


def import_file(
    db: sqlite_utils.Database, path: Path, *, replace: bool = False, dry_run: bool = False,
    hand_over: bool = False,
) -> ImportSummary:
    """Import `path` (upsert by id; `replace` removes what the file does not hold)."""
    return import_bytes(db, path.read_bytes(), path.name, replace=replace, write=not dry_run,
                        hand_over=hand_over)


def import_records(
    db: sqlite_utils.Database, records: list[Any], source: str, *, replace: bool = False,
    dry_run: bool = False, hand_over: bool = False, refresh: bool = False,
) -> ImportSummary:
    """Import the services read from an ORUK API (catalogue/oruk_api.py). `refresh` (the
    daily re-import of CATALOGUE_URL) also removes the entries this source gave before
    and no longer lists."""
    parsed = parse_feed(records, source, load_circumstances(db))
    return write_parsed(db, parsed, source, replace=replace, write=not dry_run,
                        hand_over=hand_over, refresh=refresh)


EXPORTERS = {"oruk": oruk_export.to_oruk, "oruk-v1": oruk_export.to_oruk_v1}
FORMATS = ("csv", *EXPORTERS)


def export_file(db: sqlite_utils.Database, path: Path, fmt: str = "csv") -> int:
    """Write every entry to `path` as the catalogue CSV, ORUK 3.0 (`oruk`) or ORUK 1.0
    (`oruk-v1`) JSON; return how many."""
    entries = load_entries(db)
    if fmt == "csv":
        csvfile.write_catalogue(path, entries)
    elif fmt in EXPORTERS:
        text = json.dumps(EXPORTERS[fmt](entries), ensure_ascii=False, indent=1)
        path.write_text(text + "\n", encoding="utf-8")
    else:
        raise ValueError(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}")
    return len(entries)


def load_sample(db: sqlite_utils.Database) -> ImportSummary:
    """Import the bundled sample circumstances, then the sample catalogue, marked as the
    sample (catalogue/store.py `sample_in_use`)."""
    folder = resources.files("catalogue") / "sample"
    import_bytes(db, (folder / SAMPLE_CIRCUMSTANCES).read_bytes(), SAMPLE_CIRCUMSTANCES)
    return import_bytes(db, (folder / SAMPLE_CATALOGUE).read_bytes(), SAMPLE_CATALOGUE,
                        origin=SAMPLE_SOURCE)


# -- the work --------------------------------------------------------------------------------

def import_bytes(
    db: sqlite_utils.Database, data: bytes, source: str, *,
    replace: bool = False, write: bool = True, origin: str | None = None,
    hand_over: bool = False,
) -> ImportSummary:
    parsed = parse(data, source, load_circumstances(db))
    return write_parsed(db, parsed, source, replace=replace, write=write, origin=origin,
                        hand_over=hand_over)


def write_parsed(
    db: sqlite_utils.Database, parsed: Parsed, source: str, *, replace: bool, write: bool,
    origin: str | None = None, hand_over: bool = False, refresh: bool = False,
) -> ImportSummary:
    """Compare with the database, then (unless `write` is false) save, in one transaction.
    `origin` is recorded on the entries (default: `source`)."""
    origin = origin or source
    kind = origin_kind(parsed, origin)
    kept_keywords = 0
    with reading(db):  # one snapshot: an import by another process may run meanwhile
        known = load_circumstances(db)
        stored = load_entries(db) if parsed.kind != "circumstances" else []  # read once
        if parsed.kind == "oruk":
            parsed, kept_keywords = with_council_additions(
                parsed, council_keywords(db), {e.id: e for e in stored})
        if parsed.kind == "circumstances":
            summary = compare_circumstances(parsed.circumstances, known, replace)
            if replace:
                check_codes_still_used(db, parsed.circumstances, source)
        else:
            sample = sample_entry_count(db) if origin != SAMPLE_SOURCE else 0
            leaving = sample_ids(db) if sample else set()
            existing = [e for e in stored if e.id not in leaving]
            origins = entry_origins(db)
            summary = compare_entries(parsed, existing, replace,
                                      {e.id for e in existing if origins[e.id] == kind})
            summary.circumstances, summary.sample_removed = len(known), sample
            summary.kept_keywords = kept_keywords
    summary.source, summary.warnings = source, parsed.warnings
    feed = parsed.feed
    if feed is not None:
        summary.skipped, summary.skipped_services = feed.skipped, feed.skipped_services
        summary.closed, summary.repeated = feed.closed, feed.repeated
    if not write:
        return summary
    if summary.sample_removed and not hand_over:
        raise SampleInUse(summary)
    summary.written = True
    keep = feed.skipped_ids if feed else set()
    with write_transaction(db):
        if summary.sample_removed:
            remove_sample(db)
        save_catalogue(db, parsed.entries, parsed.circumstances, replace=replace,
                       source=origin, keep=keep, origin=kind,
                       feed_keywords=parsed.feed_keywords)
        if refresh:
            summary.removed += remove_gone_from_source(
                db, origin, {e.id for e in parsed.entries} | keep)
    return summary


def sample_ids(db: sqlite_utils.Database) -> set[str]:
    return entry_ids_from(db, SAMPLE_SOURCE)


def origin_kind(parsed: Parsed, origin: str) -> str:
    """The kind of source (catalogue/schema.py) the parsed entries come from."""
    if origin == SAMPLE_SOURCE:
        return SAMPLE_SOURCE
    return ORIGIN_FEED if parsed.kind == "oruk" else ORIGIN_CSV


# What an Open Referral UK feed does not carry (only our own export's extra does,
# catalogue/oruk_fields.py): when a feed leaves one empty, the council's value stays
COUNCIL_FIELDS = ("category", "wards", "criteria", "alert_at")


def with_council_additions(
    parsed: Parsed, council: dict[str, tuple[str, ...]], existing: dict[str, Entry]
) -> tuple[Parsed, int]:
    """A feed's entries with what the council added to them in a catalogue CSV: its
    keywords after the feed's own (a refresh of the feed updates the feed's keywords and
    keeps the council's), and a category, wards, conditions or alert level the feed does
    not carry (our own export, read back, carries them, even empty). How many entries kept
    something."""
    entries, kept = [], 0
    for entry in parsed.entries:
        present = {word.casefold() for word in entry.keywords}
        added = tuple(w for w in council.get(entry.id, ()) if w.casefold() not in present)
        before = existing.get(entry.id)
        given = parsed.feed.given.get(entry.id, frozenset()) if parsed.feed else frozenset()
        fields = {name: getattr(before, name) for name in COUNCIL_FIELDS
                  if before is not None and name not in given  # an export of ours says
                  and getattr(before, name) not in ("", (), None)
                  and getattr(entry, name) in ("", (), None)}
        if added or fields:
            kept += 1
            entry = dataclasses.replace(entry, keywords=entry.keywords + added, **fields)
        entries.append(entry)
    feed_keywords = {entry.id: entry.keywords for entry in parsed.entries}
    return dataclasses.replace(parsed, entries=entries, feed_keywords=feed_keywords), kept


def parse(data: bytes, source: str, known: dict[str, Circumstance]) -> Parsed:
    """The file's records, whatever its type; CatalogueError naming every problem."""
    if looks_like_json(data, source):
        text = data.decode("utf-8-sig", errors="replace")
        return parse_feed(oruk.services_in(text, source), source, known)
    log = Log()
    table = csvfile.read_table(csvfile.decode(data, source), source)
    if csvfile.is_circumstances(table):
        circumstances = csvfile.read_circumstances(table, log)
        log.raise_if_any(source)
        return Parsed("circumstances", [], circumstances, log.warnings)
    entries = csvfile.read_catalogue(table, known, log)
    log.raise_if_any(source)
    return Parsed("catalogue", entries, [], log.warnings)


def parse_feed(records: list[Any], source: str, known: dict[str, Circumstance]) -> Parsed:
    try:
        feed = oruk.read_services(records, known)
    except CatalogueError as error:
        raise CatalogueError(error.problems, source) from None
    return Parsed("oruk", feed.entries, [], feed.warnings, feed)


def looks_like_json(data: bytes, source: str) -> bool:
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return source.lower().endswith(".json") or start in (b"{", b"[")


def compare_entries(
    parsed: Parsed, existing: list[Entry], replace: bool, replaceable: set[str]
) -> ImportSummary:
    """`replaceable`: the existing entries --replace may remove (of the same origin)."""
    summary = ImportSummary(parsed.kind, entries=len(parsed.entries),
                            linked=sum(1 for e in parsed.entries if entry_code(e)))
    new = {e.id: e for e in parsed.entries}
    count_changes(summary, new, {e.id: e for e in existing}, replace,
                  keep=(parsed.feed.skipped_ids if parsed.feed else set())
                  | {e.id for e in existing if e.id not in replaceable})
    if replace:
        summary.kept_other = sum(1 for e in existing if e.id not in replaceable | set(new))
    return summary


def compare_circumstances(
    circumstances: list[Circumstance], known: dict[str, Circumstance], replace: bool
) -> ImportSummary:
    summary = ImportSummary("circumstances", circumstances=len(circumstances))
    count_changes(summary, {c.code: c for c in circumstances}, known, replace)
    return summary


def count_changes(
    summary: ImportSummary, new: Mapping[str, object], old: Mapping[str, object], replace: bool,
    keep: set[str] | None = None,
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
        summary.removed_ids = sorted(set(old) - set(new) - (keep or set()))
        summary.removed = len(summary.removed_ids)


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
