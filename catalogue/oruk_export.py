"""The catalogue out as Open Referral UK: ORUK 3.0 (the UK profile of HSDS 3) or ORUK 1.0.

Each service validates against the published schema (tests/data/oruk-schemas/, checked
with `jsonschema` in tests/test_oruk_export.py): ids are UUIDs where the schema asks
(the feed's own UUID when the entry came from a feed, else one derived from our id, the
same at every export), no empty emails, web addresses with their scheme, every location
with its `location_type`. Fields HSDS 3 has and the UK profile does not list (`summary`,
`phones`, `application_process`, `eligibility_description`, `required_documents`) are
written too, as the profile allows.

An extra "localsupport" object on each service holds what ORUK has no field for (our id,
kind, category, wards, criteria, and any value ORUK could not carry as it is), so that an
export imports back to the same entries and other readers simply ignore it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from catalogue.model import Entry
from catalogue.oruk_fields import ESD_SERVICE, EXTRA, ID_PREFIX, JSON

NAMESPACE = uuid.UUID("8a0b5c1e-3f44-5d6a-9e1b-2c7d4e5f6a70")  # ours, for derived ids
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SCHEME = re.compile(r"(https?|ftp)://", re.IGNORECASE)
POSTCODE_AT_END = re.compile(r",?\s*\b([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\s*$", re.IGNORECASE)
BARE_DOMAIN = re.compile(r"(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?", re.IGNORECASE)
# an entry's `lgsl` code goes out as a term of the LGA's service list, with its address
ESD_SERVICE_URI = "http://" + ESD_SERVICE
LGSL_NAME = "Local Government Service List"


def feed_id(entry: Entry) -> str:
    """The service's id in the feed it came from, else our id."""
    return entry.id[len(ID_PREFIX):] if entry.id.startswith(ID_PREFIX) else entry.id


def service_uuid(entry: Entry) -> str:
    own = feed_id(entry).lower()
    return own if UUID_TEXT.fullmatch(own) else str(uuid.uuid5(NAMESPACE, entry.id))


def part_uuid(entry: Entry, part: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{entry.id}/{part}"))


def web_address(url: str) -> str:
    """A URL with its scheme ("www.x.org" -> "https://www.x.org"); "" when it is not one."""
    url = url.strip()
    if SCHEME.match(url):
        return url if " " not in url else ""
    return f"https://{url}" if BARE_DOMAIN.fullmatch(url) else ""


def email_address(email: str) -> str:
    email = email.strip()
    return email if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) else ""


def address_parts(address: str) -> JSON:
    """One line ("Town Hall, 1 Market Square, Sampleton ZZ1 1AA") to the 3.0 address's
    required parts: the postcode at the end, the town before it, the rest as address_1."""
    postcode = ""
    found = POSTCODE_AT_END.search(address)
    if found:
        postcode, address = found.group(1).upper(), address[: found.start()]
    parts = [part.strip() for part in address.split(",") if part.strip()]
    city = parts.pop() if len(parts) > 1 else ""
    return {"address_1": ", ".join(parts), "city": city, "state_province": "",
            "postal_code": postcode, "country": "GB", "address_type": "physical"}


def rejoined(parts: JSON) -> str:
    """The address as the reader (catalogue/oruk_fields.py) joins it back."""
    return ", ".join(p for p in (parts["address_1"], parts["city"], parts["postal_code"]) if p)


def extra_of(entry: Entry, url: str, email: str) -> JSON:
    """What the ORUK fields cannot carry as it is, for our own re-import."""
    extra: JSON = {"id": entry.id, "kind": entry.kind, "category": entry.category,
                   "wards": list(entry.wards), "criteria": [str(c) for c in entry.criteria],
                   "provider": entry.provider, "keywords": list(entry.keywords),
                   "summary": entry.summary}
    if entry.lgsl:
        extra["lgsl"] = entry.lgsl
    if entry.alert_at is not None:
        extra["alert_at"] = entry.alert_at
    if url != entry.url:
        extra["url"] = entry.url
    if email != entry.email:
        extra["email"] = entry.email
    if entry.address and rejoined(address_parts(entry.address)) != entry.address:
        extra["address"] = entry.address
    return extra


