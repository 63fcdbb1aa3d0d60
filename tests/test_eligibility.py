"""conversations/eligibility.py: likely / unlikely / unknown from a person's answers."""

from __future__ import annotations

from catalogue.model import Criterion, Entry
from conversations.eligibility import (
    assess,
    checkable,
    conditions,
    fitting,
    next_question_across,
    question_for,
)

FSM = Entry("fsm", "entitlement", "Free school meals", "Lunch.", min_age=4, max_age=16,
            criteria=(Criterion("income_benefit"),))
SPD = Entry("spd", "entitlement", "Single person discount", "25% off.", min_age=18,
            criteria=(Criterion("lives_alone"),))
CTR = Entry("ctr", "entitlement", "Council Tax Reduction", "Help.",
            criteria=(Criterion("income_benefit"), Criterion("care_leaver", negated=True)))
PASS = Entry("pass", "entitlement", "Bus pass", "Free bus travel.", min_age=66)
LIBRARY = Entry("library", "service", "Library", "Books.")
QUESTIONS = {"income_benefit": "Do you get Universal Credit?", "lives_alone": "Do you live alone?"}


def test_age_is_asked_first_then_each_criterion_in_order() -> None:
    assert conditions(FSM) == ["age", "income_benefit"]
    assert assess(FSM, {}).next_question == "age"
    assert assess(FSM, {"age": 10}).next_question == "income_benefit"
    assert conditions(CTR) == ["income_benefit", "care_leaver"]


def test_likely_when_every_condition_holds() -> None:
    verdict = assess(FSM, {"age": 10, "income_benefit": True})
    assert verdict.status == "likely"
    assert verdict.reasons == () and verdict.next_question is None


def test_unlikely_names_each_failed_condition() -> None:
    verdict = assess(FSM, {"age": 30, "income_benefit": False}, QUESTIONS)
    assert verdict.status == "unlikely"
    assert verdict.reasons == (
        "it is for ages 4 to 16 and you said you are 30",
        'you answered No to "Do you get Universal Credit?"',
    )


def test_a_negated_criterion_fails_on_yes() -> None:
    verdict = assess(CTR, {"income_benefit": True, "care_leaver": True})
    assert verdict.status == "unlikely"
    assert verdict.reasons == ('you answered Yes to "Does this apply to you: care leaver?"',)
    assert assess(CTR, {"income_benefit": True, "care_leaver": False}).status == "likely"


def test_a_failed_condition_stops_the_questions() -> None:
    verdict = assess(FSM, {"age": 40})
    assert verdict.status == "unlikely"
    assert verdict.next_question is None


def test_dunno_makes_it_unknown_and_says_what_to_check() -> None:
    verdict = assess(FSM, {"age": 9, "income_benefit": None})
    assert verdict.status == "unknown"
    assert verdict.unsure == ("income_benefit",)
    assert verdict.next_question is None
    skipped_age = assess(PASS, {"age": None})
    assert skipped_age.status == "unknown" and skipped_age.unsure == ("age",)


def test_open_ended_age_ranges() -> None:
    assert assess(PASS, {"age": 66}).status == "likely"
    assert assess(PASS, {"age": 65}).reasons == (
        "it is for people aged 66 or over and you said you are 65",)
    young = Entry("y", "entitlement", "Y", "Y.", max_age=25)
    assert assess(young, {"age": 26}).reasons == (
        "it is for people aged 25 or under and you said you are 26",)


def test_questions_come_from_the_circumstances_table_with_a_fallback() -> None:
    assert question_for("lives_alone", QUESTIONS) == "Do you live alone?"
    assert question_for("care_leaver", QUESTIONS) == "Does this apply to you: care leaver?"
    assert question_for("age", QUESTIONS).startswith("How old are you?")


def test_one_round_of_questions_across_all_entitlements() -> None:
    entries = [FSM, SPD, CTR]
    answers: dict[str, int | bool | None] = {}
    asked = []
    while (question := next_question_across(entries, answers)) is not None:
        asked.append(question)
        answers[question] = 30 if question == "age" else True
    # age 30 rules out free school meals before its benefit question; each asked once
    assert asked == ["age", "lives_alone", "income_benefit", "care_leaver"]
    assert len(asked) == len(set(asked))


def test_fitting_lists_other_entitlements_the_answers_satisfy() -> None:
    answers = {"age": 30, "income_benefit": True, "lives_alone": True, "care_leaver": False}
    assert [e.id for e in fitting([FSM, SPD, CTR, PASS, LIBRARY], answers, exclude="spd")] == [
        "ctr"]


def test_only_entitlements_with_conditions_are_checkable() -> None:
    assert checkable(FSM) and checkable(PASS)
    assert not checkable(LIBRARY)
    assert not checkable(Entry("x", "entitlement", "X", "No conditions."))


def test_reasons_name_whose_answers_they_are() -> None:
    son = assess(FSM, {"age": 17, "income_benefit": True}, who="your son")
    assert son.reasons == ("it is for ages 4 to 16 and you said your son is 17",)
    they = assess(FSM, {"age": 2, "income_benefit": True}, who="they")
    assert they.reasons == ("it is for ages 4 to 16 and you said they are 2",)
