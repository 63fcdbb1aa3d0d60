"""Phone numbers to E.164 with a UK default (conversations/phones.py)."""

from __future__ import annotations

import pytest

from conversations.phones import normalise_phone


@pytest.mark.parametrize(("text", "expected"), [
    ("07700900456", "+447700900456"),
    ("07700 900456", "+447700900456"),
    ("+44 7700 900456", "+447700900456"),
    ("+44 (0)7700 900456", "+447700900456"),
    ("0044 7700 900456", "+447700900456"),
    ("447700900456", "+447700900456"),
    ("+447700900456", "+447700900456"),
    ("01632 960101", "+441632960101"),
    ("(01632) 960-101", "+441632960101"),
    ("+1 415 555 2671", "+14155552671"),
])
def test_numbers_as_people_write_them(text: str, expected: str) -> None:
    assert normalise_phone(text) == expected


@pytest.mark.parametrize("text", ["", "hello", "123", "0770", "+44", "ZZ1 1AA"])
def test_what_is_not_a_phone_number(text: str) -> None:
    assert normalise_phone(text) is None
