"""Phone numbers as people write them, to one form (E.164, "+447700900123"), with the
`phonenumbers` package; a number without a country code is read as a UK one. Used
wherever a number comes in: the SMS webhook, the commands, councillors' and time-bank
coordinators' settings. Knows no transport."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "GB"


@lru_cache(maxsize=65_536)  # every SMS asks, twice; parsing costs ~0.05 ms and numbers repeat
def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """"07700 900123", "+44 (0)7700 900123", "447700900123" -> "+447700900123"; None
    when the text is not a possible phone number."""
    cleaned = text.strip().replace("(0)", "")
    if not any(char.isdigit() for char in cleaned):
        return None
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        return None
    if not possible(number) and not cleaned.startswith("+"):
        try:  # "447700900123": a UK number with its country code but no "+"
            number = phonenumbers.parse("+" + cleaned, region)
        except phonenumbers.NumberParseException:
            return None
    if not possible(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def possible(number: phonenumbers.PhoneNumber) -> bool:
    """Of a possible length for its country (not checked against numbers in use, so the
    ranges Ofcom keeps for drama, 07700 900xxx and 01632 960xxx, pass), and not a number
    that is only dialled locally."""
    reason = phonenumbers.is_possible_number_with_reason(number)
    return bool(reason == phonenumbers.ValidationResult.IS_POSSIBLE)


def texting_number(text: str, region: str = DEFAULT_REGION) -> str | None:
    """A number that can receive texts, as E.164: a possible mobile number (the drama range
    07700 900xxx included), not a landline; None otherwise ("0161 496 0000", "07700 90001")."""
    phone = normalise_phone(text, region)
    if phone is None:
        return None
    number = phonenumbers.parse(phone)
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE:
        return None
    mobile = phonenumbers.PhoneNumberType.MOBILE
    return phone if phonenumbers.is_possible_number_for_type(number, mobile) else None
