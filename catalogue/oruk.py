"""Open Referral UK (ORUK) JSON: services in, the catalogue out.

Reads the ORUK v1 API shape (`/services` pages with "content", `eligibilitys`,
`contacts[].phones`, `service_at_locations[].location.physical_addresses`,
`service_taxonomys[].taxonomy`) and the HSDS 3 UK profile shape ("contents",
`summary`, `phones`, `addresses`, `attributes[].taxonomy_term`, service-level ages).
Each service becomes a `service` entry with the id `oruk-<ORUK id>`; its taxonomy terms
become keywords.

Export writes the v1 shape, plus an extra "localsupport" object on each service with
what ORUK has no field for (our id, kind, category, wards, criteria), so that an export
imports back to the same entries and other ORUK readers simply ignore the extra.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from catalogue.model import Entry
from catalogue.problems import CatalogueError, Log, Problem
from catalogue.validate import build_entry

EXTRA = "localsupport"
PAGE_KEYS = ("content", "contents", "services", "items", "data")
ID_PREFIX = "oruk-"
SUMMARY_CHARS = 160
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

JSON = dict[str, Any]
# the ORUK field a problem with one of our columns points at
FIELD_NAMES = {
    "title": "name", "min_age": "minimum_age", "max_age": "maximum_age",
    "kind": f"{EXTRA}.kind", "wards": f"{EXTRA}.wards", "criteria": f"{EXTRA}.criteria",
}


def services_in(text: str, source: str) -> list[Any]:
    """The service records of an ORUK file: a list, or a page object holding one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogueError([Problem(None, None, (
            f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"))],
            source) from None
    if isinstance(data, dict):
        for key in PAGE_KEYS:
            if isinstance(data.get(key), list):
                return list(data[key])
        if "name" in data and "id" in data:
            return [data]
    if isinstance(data, list):
        return data
    raise CatalogueError([Problem(None, None, (
        "this JSON is not an Open Referral UK services export: expected a list of services "
        'or an object with "content" (a page of /services)'))], source)


def read_services(records: Sequence[Any], known_codes: Collection[str], log: Log) -> list[Entry]:
    entries = []
    first: dict[str, int] = {}
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            log.error(position, None, "is not a JSON object")
            continue
        values = service_values(record, position, log)
        entry_id = values["id"]
        if entry_id in first:
            log.error(position, "id", f'"{entry_id}" is already used by service {first[entry_id]}')
        elif entry_id:
            first[entry_id] = position
        entry = build_entry(values, position, known_codes, log)
        if entry is not None:
            entries.append(entry)
    if not records:
        log.error(None, None, "the file holds no services")
    return entries


# -- reading one service ---------------------------------------------------------------------

def text_of(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = str(value).strip()
    if TAG.search(text):
        text = html.unescape(TAG.sub(" ", text))
        text = re.sub(r"\s+", " ", text).strip()
    return text


def objects(value: Any) -> list[JSON]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def first_text(candidates: Iterable[Any]) -> str:
    for value in candidates:
        text = text_of(value)
        if text:
            return text
    return ""


def service_values(service: JSON, position: int, log: Log) -> dict[str, str]:
    extras = objects(service.get(EXTRA))
    extra: JSON = extras[0] if extras else {}
    oruk_id = text_of(service.get("id"))
    title = text_of(service.get("name"))
    description = text_of(service.get("description"))
    summary = text_of(service.get("summary")) or first_sentence(description)
    if not summary and title:
        summary = title
        log.warn(position, "description", "is empty, so the name is used as the summary")
    eligibility = "; ".join(filter(None, (text_of(e.get("eligibility"))
                                          for e in eligibility_records(service))))
    if eligibility:
        description = f"{description}\n\nWho it is for: {eligibility}".strip()
    min_age, max_age = age_range(service)
    organization = objects(service.get("organization"))
    return {
        "id": text_of(extra.get("id")) or (ID_PREFIX + oruk_id if oruk_id else ""),
        "kind": text_of(extra.get("kind")) or "service",
        "title": title, "summary": summary, "description": description,
        "keywords": ";".join(taxonomy_names(service)),
        "category": text_of(extra.get("category")),
        "url": first_text([service.get("url"), *(o.get("url") for o in organization)]),
        "phone": first_phone(service, organization),
        "email": first_text([service.get("email"),
                             *(c.get("email") for c in objects(service.get("contacts"))),
                             *(o.get("email") for o in organization)]),
        "address": first_address(service),
        "opening_hours": opening_hours(service),
        "provider": first_text(o.get("name") for o in organization),
        "how_to_apply": text_of(service.get("application_process")),
        "wards": joined(extra.get("wards")),
        "min_age": min_age, "max_age": max_age,
        "criteria": joined(extra.get("criteria")),
    }


def joined(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(text_of(v) for v in value)
    return text_of(value)


def first_sentence(text: str) -> str:
    sentence = SENTENCE_END.split(text, maxsplit=1)[0].replace("\n", " ").strip()
    if len(sentence) <= SUMMARY_CHARS:
        return sentence
    cut = sentence[: SUMMARY_CHARS - 3].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "..."


def eligibility_records(service: JSON) -> list[JSON]:
    return objects(service.get("eligibilitys")) + objects(service.get("eligibility"))


def age_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return text_of(value)


def age_range(service: JSON) -> tuple[str, str]:
    """The widest range over the service's eligibility records (and HSDS 3 service ages)."""
    records = [service, *eligibility_records(service)]
    lows = [age_text(r.get("minimum_age")) for r in records]
    highs = [age_text(r.get("maximum_age")) for r in records]
    return widest(lows, min), widest(highs, max)


def widest(values: list[str], pick: Any) -> str:
    present = [v for v in values if v]
    numbers = [v for v in present if v.isdigit()]
    if len(numbers) < len(present):
        return present[0]  # not a whole number: let validation say so
    return str(pick(int(v) for v in numbers)) if numbers else ""


def taxonomy_names(service: JSON) -> list[str]:
    names = [text_of(t.get("name")) for link in objects(service.get("service_taxonomys"))
             for t in objects(link.get("taxonomy"))]
    names += [text_of(t.get("name")) for link in objects(service.get("attributes"))
              for t in objects(link.get("taxonomy_term"))]
    names += [text_of(t.get("name")) for t in objects(service.get("taxonomy_terms"))]
    out: list[str] = []
    for name in names:
        name = name.replace(";", ",")
        if name and name not in out:
            out.append(name)
    return out


def first_phone(service: JSON, organization: list[JSON]) -> str:
    holders = [service, *objects(service.get("contacts")), *organization]
    return first_text(p.get("number") for h in holders for p in objects(h.get("phones")))


def locations(service: JSON) -> list[JSON]:
    found = [loc for link in objects(service.get("service_at_locations"))
             for loc in objects(link.get("location"))]
    return found + objects(service.get("locations"))


def first_address(service: JSON) -> str:
    for location in locations(service):
        for address in objects(location.get("physical_addresses")) + objects(
                location.get("addresses")):
            parts = [text_of(address.get(key)) for key in (
                "address_1", "address_2", "city", "state_province", "postal_code")]
            line = ", ".join(p for p in parts if p)
            name = text_of(location.get("name"))
            if name and name.lower() not in line.lower():
                line = f"{name}, {line}" if line else name
            if line:
                return line
    return ""


def opening_hours(service: JSON) -> str:
    schedules = objects(service.get("regular_schedules")) + objects(service.get("schedules"))
    for link in objects(service.get("service_at_locations")):
        schedules += objects(link.get("regular_schedules")) + objects(link.get("schedules"))
    described = first_text(s.get("description") for s in schedules)
    if described:
        return described
    times = []
    for s in schedules:
        day = text_of(s.get("weekday")) or text_of(s.get("byday"))
        opens, closes = text_of(s.get("opens_at"))[:5], text_of(s.get("closes_at"))[:5]
        if day and opens and closes:
            times.append(f"{day} {opens}-{closes}")
    return "; ".join(times)


# -- writing ---------------------------------------------------------------------------------

def to_oruk(entries: Sequence[Entry]) -> JSON:
    """One page of the ORUK v1 /services shape holding the whole catalogue."""
    services = [service_of(entry) for entry in entries]
    return {"totalElements": len(services), "totalPages": 1, "number": 1,
            "size": len(services), "first": True, "last": True, "content": services}


def service_of(entry: Entry) -> JSON:
    sid = entry.id
    service: JSON = {
        "id": sid, "name": entry.title, "summary": entry.summary,
        "description": entry.description, "url": entry.url, "email": entry.email,
        "status": "active", "application_process": entry.how_to_apply,
    }
    if entry.provider:
        service["organization"] = {"id": f"{sid}-organization", "name": entry.provider}
    if entry.phone:
        service["contacts"] = [{"id": f"{sid}-contact", "name": entry.provider,
                                "phones": [{"id": f"{sid}-phone", "number": entry.phone}]}]
    if entry.min_age is not None or entry.max_age is not None:
        service["eligibilitys"] = [{"id": f"{sid}-eligibility", "eligibility": "",
                                    "minimum_age": entry.min_age,
                                    "maximum_age": entry.max_age}]
    if entry.address:
        location = {"id": f"{sid}-location", "name": "",
                    "physical_addresses": [{"id": f"{sid}-address",
                                            "address_1": entry.address}]}
        service["service_at_locations"] = [{"id": f"{sid}-at-location", "location": location}]
    if entry.opening_hours:
        service["regular_schedules"] = [{"id": f"{sid}-schedule",
                                         "description": entry.opening_hours}]
    service["service_taxonomys"] = [
        {"id": f"{sid}-taxonomy-{n}",
         "taxonomy": {"id": f"localsupport-keyword-{n}", "name": word,
                      "vocabulary": "localsupport-keywords"}}
        for n, word in enumerate(entry.keywords, start=1)
    ]
    service[EXTRA] = {"id": entry.id, "kind": entry.kind, "category": entry.category,
                      "wards": list(entry.wards),
                      "criteria": [str(c) for c in entry.criteria]}
    return service
