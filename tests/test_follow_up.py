"""Follow-up questions about the entry just shown, answered from its fields."""

from __future__ import annotations

import dataclasses

import pytest

from catalogue.model import Criterion, Entry
from conversations import follow_up
from conversations.follow_up import Say, Topic, answer, bare, field_value, topic_of

PANTRY = Entry(
    "pantry", "service", "Riverside community pantry",
    "Pay £5 a week for £20 or more of food from a community shop. Open to anyone.",
    description="A membership food club. No referral needed.",
    phone="01632 960209", url="https://example.org/pantry", address="3 Quay Street",
    opening_hours="Wed 12pm-3pm", provider="Riverside Community Trust",
    how_to_apply="Join on your first visit.", wards=("Riverside",), min_age=16,
)
BARE = Entry("bare", "service", "Bins", "Bin days.", email="bins@example.org")
ROLE = Entry("role", "volunteering", "Litter picks", "Pick litter on Saturdays.",
             how_to_apply="Fill in the form.", phone="01632 960300")


@pytest.mark.parametrize(("message", "topic"), [
    ("where is it?", "where"),
    ("wheres that", "where"),
    ("address pls", "where"),
    ("what time does it open", "when"),
    ("wat time does it open", "when"),
    ("when is it open on saturday", "when"),
    ("opening hours?", "when"),
    ("phone number", "phone"),
    ("how do i contact them", "phone"),
    ("website?", "website"),
    ("how do i apply", "apply"), ("what do i do now", "apply"), ("what happens next?", "apply"),
    ("how much is it", "cost"),
    ("is it free for kids", "cost"),
    ("who can go?", "who"),
    ("who runs it", "provider"),  # not "who can go"
    ("tell me more", "more"),
    ("more info", "more"),
    ("sign me up", "sign_up"),
    ("where is the pantry", "where"),  # names the entry itself
])
def test_follow_ups_are_recognised(message: str, topic: str) -> None:
    found = topic_of(message, PANTRY)
    assert found is not None and found.name == topic


@pytest.mark.parametrize("message", [
    "where is the library",  # names something else: a new question
    "library opening hours",
    "where can i get food",
    "i need help with my rent",
    "council tax",
    "what is the council planning in my area this year for the roads and bins",
])
def test_new_questions_are_not_follow_ups(message: str) -> None:
    assert topic_of(message, PANTRY) is None


def test_answers_come_from_the_fields() -> None:
    def said(message: str) -> str:
        topic = topic_of(message, PANTRY)
        assert topic is not None
        return answer(topic, PANTRY)

    assert said("where is it?") == "Riverside community pantry is at 3 Quay Street."
    assert said("when is it open") == "Riverside community pantry is open Wed 12pm-3pm."
    assert said("how much does it cost") == ("Pay £5 a week for £20 or more of food from a "
                                             "community shop.")
    assert said("who can go") == ("Riverside community pantry is for people aged 16 and over. "
                                  "It is for people in Riverside.")
    assert said("tell me more") == ("A membership food club. No referral needed. Run by "
                                    "Riverside Community Trust.")
    assert said("how do i apply") == ("How to apply for Riverside community pantry: Join on "
                                      "your first visit. Call 01632 960209.")


def test_a_missing_field_says_so_with_the_best_contact() -> None:
    where = topic_of("where is it", BARE)
    assert where is not None
    assert answer(where, BARE) == "I don't have an address for Bins. Email bins@example.org."


def test_sign_up_for_anything_but_a_volunteering_role_says_how_to_apply() -> None:
    # a volunteering role's sign-up is a flow: tests/test_flows_volunteering.py
    topic = topic_of("how do i sign up", PANTRY)
    assert topic is not None and topic.name == "sign_up"
    assert answer(topic, PANTRY).startswith("How to apply for Riverside community pantry:")


def test_a_checkable_entitlement_offers_the_check_to_who_can_get_it() -> None:
    grant = Entry("g", "entitlement", "Grant", "Money.", min_age=18,
                  criteria=(Criterion("income_benefit"),))
    topic = topic_of("who can get it", grant)
    assert topic is not None
    assert answer(topic, grant) == ("Grant is for people aged 18 and over. I can check if "
                                    "you can get it.")


