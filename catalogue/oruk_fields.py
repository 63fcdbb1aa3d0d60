"""What one Open Referral UK service says, as catalogue cells (text), whatever its shape.

Both ORUK 1.0 (the v1 API: `eligibilitys`, `contacts[].phones`, `regular_schedules`,
`service_at_locations[].location.physical_addresses`, `accessibility_for_disabilities`,
`languages[].language`, `service_areas[].service_area`, `service_taxonomys[].taxonomy`)
and ORUK 3.0 / HSDS 3 (`summary`, `phones`, `schedules`, `addresses`, `accessibility`,
`eligibility_description`, `cost_options`, `required_documents`, `languages[].name`,
`attributes[].taxonomy_term`, service-level ages). HTML becomes plain text
(catalogue/htmltext.py). The "localsupport" object our own export adds (catalogue/
oruk_export.py) gives back what ORUK has no field for.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from catalogue.htmltext import body_text, html_lines, joined, plain_text, tidy
from catalogue.lgsl import lgsl_code_in

JSON = dict[str, Any]
EXTRA = "localsupport"
ID_PREFIX = "oruk-"
SUMMARY_CHARS = 160
HTML_TAG = re.compile(r"<[a-zA-Z!/?]")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
DAYS = {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat",
        "SU": "Sun"}
# our extra's keys that stand for a catalogue column as they are
EXTRA_TEXT = ("kind", "category", "provider", "url", "email", "summary", "address", "lgsl")
# vocabularies that are the LGA's Local Government Service List, lower-case letters only
LGSL_VOCABULARIES = frozenset({"lgsl", "esdservices", "esdservice", "esdservicelist",
                               "localgovernmentservicelist", "lgaservicelist"})
ESD_SERVICE = "id.esd.org.uk/service/"
EXTRA_LISTS = ("wards", "criteria", "keywords")


# -- reading values --------------------------------------------------------------------------

def line_of(value: Any) -> str:
    """A value as one line of plain text ("" for what is not text or a number)."""
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    text = str(value)
    if "<" not in text and "&" not in text:
        return tidy(text)
    return " ".join(lines_of(text).splitlines())


def lines_of(value: Any) -> str:
    """A value as plain text keeping its paragraphs and list items as lines: HTML through
    the parser; text without tags keeps its own lines, entities decoded."""
    if not isinstance(value, str):
        return line_of(value)
    if HTML_TAG.search(value):
        return plain_text(value)
    if "&" in value:
        value = html.unescape(value)
    return "\n".join(tidy(line) for line in value.splitlines() if tidy(line))


def objects(value: Any) -> list[JSON]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def first(values: Iterable[Any]) -> str:
    for value in values:
        text = line_of(value)
        if text:
            return text
    return ""


def unique(values: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for value in values:
        text = line_of(value)
        if text and text not in out:
            out.append(text)
    return out


def cell_list(values: Iterable[Any]) -> str:
    """A `;`-separated cell ("," where a value itself holds a ";")."""
    return ";".join(text.replace(";", ",") for text in unique(values))


# -- the parts of a service ------------------------------------------------------------------

def extra_of(service: JSON) -> JSON:
    found = objects(service.get(EXTRA))
    return found[0] if found else {}


def extra_fields(service: JSON) -> frozenset[str]:
    """The catalogue columns our own extra sets for the service (an export of ours, read
    back), even to nothing: an ORUK feed of its own carries none."""
    return frozenset(key for key in (*EXTRA_TEXT, *EXTRA_LISTS, "alert_at")
                     if key in extra_of(service))


def organizations(service: JSON) -> list[JSON]:
    return objects(service.get("organization"))


def links(service: JSON) -> list[JSON]:
    return objects(service.get("service_at_locations"))


def locations(service: JSON) -> list[JSON]:
    return [loc for link in links(service) for loc in objects(link.get("location"))] + \
        objects(service.get("locations"))


def eligibility_records(service: JSON) -> list[JSON]:
    return objects(service.get("eligibilitys")) + objects(service.get("eligibility"))


def description_of(service: JSON) -> tuple[str, str]:
    """(the description as plain text, the summary: the feed's, else the first sentence of
    the description's first paragraph that is not a heading)."""
    description = service.get("description")
    if isinstance(description, str) and HTML_TAG.search(description):
        lines = html_lines(description)
        text, body = joined(lines), body_text(lines)
    else:
        text = body = lines_of(description)
    return text, line_of(service.get("summary")) or first_sentence(body)


def first_sentence(text: str) -> str:
    paragraph = next((line for line in text.splitlines() if line.strip()), "")
    sentence = SENTENCE_END.split(paragraph, maxsplit=1)[0].strip()
    if len(sentence) <= SUMMARY_CHARS:
        return sentence
    cut = sentence[: SUMMARY_CHARS - 3].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "..."


def eligibility_of(service: JSON) -> str:
    texts = [service.get("eligibility_description")]
    texts += [e.get("eligibility") for e in eligibility_records(service)]
    if isinstance(service.get("eligibility"), str):
        texts.append(service["eligibility"])
    return "; ".join(unique(texts))


def age_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return line_of(value)


def age_range(service: JSON) -> tuple[str, str]:
    """The widest range over the service's eligibility records and its own ages."""
    records = [service, *eligibility_records(service)]
    lows = [age_text(r.get("minimum_age")) for r in records]
    highs = [age_text(r.get("maximum_age")) for r in records]
    return widest(lows, low=True), widest(highs, low=False)


def widest(values: list[str], *, low: bool) -> str:
    present = [v for v in values if v]
    numbers = [int(v) for v in present if v.isdigit()]
    if len(numbers) < len(present):
        return present[0]  # not a whole number: validation says so
    if not numbers:
        return ""
    return str(min(numbers) if low else max(numbers))


def taxonomy_terms(service: JSON) -> list[JSON]:
    """The service's taxonomy terms, 1.0 (`service_taxonomys`) and 3.0 (`attributes`)."""
    terms = [t for link in objects(service.get("service_taxonomys"))
             for t in objects(link.get("taxonomy"))]
    terms += [t for link in objects(service.get("attributes"))
              for t in objects(link.get("taxonomy_term"))]
    return terms + objects(service.get("taxonomy_terms"))


def lgsl_of(term: JSON) -> str | None:
    """The LGSL code a term gives, when it is a term of the LGA's service list: its
    vocabulary (1.0) or taxonomy (3.0) names the list, or its address is the list's."""
    detail = objects(term.get("taxonomy_detail"))
    names = [term.get("vocabulary"), term.get("taxonomy"), *(d.get("name") for d in detail)]
    named = any(re.sub(r"[^a-z]", "", line_of(n).lower()) in LGSL_VOCABULARIES for n in names)
    for value in (term.get("code"), term.get("term_uri"), term.get("name"), term.get("id")):
        text = line_of(value)
        if (named or ESD_SERVICE in text) and (code := lgsl_code_in(text)):
            return code
    return None


def taxonomy_names(service: JSON) -> list[str]:
    """The terms' names, as keywords (an LGSL term named only by its code is left out)."""
    return unique(t.get("name") for t in taxonomy_terms(service)
                  if not (lgsl_of(t) and lgsl_code_in(line_of(t.get("name")))))


def lgsl_cell(service: JSON) -> str:
    """The first LGSL code the service's terms give ("" when none)."""
    return first(lgsl_of(t) for t in taxonomy_terms(service))


def phone_of(service: JSON) -> str:
    holders = [service, *objects(service.get("contacts")), *links(service),
               *(c for link in links(service) for c in objects(link.get("contacts"))),
               *locations(service), *organizations(service)]
    numbers = (p.get("number") for h in holders for p in objects(h.get("phones")))
    return first(str(n).strip().strip('"') if isinstance(n, str) else n for n in numbers)


def email_of(service: JSON) -> str:
    return first([service.get("email"), *(c.get("email") for c in objects(service.get("contacts"))),
                  *(o.get("email") for o in organizations(service))])


def url_of(service: JSON) -> str:
    return first([service.get("url"), *(o.get("url") for o in organizations(service)),
                  *(o.get("website") for o in organizations(service))])


def address_of(service: JSON) -> str:
    """The first location with an address (a physical one before a postal one)."""
    for location in locations(service):
        addresses = objects(location.get("physical_addresses")) + objects(
            location.get("addresses"))
        addresses.sort(key=lambda a: a.get("address_type") == "postal")
        for address in addresses:
            parts = [line_of(address.get(key)) for key in (
                "address_1", "address_2", "city", "state_province", "postal_code")]
            line = ", ".join(p for p in parts if p)
            name = line_of(location.get("name"))
            if name and name.lower() not in line.lower():
                line = f"{name}, {line}" if line else name
            if line:
                return line
    return ""


def schedules(service: JSON) -> list[JSON]:
    found = objects(service.get("regular_schedules")) + objects(service.get("schedules"))
    for link in links(service):
        found += objects(link.get("regular_schedules")) + objects(link.get("schedules"))
    for location in locations(service):
        found += objects(location.get("regular_schedules")) + objects(location.get("schedules"))
    return found


def schedule_text(schedule: JSON) -> str:
    described = line_of(schedule.get("description"))
    if described:
        return described
    days = line_of(schedule.get("weekday")) or ", ".join(
        DAYS.get(day.strip().upper()[-2:], day.strip())
        for day in line_of(schedule.get("byday")).split(",") if day.strip())
    opens, closes = line_of(schedule.get("opens_at"))[:5], line_of(schedule.get("closes_at"))[:5]
    times = f"{opens}-{closes}" if opens and closes else ""
    if line_of(schedule.get("freq")).upper() == "MONTHLY" and days:
        days = f"monthly, {days}"
    return " ".join(part for part in (days, times) if part)


def holiday_text(holiday: JSON) -> str:
    start, end = line_of(holiday.get("start_date")), line_of(holiday.get("end_date"))
    when = f"{start} to {end}" if end and end != start else start
    if not when:
        return ""
    if holiday.get("closed") is False:
        opens, closes = line_of(holiday.get("opens_at"))[:5], line_of(holiday.get("closes_at"))[:5]
        return f"{when}: {opens}-{closes}".rstrip(": -")
    return f"closed {when}"


def opening_hours_of(service: JSON) -> str:
    """Every schedule, the service's and its locations', "; "-separated."""
    texts = [schedule_text(s) for s in schedules(service)]
    texts += [holiday_text(h) for h in objects(service.get("holiday_schedules"))]
    return "; ".join(unique(texts))


def fees_of(service: JSON) -> str:
    texts: list[Any] = [service.get("fees_description"), service.get("fees")]
    for option in objects(service.get("cost_options")):
        amount = option.get("amount")
        price = ""
        if isinstance(amount, (int, float)) and not isinstance(amount, bool):
            currency = line_of(option.get("currency")).upper()
            symbol = "£" if currency in ("", "GBP") else f"{currency} "
            price = f"{symbol}{amount:g}" if amount else "free"
        parts = [line_of(option.get("option")), price, line_of(option.get("amount_description"))]
        label, *rest = parts
        tail = " ".join(p for p in rest if p)
        texts.append(f"{label}: {tail}" if label and tail else label or tail)
    return "; ".join(unique(texts))


def languages_of(service: JSON) -> str:
    holders = [service, *locations(service)]
    return cell_list(lang.get("name") or lang.get("language") for h in holders
                     for lang in objects(h.get("languages")))


def areas_of(service: JSON) -> str:
    return cell_list(area.get("service_area") or area.get("name")
                     for area in objects(service.get("service_areas")))


def accessibility_of(service: JSON) -> str:
    texts = []
    for location in locations(service):
        for item in objects(location.get("accessibility_for_disabilities")) + objects(
                location.get("accessibility")):
            texts.append(item.get("accessibility") or item.get("description"))
            texts.append(item.get("details"))
    return "; ".join(unique(texts))


def documents_of(service: JSON) -> str:
    return "; ".join(unique(d.get("document") for d in objects(service.get("required_documents"))))


def service_values(service: JSON) -> dict[str, str]:
    """The service's catalogue cells; validation (catalogue/validate.py) comes after."""
    extra = extra_of(service)
    oruk_id = line_of(service.get("id"))
    description, summary = description_of(service)
    values = {
        "id": line_of(extra.get("id")) or (ID_PREFIX + oruk_id if oruk_id else ""),
        "kind": "service", "title": line_of(service.get("name")), "summary": summary,
        "description": description, "keywords": cell_list(taxonomy_names(service)),
        "category": "", "url": url_of(service), "phone": phone_of(service),
        "email": email_of(service), "address": address_of(service),
        "opening_hours": opening_hours_of(service),
        "provider": first(o.get("name") for o in organizations(service)),
        "how_to_apply": lines_of(service.get("application_process")),
        "wards": "", "criteria": "", "eligibility": eligibility_of(service),
        "fees": fees_of(service), "languages": languages_of(service),
        "areas_served": areas_of(service), "accessibility": accessibility_of(service),
        "required_documents": documents_of(service), "lgsl": lgsl_cell(service),
    }
    values["min_age"], values["max_age"] = age_range(service)
    for key in EXTRA_TEXT:
        if isinstance(extra.get(key), str):
            values[key] = extra[key]
    for key in EXTRA_LISTS:
        if isinstance(extra.get(key), list):
            values[key] = ";".join(line_of(v) for v in extra[key])
    if isinstance(extra.get("alert_at"), int) and not isinstance(extra["alert_at"], bool):
        values["alert_at"] = str(extra["alert_at"])  # checked as the CSV's column is
    return values