def lgsl_attributes(entry: Entry) -> list[JSON]:
    """ORUK 3.0: the entry's LGSL code as a term of the list, one term id per code."""
    if not entry.lgsl:
        return []
    uri = ESD_SERVICE_URI + entry.lgsl
    return [{"id": part_uuid(entry, "attribute/lgsl"), "taxonomy_term": {
        "id": str(uuid.uuid5(NAMESPACE, uri)), "name": f"LGSL {entry.lgsl}",
        "description": LGSL_NAME, "taxonomy": "LGSL", "term_uri": uri}}]


def lgsl_taxonomys(entry: Entry) -> list[JSON]:
    """ORUK 1.0: the entry's LGSL code as a term of the vocabulary "LGSL"."""
    if not entry.lgsl:
        return []
    return [{"id": part_uuid(entry, "taxonomy/lgsl"), "taxonomy": {
        "id": ESD_SERVICE_URI + entry.lgsl, "name": f"LGSL {entry.lgsl}", "vocabulary": "LGSL"}}]


def organization(entry: Entry) -> JSON:
    name = entry.provider or entry.title
    return {"id": part_uuid(entry, "organization"), "name": name,
            "description": f"Provides {entry.title}." if entry.provider else name}


def page(services: list[JSON], *, v1: bool) -> JSON:
    count = len(services)
    if v1:
        return {"totalElements": count, "totalPages": 1, "number": 1, "size": count,
                "first": True, "last": True, "empty": not services, "content": services}
    return {"total_items": count, "total_pages": 1, "page_number": 1, "size": count,
            "first_page": True, "last_page": True, "empty": not services,
            "contents": services}


# -- ORUK 3.0 (UK profile) ---------------------------------------------------------------------

def to_oruk(entries: Sequence[Entry]) -> JSON:
    """One page of the ORUK 3.0 `/services` shape holding the whole catalogue."""
    return page([service_v3(entry) for entry in entries], v1=False)


def service_v3(entry: Entry) -> JSON:
    url, email = web_address(entry.url), email_address(entry.email)
    service: JSON = {"id": service_uuid(entry), "name": entry.title, "status": "active",
                     "summary": entry.summary, "description": entry.description}
    org = organization(entry)
    service["organization_id"], service["organization"] = org["id"], org
    optional: dict[str, Any] = {
        "url": url, "email": email, "fees": entry.fees,
        "application_process": entry.how_to_apply,
        "eligibility_description": entry.eligibility,
        "minimum_age": entry.min_age, "maximum_age": entry.max_age,
    }
    service.update({key: value for key, value in optional.items() if value not in ("", None)})
    lists: dict[str, list[JSON]] = {
        "phones": [{"id": part_uuid(entry, "phone"), "number": entry.phone}] if entry.phone
        else [],
        "schedules": [{"id": part_uuid(entry, "schedule"), "description": entry.opening_hours}]
        if entry.opening_hours else [],
        "languages": [{"id": part_uuid(entry, f"language/{n}"), "name": name}
                      for n, name in enumerate(entry.languages)],
        "service_areas": [{"id": part_uuid(entry, f"area/{n}"), "name": name}
                          for n, name in enumerate(entry.areas_served)],
        "required_documents": [{"id": part_uuid(entry, "documents"),
                                "document": entry.required_documents}]
        if entry.required_documents else [],
        "service_at_locations": locations_v3(entry),
        "attributes": [{"id": part_uuid(entry, f"attribute/{n}"),
                        "taxonomy_term": {"id": part_uuid(entry, f"term/{n}"), "name": word,
                                          "description": word,
                                          "taxonomy": "localsupport-keywords"}}
                       for n, word in enumerate(entry.keywords)] + lgsl_attributes(entry),
    }
    service.update({key: value for key, value in lists.items() if value})
    service[EXTRA] = extra_of(entry, url, email)
    return service