def test_a_field_added_to_the_catalogue_is_one_line_in_a_topic() -> None:
    """Issue 12 may add e.g. `costs`: a `Say` line in the topic's table is all it takes."""
    @dataclasses.dataclass(frozen=True)
    class Costed(Entry):
        costs: str = ""

    entry = Costed("c", "service", "Swim", "Swimming.", costs="£3 a swim, free for under 5s")
    cost = next(t for t in follow_up.TOPICS if t.name == "cost")
    richer = Topic(cost.name, cost.pattern, (Say("costs", "{title} costs {value}."), *cost.says),
                   cost.missing)
    assert answer(richer, entry) == "Swim costs £3 a swim, free for under 5s."
    assert answer(cost, entry) == "I don't know what Swim costs. Ask the council."
    assert field_value(entry, "costs") == "£3 a swim, free for under 5s"


def test_bare_follow_ups_need_an_entry() -> None:
    assert bare("where is it?") and bare("how do i sign up") and bare("when is it open")
    assert not bare("where is the library") and not bare("help with rent")
    assert not bare("whats on this weekend") and not bare("want to volunteer")


ORUK_SERVICE = Entry(
    "oruk-1", "service", "Westside Advice Centre", "Free advice on debt and benefits.",
    fees="Free. Home visits £5.", eligibility="Adults living in the borough.",
    languages=("Polish", "Urdu"), areas_served=("Westside", "Riverside"),
    accessibility="Step-free entrance and a hearing loop.",
    required_documents="Photo ID and your latest bills.", how_to_apply="Drop in.")


@pytest.mark.parametrize(("question", "expected"), [
    ("how much is it", "Westside Advice Centre: Free. Home visits £5."),
    ("do they speak polish there", "At Westside Advice Centre they speak Polish; Urdu."),
    ("is it wheelchair accessible", "Step-free entrance and a hearing loop."),
    ("what do i need to bring", "you will need: Photo ID and your latest bills."),
    ("who can go", "Westside Advice Centre: Adults living in the borough."),
    ("where is it", "It serves Westside; Riverside."),
])
def test_open_referral_fields_answer_follow_ups(question: str, expected: str) -> None:
    topic = topic_of(question, ORUK_SERVICE)
    assert topic is not None, question
    assert expected in answer(topic, ORUK_SERVICE)


@pytest.mark.parametrize(("hours", "asked", "said"), [
    ("Tue and Fri 10am-1pm, Thu 5pm-7pm", "is it open on saturday", "Not on Saturday."),
    ("Tue and Fri 10am-1pm, Thu 5pm-7pm", "open friday?", "Yes, on Friday."),
    ("Mon-Fri 3.15pm-6pm (term time)", "is it open on wednesday", "Yes, on Wednesday."),
    ("Mon-Sat 9am-5pm", "open on sunday?", "Not on Sunday."),
    ("Every day 8am-8pm", "open sunday?", "Yes, on Sunday."),
    ("School holidays only", "open on monday", ""),  # the hours name no day
    ("Mon-Fri", "is the fridge open", ""),  # "fridge" is no Friday
    ("Mon-Fri", "open mon or tue", ""),  # two days: the times say it
])
def test_a_day_asked_about_is_answered_yes_or_no_when_the_hours_say(
    hours: str, asked: str, said: str
) -> None:
    from conversations.follow_up import open_on

    assert open_on(hours, asked) == said


def test_a_first_text_asking_where_gets_the_address_with_the_card(db) -> None:
    from conversation_kit import Talk, engine_for

    sms = Talk(engine_for(db), db, channel="sms")
    assert "Riverside library is at Mill Street." in sms.say("where is riverside library")
    assert "Riverside library is at" not in sms.say("riverside library")  # nothing asked
    first = Talk(engine_for(db), db, channel="sms", address="+447700900333")
    asked = first.say("when is riverside library open")  # no times known: the card, not
    assert "I don't have opening times" not in asked  # "I don't have opening times"


@pytest.mark.parametrize(("said", "searched"), [
    ("council tax phone number", "council tax"),
    ("whats the number for council tax", "what is the for council tax"),
    ("phone number", "phone number"),  # nothing else to search: "Which service do you mean?"
    ("my house number is wrong on my bill", "my house number is wrong on my bill"),
    ("my phone is broken", "my phone is broken"),
])
def test_how_a_phone_number_is_asked_for_is_not_searched(said: str, searched: str) -> None:
    assert follow_up.searched_words(said) == searched
