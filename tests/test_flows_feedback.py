"""Feedback after answers, "rate X", and unmet needs, through the engine and a real database."""

from __future__ import annotations

import pytest
import sqlite_utils
from conversation_kit import Talk

from conversations.records import COMMENT_LIMIT, feedback_summary, redact, unmet_needs
from conversations.types import Channel

CHANNELS: tuple[Channel, ...] = ("sms", "telegram")


def feedback_rows(db: sqlite_utils.Database) -> list[dict[str, object]]:
    return list(db.table("feedback").rows_where(order_by="id"))


def test_was_this_helpful_yes_then_a_comment(talk: Talk, db: sqlite_utils.Database) -> None:
    shown = talk.say("youth club")
    assert "Youth club" in shown and "Was this helpful?" in shown
    assert talk.choices[:2] == ("Yes", "No")
    assert "glad it helped" in talk.say("yes")
    assert "Thank you for your feedback." in talk.say("Great sessions on Fridays")
    [row] = feedback_rows(db)
    assert (row["entry_id"], row["helpful"], row["comment"]) == (
        "youth", 1, "Great sessions on Fridays")
    assert (row["channel"], row["address"]) == (talk.channel, talk.address)


def test_a_yes_to_anything_to_add_asks_for_it(talk: Talk, db: sqlite_utils.Database) -> None:
    talk.say("youth club")
    talk.say("yes")
    assert talk.say("yes").startswith("Go ahead: what would you like to add?")
    assert "Thank you for your feedback." in talk.say("more on Saturdays please")
    [row] = feedback_rows(db)
    assert row["comment"] == "more on Saturdays please"  # not "yes"


def test_sort_of_is_kept_as_neither_yes_nor_no(talk: Talk, db: sqlite_utils.Database) -> None:
    talk.say("youth club")
    assert "What would have made it more helpful?" in talk.say("sort of")
    talk.say("longer hours")
    talk.say("youth club")
    assert talk.say("kind of, but it closes too early") == "Thank you for your feedback."
    assert [(row["helpful"], row["comment"]) for row in feedback_rows(db)] == [
        (None, "longer hours"), (None, "it closes too early")]
    talk.say("youth club")
    talk.say("mostly yes")
    assert feedback_rows(db)[-1]["helpful"] == 1


def test_thanks_for_a_comment_keeps_no_comment(talk: Talk, db: sqlite_utils.Database) -> None:
    talk.say("youth club")
    talk.say("yes")
    assert "Thank you for your feedback." in talk.say("ok thanks")
    [row] = feedback_rows(db)
    assert (row["helpful"], row["comment"]) == (1, None)


def test_not_helpful_by_button_then_skip(talk: Talk, db: sqlite_utils.Database) -> None:
    talk.say("youth club")
    assert "What were you looking for?" in talk.say("No", choice=1)
    assert "Thank you for your feedback." in talk.say("skip")
    [row] = feedback_rows(db)
    assert (row["helpful"], row["comment"]) == (0, None)


