"""UK postcodes parsed into their parts (conversations/postcodes.py)."""

from __future__ import annotations

import pytest

from conversations.postcodes import parse_postcode, parse_prefix, postcode_alone


@pytest.mark.parametrize(("text", "outward", "inward", "area", "sector"), [
    ("M1 4AE", "M1", "4AE", "M", "M1 4"),
    ("m14ae", "M1", "4AE", "M", "M1 4"),
    ("  m1   4ae ", "M1", "4AE", "M", "M1 4"),
    ("M14 4AE", "M14", "4AE", "M", "M14 4"),
    ("zz14 7xy", "ZZ14", "7XY", "ZZ", "ZZ14 7"),
    ("EC1V 9HQ", "EC1V", "9HQ", "EC", "EC1V 9"),
    ("w1a0ax", "W1A", "0AX", "W", "W1A 0"),
    ("CR2 6XH", "CR2", "6XH", "CR", "CR2 6"),
    ("GIR 0AA", "GIR", "0AA", "GIR", "GIR 0"),
])
def test_full_postcodes_in_any_case_and_spacing(
    text: str, outward: str, inward: str, area: str, sector: str
) -> None:
    code = parse_postcode(text)
    assert code is not None
    assert (code.outward, code.inward, code.area, code.sector) == (outward, inward, area, sector)
    assert (code.level, code.district, code.unit) == ("unit", outward, f"{outward} {inward}")
    assert code.lookup_keys() == [f"{outward} {inward}", sector, outward]


@pytest.mark.parametrize("text", [
    "", "hello", "M1", "M1 4", "1M 4AE", "M1 4A", "M1 4AEE", "QA1 1AA", "AJ1 1AA", "W12A 1AA",
    "M1 44AE", "07700 900123",
])
def test_what_is_not_a_full_postcode(text: str) -> None:
    assert parse_postcode(text) is None


@pytest.mark.parametrize(("text", "key", "level"), [
    ("M1 4", "M1 4", "sector"),
    ("m1 4", "M1 4", "sector"),
    ("M14", "M14", "district"),
    ("m14", "M14", "district"),
    ("M1", "M1", "district"),
    ("EC1V", "EC1V", "district"),
    ("M1 4AE", "M1 4AE", "unit"),
    ("m14ae", "M1 4AE", "unit"),
])
def test_a_sector_and_a_district_never_share_a_key(text: str, key: str, level: str) -> None:
    code = parse_prefix(text)
    assert code is not None and (str(code), code.level) == (key, level)


@pytest.mark.parametrize("text", ["M1 4 A", "not a postcode", "M1 A", "W12A", "12", "M1 44"])
def test_bad_prefixes(text: str) -> None:
    assert parse_prefix(text) is None


@pytest.mark.parametrize(("text", "key"), [
    ("ZZ1 1AA", "ZZ1 1AA"), ("b1 1aa.", "B1 1AA"), ("my postcode is B1 1AA", "B1 1AA"),
    ("Postcode: zz11aa", "ZZ1 1AA"), ("its M1 4AE", "M1 4AE"),
])
def test_a_message_that_is_only_a_postcode(text: str, key: str) -> None:
    code = postcode_alone(text)
    assert code is not None and str(code) == key


@pytest.mark.parametrize("text", ["ZZ1 1AA and i want to object to the car park", "AA meetings",
                                  "M1", "is ZZ1 1AA in riverside", "07700 900123"])
def test_a_message_with_more_than_a_postcode(text: str) -> None:
    assert postcode_alone(text) is None
