"""What a resident answers to "you said, we did" reaches the councillors: their first
message after a council response, when it asks nothing new ("that's not good enough"), or
thanks, is kept for the next digest and they are told so; a question the catalogue
answers is answered as usual; a message weeks later is a new conversation; FORGET ME
erases the reply with the rest."""

from __future__ import annotations

from datetime import timedelta

import sqlite_utils
from conversation_kit import ENTRIES, START, Talk

from bot.digest.figures import build_figures
from bot.digest.render import render_digest
from bot.digest.weeks import week_of
from conversations.councillors import send_response
from conversations.erasure import erase_person
from conversations.objections import add_objection
from conversations.records import set_postcode

LIBRARY = next(e for e in ENTRIES if e.id == "close-library")
ANSWER = "We have listened: the library stays open on Saturdays until March."
PASSED = ("I've passed your reply about Close Riverside library on Saturdays to the "
          "councillors: they read it in their next weekly digest.")


def answered(talk: Talk) -> None:
    """The person objected from Riverside on Monday; the council answered on Tuesday."""
    with talk.db.atomic():
        set_postcode(talk.db, talk.channel, talk.address, "RV1 1AA", "Riverside", START)
        add_objection(talk.db, talk.channel, talk.address, "close-library", "Riverside", "",
                      START)
    send_response(talk.db, LIBRARY, ANSWER, START + timedelta(days=1))


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


def test_thanks_is_passed_on_too(talk: Talk) -> None:
    answered(talk)
    assert talk.say("thank you", later=timedelta(days=2)) == "You're welcome. " + PASSED
    assert replies(talk.db) == ["thank you"]


def test_a_new_question_after_the_response_is_answered_as_usual(talk: Talk) -> None:
    answered(talk)
    assert "Free school meals" in talk.say("free school meals", later=timedelta(days=2))
    assert replies(talk.db) == []


def test_a_message_weeks_later_is_no_reply(talk: Talk) -> None:
    answered(talk)
    assert PASSED not in talk.say("not good enough", later=timedelta(days=15))
    assert replies(talk.db) == []


def test_forget_me_erases_the_reply(talk: Talk) -> None:
    answered(talk)
    talk.say("not good enough", later=timedelta(days=2))
    assert replies(talk.db) == ["not good enough"]
    with talk.db.atomic():
        erase_person(talk.db, talk.channel, talk.address)
    assert replies(talk.db) == []
