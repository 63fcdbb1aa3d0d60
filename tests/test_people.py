"""Whose need it is, what a message says about them, and answers given in natural words."""

from __future__ import annotations

import pytest
from conversation_kit import ENTRIES

from catalogue.model import Criterion, Entry
from conversations import people, smalltalk
from conversations.flows.common import parse_yes_no
from conversations.flows.entitlement import parse_age
from conversations.types import Session


def fresh() -> Session:
    return Session("sms", "+447700900001")


@pytest.mark.parametrize(("message", "subject"), [
    ("can my kids get free school dinners?", "other"),
    ("my son is 9", "other"),
    ("she's 9", "other"),
    ("for someone else", "other"),
    ("my 9 year old", "other"),
    ("can my 2 kids get free school dinners?", "other"),
    ("can I get free school meals?", "you"),
    ("for me", "you"),
    ("free school meals", None),
    ("yes", None),
    # someone who has died is never whom a check is for: the writer is
    ("my husband passed away, can I get single person discount?", "you"),
    ("since my husband died i live alone", "you"),
    ("i lost my mum last year and my son is 9", "other"),  # the son
    # nor a partner who has left
    ("im a single parent and my partner left, can i get help with council tax", "you"),
    ("my husband walked out last month and i cant pay the council tax", "you"),
    ("since i split up with my boyfriend i live alone", "you"),
    ("my son left school, can he get a bus pass", "other"),  # a child who left is there
    ("im pregnant and 17 and my mum doesnt know", "you"),  # nor one who must not know
    ("my mum doesnt know how to apply for a blue badge, can she get one", "other"),
    # a carer asking for themselves names whom they look after
    ("I look after my husband who has dementia, can I get any money for it", "you"),
    ("im a carer for my son can i get help", "you"),
    ("I am the main carer for my dad, am I entitled to anything", "you"),
    ("I look after my mum, can she get attendance allowance", "other"),
    ("im 15 and i look after my mum shes got ms", "you"),  # the young carer's
    ("i look after my mum she needs a blue badge", "other"),
    # a parent named only as who said it
    ("my mum says we cant afford my school trip", "you"),
    ("my mum says she cant afford her rent", "other"),
])
def test_whose_need_the_message_says(message: str, subject: str | None) -> None:
    assert people.subject_of(message) == subject


def test_looking_after_someone_is_the_writers_answer_to_the_carers_question() -> None:
    session = fresh()
    assert people.note_facts(session, "I look after my husband, can I get any help") == [
        "you:carer"]
    assert session.data["answers"] == {"carer": True}
    assert people.note_facts(fresh(), "my husband looks after me") == []
    for said in ("i look after my dog", "im looking after my kids this weekend",
                 "i look after my garden"):
        assert "you:carer" not in people.note_facts(fresh(), said), said
    assert "you:carer" in people.note_facts(fresh(), "i look after my son who has autism")
    for said in ("i look after my disabled son can i get carers allowance",
                 "i care for my elderly mum can i get carers allowance",
                 "i look after my son with autism can i get carers allowance"):
        assert "you:carer" in people.note_facts(fresh(), said), said
        assert people.subject_of(said) == "you", said


@pytest.mark.parametrize(("said", "learned"), [
    ("can i get a blue badge i have copd and cant walk far", ["you:disabled"]),
    ("i have a long term condition", ["you:disabled"]),
    ("i had a stroke last year", ["you:disabled"]),
    ("i dont have cancer", []),
    ("can i get pip if i have cancer", []),  # if: not said of the writer
    ("i have ms jones as my support worker", []),
])
def test_a_condition_named_is_a_yes_to_the_disability_question(said: str,
                                                               learned: list[str]) -> None:
    assert people.note_facts(fresh(), said) == learned


def test_facts_about_the_writer_and_a_child_are_kept_apart() -> None:
    session = fresh()
    assert people.note_facts(session, "I'm 16 and can't afford the bus to college") == ["you:age"]
    assert people.note_facts(session, "my son is 9") == ["other:age"]
    assert session.data["answers"] == {"age": 16, "has_children": True}
    assert session.data["other"]["who"] == "your son"
    assert people.answers_for(session, "other") == {"age": 9, "has_children": True}
    assert people.answers_for(session, "you")["age"] == 16


