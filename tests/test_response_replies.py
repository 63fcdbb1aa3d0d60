"""What a resident answers to "you said, we did" reaches the councillors: their first
message after a council response, when it asks nothing new ("that's not good enough"), or
thanks, is kept for the next digest and they are told so; a question the catalogue
answers is answered as usual; a message weeks later is a new conversation; FORGET ME
erases the reply with the rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlite_utils
from conversation_kit import ENTRIES, START, Talk

from bot.digest.figures import build_figures
from bot.digest.render import render_digest
from bot.digest.weeks import week_of
from conversations.councillors import send_response
from conversations.erasure import erase_person
from conversations.objections import add_objection
from conversations.outbox import iso
from conversations.records import set_postcode

LIBRARY = next(e for e in ENTRIES if e.id == "close-library")
ANSWER = "We have listened: the library stays open on Saturdays until March."
PASSED = ("I've passed your reply about Close Riverside library on Saturdays to the "
          "councillors: they read it in their next weekly digest.")


def answered(talk: Talk, delivered: bool = True, postcode: bool = True) -> None:
    """The person objected from Riverside on Monday (giving their postcode, or naming the
    ward); the council answered on Tuesday, and (`delivered`) the outbox worker delivered
    the answer a minute later."""
    with talk.db.atomic():
        if postcode:
            set_postcode(talk.db, talk.channel, talk.address, "RV1 1AA", "Riverside", START)
        add_objection(talk.db, talk.channel, talk.address, "close-library", "Riverside", "",
                      START)
    send_response(talk.db, LIBRARY, ANSWER, START + timedelta(days=1))
    if delivered:
        with talk.db.atomic():
            talk.db.execute("UPDATE outbox SET state = 'sent', sent_at = ? WHERE kind = "
                            "'response'", [iso(START + timedelta(days=1, minutes=1))])


def replies(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT text FROM response_replies ORDER BY id")]


def test_an_answer_to_the_response_is_passed_to_the_councillors_once(talk: Talk) -> None:
    answered(talk)
    said = "that's not good enough, you should keep it open for good"
    assert talk.say(said, later=timedelta(days=2)) == "Thank you. " + PASSED
    assert replies(talk.db) == [said]
    talk.say("and on Sundays", later=timedelta(minutes=5))  # a conversation now: not kept
    assert replies(talk.db) == [said]
    digest = render_digest(build_figures(talk.db, week_of(talk.now)), "Riverside")
    assert ("Replies to the council's responses this week:\n"
            "- Close Riverside library on Saturdays: 1\n"
            f'   - "{said}"') in digest.text
    assert ("Replies to the council's responses: Close Riverside library on Saturdays (1)"
            in digest.telegram)


def test_a_reply_reaches_the_ward_of_the_objection(talk: Talk) -> None:
    answered(talk, postcode=False)
    talk.say("that's not good enough", later=timedelta(days=2))
    digest = render_digest(build_figures(talk.db, week_of(talk.now)), "Riverside").text
    ward_part = digest[digest.index("RIVERSIDE\n"):digest.index("THE WHOLE COUNCIL")]
    assert "Replies to the council's responses this week:" in ward_part


def test_thanks_is_passed_on_too(talk: Talk) -> None:
    answered(talk)
    assert talk.say("thank you", later=timedelta(days=2)) == "You're welcome. " + PASSED
    assert replies(talk.db) == ["thank you"]


@pytest.mark.parametrize("said", ["im not happy with that", "I still object",
                                  "why?", "please keep the library open"])
def test_an_objection_or_a_reaction_answers_the_response(talk: Talk, said: str) -> None:
    answered(talk)
    assert PASSED in talk.say(said, later=timedelta(days=2))
    assert replies(talk.db) == [said]


@pytest.mark.parametrize("said", ["free school meals", "my neighbour plays loud music every "
                                  "night", "I object to the new car park",
                                  "is the library open on sunday?", "\U0001f621"])
def test_a_new_request_after_the_response_is_answered_as_usual(talk: Talk, said: str) -> None:
    answered(talk)
    assert PASSED not in talk.say(said, later=timedelta(days=2))
    assert replies(talk.db) == []


def test_a_response_not_yet_delivered_is_not_answered(talk: Talk) -> None:
    answered(talk, delivered=False)
    assert PASSED not in talk.say("that's not good enough", later=timedelta(days=2))
    assert replies(talk.db) == []


def test_a_message_weeks_later_is_no_reply(talk: Talk) -> None:
    answered(talk)
    assert PASSED not in talk.say("not good enough", later=timedelta(days=16))  # 15 after it
    assert replies(talk.db) == []


def test_forget_me_erases_the_reply(talk: Talk) -> None:
    answered(talk)
    talk.say("not good enough", later=timedelta(days=2))
    assert replies(talk.db) == ["not good enough"]
    with talk.db.atomic():
        erase_person(talk.db, talk.channel, talk.address)
    assert replies(talk.db) == []
