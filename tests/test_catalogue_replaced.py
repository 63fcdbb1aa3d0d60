"""A resident in the middle of a question when the council replaces its catalogue: the
question about an entry no longer there ends with a word, and nothing else is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from conversation_kit import CIRCUMSTANCES, ENTRIES, Talk, TitleMatcher, make_db

from catalogue.store import save_catalogue
from conversations.engine import Engine
from conversations.flows.common import GONE

KEPT = [e for e in ENTRIES if e.id not in ("ctr", "car-park")]


def replaced(talk: Talk) -> Talk:
    """The same person and database, served after an import without two entries."""
    with talk.db.conn:
        save_catalogue(talk.db, KEPT, CIRCUMSTANCES)
    return Talk(Engine(TitleMatcher(KEPT), talk.db), talk.db, talk.channel, talk.address,
                talk.now)


@pytest.fixture(params=("sms", "telegram"))
def talk(request: pytest.FixtureRequest, tmp_path: Path) -> Talk:
    db = make_db(tmp_path / "replaced.db")
    return Talk(Engine(TitleMatcher(ENTRIES), db), db, channel=request.param)


def test_a_check_of_a_removed_entry_ends_with_a_word_and_the_next_message_is_answered(
        talk: Talk) -> None:
    talk.say("council tax reduction")
    assert "How old are you?" in talk.say("Check for me", choice=0)
    after = replaced(talk)
    assert after.say("34") == GONE
    assert after.state == "answered"
    assert "Youth club" in after.say("youth club")


def test_an_objection_to_a_removed_plan_ends_and_carry_on_does_not_bring_it_back(
        talk: Talk) -> None:
    assert "Do you want to object to New car park on Mill Lane?" in talk.say(
        "object to the car park on mill lane")
    assert "What is your postcode?" in talk.say("yes")
    after = replaced(talk)
    assert after.say("HL1 1AA") == GONE
    assert "car park" not in after.say("carry on").lower()


def test_a_question_set_aside_about_a_removed_entry_is_forgotten(talk: Talk) -> None:
    talk.say("council tax reduction")
    talk.say("Check for me", choice=0)
    talk.say("youth club")  # sets the check aside
    after = replaced(talk)
    assert "nothing to go back to" in after.say("carry on")
    assert "Youth club" in after.say("where is it")