@pytest.mark.parametrize(("said", "age"), [
    ("im 68 can i get a free bus pass", 68), ("im 15 how do i get free school meals", 15),
    ("i'm fine with that", None), ("im on universal credit", None),
])
def test_the_writers_age_before_a_question(said: str, age: int | None) -> None:
    session = Session("sms", "+447700900001")
    people.note_facts(session, said)
    assert (session.data.get("answers") or {}).get("age") == age


def test_household_answers_are_shared_with_a_child_but_not_with_an_adult() -> None:
    session = fresh()
    people.note_facts(session, "my daughter is 7")
    people.record(session, "other", "income_benefit", True)  # the parent answers it
    people.record(session, "other", "disabled", False)
    assert session.data["answers"]["income_benefit"] is True
    assert "disabled" not in session.data["answers"]
    adult = fresh()
    people.note_facts(adult, "my mum is 80 and gets pension credit")
    assert adult.data["other"]["answers"] == {"age": 80, "income_benefit": True,
                                              "low_income": True}
    assert "income_benefit" not in adult.data.get("answers", {})


def test_benefits_stated_not_asked_about() -> None:
    session = fresh()
    assert people.note_facts(session, "can i get universal credit?") == []
    assert people.note_facts(session, "I get UC") == ["you:income_benefit"]
    assert people.note_facts(session, "i don't get pip") == []
    assert people.benefit_answer("dunno i think so, i get PIP") == (
        None, 'PIP and DLA are not income-related on their own, so I\'ve put "not sure".')
    assert people.benefit_answer("yes universal credit") == (True, "")
    assert people.benefit_answer("no") is None


@pytest.mark.parametrize("said", ["we came off universal credit", "our uc stopped last week",
                                  "we stopped getting uc", "i no longer get pension credit"])
def test_a_benefit_that_has_ended_is_a_no(said: str) -> None:
    assert people.benefit_answer(said) == (False, "")  # "came off" read as a yes before


def test_a_benefit_ended_and_claimed_again_waits_for_the_claim() -> None:
    assert people.benefit_answer("our uc stopped but ive reapplied") != (False, "")


def test_a_check_is_never_offered_for_someone_who_has_died() -> None:
    from conversations.flows.entitlement import check_choices

    spd, fsm = (next(e for e in ENTRIES if e.id == id) for id in ("spd", "fsm"))
    session = fresh()
    people.note_subject(session, "my husband passed away last year, can I get a discount")
    assert check_choices(session, spd)[1][0] == "For someone else"
    people.note_subject(session, "I lost my mum and my son is 9")
    assert check_choices(session, fsm)[1][0] == "For your son"
    session = fresh()
    people.note_subject(session, "im a single parent and my partner left")
    assert check_choices(session, spd)[1][0] == "For someone else"
    for said in ("i live alone since my husband Harold died in 2019",  # round 22: named
                 "my husband passed last year and the bill has come"):
        session = fresh()
        people.note_subject(session, said)
        assert check_choices(session, spd)[1][0] == "For someone else"
    for said in ("my husband is dead tired after work", "my husband passed his driving test"):
        session = fresh()
        people.note_subject(session, said)
        assert check_choices(session, spd)[1][0] == "For your husband"


def test_a_carers_check_is_not_offered_for_whom_they_look_after() -> None:
    """"i look after my wife, can i get a carers assessment" offered "For your wife"."""
    from conversations.flows.entitlement import check_choices

    assessment = Entry("assess", "entitlement", "Carer's assessment", "Help for carers.",
                       criteria=(Criterion(people.CARER),))
    fsm = next(e for e in ENTRIES if e.id == "fsm")
    session = fresh()
    people.note_facts(session, "i look after my wife she has ms, can i get a carers assessment")
    assert check_choices(session, assessment)[1][0] == "For someone else"
    assert check_choices(session, fsm)[1][0] == "For your wife"  # another check may be hers


def test_questions_are_put_about_the_other_person() -> None:
    session = fresh()
    people.note_facts(session, "my son is 9")
    assert people.age_question(session, "other").startswith("How old is your son?")
    assert people.question_about("Are you in full-time education or training?", session,
                                 "other", "student") == \
        "Is your son in full-time education or training?"
    assert people.question_about("Were you in care for 13 weeks after you turned 14?", session,
                                 "other", "care_leaver") == \
        "Was your son in care for 13 weeks after he turned 14?"
    household = "Do you (or your parents) get Universal Credit?"  # the son's parent: theirs
    assert people.question_about(household, session, "other", "income_benefit") == \
        "Do you get Universal Credit?"
    assert people.question_about(household, fresh(), "you", "income_benefit") == household