def locations_v3(entry: Entry) -> list[JSON]:
    if not entry.address and not entry.accessibility:
        return []
    location: JSON = {"id": part_uuid(entry, "location"), "location_type": "physical"}
    if entry.address:
        location["addresses"] = [{"id": part_uuid(entry, "address"),
                                  **address_parts(entry.address)}]
    if entry.accessibility:
        location["accessibility"] = [{"id": part_uuid(entry, "accessibility"),
                                      "description": entry.accessibility}]
    return [{"id": part_uuid(entry, "at-location"), "location": location}]


# -- ORUK 1.0 ----------------------------------------------------------------------------------

def to_oruk_v1(entries: Sequence[Entry]) -> JSON:
    """One page of the ORUK 1.0 `/services` shape holding the whole catalogue."""
    return page([service_v1(entry) for entry in entries], v1=True)


def service_v1(entry: Entry) -> JSON:
    url, email = web_address(entry.url), email_address(entry.email)
    service: JSON = {"id": feed_id(entry), "name": entry.title, "status": "active",
                     "description": entry.description, "organization": organization(entry)}
    optional: dict[str, Any] = {"url": url, "email": email, "fees": entry.fees,
                                "application_process": entry.how_to_apply,
                                "summary": entry.summary}
    service.update({key: value for key, value in optional.items() if value})
    lists: dict[str, list[JSON]] = {
        "contacts": [{"id": part_uuid(entry, "contact"), "name": entry.provider,
                      "phones": [{"id": part_uuid(entry, "phone"), "number": entry.phone}]}]
        if entry.phone else [],
        "eligibilitys": [{"id": part_uuid(entry, "eligibility"), "eligibility": entry.eligibility,
                          "minimum_age": entry.min_age, "maximum_age": entry.max_age}]
        if entry.eligibility or entry.min_age is not None or entry.max_age is not None
        else [],
        "regular_schedules": [{"id": part_uuid(entry, "schedule"),
                               "description": entry.opening_hours}]
        if entry.opening_hours else [],
        "languages": [{"id": part_uuid(entry, f"language/{n}"), "language": name}
                      for n, name in enumerate(entry.languages)],
        "service_areas": [{"id": part_uuid(entry, f"area/{n}"), "service_area": name}
                          for n, name in enumerate(entry.areas_served)],
        "required_documents": [{"id": part_uuid(entry, "documents"),
                                "document": entry.required_documents}]
        if entry.required_documents else [],
        "service_at_locations": locations_v1(entry),
        "service_taxonomys": [{"id": part_uuid(entry, f"taxonomy/{n}"),
                               "taxonomy": {"id": part_uuid(entry, f"term/{n}"), "name": word,
                                            "vocabulary": "localsupport-keywords"}}
                              for n, word in enumerate(entry.keywords)]
        + lgsl_taxonomys(entry),
    }
    service.update({key: value for key, value in lists.items() if value})
    service[EXTRA] = extra_of(entry, url, email)
    return service


def locations_v1(entry: Entry) -> list[JSON]:
    if not entry.address and not entry.accessibility:
        return []
    location: JSON = {"id": part_uuid(entry, "location"), "name": ""}
    if entry.address:
        parts = address_parts(entry.address)
        location["physical_addresses"] = [{"id": part_uuid(entry, "address"), **{
            key: parts[key] for key in ("address_1", "city", "postal_code", "country")}}]
    if entry.accessibility:
        location["accessibility_for_disabilities"] = [
            {"id": part_uuid(entry, "accessibility"), "accessibility": entry.accessibility}]
    return [{"id": part_uuid(entry, "at-location"), "location": location}]
