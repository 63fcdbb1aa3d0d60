"""The engine keeps the thread: "it" is the last entry shown, a list's "them" asks which one,
small talk and follow-ups leave a question open, a new question says what it left."""

from __future__ import annotations

import sqlite_utils
from conversation_kit import Talk

from conversations.wording import WHICH_ONE


def unmet(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT COUNT(*) FROM unmet_needs").fetchone()[0])


def test_follow_ups_answer_about_the_last_entry(talk: Talk) -> None:
    talk.say("riverside library")
    assert talk.say("where is it?") == "Riverside library is at Mill Street."
    assert talk.say("when does it open?") == ("I don't have opening times for Riverside "
                                              "library. Ask the council.")
    talk.say("youth club")
    assert talk.say("website") == "The website for Youth club is https://example.org/youth"


def test_a_follow_up_without_anything_shown_asks_which_and_is_no_unmet_need(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    assert talk.say("where is it?") == WHICH_ONE
    assert talk.say("how do I sign up") == WHICH_ONE
    assert unmet(db) == 0


def test_a_follow_up_inside_a_check_is_answered_and_the_question_put_again(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    reply = talk.say("how do I apply?")
    assert "How to apply for Free school meals: Apply online at example.org/fsm" in reply
    assert reply.endswith("How old are you? Reply with your age in years, or SKIP.")
    assert talk.state == "entitlement:ask"
    assert "Universal Credit" in talk.say("10")


def test_small_talk_inside_a_flow_keeps_it_and_is_no_unmet_need(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    talk.say("object to the car park")
    talk.say("yes")
    assert talk.state == "objection:postcode"
    reply = talk.say("ok thanks")
    assert reply.startswith("You're welcome.") and "What is your postcode?" in reply
    assert talk.state == "objection:postcode"
    assert "Why do you object" in talk.say("it's RV1 1AA")
    assert unmet(db) == 0


def test_a_new_question_inside_an_objection_says_nothing_is_recorded(talk: Talk) -> None:
    talk.say("object to the car park")
    reply = talk.say("where can I find books?")
    assert reply.startswith("I've put the objection aside; nothing is recorded (CARRY ON")
    assert "Riverside library" in reply


def test_carry_on_takes_up_an_objection_where_it_was_left(talk: Talk, db) -> None:
    talk.say("object to the car park")
    talk.say("yes")
    assert talk.state == "objection:postcode"
    assert "Riverside library" in talk.say("where can I find books?")
    assert talk.state != "objection:postcode"
    assert "What is your postcode?" in talk.say("carry on")
    assert talk.state == "objection:postcode"
    assert "Why do you object" in talk.say("RV1 1AA")
    talk.say("It will make the lane dangerous for children walking to school")
    assert db.execute("SELECT count(*) FROM objections").fetchone()[0] == 1
    assert "nothing to go back to" in talk.say("carry on")


def test_carry_on_takes_up_a_check_with_its_answers_kept(talk: Talk) -> None:
    talk.say("free school meals")
    assert "How old are you?" in talk.say("check for me")
    assert "Universal Credit" in talk.say("12")
    talk.say("where can I find books?")
    resumed = talk.say("continue")
    assert "Universal Credit" in resumed and "How old" not in resumed  # the age was kept
    assert talk.state == "entitlement:ask"
    assert "likely" in talk.say("yes").lower()


def test_carry_on_takes_up_a_check_after_another_entitlement_was_only_shown(talk: Talk
                                                                          ) -> None:
    """A new question that found another entitlement ("Would you like to check...?") lost
    the check set aside, and said nothing of it."""
    talk.say("council tax reduction")
    talk.say("check for me")
    assert "Universal Credit" in talk.say("30")
    shown = talk.say("what about the single person discount?")
    assert shown.startswith("I've stopped the check") and "Single person discount" in shown
    assert talk.state == "entitlement:offer"
    resumed = talk.say("carry on")
    assert "Universal Credit" in resumed and "How old" not in resumed
    assert "Were you in care" in talk.say("yes")  # Council Tax Reduction's next question


def test_carry_on_in_the_middle_of_a_question_asks_it_again(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    assert "How old are you?" in talk.say("carry on")
    assert talk.state == "entitlement:ask"


def test_carry_on_does_not_bring_back_an_objection_made_afresh(talk: Talk, db) -> None:
    talk.say("object to the car park")
    talk.say("yes")
    talk.say("where can I find books?")  # set aside at the postcode
    talk.say("object to the car park")
    talk.say("yes")
    talk.say("RV1 1AA")
    talk.say("It will make the lane dangerous for children walking to school")
    assert db.execute("SELECT count(*) FROM objections").fetchone()[0] == 1
    assert "nothing to go back to" in talk.say("carry on")


def test_carry_on_with_nothing_set_aside_says_so(talk: Talk) -> None:
    assert "nothing to go back to" in talk.say("carry on")


def test_them_after_a_list_asks_which_one(talk: Talk) -> None:
    talk.say("what is the council planning?")
    asked = talk.say("where are they?")
    assert "Which one do you mean?" in asked
    assert talk.choices[:2] == ("Close Riverside library on Saturdays", "New car park on Mill Lane")
    assert "I don't have an address for New car park on Mill Lane" in talk.say("2")


def test_a_check_for_someone_else_is_phrased_about_them(talk: Talk) -> None:
    talk.say("free school meals")
    assert "How old are they?" in talk.say("For someone else", choice=1)
    talk.say("my daughter is 8")  # not an age answer alone, but says whose and how old
    result = talk.say("yes")
    assert "is likely to be able to get Free school meals" in result
    # a second check offers the same person by name
    talk.say("council tax reduction")
    assert talk.choices[:2] == ("Check for me", "For your daughter")


def test_my_data_counts_the_other_persons_answers_too(talk: Talk) -> None:
    talk.say("can my son get free school meals?")
    # his age, the household's Universal Credit, and that there is a child at home
    talk.say("9")
    talk.say("yes")
    assert "your answers in this chat (3 other answers)" in talk.say("MY DATA")


def test_yes_after_a_plan_is_shown_objects_to_it(talk: Talk) -> None:
    talk.say("what is the council planning?")
    talk.say("2")
    assert talk.state == "objection:offer"
    assert "What is your postcode?" in talk.say("yes")


def test_a_yes_or_no_with_no_question_open_is_small_talk(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    assert talk.say("no").startswith("OK.")
    assert talk.say("yes").startswith("OK.")
    assert unmet(db) == 0


def test_who_can_get_an_entitlement_offers_the_check(talk: Talk) -> None:
    talk.say("council tax reduction")
    talk.say("no thanks")
    reply = talk.say("who can get it?")
    assert "Council Tax Reduction is for people aged 18 and over." in reply
    assert talk.choices[:2] == ("Check for me", "For someone else")
    assert "How old are you?" in talk.say("1")


def test_a_childs_age_given_to_how_old_are_you_switches_the_check_to_them(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    reply = talk.say("she's 9")
    assert reply.startswith("OK, I'll check for her.")
    assert "Universal Credit" in reply
    result = talk.say("yes")
    assert result.startswith("She is likely to be able to get Free school meals.")


def test_laughing_inside_a_check_is_one_short_line_then_the_question(talk: Talk) -> None:
    talk.say("can I get council tax reduction?")
    assert talk.replies[-1].text.startswith("How old are you?")
    talk.say("lol")
    assert talk.replies[0].text == "Glad to cheer you up!"
    assert talk.replies[-1].text.startswith("How old are you?")


def test_menu_in_the_middle_of_a_check_sets_it_aside_and_carry_on_takes_it_up(talk: Talk
                                                                            ) -> None:
    talk.say("free school meals")
    talk.say("Check for me", choice=0)
    question = talk.say("12")
    assert "Universal Credit" in question
    menu = talk.say("MENU")
    assert "I've stopped the check (answers kept: CARRY ON goes back to it)." in menu
    assert "Universal Credit" in talk.say("carry on")
    assert "You are likely to be able to get Free school meals." in talk.say("yes")


def test_more_past_the_last_page_says_so_and_keeps_the_list(talk: Talk) -> None:
    listed = talk.say("what is the council planning?")
    assert "New car park on Mill Lane" in listed
    again = talk.say("MORE")
    assert again.startswith("That's all of them.") and "New car park on Mill Lane" in again