@pytest.mark.parametrize(("said", "age"), [
    ("9", 9), ("nine", 9), ("she's 9", 9), ("I'm 38", 38), ("9 years old", 9),
    ("twenty one", 21), ("thirty-eight", 38), ("he is 12", 12), ("skip", None),
    ("dunno", None), ("200", "bad"), ("the library", ""),
    ("he 8 year", 8), ("she turned 9 last month", 9), ("he just turned 6", 6),
    ("he 5 times", ""),  # not an age
    # an age to come is a year less now (they had stopped the check)
    ("he turns 12 in may", 11), ("im 16 next week", 15), ("nearly 16", 15),
    ("I will be 66 next month", 65), ("twenty one next month", 20), ("almost sixteen", 15),
    ("ill be 10 minutes", ""),
    # how many children, then their ages (it had stopped the check)
    ("2 kids, 4 and 11", [4, 11]), ("i have 3 children: 2, 5 and 13", [2, 5, 13]),
    ("kids are 6 and 12", [6, 12]), ("the children are 4 and 9", [4, 9]),  # round 22
    ("two kids aged 4 and 11", [4, 11]),
    ("he 2 years behind at school", ""), ("she turned 3 weeks ago", ""),
    ("my son is 2 years behind", ""), ("im 2 years behind on rent", ""),
    ("im 17 am i allowed", 17), ("he is twenty one years older", ""),
    ("9 - its for my son not for me", 9), ("7, for my daughter", 7),  # the age, then who
    ("4 - 11", ""), ("12: she is in year 7", ""),  # a range, another number: not one age
])
def test_ages_in_words_and_sentences(said: str, age: int | str | None) -> None:
    assert parse_age(said) == age


@pytest.mark.parametrize(("said", "meaning"), [
    ("yeah we do", "yes"), ("yes he does", "yes"), ("she is", "yes"), ("yes please check", "yes"),
    ("not at the moment", "no"), ("nope never", "no"), ("no we dont", "no"),
    ("i dont think so", "no"), ("he isnt", "no"),
    ("dunno i think so", "unknown"), ("probably not", "unknown"), ("no idea mate", "unknown"),
    ("yes where is the food bank?", None), ("I'm not happy with that", None),
    ("help with rent", None), ("thanks", None),
    # emphatic (round 22: "absolutely not" deleted a person's data at FORGET ME)
    ("absolutely not", "no"), ("definitely not", "no"), ("certainly not", "no"),
    ("of course not", "no"), ("no definitely not", "no"), ("hell no", "no"),
    ("not at all", "no"), ("absolutely", "yes"), ("of course", "yes"),
    ("definitely not sure", "unknown"),
])
def test_yes_no_and_dont_know_in_many_forms(said: str, meaning: str | None) -> None:
    assert parse_yes_no(said) == meaning


@pytest.mark.parametrize(("said", "reply"), [
    ("thanks", smalltalk.THANKS), ("ok thanks", smalltalk.THANKS), ("Cheers!", smalltalk.THANKS),
    ("\U0001f44d", smalltalk.THANKS), ("\U0001f602", smalltalk.LAUGH), ("lol", smalltalk.LAUGH),
    ("bye", smalltalk.BYE), ("ok", smalltalk.OK), ("hello?", smalltalk.HERE),
    ("are you there?", smalltalk.HERE), ("hello", None), ("food bank", None),
    ("thanks, where is the library?", None),
    ("I don't understand", smalltalk.CONFUSED), ("what do you mean?", smalltalk.CONFUSED),
    ("im confused", smalltalk.CONFUSED), ("I don't understand the form", None),
    ("thank you dear", smalltalk.THANKS), ("ok love x", smalltalk.OK),
    ("thanks hun xx", smalltalk.THANKS), ("dear", None),
])
def test_small_talk(said: str, reply: str | None) -> None:
    assert smalltalk.reply_to(said) == reply


@pytest.mark.parametrize(("said", "ages"), [
    ("my kids are 7 and 12", [7, 12]),
    ("can my children get it? they're 3, 7 and 12", [3, 7, 12]),
    ("my boys r 4 & 6", [4, 6]),
    ("our twins are aged seven and nine", [7, 9]),
    ("my kids are 4 and 5 and 17", [4, 5, 17]),
    ("my son is 7", None),  # one child: the single-age reading
    ("i have 2 and 3 bedroom flats to choose from", None),
    ("they're 2 and 3 bedroom flats", None),
    ("they're 7 and 12", None),  # nobody named: not children
    ("my kids' schools are 2 and 3 miles away", None),
    ("my kids and my parents are 70 and 72", None),
    ("my kids are 3 and 6 months", None),
])
def test_several_childrens_ages_in_a_sentence(said: str, ages: list[int] | None) -> None:
    assert people.several_ages(said) == ages


