"""The entitlement check, through the engine with a real database, as SMS and Telegram show it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlite_utils
from conversation_kit import Talk, engine_for

from bot.render import render_sms_all, segments
from conversations import people
from conversations.store import load_session
from conversations.types import Channel, Session

CHANNELS: tuple[Channel, ...] = ("sms", "telegram")


def test_best_match_entitlement_offers_the_check_and_asks_only_what_it_needs(talk: Talk) -> None:
    shown = talk.say("free school meals")
    assert "Free school meals" in shown
    assert "Would you like to check if you can get it?" in shown
    assert talk.choices[:2] == ("Check for me", "For someone else")
    assert "How old are you?" in talk.say("1")
    question = talk.say("I'm 12")
    assert "Universal Credit" in question
    assert talk.choices == ("Yes", "No", "Not sure")
    result = talk.say("yep")
    assert "You are likely to be able to get Free school meals." in result
    assert "How to apply: Apply online at example.org/fsm" in result
    assert "a guide, not a decision" in result
    assert "Was this helpful?" in result


def test_maybe_to_the_check_says_what_it_is_and_offers_it_again(talk: Talk) -> None:
    talk.say("free school meals")
    assert talk.say("maybe").startswith("It's a few yes/no questions, a guide only, and you "
                                        "can stop any time. Would you like to check")
    assert talk.choices[:2] == ("Check for me", "For someone else")
    assert "How old are you?" in talk.say("1")


def test_confused_at_the_offer_is_said_sorry_to_and_starts_nothing(talk: Talk) -> None:
    talk.say("free school meals")
    assert talk.say("im confused").startswith("Sorry, I didn't make that clear.")
    assert "How old are you?" in talk.say("1")  # the offer still stands


def test_a_new_question_at_the_offer_is_answered_not_taken_for_yes(talk: Talk) -> None:
    talk.say("council tax reduction")
    shown = talk.say("where can i find things to do after school?")  # "i": not "for me"
    assert "Youth club" in shown or "Free evening sessions" in shown
    assert "How old are you?" not in shown
    talk.say("council tax reduction")
    shown = talk.say("i need books and computers to apply for jobs")  # "apply": another
    assert "Riverside library" in shown and "How old are you?" not in shown  # need still
    for about_it in ("can i get it?", "am i eligible?", "what if i work part time?",
                     "i want to check", "i need to know if i qualify"):
        talk.say("council tax reduction")  # about the offer: the check
        assert "How old are you?" in talk.say(about_it), about_it
        talk.say("stop")


def test_an_adult_or_a_parent_is_not_asked_about_their_parents(talk: Talk) -> None:
    talk.say("council tax reduction")
    talk.say("check for me")
    assert talk.say("30").startswith("Do you get Universal Credit")
    talk.say("stop")
    talk.say("can my son get free school meals")
    assert talk.say("9").startswith("Do you get Universal Credit")  # the parent's household



def test_a_child_is_asked_about_their_parents(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    assert "(or your parents)" in talk.say("12")  # a child's own check


@pytest.mark.parametrize("said", [
    "no i dont, he took my bank card and says i cant leave",
    "no i dont, i just feel so alone and tired of everything",
    "no I don't want to do this anymore",  # short, but more than an answer (second review)
    "nah I don't want to do this anymore",
])
def test_a_disclosure_that_starts_like_an_answer_still_gets_the_helplines(talk: Talk,
                                                                        said: str) -> None:
    """Only a few words that are all answer are exempt from the classifier (review)."""
    talk.say("council tax reduction")
    talk.say("check for me")
    talk.say("35")
    talk.say(said)
    assert talk.replies[0].urgent, talk.replies[0].text


def test_an_answer_a_day_later_is_not_exempt(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("1")
    talk.say("I'm 12")
    talk.say("i think so mum gets some benefit", later=timedelta(days=2))
    assert talk.replies[0].urgent  # the check was long left: a new message, read as one


def test_not_entitled_says_why_and_suggests_what_fits(talk: Talk) -> None:
    talk.say("council tax reduction")
    talk.say("Check for me", choice=0)
    talk.say("34")
    talk.say("no")  # income_benefit: fails, so care_leaver is not asked
    # the earlier answers are remembered; single person discount needs lives_alone
    talk.say("single person discount")
    talk.say("yes, for me")
    assert "Are you the only adult" in talk.replies[-1].text
    result = talk.say("yes")
    assert "You are likely to be able to get Single person discount" in result
    verdict = talk.say("council tax reduction")  # already decided: the verdict straight away
    assert "It looks like you can't get Council Tax Reduction, because" in verdict
    assert 'you answered No to "Do you get Universal Credit' in verdict  # as it was put
    assert "You might try this." in verdict
    assert "a guide, not a decision" in verdict
    assert talk.choices == ("Single person discount",)


def test_dunno_gives_may_be_able_and_what_to_check(talk: Talk) -> None:
    talk.say("free school meals")
    assert "Is this for you or for someone else?" in talk.say("yes")
    assert "How old are you?" in talk.say("for me")
    talk.say("9")
    result = talk.say("dunno")
    assert "You may be able to get Free school meals." in result
    assert "Check: Do you (or your parents) get Universal Credit" in result
    assert "a guide, not a decision" in result


@pytest.mark.parametrize("reply", ["y", "yes", "yeah", "yep", "Yes!", "YES", "1", "deffo",
                                   "ye innit", "my mum does"])
def test_yes_is_understood_however_typed(talk: Talk, reply: str) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("10")
    assert "You are likely to be able to get" in talk.say(reply)


@pytest.mark.parametrize("reply", ["no", "nah", "n", "2", "nah fam"])
def test_no_is_understood_however_typed(talk: Talk, reply: str) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("10")
    assert "It looks like you can't get Free school meals" in talk.say(reply)


@pytest.mark.parametrize("reply", ["dunno", "not sure", "Not sure", "idk", "3", "idk tbh"])
def test_not_sure_is_understood_however_typed(talk: Talk, reply: str) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("10")
    assert "You may be able to get Free school meals" in talk.say(reply)


def test_skipping_the_age_is_an_unknown(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("skip")
    result = talk.say("yes")
    assert "You may be able to get Free school meals" in result
    assert "Check: Your age: it is for ages 4 to 16." in result


def test_a_childs_skipped_age_is_checked_as_the_childs(talk: Talk) -> None:
    talk.say("can my son get free school meals")
    talk.say("dunno")
    assert "Check: Your son's age: it is for ages 4 to 16." in talk.say("yes")


def test_an_impossible_age_is_asked_again(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    assert "Please reply with your age in years" in talk.say("200")
    assert talk.state == "entitlement:ask"
    assert "Universal Credit" in talk.say("8")


@pytest.mark.parametrize(("said", "asked"), [
    ("what can i get im 14", "Universal Credit"),
    ("what can i get? im 14", "Universal Credit"),
    ("wat can i get im 14", "Universal Credit"),
    ("what am i entitled to, im 14", "Universal Credit"),
    ("what can my son get, he's 9", "Universal Credit"),
])
def test_what_can_i_get_with_the_age_after_it_starts_the_check(talk: Talk, said: str,
                                                                asked: str) -> None:
    """"what can i get im 14" was not understood ("what can i get" alone, or "im 14 what
    can i get", was)."""
    reply = talk.say(said)
    assert asked in reply and "How old" not in reply, reply


def test_picking_from_a_childs_list_gives_the_childs_verdict(talk: Talk) -> None:
    """Picking from "what can my son get" offered the check again ("Check for me / For
    your son") though it had just been done."""
    talk.say("what can my son get")
    talk.say("9")
    assert "Pick one" in talk.say("yes")
    picked = talk.say("1")
    assert "Your son is likely to be able to get Free school meals." in picked
    assert "Check for me" not in picked


def test_what_can_i_get_asks_each_question_once_and_lists_every_fit(talk: Talk) -> None:
    asked = [talk.say("What can I get?")]
    answers = {"How old": "21", "Universal Credit": "yes", "only adult": "yes",
               "in care": "yes"}
    while talk.state == "entitlement:ask":
        question = talk.replies[-1].text
        key = next(k for k in answers if k in question)
        asked.append(question)
        talk.say(answers.pop(key))
    result = talk.replies[-1].text
    # each question asked once; the benefit question never: age 21 rules out free school
    # meals and being a care leaver rules out Council Tax Reduction before it is needed
    assert list(answers) == ["Universal Credit"]
    assert len(asked) == 4
    assert "You are likely to be able to get 2 things." in result
    assert "Council Tax Reduction" not in talk.choices  # care leavers are excluded from it
    assert "Free school meals" not in talk.choices
    assert "a guide, not a decision" in result
    assert set(talk.choices) == {"Single person discount", "Care leavers council tax exemption"}
    shown = talk.say("1")
    assert "Care leavers council tax exemption" in shown
    assert "You are likely to be able to get Care leavers council tax exemption." in shown


def test_what_am_i_entitled_to_with_answers_known_asks_nothing(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("10")
    talk.say("yes")
    result = talk.say("what am I entitled to?")
    assert talk.state == "answered"
    assert "You are likely to be able to get 1 thing." in result
    assert talk.choices == ("Free school meals",)


def test_can_i_get_x_starts_the_check_straight_away(talk: Talk) -> None:
    shown = talk.say("can I get free school meals?")
    assert "Free school meals" in shown
    assert "How old are you?" in shown
    assert talk.state == "entitlement:ask"


def test_changing_mind_halfway_answers_the_new_question_and_keeps_answers(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("11")
    changed = talk.say("youth club")
    assert "Youth club" in changed
    assert talk.state == "feedback:helpful"
    # back to the check later: the age is not asked again
    talk.say("free school meals")
    assert "Universal Credit" in talk.say("check for me")


def test_an_answer_to_another_question_is_kept_and_the_check_goes_on(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("1")
    again = talk.say("yes we get universal credit")  # to "How old are you?"
    assert "Thanks, I've noted that." in again and "How old are you?" in again
    assert talk.state == "entitlement:ask"
    result = talk.say("12")  # the benefit is not asked
    assert "You are likely to be able to get Free school meals." in result


def test_its_for_my_son_to_how_old_are_you_asks_his_age(talk: Talk) -> None:
    talk.say("can i get free school meals")
    assert "How old is your son?" in talk.say("its for my son")
    assert "Universal Credit" in talk.say("hes 9")
    assert "Your son is likely to be able to get Free school meals." in talk.say("yes")


def test_an_age_then_whose_it_is_answers_how_old_are_you(talk: Talk) -> None:
    talk.say("can i get free school meals")
    assert "Universal Credit" in talk.say("9 - its for my son not for me")
    assert "Your son is likely to be able to get Free school meals." in talk.say("yes")


@pytest.mark.parametrize(("said", "verdict"), [
    ("yes but only some months", "You are likely to be able to get Free school meals."),
    ("no, my partner works though", "It looks like you can't get Free school meals"),
    ("ye, for years now", "You are likely to be able to get Free school meals."),
    ("ya since last year", "You are likely to be able to get Free school meals."),
    ("yeh", "You are likely to be able to get Free school meals."),  # round 21's 2nd test
    ("definitely not", "can't get Free school meals"),  # round 22: "likely"
    ("hell no", "can't get Free school meals"),
    # in a few words, read rather than searched
    ("we used to but not anymore", "can't get Free school meals"),
    ("not yet but starting next month", "can't get Free school meals"),
    ("no but my husband gets uc", "likely to be able to get Free school meals"),
    ("no, my partner does", "likely to be able to get Free school meals"),
    ("only child benefit", "can't get Free school meals"),
    # the classifier alone leans towards danger on this one; as an answer it is none
    ("i think so mum gets some benefit", "may be able to get Free school meals"),
    ("not yet but ive applied for universal credit", "may be able to get Free school meals"),
])
def test_a_yes_or_no_with_more_said_answers_the_question(talk: Talk, said: str,
                                                         verdict: str) -> None:
    talk.say("free school meals")
    talk.say("1")
    assert "Universal Credit" in talk.say("12")
    answered = talk.say(said)
    assert verdict in answered, answered
    assert "Childline" not in answered and "Did you mean" not in answered


@pytest.mark.parametrize("said", ["one sec", "hang on let me check", "brb"])
def test_a_moment_asked_for_keeps_the_question_and_is_no_answer(talk: Talk, said: str) -> None:
    talk.say("free school meals")
    talk.say("1")
    reply = talk.say(said)
    assert "No rush" in reply and "How old are you?" in reply
    session = load_session(talk.db, talk.channel, talk.address)
    assert talk.state == "entitlement:ask" and "age" not in session.data.get("answers", {})
    assert "Universal Credit" in talk.say("12")


@pytest.mark.parametrize("said", ["no but my partner gets universal credit", "no wait yes",
                                  "no i mean yes"])
def test_a_no_taken_back_is_not_a_no(talk: Talk, said: str) -> None:
    talk.say("free school meals")
    talk.say("1")
    talk.say("12")
    assert "can't get" not in talk.say(said)


def test_not_wanting_to_say_is_a_not_sure(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("1")
    assert "Universal Credit" in talk.say("i dont want to say")
    assert talk.state == "entitlement:ask"


def test_menu_leaves_the_check(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    assert "in your own words" in talk.say("MENU")
    assert talk.state == "menu"
    assert talk.choices[0] == "What can I get?"


def test_no_thanks_to_the_check_asks_if_it_helped(talk: Talk) -> None:
    talk.say("free school meals")
    assert "Was this helpful?" in talk.say("no thanks")
    assert talk.state == "feedback:helpful"


def test_sms_replies_fit_sensibly(db: sqlite_utils.Database) -> None:
    talk = Talk(engine_for(db), db, channel="sms")
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("10")
    talk.say("yes")
    bodies = render_sms_all(talk.replies)
    assert sum(segments(body) for body in bodies) <= 2
    assert "You are likely to be able to get Free school meals" in bodies[0]
    assert bodies[-1].endswith("Reply 1 or 2")


def test_several_childrens_ages_are_checked_for_each_child(talk: Talk) -> None:
    # free school meals here are for ages 4 to 16
    talk.say("my kids are 7 and 17")
    question = talk.say("can my kids get free school meals?")
    assert "How old" not in question and "Universal Credit" in question
    result = talk.say("yes")
    assert ("Your child aged 7 is likely to be able to get Free school meals. Not for your "
            "child aged 17: it is for ages 4 to 16.") in result
    assert "a guide, not a decision" in result


def test_what_to_check_comes_before_the_ages_it_is_not_for(talk: Talk) -> None:
    talk.say("my kids are 3, 7, 12 and 17")
    talk.say("can my kids get free school meals?")
    result = talk.say("not sure")
    assert result.startswith("Your children aged 7 and 12 may be able to get Free school "
                             "meals. Check: Do you get Universal Credit")  # as it was put
    assert "Not for your children aged 3 and 17: it is for ages 4 to 16." in result


def test_two_ages_for_the_writer_or_an_impossible_one_are_asked_again(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("Check for me", choice=0)
    assert "Please reply with your age in years" in talk.say("34 and 36")
    assert talk.state == "entitlement:ask"
    talk.say("can my kids get free school meals?")
    assert "Please reply with the age in years" in talk.say("7 and 150")


def test_ages_given_together_in_answer_to_how_old(talk: Talk) -> None:
    assert "How old are your children?" in talk.say("can my kids get free school meals?")
    assert "Universal Credit" in talk.say("5, 9 and 12")
    result = talk.say("yes we get UC")
    assert "Your children are likely to be able to get Free school meals." in result
    assert "so not for" not in result  # every one of them fits


def test_when_no_child_fits_the_age_limit_it_says_so(talk: Talk) -> None:
    talk.say("can my kids get free school meals?")
    result = talk.say("17 and 19")
    assert ("It looks like your children can't get Free school meals, because it is for "
            "ages 4 to 16 and you said your children are 17 and 19.") in result


def test_what_can_my_kids_get_says_when_not_all_fit_each_child(talk: Talk) -> None:
    talk.say("my kids are 7 and 17")
    listed = talk.say("what can my kids get?")
    assert "How old" not in listed
    result = talk.say("yes")
    assert "Your children are likely to be able to get 1 thing." in result
    assert "Pick one to see how to apply and which of them it is for." in result
    verdict = talk.say("Free school meals", choice=0)  # their verdict, not the check again
    assert "Your child aged 7 is likely to be able to get Free school meals." in verdict


def test_several_children_it_fits_are_spoken_of_as_several(talk: Talk) -> None:
    talk.say("my kids are 3, 7, 12 and 17")
    talk.say("can my kids get free school meals?")
    result = talk.say("yes")
    assert result.startswith("Your children aged 7 and 12 are likely to be able to get Free "
                             "school meals. Not for your children aged 3 and 17")


def test_my_kids_after_one_child_was_spoken_of_means_all_of_them(talk: Talk) -> None:
    talk.say("my kids are 7 and 17")
    talk.say("my son is 9")
    talk.say("can my kids get free school meals?")
    result = talk.say("yes")
    assert ("Your children aged 7 and 9 are likely to be able to get Free school meals. Not "
            "for your child aged 17: it is for ages 4 to 16.") in result



def likely_to_get_free_school_meals(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("Check for me", choice=0)
    talk.say("12")
    assert "You are likely to be able to get Free school meals" in talk.say("yes")


def test_oops_i_meant_no_changes_the_answer_just_given(talk: Talk) -> None:
    talk.say("what can I get?")
    talk.say("34")
    asked = talk.replies[-1].text
    session = load_session(talk.db, talk.channel, talk.address)
    code = session.data["flow"]["asking"]
    talk.say("yes")
    assert load_session(talk.db, talk.channel, talk.address).data["answers"][code] is True
    changed = talk.say("oops i meant no")
    assert changed.startswith("OK, I've changed that answer to No.")
    assert asked not in changed  # the check goes on, not back to the start
    session = load_session(talk.db, talk.channel, talk.address)
    assert session.data["answers"][code] is False
    assert talk.state == "entitlement:ask"


@pytest.mark.parametrize("said", ["sorry, I meant no", "sorry, i mean no", "wait i mean no"])
def test_a_correction_after_the_verdict_gives_the_verdict_again(talk: Talk, said: str) -> None:
    likely_to_get_free_school_meals(talk)
    again = talk.say(said)
    assert again.startswith("OK, I've changed that answer to No.")
    assert "It looks like you can't get Free school meals" in again
    talk.say("how do I report a pothole")  # a new request: nothing left to correct
    assert "changed that answer" not in talk.say("oops i meant yes")


def test_an_age_or_a_household_put_right_in_words_after_the_verdict(talk: Talk) -> None:
    """Round 22's exploratory test: "sorry im 67 not 45" got "Sorry, I couldn't find
    anything"; "oh my son moved back in last month" left "likely" standing."""
    talk.say("can i get single person discount")
    talk.say("40")
    assert "likely to be able to get Single person discount" in talk.say("yes")
    moved = talk.say("oh my son moved back in last month")
    assert moved.startswith("OK, I've changed that answer to No.")
    assert "It looks like you can't get Single person discount" in moved



def test_an_age_put_right_in_words_after_the_verdict(talk: Talk) -> None:
    likely_to_get_free_school_meals(talk)
    again = talk.say("sorry im 17 not 12")
    assert again.startswith("OK, I've changed the age to 17.")
    assert "can't get Free school meals" in again  # for ages 4 to 16


def test_naming_a_partner_in_a_household_answer_keeps_the_check_for_the_child(
    talk: Talk
) -> None:
    talk.say("can my daughter get free school meals? she is 8")
    result = talk.say("my husband gets uc")
    assert "Your daughter is likely to be able to get Free school meals." in result
    assert "husband" not in result


@pytest.mark.parametrize("said", ["we're not on uc actually", "actually we dont get uc anymore",
                                  # round 22: searched as a new question ("Benefits advice")
                                  "oh wait we stopped getting uc last month",
                                  "we came off universal credit", "wait we dont get uc"])
def test_a_benefit_said_again_after_the_verdict_corrects_it(talk: Talk, said: str) -> None:
    likely_to_get_free_school_meals(talk)
    again = talk.say(said)
    assert "It looks like you can't get Free school meals" in again
    assert talk.db.table("feedback").count == 0  # not taken as "No, not helpful"


@pytest.mark.parametrize("asked", ["why do you need to know?", "what does that mean?",
                                   "wot does that mean", "wat do u mean"])
def test_a_question_about_the_question_keeps_the_check(talk: Talk, asked: str) -> None:
    talk.say("can my daughter get free school meals?")
    reply = talk.say(asked)
    assert "I only ask what the rules for it depend on." in reply
    assert "How old is your daughter?" in reply
    assert "Universal Credit" in talk.say("nine and a half")  # the age, 9, is taken
    assert "Your daughter is likely to be able to get Free school meals." in talk.say("yes")


def test_a_follow_up_after_the_offer_is_answered_not_taken_as_check_for_me(talk: Talk) -> None:
    talk.say("free school meals")
    assert talk.state == "entitlement:offer"
    reply = talk.say("tell me more")
    assert "How old are you?" not in reply and talk.state != "entitlement:ask"


def test_words_that_answer_the_question_asked_change_no_earlier_answer(talk: Talk) -> None:
    likely_to_get_free_school_meals(talk)
    assert "changed that answer" not in talk.say("actually no it wasnt")  # "Was this helpful?"
    session = load_session(talk.db, talk.channel, talk.address)
    assert session.data["answers"]["income_benefit"] is True


def test_i_mean_no_answers_the_question_asked(talk: Talk) -> None:
    talk.say("what can I get?")
    talk.say("34")
    talk.say("yes")
    code = load_session(talk.db, talk.channel, talk.address).data["flow"]["asking"]
    assert "changed that answer" not in talk.say("i mean no, we dont")
    assert load_session(talk.db, talk.channel, talk.address).data["answers"][code] is False


@pytest.mark.parametrize("said", ["my son is 9, what can he get?",
                                  "my kids are 3 and 14 what can they get"])
def test_what_can_they_get_after_the_facts_checks_everything_for_them(talk: Talk,
                                                                     said: str) -> None:
    asked = talk.say(said)
    assert talk.state == "entitlement:ask" and "How old" not in asked  # the ages are known


def test_do_i_qualify_after_the_offer_starts_the_check(talk: Talk) -> None:
    talk.say("free school meals")
    assert "How old are you?" in talk.say("do i qualify?")


def test_a_young_persons_own_check_when_a_parent_is_named_for_the_benefit(talk: Talk) -> None:
    """"can i get free school meals my mum is on uc": the check is the writer's, and her UC
    answers the household question."""
    assert "How old are you?" in talk.say("can i get free school meals my mum is on uc")
    assert "You are likely to be able to get Free school meals" in talk.say("12")


def test_no_real_danger_message_after_a_yes_or_no_is_read_as_a_check_answer() -> None:
    """The classifier is set aside for a check answer (conversations/engine.py): every real
    danger message it alone catches, sent whole or as its first sentence after an answer's
    opening, must still not read as one (96 did before the second review)."""
    import csv
    from pathlib import Path

    from conversations.flows.entitlement import reads_as_answer
    from conversations.safeguarding import CLASSIFIER, assess
    from conversations.types import Session

    texts = [row["text"] for path in sorted(Path(__file__).parent.joinpath("data").glob(
        "safeguarding-real-*.tsv")) for row in csv.DictReader(
            path.read_text(encoding="utf-8").splitlines(), delimiter="\t")
             if row["label"] == "danger"]
    read = []
    for text in texts:
        for opening in ("no ", "yes ", "nah ", "i think so ", "not sure "):
            said = opening + text.split(".")[0]
            concern = assess(said)
            if concern is None or concern.phrase != CLASSIFIER:
                continue
            for code in ("income_benefit", "disabled", "age"):
                session = Session("sms", "+447700900001", state="entitlement:ask",
                                  data={"flow": {"asking": code}})
                if reads_as_answer(session, said):
                    read.append(said)
    assert len(texts) > 1000 and read == []


@pytest.mark.parametrize(("said", "note"), [
    ("ok", "Please reply yes, no or not sure."),
    ("does child tax credit count", "Yes, that counts."),
    ("is that the same as child benefit?", "No: Child Benefit is not income-related."),
    ("does pip count?", "No: PIP and DLA are not income-related on their own."),
    ("what does income related mean", "Child Benefit, PIP and DLA are not."),
    ("i work part time", "Many people in work get Universal Credit too."),
])
def test_a_reply_that_is_not_yet_an_answer_puts_the_question_again(
        talk: Talk, said: str, note: str) -> None:
    talk.say("can my kids get free school meals")
    talk.say("7 and 12")
    reply = talk.say(said)
    assert note in reply and "Do you get Universal Credit" in reply
    assert "get Free school meals" not in reply  # no verdict yet
    assert "likely to be able to get Free school meals" in talk.say("yes")


def test_hang_on_keeps_the_question_open(talk: Talk) -> None:
    talk.say("can my kids get free school meals")
    talk.say("7 and 12")
    assert "No rush" in talk.say("hang on let me ask my partner")
    assert "likely to be able to get Free school meals" in talk.say("yes")


@pytest.mark.parametrize(("said", "verdict"), [
    ("yes and no", "may be able to get Free school meals"),  # not sure
    ("sort of", "may be able to get Free school meals"),
    ("we used to", "can't get Free school meals"),
])
def test_a_doubt_or_a_past_benefit_is_read_as_such(talk: Talk, said: str, verdict: str) -> None:
    talk.say("can my kids get free school meals")
    talk.say("7 and 12")
    assert verdict in talk.say(said)


@pytest.mark.parametrize(("said", "then"), [("for my mum", "70"), ("its for my mum, she's 70", "")])
def test_whose_check_it_is_said_at_a_question_moves_the_check_to_them(
        talk: Talk, said: str, then: str) -> None:
    talk.say("can i get single person discount")
    assert "Are you the only adult" in talk.say("40")
    reply = talk.say(said)
    assert "OK, I'll check for your mum." in reply
    if then:  # her age, not said yet, is asked first
        assert "How old is your mum?" in reply
        reply = talk.say(then)
    assert "Is your mum the only adult living in her home?" in reply
    assert "Your mum is likely to be able to get Single person discount." in talk.say("yes")


def test_a_choice_typed_as_shown_is_that_choice(talk: Talk) -> None:
    talk.say("my son is 9, tell me about school dinners")
    assert "For your son" in talk.choices
    reply = talk.say("For your son")
    assert "Do you get Universal Credit" in reply
    assert "Your son is likely to be able to get Free school meals." in talk.say("yes")


def test_a_bare_age_to_would_you_like_to_check_is_the_writers_age(talk: Talk) -> None:
    talk.say("council tax help")
    assert "Would you like to check" in talk.replies[-1].text
    assert "Do you get Universal Credit" in talk.say("40")  # the age is not asked
    talk.say("yes")
    assert "You are likely to be able to get Council Tax Reduction." in talk.say("no")


def test_an_age_still_to_come_counts_as_a_year_less_and_says_so(talk: Talk) -> None:
    """"im 18 next week" stopped the check and was searched as words; "nearly 18" was
    taken as 18."""
    talk.say("can i get single person discount")
    said = talk.say("im 18 next week")
    assert "I've counted your age as 17 for now: the answer may change on the birthday." in said
    assert "you said you are 17" in said
    assert people.own_age("im nearly 66 can i get a bus pass") == 65


def test_naming_the_someone_else_keeps_the_check_for_them(talk: Talk) -> None:
    """"For someone else", then "my husband" at the first question, stopped the check and
    searched "my husband"."""
    talk.say("can i get single person discount")
    talk.say("for someone else")
    asked = talk.say("my husband")
    assert asked.startswith("OK, I'll check for your husband.")
    assert talk.state == "entitlement:ask"


@pytest.mark.parametrize("said", ["my partner gets uc but i dont",
                                  "my husband gets universal credit, i dont"])
def test_a_partners_benefit_is_the_households(talk: Talk, said: str) -> None:
    """"my partner gets uc but i dont" was read as No, and refused free school meals."""
    talk.say("can my son get free school meals")
    talk.say("he is 10")
    assert "likely to be able to get Free school meals" in talk.say(said)


@pytest.mark.parametrize("said", ["my ex gets uc but i dont", "the kids dad gets uc",
                                  "my ex husband is on universal credit"])
def test_a_benefit_of_someone_who_lives_elsewhere_is_not_the_households(talk: Talk,
                                                                       said: str) -> None:
    """"my ex gets uc but i dont" was counted as the household's benefit: "likely"."""
    talk.say("can my son get free school meals")
    talk.say("he is 10")
    answered = talk.say(said)
    assert "likely" not in answered and "Universal Credit" in answered  # asked, not told


def test_a_school_year_answers_how_old(talk: Talk) -> None:
    """"he is in year 5" stopped the check and was searched as words."""
    talk.say("can my son get free school meals")
    said = talk.say("he is in year 5")
    assert "I've counted year 5 as age 9, the youngest in it." in said
    assert "Universal Credit" in said


@pytest.mark.parametrize("later", [(), ("yes",)])
def test_an_age_corrected_after_it_was_given(talk: Talk, later: tuple[str, ...]) -> None:
    """"sorry i meant 15" after "she's 5" stopped the check (only yes/no answers could be
    corrected)."""
    talk.say("can my daughter get free school meals")
    talk.say("she's 5")
    for said in later:
        talk.say(said)
    changed = talk.say("sorry i meant 17")
    assert "OK, I've changed the age to 17." in changed
    if later:
        assert "can't get Free school meals" in changed and "16" in changed


def test_being_pregnant_said_in_words_answers_the_question() -> None:
    session = Session("sms", "1")
    assert people.note_facts(session, "im 12 weeks pregnant") == ["you:pregnant_or_under_4"]
    assert people.note_facts(Session("sms", "2"), "im 17 and pregnant") == \
        ["you:age", "you:pregnant_or_under_4"]
    assert people.note_facts(Session("sms", "3"), "im not pregnant") == []


@pytest.mark.parametrize("when", ["after", "during"])
def test_what_about_my_daughter_checks_the_same_for_her(talk: Talk, when: str) -> None:
    """"what about my daughter shes 15" after or during a check got "Sorry, I couldn't find
    anything"; the household's Universal Credit answer is hers too."""
    talk.say("can my son get free school meals")
    talk.say("he is 9")
    if when == "after":
        assert "Your son is likely" in talk.say("yes")
    said = talk.say("what about my daughter shes 15")
    if when == "during":
        said = talk.say("yes")
    assert "Your daughter is likely to be able to get Free school meals" in said


def test_ages_at_the_offer_start_the_childrens_check(talk: Talk) -> None:
    """"theyre 6 and 9" to "Would you like to check?" found nothing."""
    talk.say("free school meals for my kids")
    assert talk.state == "entitlement:offer"
    assert "Universal Credit" in talk.say("theyre 6 and 9")


def test_an_age_or_yes_to_whose_check_is_the_writers(talk: Talk) -> None:
    """"45" to "Is this for you or for someone else?" was told to reply 1 to 3, and
    "yes" looped."""
    talk.say("single person discount")
    assert "Is this for you or for someone else?" in talk.say("yes")
    assert "Are you the only adult" in talk.say("45")


def test_what_about_my_partner_asking_what_counts_is_no_new_check(talk: Talk) -> None:
    """"what about my partner, do his wages count?" restarted the check for the partner."""
    talk.say("can i get council tax reduction")
    talk.say("34")
    assert "How old is your partner" not in talk.say("what about my partner, do his wages count?")


def test_a_condition_named_answers_the_disability_question() -> None:
    """"she has ms" during a wife's Blue Badge check stopped it (second exploratory test)."""
    session = Session("sms", "9")
    people.note_subject(session, "my wife")
    assert "other:disabled" in people.note_facts(session, "she has ms")