def test_a_long_comment_is_cut_to_500_and_the_person_is_told(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    talk.say("youth club")
    talk.say("nah")
    reply = talk.say("The hall was closed. " * 40)
    assert "kept the first 500 characters" in reply
    [row] = feedback_rows(db)
    assert isinstance(row["comment"], str) and len(row["comment"]) == COMMENT_LIMIT


@pytest.mark.parametrize(("said", "helpful", "comment", "reply"), [
    ("yes but it says its closed on mondays", 1, "it says its closed on mondays",
     "Thank you for your feedback."),
    ("no, they had closed down", 0, "they had closed down", "Sorry about that, and thank you"),
])
def test_a_yes_or_no_with_a_comment_keeps_both(talk: Talk, db: sqlite_utils.Database, said: str,
                                               helpful: int, comment: str, reply: str) -> None:
    talk.say("youth club")
    assert reply in talk.say(said)
    [row] = feedback_rows(db)
    assert (row["helpful"], row["comment"]) == (helpful, comment)


def test_a_score_with_a_comment_keeps_both(talk: Talk, db: sqlite_utils.Database) -> None:
    talk.say("rate riverside library")
    assert "Thank you for your feedback." in talk.say("4 - good but closes too early")
    [row] = feedback_rows(db)
    assert (row["rating"], row["comment"]) == (4, "good but closes too early")


def test_a_new_question_instead_of_yes_no_is_answered(talk: Talk, db: sqlite_utils.Database
                                                      ) -> None:
    talk.say("youth club")
    assert "Riverside library" in talk.say("where can I borrow books")
    assert feedback_rows(db) == []


def test_a_question_instead_of_a_comment_is_answered_not_stored(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    talk.say("youth club")
    talk.say("yes")
    assert "Riverside library" in talk.say("where can I borrow books?")
    [row] = feedback_rows(db)
    assert row["comment"] is None


def test_rate_x_from_1_to_5_with_a_comment(talk: Talk, db: sqlite_utils.Database) -> None:
    assert "How would you rate Riverside library from 1 (poor) to 5 (great)?" in talk.say(
        "rate riverside library")
    assert "Please reply with a number from 1 to 5." in talk.say("7")
    assert talk.state == "feedback:rating"
    assert "you gave it 4 out of 5" in talk.say("4")
    talk.say("friendly staff")
    [row] = feedback_rows(db)
    assert (row["entry_id"], row["rating"], row["comment"]) == ("library", 4, "friendly staff")
    assert feedback_summary(db)["library"]["mean_rating"] == 4.0


def test_rate_it_after_an_answer_and_a_score_in_one_message(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    talk.say("youth club")
    assert "you gave it 5 out of 5" in talk.say("rate it 5")
    talk.say("skip")
    assert "you gave it 2 out of 5" in talk.say("rate riverside library 2/5")
    assert [(r["entry_id"], r["rating"]) for r in feedback_rows(db)] == [
        ("youth", 5), ("library", 2)]


def test_rating_words_are_understood(talk: Talk, db: sqlite_utils.Database) -> None:
    talk.say("rate the youth club")
    assert "you gave it 3 out of 5" in talk.say("three")


def test_rate_something_unknown_says_so(talk: Talk) -> None:
    reply = talk.say("rate qqqq zzzz")
    assert "to rate" in reply


def test_unmatched_messages_are_kept_redacted_as_unmet_needs(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    talk.say("qqqq xxxx zzzz call me on 07700 900123 or jo.bloggs@example.com, I live at RV1 1AA")
    [text] = unmet_needs(db)
    assert "07700" not in text and "900123" not in text
    assert "jo.bloggs" not in text and "example.com" not in text
    assert "RV1" not in text
    assert "[phone]" in text and "[email]" in text and "[postcode]" in text
    talk.say("youth club")  # answered: not an unmet need
    talk.say("skip")
    talk.say("yes")  # a stray answer that fits nothing is not a need either
    talk.say("42")
    assert len(unmet_needs(db)) == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("ring +44 7700 900123 please", "ring [phone] please"),
    ("my number is 0161-496-0000", "my number is [phone]"),
    ("email a.b+c@council.gov.uk now", "email [email] now"),
    ("sw1a 1aa and SW1A1AA", "[postcode] and [postcode]"),
    ("I am 15 and need help in year 10", "I am 15 and need help in year 10"),
    ("call me (07700 900123) after 5", "call me ([phone]) after 5"),
    ("call (0161) 496 0000 now", "call [phone] now"),
    ("text me on zero seven seven zero zero, 900 123", "text me on [phone]"),
    ("I live at 14 Oak Road and it floods", "I live at [address] and it floods"),
    ("ask for jane at number 7 Elm Close", "ask for jane at [address]"),
    ("there are 3 schools close by", "there are 3 schools close by"),
    ("my 2 kids walk to school", "my 2 kids walk to school"),
    ("a 2 mile walk each way", "a 2 mile walk each way"),
    ("flat 3, 22 High Street", "[address], [address]"),
    ("5 Castle Street, ZZ13 AB", "[address], [postcode]"),
    ("I have lived here for 20 years and the road is dangerous",
     "I have lived here for 20 years and the road is dangerous"),
    ("the number 12 bus is always late", "the number 12 bus is always late"),
    ("the M1 is busy", "the M1 is busy"),
])
def test_redaction(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_disclosure_given_as_the_comment_is_not_kept_as_feedback(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    talk.say("youth club")
    talk.say("yes")
    reply = talk.say("my stepdad hits me when he drinks")
    assert "Childline" in reply and "Thank you for your feedback" not in reply
    [row] = feedback_rows(db)  # the yes stays; the comment, read by staff, does not
    assert row["comment"] is None
    assert talk.state != "feedback:comment"


@pytest.mark.parametrize("said", ["BALANCE", "STATEMENT", "statement 2026", "MATCHES",
                                  "my offers", "close 1", "withdraw my sign up"])
def test_a_command_at_anything_to_add_is_answered_not_kept(talk: Talk, db: sqlite_utils.Database,
                                                            said: str) -> None:
    """findings6 #12: BALANCE and MATCHES at "Anything you'd like to add?" were saved as
    comments, and the member got no balance."""
    from conversation_kit import START

    from conversations.timebank import Policy, join

    join(db, talk.channel, talk.address, "Sam", None, "gardening", "lifts", START, Policy())
    talk.say("youth club")
    talk.say("yes")
    assert talk.state == "feedback:comment"
    reply = talk.say(said)
    assert "Thank you for your feedback" not in reply
    [row] = feedback_rows(db)
    assert (row["helpful"], row["comment"]) == (1, None)  # the answer stays, no comment
    assert talk.state != "feedback:comment"