def test_my_kids_without_ages_are_asked_each_age_and_a_two_year_old_is_known() -> None:
    session = Session("sms", "+447700900125")
    people.note_facts(session, "what can my kids get?")
    assert people.age_question(session, "other").startswith("How old are your children?")
    people.record(session, "other", "age", [2, 5])
    assert session.data["answers"]["child_aged_two"] is True  # not asked again
    one = Session("sms", "+447700900126")
    people.note_facts(one, "my son is 2")
    assert one.data["answers"]["child_aged_two"] is True
    assert people.age_question(one, "other").startswith("How old is your son?")
    older = Session("sms", "+447700900127")
    people.note_facts(older, "my kids are 3 and 8")
    assert "child_aged_two" not in older.data["answers"]


def test_several_ages_are_kept_for_the_children_not_the_writer() -> None:
    session = Session("sms", "+447700900123")
    learned = people.note_facts(session, "my kids are 7 and 12 and I'm 34")
    assert set(learned) == {"other:age", "you:age"}
    assert session.data["other"]["answers"]["age"] == [7, 12]
    assert session.data["other"]["who"] == "your children"
    assert session.data["answers"]["age"] == 34
    asked = people.question_about("Are you in full-time education?", session, "other",
                                  "in_education")
    assert asked == "Are any of your children in full-time education?"
    people.note_facts(session, "for my child")  # the children already spoken of
    assert session.data["other"]["answers"]["age"] == [7, 12]
    impossible = Session("sms", "+447700900124")
    people.note_facts(impossible, "my kids are 7 and 200")
    assert impossible.data["other"]["answers"] == {}  # the children, but no age


def test_the_children_are_remembered_after_one_of_them_is_spoken_of() -> None:
    session = fresh()
    people.note_facts(session, "my kids are 7 and 12")
    people.note_facts(session, "my son is 9")  # a third child: the one checked next
    assert session.data["other"]["who"] == "your son"
    people.note_facts(session, "can my kids get free school meals?")
    assert session.data["other"]["who"] == "your children"
    assert session.data["other"]["answers"]["age"] == [7, 12, 9]
    people.note_facts(session, "my daughter is 12")  # one of them
    people.note_facts(session, "what about my children")
    assert session.data["other"]["answers"]["age"] == [7, 12, 9]
    only_one = fresh()
    people.note_facts(only_one, "my son is 9")
    people.note_facts(only_one, "can my kids get it?")  # no ages given together: him
    assert only_one.data["other"]["who"] == "your son"


def test_answers_about_one_child_are_not_carried_to_all_the_children() -> None:
    session = fresh()
    people.note_facts(session, "can my kids get help? they're 7 and 12")
    people.record(session, "other", "in_education", True)  # asked of the children
    people.note_facts(session, "my son is 9")
    people.record(session, "other", people.DISABLED, True)  # "Is your son disabled?"
    people.note_facts(session, "what about my kids?")
    assert people.answers_for(session, "other") == {"age": [7, 12, 9], "has_children": True}
    asked = fresh()
    people.note_facts(asked, "can my kids get free school meals?")
    people.record(asked, "other", "in_education", True)
    people.for_children(asked, [7, 12])  # "7 and 12" to "How old is your child?"
    assert people.answers_for(asked, "other") == {"in_education": True, "age": [7, 12],
                                                  "has_children": True}


@pytest.mark.parametrize(("said", "learned"), [
    ("can my son get free school meals, he is 10 and we are on uc",
     ["other:age", "you:income_benefit"]),
    ("can my son get free school meals? i get uc", ["you:income_benefit"]),
    ("can my husband get a blue badge, he is disabled", ["other:disabled"]),
    ("im disabled but i dont get pip", ["you:disabled"]),
    ("can i get uc?", []),
    ("the lift is disabled, can i get help", []),
    ("he is not disabled", []),
])
def test_facts_stated_beside_a_question_are_kept(said: str, learned: list[str]) -> None:
    assert people.note_facts(Session("sms", "+447700900130"), said) == learned


@pytest.mark.parametrize("said", ["my twins are 7 can they get free school meals",
                                  "can my twins get free school meals? they are 7"])
