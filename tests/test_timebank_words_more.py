"""Time-bank messages in people's own words (conversations/timebank_words.py), read alone:
a member's own questions, a recorder's correction, a yes or no said with more."""

from __future__ import annotations

import pytest

from conversations import timebank_words as words


@pytest.mark.parametrize("said", ["how do i log my hours", "i want to record some hours",
                                  "How do I record hours?", "how can i add my time"])
def test_how_to_record_is_asked(said: str) -> None:
    assert words.wants_how_to_record(said)


@pytest.mark.parametrize("said", ["how do i log in", "i want to record a complaint",
                                  "how many hours free childcare"])
def test_other_questions_are_not_how_to_record(said: str) -> None:
    assert not words.wants_how_to_record(said)


def test_balance_and_statement_in_more_words() -> None:
    assert words.asks_statement("statement please") == (True, None)
    assert words.asks_statement("can i have my statement for 2025") == (True, 2025)
    assert words.asks_balance("how many hours have i got?")
    assert words.asks_balance("what's my balance please")
    assert not words.asks_balance("how many hours of free childcare have i got")
    # the strict words, which also answer someone who is not a member, are unchanged
    assert not words.wants_balance("how many hours have i got")
    assert words.wants_statement("statement please") == (False, None)


@pytest.mark.parametrize(("said", "read"), [
    ("oops i meant 3 hours", ("time", 180)), ("sorry i meant an hour and a half", ("time", 90)),
    ("sorry that was wrong, cancel it", ("cancel", None)), ("cancel that", ("cancel", None)),
    ("that was wrong", ("unclear", None)), ("i meant tuesday", ("unclear", None)),
    ("cancel my direct debit", None), ("i helped priya for 3 hours", None)])
def test_a_recorders_correction(said: str, read: tuple[str, int | None] | None) -> None:
    assert words.correction_said(said) == read


@pytest.mark.parametrize(("said", "who"), [
    ("who is sam?", "sam"), ("whos sam", "sam"), ("who?", ""), ("who is he?", "he"),
    ("what is this?", ""), ("do i know sam", "sam"), ("who is my councillor?", None),
    ("who can help with my garden", None)])
def test_who_is_asked(said: str, who: str | None) -> None:
    assert words.asks_who(said) == who


@pytest.mark.parametrize(("said", "yes"), [
    ("oh wait yes", True), ("oh yes the man with the hedge trimmer", True),
    ("yeah he did", True), ("\U0001f44d", True), ("yes wait", False), ("yes i think so", False),
    ("yes can i get help with council tax", False), ("yes but only an hour", False),
    ("no he didnt", False), ("right, who is that?", False)])
def test_a_yes_said_with_more(said: str, yes: bool) -> None:
    assert words.yes_in_words(said) is yes


@pytest.mark.parametrize(("said", "no"), [
    ("no sorry too busy", True), ("not right now", True), ("no thanks im busy", True),
    ("sorry i cant this week", True), ("no problem", False), ("yes happy to", False),
    ("not sure, who is she?", False)])
def test_a_no_to_an_introduction_said_with_more(said: str, no: bool) -> None:
    assert words.declines(said) is no


@pytest.mark.parametrize(("said", "minutes"), [
    ("idk about 2ish hours?", 120), ("2-ish hours", 120), ("a quarter of an hour", 15)])
def test_rough_times_are_read(said: str, minutes: int) -> None:
    assert words.duration(said) == minutes


def test_time_first_with_a_quarter_of_an_hour_is_an_exchange() -> None:
    said = words.exchange_said("i did a quarter of an hour of shopping for priya")
    assert said is not None and (said.other, said.minutes, said.what) == ("Priya", 15,
                                                                          "shopping")


@pytest.mark.parametrize("said", ["join the timebank pls", "join the time bank plz"])
def test_joining_with_pls(said: str) -> None:
    assert words.wants_join(said)
