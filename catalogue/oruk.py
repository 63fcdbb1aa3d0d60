"""Open Referral UK (ORUK) feeds in: a file or a page of an API, as councils publish them.

Shapes read: a page of `/services` (ORUK 1.0 "content", ORUK 3.0 "contents"), a plain list
of services, one service in the full form, and `service_at_locations` lists (each item a
location with its service: the services are gathered, their locations merged). What one
service says is read by catalogue/oruk_fields.py; each becomes a `service` entry with the
id `oruk-<its ORUK id>`, so a re-import updates it.

A feed is not a hand-edited spreadsheet, and one bad record must not keep a council's
other 800 services out: a service that cannot be imported (no name, no id, an id another
service already has) is skipped and reported by its place in the feed, its own id and
its field; the rest imports. A service listed twice, identically, is read once. The
catalogue CSV stays all or nothing (catalogue/csvfile.py).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalogue.model import Entry
from catalogue.oruk_fields import EXTRA, JSON, extra_fields, line_of, objects, service_values
from catalogue.problems import CatalogueError, Log, Problem
from catalogue.validate import build_entry

PAGE_KEYS = ("content", "contents", "services", "items", "data")
CLOSED = frozenset({"inactive", "defunct"})
# the ORUK field a problem with one of our columns points at
FIELD_NAMES = {
    "title": "name", "summary": "description", "min_age": "minimum_age",
    "max_age": "maximum_age", "how_to_apply": "application_process",
    "kind": f"{EXTRA}.kind", "wards": f"{EXTRA}.wards", "criteria": f"{EXTRA}.criteria",
}


@dataclass
class FeedRead:
    """What came out of a feed: the entries, and the services left out and why."""

    entries: list[Entry] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # one line per problem
    skipped_ids: set[str] = field(default_factory=set)  # entry ids of skipped services
    skipped_services: int = 0
    closed: int = 0  # services the feed says are inactive or defunct, left out
    repeated: int = 0  # services listed more than once, identically
    warnings: list[Problem] = field(default_factory=list)
    given: dict[str, frozenset[str]] = field(default_factory=dict)  # id -> columns set


def load_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogueError([Problem(None, None, (
            f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"))],
            source) from None


def services_in(text: str, source: str) -> list[Any]:
    """The service records of an ORUK file (see the module's docstring for the shapes)."""
    return services_of(load_json(text, source), source)


# Keys that mark the other kinds of ORUK record (a feed's /organizations, /taxonomies,
# /taxonomy_terms or /locations, pointed at by mistake), and keys only services have.
OTHER_KINDS = {
    "organizations": {"parent_organization_id", "legal_status", "logo", "year_incorporated",
                      "tax_status", "tax_id"},
    "taxonomy terms": {"term", "term_uri", "taxonomy", "taxonomy_id", "parent_id", "code"},
    "taxonomies": {"version"},
    "locations": {"location_type", "latitude", "longitude", "transportation"},
}
SERVICE_KEYS = {"status", "organization", "organization_id", "service_at_locations",
                "eligibility_description", "fees", "fees_description", "service_areas",
                "minimum_age", "maximum_age", "accreditations", "assured_date"}


def services_of(data: Any, source: str) -> list[Any]:
    records = gathered(page_records(data, source))
    kind = other_kind(records)
    if kind is not None:
        raise CatalogueError([Problem(None, None, (
            f"this JSON holds {kind}, not services: nothing was imported. Import the feed's "
            "/services (for an API, its address ends in /services)"))], source)
    return records


def other_kind(records: list[Any]) -> str | None:
    """The kind of record every one of `records` is, when none of them is a service."""
    kinds = set()
    for record in records:
        keys = set(record) if isinstance(record, dict) else set()
        if keys & SERVICE_KEYS:
            return None
        found = [kind for kind, marks in OTHER_KINDS.items() if keys & marks]
        if not found:
            return None
        kinds.add(found[0])
    return " and ".join(sorted(kinds)) if kinds else None


def gathered(records: list[Any]) -> list[Any]:
    """The services, with service_at_location items gathered into their services."""
    if any(is_service_at_location(r) for r in records):
        return gather_services(records)
    return records


def page_records(data: Any, source: str) -> list[Any]:
    """The records of one page (or file) as they are."""
    records: list[Any] | None = None
    if isinstance(data, dict):
        for key in PAGE_KEYS:
            if isinstance(data.get(key), list):
                records = list(data[key])
                break
        else:
            if is_service_at_location(data) or ("name" in data and "id" in data):
                records = [data]
    elif isinstance(data, list):
        records = data
    if records is None:
        raise CatalogueError([Problem(None, None, (
            "this JSON is not an Open Referral UK services export: expected a list of services "
            'or an object with "content" or "contents" (a page of /services)'))], source)
    return records


def is_service_at_location(record: Any) -> bool:
    return (isinstance(record, dict) and isinstance(record.get("service"), dict)
            and "name" not in record)


def gather_services(records: Sequence[Any]) -> list[Any]:
    """Services out of `service_at_location` items: one service per service id, each of its
    locations (with the item's own schedules and contacts) under `service_at_locations`."""
    services: dict[str, JSON] = {}
    out: list[Any] = []
    for record in records:
        if not is_service_at_location(record):
            out.append(record)
            continue
        service = dict(record["service"])
        key = line_of(service.get("id")) or f"#{len(out)}"
        link = {k: v for k, v in record.items() if k != "service"}
        if key in services:
            services[key]["service_at_locations"].append(link)
            continue
        service["service_at_locations"] = [*objects(service.get("service_at_locations")), link]
        services[key] = service
        out.append(service)
    return out


def read_services(records: Sequence[Any], known_codes: Collection[str]) -> FeedRead:
    """Every service that can be imported, and a report on those that cannot."""
    read = FeedRead()
    seen: dict[str, tuple[int, JSON]] = {}  # ORUK id -> (position, the record)
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            skip(read, [Problem(position, None, "is not a JSON object", "service")], "")
            continue
        oruk_id = line_of(record.get("id"))
        status = line_of(record.get("status")).lower()
        if status in CLOSED:
            read.closed += 1
            continue
        problems = duplicate_problems(record, oruk_id, position, seen, read)
        if problems is None:
            continue
        log = Log(unit="service", names=FIELD_NAMES)
        values = service_values(record)
        warn_about_summary(values, position, log)
        # a feed's service is not left out over its url or phone: they are warned about
        entry = build_entry(values, position, known_codes, log, strict_contacts=False)
        if log.codes_without_circumstances:
            log.error(position, "criteria", "uses circumstance codes but none are loaded: "
                      "import the circumstances CSV (header code,question) first")
        problems += sorted(log.problems, key=lambda p: p.column not in ("id", "name"))
        read.warnings += [with_record(w, oruk_id) for w in log.warnings]
        if problems or entry is None:
            skip(read, [with_record(p, oruk_id) for p in problems], values["id"])
        else:
            read.entries.append(entry)
            read.given[entry.id] = extra_fields(record)  # the council's own, kept or not
    if not records:
        raise CatalogueError([Problem(None, None, "the file holds no services")])
    if not read.entries and read.skipped:
        raise CatalogueError([Problem(None, None, "no service in the feed could be imported"),
                              *read.skipped])
    return read


def duplicate_problems(
    record: JSON, oruk_id: str, position: int, seen: dict[str, tuple[int, JSON]],
    read: FeedRead,
) -> list[Problem] | None:
    """[] for a service whose id is new; a problem when another service has the id; None
    when the same service was listed before (it is read once)."""
    if not oruk_id:
        return []
    if oruk_id not in seen:
        seen[oruk_id] = (position, record)
        return []
    first_at, first_record = seen[oruk_id]
    if record == first_record:
        read.repeated += 1
        return None
    first_name = line_of(first_record.get("name"))
    other = f' ("{first_name}")' if first_name else ""
    return [Problem(position, "id", f"is already used by service {first_at}{other}, a "
                    "different service; this one is skipped", "service")]


def warn_about_summary(values: dict[str, str], position: int, log: Log) -> None:
    if not values["summary"] and values["title"] and not values["description"]:
        values["summary"] = values["title"]
        log.warn(position, "description", "is empty, so the name is used as the summary")


def with_record(problem: Problem, oruk_id: str) -> Problem:
    return Problem(problem.row, problem.column, problem.message, "service", oruk_id)


def skip(read: FeedRead, problems: list[Problem], entry_id: str) -> None:
    read.skipped += problems
    read.skipped_services += 1
    if entry_id and not any("already used" in p.message for p in problems):
        read.skipped_ids.add(entry_id)
