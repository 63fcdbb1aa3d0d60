"""One catalogue record (cells as text) to an `Entry`, or problems naming the column.

Shared by the CSV reader and the Open Referral UK reader, so both say the same things.
The `url` and `phone` cells are checked too: a url that is not an http(s) address and a
phone cell holding no number that can be dialled are problems in a catalogue CSV (which
the officer fixes), but only warnings in a feed (where a problem would leave the whole
service out); a number that can be dialled but looks wrong is a warning in both.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from urllib.parse import urlsplit

import phonenumbers
from phonenumbers import shortnumberinfo

from catalogue.lgsl import lgsl_code_in
from catalogue.model import COLUMNS, KINDS, REQUIRED, Criterion, Entry, Kind
from catalogue.problems import Log, Problem

CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
WHOLE_NUMBER = re.compile(r"\d+(?:\.0+)?")
OLDEST_AGE = 130
SUMMARY_WARN_AT = 300  # characters; an SMS answer shows about 160
LIST_KNOWN_UP_TO = 20
WEB_SCHEMES = ("https", "http")
UK_REGIONS = frozenset({"GB", "GG", "JE", "IM"})  # +44: the UK and the Crown Dependencies
# Ofcom's numbers for TV and radio drama, which the sample catalogue and test data use:
# never a real line, but a well-formed UK number (national digits, without the 0)
DRAMA_NUMBERS = re.compile(r"1632960\d{3}|7700900\d{3}|(?:11[3-8]|1[2-6]1)4960\d{3}|"
                           r"2079460\d{3}|2896496\d{3}|2920180\d{3}|8081570\d{3}|"
                           r"9098790\d{3}|3069990\d{3}")
RELAY_PREFIX = re.compile(r"^\s*1800[12]\s+")  # Relay UK's text relay: "18001 0161 ..."


def split_cell(value: str) -> tuple[str, ...]:
    """A `;`-separated cell to its parts, trimmed, blanks dropped."""
    return tuple(part.strip() for part in value.split(";") if part.strip())


def did_you_mean(word: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def build_entry(
    values: Mapping[str, str], row: int, known_codes: Collection[str], log: Log, *,
    strict_contacts: bool = True,
) -> Entry | None:
    """The entry these cells describe, or None after logging every problem in them.
    `strict_contacts`: a url or phone that cannot be used is a problem, not a warning."""
    before = len(log.problems)
    for name in REQUIRED:
        if not values.get(name, ""):
            log.error(row, name, "must not be empty")
    kind = check_kind(values.get("kind", ""), row, log)
    min_age = parse_age(values.get("min_age", ""), "min_age", row, log)
    max_age = parse_age(values.get("max_age", ""), "max_age", row, log)
    if min_age is not None and max_age is not None and min_age > max_age:
        log.error(row, "min_age", f"{min_age} is more than max_age {max_age}")
    criteria = parse_criteria(values.get("criteria", ""), row, known_codes, log)
    alert_at = parse_alert_at(values.get("alert_at", ""), row, log)
    lgsl = parse_lgsl(values.get("lgsl", ""), row, log)
    check_url(values.get("url", ""), row, log, strict=strict_contacts)
    check_phone(values.get("phone", ""), row, log, strict=strict_contacts)
    warn_about(values, row, log)
    if len(log.problems) > before or kind is None:
        log.problems[before:] = sorted(log.problems[before:], key=column_order)
        return None
    return Entry(
        id=values["id"], kind=kind, title=values["title"], summary=values["summary"],
        description=values.get("description", ""),
        keywords=split_cell(values.get("keywords", "")),
        category=values.get("category", ""), url=values.get("url", ""),
        phone=values.get("phone", ""), email=values.get("email", ""),
        address=values.get("address", ""), opening_hours=values.get("opening_hours", ""),
        provider=values.get("provider", ""), how_to_apply=values.get("how_to_apply", ""),
        wards=split_cell(values.get("wards", "")), min_age=min_age, max_age=max_age,
        criteria=criteria, fees=values.get("fees", ""),
        eligibility=values.get("eligibility", ""),
        languages=split_cell(values.get("languages", "")),
        areas_served=split_cell(values.get("areas_served", "")),
        accessibility=values.get("accessibility", ""),
        required_documents=values.get("required_documents", ""),
        alert_at=alert_at, lgsl=lgsl,
    )


def column_order(problem: Problem) -> int:
    return COLUMNS.index(problem.column) if problem.column in COLUMNS else len(COLUMNS)


def check_kind(value: str, row: int, log: Log) -> Kind | None:
    for kind in KINDS:
        if value.lower() == kind:
            return kind
    if value:
        log.error(row, "kind", f'"{value}" is not one of {", ".join(KINDS)}'
                  + did_you_mean(value, KINDS))
    return None


def parse_age(value: str, column: str, row: int, log: Log) -> int | None:
    if not value:
        return None
    if not WHOLE_NUMBER.fullmatch(value):
        log.error(row, column, f'"{value}" is not a whole number of years (write it like 16)')
        return None
    age = int(float(value))
    if age > OLDEST_AGE:
        log.error(row, column, f"{age} is not a believable age")
        return None
    return age


def parse_alert_at(value: str, row: int, log: Log) -> int | None:
    """The `alert_at` column (issue 9): a whole number of objections, at least 1."""
    if not value:
        return None
    if not WHOLE_NUMBER.fullmatch(value) or int(float(value)) < 1:
        log.error(row, "alert_at", f'"{value}" is not a number of objections (a whole number '
                  "of 1 or more, like 10; leave it empty for the council's OBJECTION_ALERT_AT)")
        return None
    return int(float(value))


def parse_lgsl(value: str, row: int, log: Log) -> str:
    """The `lgsl` column: the entry's code in the LGA's service list ("4", "LGSL 4", or
    the list's address for it, http://id.esd.org.uk/service/4)."""
    if not value:
        return ""
    code = lgsl_code_in(value)
    if code is None:
        log.error(row, "lgsl", f'"{value}" is not a code of the LGA service list (a number, '
                  "like 4 for free school meals; leave it empty if none fits)")
        return ""
    return code


def parse_criteria(
    value: str, row: int, known_codes: Collection[str], log: Log
) -> tuple[Criterion, ...]:
    criteria: list[Criterion] = []
    for part in split_cell(value):
        words = part.split()
        negated = words[0].lower() == "not"
        if negated:
            words = words[1:]
        if len(words) != 1:
            log.error(row, "criteria", f'cannot read "{part}": write circumstance codes '
                      'separated by ";", e.g. "income_benefit; not lives_alone"')
            continue
        code = words[0].lower()
        if not known_codes:
            log.codes_without_circumstances.setdefault(code, row)
            continue
        if code not in known_codes:
            log.error(row, "criteria", unknown_code_message(code, known_codes))
            continue
        if any(c.code == code for c in criteria):
            log.error(row, "criteria", f'"{code}" is given more than once')
            continue
        criteria.append(Criterion(code, negated))
    return tuple(criteria)


def unknown_code_message(code: str, known_codes: Collection[str]) -> str:
    message = f'"{code}" is not a known circumstance' + did_you_mean(code, known_codes)
    if len(known_codes) <= LIST_KNOWN_UP_TO:
        message += "; known codes: " + ", ".join(sorted(known_codes))
    return message


def warn_about(values: Mapping[str, str], row: int, log: Log) -> None:
    """Things worth a second look that do not stop the import."""
    summary = values.get("summary", "")
    if len(summary) > SUMMARY_WARN_AT:
        log.warn(row, "summary", f"is {len(summary)} characters long; a text message shows "
                 "about 160, so people will see it cut short")
    entry_id = values.get("id", "")
    if entry_id and (" " in entry_id or ";" in entry_id):
        log.warn(row, "id", f'"{entry_id}" contains a space or ";"; ids are easier to use '
                 "without them (e.g. free-school-meals)")
    email = values.get("email", "")
    if email and "@" not in email:
        log.warn(row, "email", f'"{email}" does not look like an email address')


def check_url(value: str, row: int, log: Log, *, strict: bool) -> None:
    """An address people can open: http(s), with a host."""
    if not value:
        return
    report = log.error if strict else log.warn
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if value.lower().startswith("http") and scheme not in WEB_SCHEMES:
        report(row, "url", f'"{value}" is not a web address: write it like '
               "https://www.example.gov.uk/page")
    elif not scheme or (scheme not in WEB_SCHEMES and not parts.netloc and "." in scheme):
        report(row, "url", f'"{value}" does not start with https:// or http://: write the '
               f"whole address, like https://{value.lstrip('/')}")
    elif scheme not in WEB_SCHEMES:
        hint = (" (an email address goes in the email column)" if scheme == "mailto"
                else " (a phone number goes in the phone column)" if scheme == "tel" else "")
        report(row, "url", f'"{value}" is not a web address people can open: use one that '
               f"starts with https:// or http://{hint}")
    elif not parts.hostname or any(c.isspace() for c in value):
        report(row, "url", f'"{value}" is not a web address: write it like '
               "https://www.example.gov.uk/page")


def check_phone(value: str, row: int, log: Log, *, strict: bool) -> None:
    """A UK number that can be dialled: nothing said of a number in use (or of a short
    number such as 116 123, or of Ofcom's drama numbers); a warning when it can be
    dialled but looks wrong; a problem when there is no number to dial."""
    if not value:
        return
    number = parsed_phone(RELAY_PREFIX.sub("", value))
    if number is not None and (shortnumberinfo.is_valid_short_number_for_region(number, "GB")
                               or is_drama_number(number)):
        return
    if number is not None and phonenumbers.is_valid_number(number):
        region = phonenumbers.region_code_for_number(number)
        if region not in UK_REGIONS:
            log.warn(row, "phone", f'"{value}" is not a UK number (it is a {region} number, '
                     f"+{number.country_code}): people calling from the UK pay international "
                     "rates; check it is the right one")
        return
    found = [m.raw_string for m in phonenumbers.PhoneNumberMatcher(value, "GB")]
    if found:
        log.warn(row, "phone", f'"{value}" holds more than a phone number: a phone dials '
                 f'the whole cell, so put just one number here (like "{found[0]}") and the '
                 "rest in how_to_apply")
    elif number is not None and phonenumbers.is_possible_number(number):
        log.warn(row, "phone", f'"{value}" is not a UK number in use: check its digits '
                 "(a UK number has 10 digits after the 0, like 0161 496 0000)")
    else:
        (log.error if strict else log.warn)(
            row, "phone", f'"{value}" is not a phone number: write a UK number, like '
            "0161 496 0000 or +44 161 496 0000")


def is_drama_number(number: phonenumbers.PhoneNumber) -> bool:
    national = phonenumbers.national_significant_number(number)
    return number.country_code == 44 and DRAMA_NUMBERS.fullmatch(national) is not None


def parsed_phone(value: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return None