def test_twins_of_one_age_are_two_children(said: str) -> None:
    session = Session("sms", "+447700900131")
    people.note_facts(session, said)
    assert session.data["other"]["who"] == "your children"
    assert session.data["other"]["answers"]["age"] == [7, 7]


def test_questions_about_another_adult_read_as_english() -> None:
    session = Session("sms", "+447700900132")
    people.note_facts(session, "can my mum get a bus pass she is 80")
    asked = people.question_about(
        "Do you (or your parents, if you live with them) get Universal Credit?", session,
        "other", "x")
    assert asked == "Does your mum (or her parents, if she lives with them) get Universal Credit?"
    assert people.question_about("Do you have children under 18 living with you?", session,
                                 "other", "x") == \
        "Does your mum have children under 18 living with her?"


def test_a_grandchilds_age_says_nothing_of_the_writers_household() -> None:
    session = Session("sms", "+447700900134")
    people.note_facts(session, "my grandson is 2")
    assert session.data["other"]["answers"]["age"] == 2
    assert not session.data.get("answers")


def test_a_disability_is_whoever_the_clause_names() -> None:
    session = Session("sms", "+447700900135")
    assert people.note_facts(session, "my son is disabled, can i get a blue badge") == [
        "other:disabled"]
    assert "disabled" not in session.data.get("answers", {})
    grandparent = Session("sms", "+447700900136")
    people.note_facts(grandparent, "my grandkids are 2 and 5 can they get healthy start")
    assert not grandparent.data.get("answers")


def test_what_can_he_get_is_about_someone_else() -> None:
    assert people.subject_of("what can he get?") == "other"
    assert people.subject_of("what can I get?") == "you"


def test_a_benefit_said_of_the_one_being_checked_is_theirs() -> None:
    session = fresh()
    people.note_subject(session, "my son")
    people.note_facts(session, "he gets pip")  # to "Does your son have a disability...?"
    assert people.answers_for(session, "other").get(people.DISABLED) is True
    assert people.DISABLED not in people.answers_for(session, "you")


@pytest.mark.parametrize(("said", "facts"), [
    # each was asked again after it was said
    ("can i get 30 hours free childcare, my son is 3 and we both work", {"working": True}),
    ("what help is there with council tax, i live on my own", {"lives_alone": True}),
    ("just me and my 12 year old", {"lives_alone": True}),
    ("im registered blind can i get a free bus pass", {"disabled": True}),
    ("i'm a care leaver, 20, what help can i get", {"care_leaver": True, "age": 20}),
    ("he's 9 but we dont get benefits my partner works full time", {"income_benefit": False}),
    ("renting from a housing association", {"renting": True, "council_tenant": True}),
    ("im not working at the moment", {"working": False}),
    ("we used to get uc but not anymore", {"income_benefit": False}),
    # not facts: a need, a negation, a wish, a question, the past, someone else's (second
    # review)
    ("i need a council house", {}),
    ("i dont live on my own", {}),
    ("we want to live in a council house", {}),
    ("im expecting a call back from housing", {}),
    ("my son is a care leaver, can he get help", {}),
    ("my mum cant live alone anymore", {}),
    ("i used to live on my own", {}),
    ("my son is renting a flat", {}),
    ("can i work and still claim uc", {}),
    ("i dont work fridays", {}),
    ("we dont claim universal credit we get tax credits", {}),
])
def test_what_the_writer_says_of_themselves_answers_the_questions(
    said: str, facts: dict[str, object]
) -> None:
    session = fresh()
    people.note_facts(session, said)
    mine = session.data.get("answers") or {}
    assert {code: mine[code] for code in facts} == facts
    assert not {"working", "lives_alone", "council_tenant"} - set(facts) & set(mine)


@pytest.mark.parametrize(("said", "age"), [
    ("i'm a care leaver, 20, what help can i get", 20), ("im a single mum, 24, on uc", 24),
    # not ages (second review)
    ("im paying 80 and cant afford it", None), ("im owed 70, can i get help", None),
])
def test_an_age_after_what_the_writer_is(said: str, age: int | None) -> None:
    assert people.own_age(said) == age


def test_a_university_year_is_no_age() -> None:
    assert parse_age("year 2 at uni") == "" and parse_age("year 5") == 9
    session = fresh()
    people.note_facts(session, "im in year 2 at uni")
    assert "age" not in (session.data.get("answers") or {})
