"""Volunteering sign-ups by text (conversations/flows/volunteering.py) on a real database:
"Sign up?" after a role, the questions, the age rules, the organiser's email and weekly
list through the outbox, withdrawing, and "what can I volunteer for?"."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlite_utils
from conversation_kit import CIRCUMSTANCES, ENTRIES, START, WARDS, Talk, TitleMatcher

from bot.render import render_sms, segments
from catalogue.model import Entry
from catalogue.store import open_db, save_catalogue
from conversations import volunteering
from conversations.engine import Engine

ROLES = [
    Entry("vol-park", "volunteering", "Friends of Riverside Park",
          "Monthly gardening and clean-up sessions in the park.", keywords=("park volunteer",),
          email="parks@example.org", opening_hours="First Saturday of the month 10am-1pm",
          wards=("Riverside",), how_to_apply="Just turn up or email first"),
    Entry("vol-homework", "volunteering", "Homework club helper",
          "Help children with reading after school.", keywords=("homework club",),
          email="volunteer@example.org", opening_hours="Tue and Thu 3.30pm-5pm", min_age=16),
    Entry("vol-befriend", "volunteering", "Befriend an older person",
          "Phone a lonely older person once a week.", keywords=("befriending",), min_age=18,
          phone="01632 960304"),
]


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    from conversations.records import ensure_records, save_wards

    made = open_db(tmp_path / "vol.db")
    save_catalogue(made, [*ENTRIES, *ROLES], CIRCUMSTANCES)
    ensure_records(made)
    save_wards(made, WARDS)
    return made


@pytest.fixture(params=("sms", "telegram"))
def talk(request: pytest.FixtureRequest, db: sqlite_utils.Database) -> Talk:
    return Talk(Engine(TitleMatcher([*ENTRIES, *ROLES]), db), db, channel=request.param)


def emails(db: sqlite_utils.Database) -> list[tuple[str, str, str, str]]:
    return db.execute("SELECT key, address, subject, body FROM outbox WHERE channel = 'email' "
                      "ORDER BY id").fetchall()


def sign_up(talk: Talk, age: str, when: str = "evenings and weekends",
            consent: str = "yes") -> str:
    assert "Would you like to sign up for Friends of Riverside Park?" in talk.say(
        "friends of riverside park")
    assert "first name" in talk.say("1")
    talk.say("Sam")
    talk.say(age)
    reply = talk.say(when)
    if "consent" in talk.state or talk.state == "volunteering:consent":
        reply = talk.say(consent)
    if talk.state == "volunteering:contact":
        reply = talk.say("07700 900555")
    return reply


def test_a_sign_up_emails_the_organiser(talk: Talk, db) -> None:
    reply = sign_up(talk, "17")
    assert "Thanks Sam, you're signed up for Friends of Riverside Park" in reply
    assert "The organiser will be in touch" in reply and "under 16" not in reply
    [(key, address, subject, body)] = emails(db)
    assert key.startswith("signup:") and key.endswith(":organiser")
    assert (address, subject) == ("parks@example.org", "New volunteer for Friends of "
                                  "Riverside Park")
    assert "Sam has signed up" in body and "Age: 17" in body
    assert "Available: evenings, weekends" in body
    reach = talk.address if talk.channel == "sms" else "07700 900555"
    assert f"How to reach them: {reach}" in body


def test_sign_me_up_with_the_role_named_starts_the_sign_up(talk: Talk) -> None:
    """"sign me up to help at the homework club" asked "Would you like to sign up?" again,
    and the name given next was searched."""
    reply = talk.say("sign me up to help at the homework club")
    assert "Homework club helper" in reply and "what's your first name?" in reply
    assert "How old are you?" in talk.say("Margaret")


def test_maybe_to_signing_up_leaves_the_door_open(talk: Talk, db) -> None:
    talk.say("friends of riverside park")
    assert talk.say("maybe") == ("No rush. Ask me about Friends of Riverside Park again "
                                 "whenever you're ready, or ask what else you could "
                                 "volunteer for.")
    assert talk.state != "volunteering:offer" and emails(db) == []


@pytest.mark.parametrize(("said", "reach"), [
    ("my email is sam.r@example.org", "sam.r@example.org"),
    ("yes, ring me on 07700 900123 after 5", "07700 900123"),
])
def test_a_contact_given_instead_of_yes_is_consent_and_the_contact(
    talk: Talk, db, said: str, reach: str
) -> None:
    reply = sign_up(talk, "17", consent=said)
    assert "you're signed up for Friends of Riverside Park" in reply
    assert f"How to reach them: {reach}" in emails(db)[0][3]


def test_a_contact_in_a_sentence_is_read(db) -> None:
    talk = Talk(Engine(TitleMatcher([*ENTRIES, *ROLES]), db), db, channel="telegram")
    talk.say("friends of riverside park")
    talk.say("1")
    talk.say("Sam")
    talk.say("30")
    talk.say("weekends")
    assert "What phone number or email" in talk.say("yes")
    assert "signed up" in talk.say("you can email me at sam@example.org thanks")
    assert "How to reach them: sam@example.org" in emails(db)[0][3]


@pytest.mark.parametrize(("said", "name"), [
    ("its Jess", "Jess"), ("Jess Smith", "Jess"), ("my name is jess", "Jess"),
    ("jess here", "Jess"), ("Mohammed Ali", "Mohammed"), ("o'brien", "O'Brien"),
    ("Małgorzata", "Małgorzata"), ("my name is Siobhán", "Siobhán"), ("Zoë", "Zoë"),
    ("Ştefan Popescu", "Ştefan"), ("محمد", "محمد"), ("Mary-Jane", "Mary-Jane"),
    ("my name is ellie-mae smith and i live at 14 oak road", "Ellie-Mae"),
])
def test_a_first_name_however_given(talk: Talk, db, said: str, name: str) -> None:
    talk.say("friends of riverside park")
    talk.say("1")
    assert "How old are you?" in talk.say(said)
    talk.say("17")
    talk.say("weekends")
    talk.say("no")
    assert f"{name} has signed up" in emails(db)[0][3]


@pytest.mark.parametrize("said", ["weekends", "no", "yes", "skip", "i dont know", "thank you",
                                  "whats this for", "rather not say", "my son", "Mr Smith",
                                  "call me later", "my name is private"])
def test_an_answer_to_another_question_is_not_taken_for_a_name(talk: Talk, said: str) -> None:
    talk.say("friends of riverside park")
    talk.say("1")
    assert "Please send just your first name, or MENU to stop." in talk.say(said)
    assert talk.state == "volunteering:name"


def test_without_consent_no_contact_goes_to_the_organiser(talk: Talk, db) -> None:
    reply = sign_up(talk, "30", "any time", consent="no")
    assert "To arrange it: Just turn up or email first" in reply
    body = emails(db)[0][3]
    assert "did not agree to share contact details" in body and talk.address not in body


@pytest.mark.parametrize("said", ["certainly not", "absolutely not", "of course not"])
def test_an_emphatic_no_at_the_consent_question_shares_nothing(talk: Talk, db, said: str
                                                              ) -> None:
    sign_up(talk, "30", "any time", consent=said)  # round 22: it stored the number
    body = emails(db)[0][3]
    assert "did not agree to share contact details" in body and talk.address not in body


def test_under_16_hears_what_the_organiser_needs_from_a_parent(talk: Talk, db) -> None:
    reply = sign_up(talk, "14")
    assert "under 16, the organiser needs a parent or carer's OK" in reply
    assert "parent or carer's consent" in emails(db)[0][3]


def test_under_13_is_kindly_not_signed_up(talk: Talk, db) -> None:
    talk.say("friends of riverside park")
    talk.say("1")
    talk.say("Sam")
    reply = talk.say("12")
    assert "13 or older" in reply and "can't sign you up yet" in reply
    assert "youth club" in reply
    assert db.execute("SELECT count(*) FROM volunteering_signups").fetchone()[0] == 0
    assert emails(db) == []


def held(db: sqlite_utils.Database, *words: str) -> list[str]:
    return [key for key, body in db.execute("SELECT key, body FROM outbox").fetchall()
            if any(word in body for word in words)]


def test_forget_me_before_the_organiser_is_emailed_sends_nothing_of_them(talk: Talk, db
                                                                         ) -> None:
    sign_up(talk, "25")
    assert held(db, "Sam", "07700 900555", "+447700900555")
    talk.say("forget me")
    talk.say("yes")
    assert held(db, "Sam", "900555", "Age: 25") == []
    assert db.execute("SELECT state FROM outbox WHERE channel = 'email'").fetchall() == [
        ("cancelled",)]


def test_forget_me_after_the_organiser_was_emailed_asks_them_to_delete_it(talk: Talk, db
                                                                          ) -> None:
    sign_up(talk, "25")
    other = Talk(talk.engine, db, channel="sms", address="+447700900888")
    assert "signed up" in sign_up(other, "40")
    with db.conn:
        volunteering.weekly_lists(db, ROLES, START + timedelta(days=7))
        db.execute("UPDATE outbox SET state = 'sent'")  # as the outbox's sender does
    talk.say("forget me")
    talk.say("yes")
    [(key, address, body)] = db.execute(
        "SELECT key, address, body FROM outbox WHERE state = 'queued'").fetchall()
    assert key.endswith(":erased:parks@example.org") and address == "parks@example.org"
    assert "sign-up reference 1 has asked Local Support to delete their details" in body
    assert held(db, "Age: 25", "- Sam, 25") == []
    [weekly] = [b for k, b in db.execute("SELECT key, body FROM outbox").fetchall()
                if k.startswith("signup-week:")]
    assert "- Sam, 40" in weekly  # the other volunteer stays on the list


def test_a_role_with_an_older_minimum_says_so(talk: Talk, db) -> None:
    talk.say("homework club")
    talk.say("sign me up")
    talk.say("Ade")
    assert "Homework club helper is for people aged 16 and over" in talk.say("15")
    assert db.execute("SELECT count(*) FROM volunteering_signups").fetchone()[0] == 0


def test_withdrawing_tells_the_organiser(talk: Talk, db) -> None:
    sign_up(talk, "20")
    with db.conn:
        db.execute("UPDATE outbox SET state = 'sent'")  # the organiser has their details
    talk.say("friends of riverside park")
    assert "already signed up" in talk.say("1")
    assert "no longer signed up for Friends of Riverside Park" in talk.say(
        "withdraw my sign up")
    withdrawn = emails(db)[-1]
    assert withdrawn[0].endswith(":withdrawn") and "has withdrawn" in withdrawn[3]
    assert "no volunteering sign-ups" in talk.say("withdraw my sign up")


def test_withdrawing_before_the_organiser_is_emailed_calls_the_email_back(talk: Talk, db
                                                                          ) -> None:
    sign_up(talk, "30")
    other = Talk(talk.engine, db, channel="sms", address="+447700900888")
    sign_up(other, "40")
    with db.conn:  # a weekly list with both of them, still waiting to go
        volunteering.weekly_lists(db, ROLES, START + timedelta(days=7))
    reply = talk.say("withdraw my sign up")
    assert "no longer signed up" in reply and "hadn't gone to the organiser" in reply
    assert "told the organiser" not in reply
    mine = "07700 900555" if talk.channel != "sms" else talk.address
    assert held(db, mine) == []  # neither the sign-up's email nor the list has it
    states = dict(db.execute("SELECT key, state FROM outbox").fetchall())
    assert [state for key, state in states.items() if key.endswith(":organiser")] == [
        "cancelled", "queued"]  # theirs called back, the other volunteer's still goes
    assert not any(key.endswith(":withdrawn") for key in states)  # never heard of it
    [week] = [key for key in states if key.startswith("signup-week:")]
    assert states[week] == "queued" and held(db, "+447700900888") == [
        k for k in states if k.endswith(":organiser") and states[k] == "queued"] + [week]
    shown = talk.say("MY DATA")
    assert "withdrawn sign-up for Friends of Riverside Park" in shown
    assert "volunteering sign-up(s)" not in shown


def test_what_can_i_volunteer_for_fits_age_ward_and_time(talk: Talk, db) -> None:
    assert "How old are you?" in talk.say("what can I volunteer for?")
    talk.say("17")
    listed = talk.say("weekends")
    assert "Friends of Riverside Park" in listed
    assert "Homework club helper" not in listed  # weekdays only
    assert "Befriend an older person" not in listed  # 18 and over
    talk.say("what can I volunteer for?")
    assert "Homework club helper" in talk.say("weekdays")


@pytest.mark.parametrize("said", ["volunteering", "I want to volunteer", "can i volunteer?",
                                  "what volunteering is there", "any volunteering jobs going?"])
def test_wanting_to_volunteer_finds_roles_that_fit(talk: Talk, said: str) -> None:
    assert "How old are you?" in talk.say(said)  # not the first role found shown alone


@pytest.mark.parametrize("age", ["forty", "im forty", "twenty-one years old"])
def test_an_age_in_words_is_read(talk: Talk, db, age: str) -> None:
    reply = sign_up(talk, age, "any time")  # round 22: "Please send your age as a number"
    assert "you're signed up" in reply
    assert "Please send your age" not in " ".join(r.text for r in talk.replies)


def test_an_age_said_with_it_is_not_asked_again(talk: Talk) -> None:
    assert "When could you help?" in talk.say("i want to volunteer but im only 17")
    assert talk.state == "volunteering:find_when"
    assert "Friends of Riverside Park" in talk.say("weekends")


def test_a_child_asking_what_they_can_volunteer_for_is_told_kindly(talk: Talk) -> None:
    talk.say("what can I volunteer for?")
    assert "13 or older" in talk.say("11")


def test_the_weekly_list_goes_once_a_week(talk: Talk, db) -> None:
    sign_up(talk, "25")
    entries = [*ENTRIES, *ROLES]
    next_week = START + timedelta(days=7)
    with db.conn:
        assert volunteering.weekly_lists(db, entries, next_week) == 1
        assert volunteering.weekly_lists(db, entries, next_week) == 0
    [listed] = [e for e in emails(db) if e[0].startswith("signup-week:")]
    assert listed[1] == "parks@example.org" and listed[2].endswith("2025-W10")
    assert "- Sam, 25, evenings, weekends" in listed[3]


def test_forget_me_deletes_sign_ups(talk: Talk, db) -> None:
    sign_up(talk, "25")
    assert "your volunteering sign-up for Friends of Riverside Park" in talk.say("my data")
    talk.say("forget me")
    talk.say("yes")
    assert db.execute("SELECT count(*) FROM volunteering_signups").fetchone()[0] == 0


def test_every_reply_fits_two_sms_segments(db) -> None:
    talk = Talk(Engine(TitleMatcher([*ENTRIES, *ROLES]), db), db, channel="sms")
    for text in ("friends of riverside park", "1", "Samantha", "15", "evenings and weekends",
                 "yes", "what can I volunteer for?", "weekends", "withdraw my sign up"):
        talk.say(text)
        for reply in talk.replies:
            assert segments(render_sms(reply)) <= 2, reply.text


@pytest.mark.parametrize("said", ["yeah thats fine", "yes go on", "yes no problem"])
def test_a_yes_with_more_words_is_the_consent(talk: Talk, db, said: str) -> None:
    reply = sign_up(talk, "17", consent=said)
    assert "you're signed up for Friends of Riverside Park" in reply
    assert db.table("volunteering_signups").count == 1


def test_when_said_while_finding_a_role_is_not_asked_again(talk: Talk, db) -> None:
    talk.say("what can I volunteer for?")
    talk.say("17")
    listed = talk.say("weekends")
    index = talk.choices.index("Friends of Riverside Park")
    assert "Friends of Riverside Park" in listed
    talk.say(str(index + 1))
    talk.say("sign me up")
    asked = talk.say("Sam")  # the age is known too
    assert "When could you help?" not in asked and "organiser" in asked
    talk.say("no")
    assert "Available: weekends" in emails(db)[0][3]


def test_a_yes_that_keeps_the_number_back_gives_no_number(talk: Talk, db) -> None:
    sign_up(talk, "17", consent="yes but dont give them my number")
    assert talk.state == "volunteering:consent"  # asked again
    assert emails(db) == []


def test_a_sign_up_after_one_was_forgotten_still_emails_its_organiser(talk: Talk, db
                                                                      ) -> None:
    sign_up(talk, "25")
    talk.say("forget me")
    talk.say("yes")
    other = Talk(talk.engine, db, channel="sms", address="+447700900888")
    assert "signed up" in sign_up(other, "40")
    queued = [body for _, _, _, body in emails(db) if "Age: 40" in body]
    assert len(queued) == 1 and "Sam has signed up" in queued[0]


def test_ids_of_erased_sign_ups_are_not_given_again_after_the_migration(tmp_path: Path
                                                                        ) -> None:
    from catalogue.storage import migrate
    from conversations.volunteering_schema import SCHEMA, SIGNUPS

    old = open_db(tmp_path / "old.db")
    old.executescript(SIGNUPS.create + 'CREATE TABLE outbox ("key" TEXT);'
                      "INSERT INTO outbox VALUES ('signup:7:organiser'), ('signup-week:x:1');")
    assert migrate(old, [SCHEMA]) == ["volunteering.0001_initial",
                                      "volunteering.0002_ids_never_reused"]
    made = old.execute("INSERT INTO volunteering_signups (entry_id, first_name, age, "
                       "availability, consent, created_at) VALUES ('r', 'Jo', 30, 'any', 0, "
                       "'2026-01-01')")
    assert made.lastrowid == 8


def test_with_no_roles_listed_finding_one_says_so_at_once(tmp_path: Path) -> None:
    from conversations.records import ensure_records

    made = open_db(tmp_path / "none.db")
    save_catalogue(made, ENTRIES, CIRCUMSTANCES)  # no volunteering roles at all
    ensure_records(made)
    talk = Talk(Engine(TitleMatcher(ENTRIES), made), made)
    reply = talk.say("volunteering near me")
    assert reply.startswith("The council hasn't listed any volunteering roles yet")
    assert "How old" not in reply and talk.state != "volunteering:find_age"


@pytest.mark.parametrize("channel", ["sms", "telegram"])
def test_more_shows_every_role_that_fits(tmp_path: Path, channel: str) -> None:
    from conversations.records import ensure_records

    extra = [Entry(f"vol-{n}", "volunteering", f"Role number {n}", "Help out.")
             for n in range(10, 17)]
    made = open_db(tmp_path / "many.db")
    save_catalogue(made, [*ENTRIES, *ROLES, *extra], CIRCUMSTANCES)
    ensure_records(made)
    talk = Talk(Engine(TitleMatcher([*ENTRIES, *ROLES, *extra]), made), made, channel=channel)
    talk.say("what can I volunteer for?")
    talk.say("40")
    talk.say("any time")
    shown: list[str] = []
    while True:
        shown += [c for c in talk.choices if c != "More"]
        if channel == "sms":  # numbered, a few at a time
            assert segments(render_sms(talk.replies[-1])) <= 2
        if "More" not in talk.choices:
            break
        assert "That's all of them" not in talk.say("MORE")
    assert sorted(shown) == sorted(e.title for e in [*ROLES, *extra])
    assert "That's all of them" in talk.say("MORE")


@pytest.mark.parametrize(("when", "available"), [
    ("mondays only", "Available: weekdays (mondays only)"),
    ("when the kids are at school", "Available: weekdays (when the kids are at school)"),
    ("evenings and weekends", "Available: evenings, weekends\n"),
    ("any time except evenings", "Available: weekdays, weekends (any time except evenings)"),
])
def test_when_in_their_own_words_reaches_the_organiser(talk: Talk, db, when: str,
                                                       available: str) -> None:
    """"mondays only" was asked again and again: "Please say weekdays, evenings, ..."."""
    sign_up(talk, "30", when=when)
    assert available in emails(db)[0][3] + "\n"


def test_what_happens_to_my_number_is_answered_at_the_consent_question(talk: Talk) -> None:
    """It put the sign-up aside and searched the question."""
    sign_up(talk, "30", consent="what will you do with my number")
    assert talk.state == "volunteering:consent"
    assert "Only the organiser of Friends of Riverside Park gets it" in talk.replies[-1].text


def test_a_time_said_not_to_suit_is_not_filed_as_one(talk: Talk) -> None:
    """"not weekends" reached the organiser as "weekends" (second exploratory test)."""
    talk.say("friends of riverside park")
    talk.say("1")
    talk.say("Sam")
    talk.say("30")
    assert "Please say weekdays, evenings, weekends or any time" in talk.say("not weekends")


def test_no_thanks_then_actually_yes_sign_me_up_signs_up(talk: Talk) -> None:
    """findings6 #26: "actually yes sign me up" after "No thanks" got a pothole card."""
    talk.say("friends of riverside park")
    assert "Ask me anything else" in talk.say("no thanks")
    assert "what's your first name?" in talk.say("actually yes sign me up")


def test_maybe_at_the_consent_question_asks_again(talk: Talk, db) -> None:
    """findings6 #32: "maybe" was taken as No and she was signed up without contact."""
    talk.say("friends of riverside park")
    talk.say("1")
    talk.say("Sam")
    talk.say("30")
    talk.say("weekends")
    assert talk.state == "volunteering:consent"
    again = talk.say("maybe")
    assert "Only the organiser of Friends of Riverside Park" in again and "YES" in again
    assert talk.state == "volunteering:consent"
    assert db.execute("SELECT count(*) FROM volunteering_signups").fetchone()[0] == 0
    talk.say("no")
    assert db.execute("SELECT consent FROM volunteering_signups").fetchall() == [(0,)]


def test_when_do_i_start_after_signing_up_says_the_organiser_will_be_in_touch(
        talk: Talk) -> None:
    """findings6 #26: "when do i start" got the Healthy Start card."""
    sign_up(talk, "30")
    reply = talk.say("when do i start")
    assert "The organiser of Friends of Riverside Park has your details and will be in touch" \
        in reply


@pytest.mark.parametrize("said", [
    "im retired and have lots of free time, id like to give something back",
    "i want to give back to the community"])
def test_giving_something_back_finds_roles(talk: Talk, said: str) -> None:
    assert "I'll find roles that fit you. How old are you?" in talk.say(said)
    talk.say("70")
    assert "Befriend an older person" in talk.say("weekdays")


def test_giving_something_back_to_a_shop_is_not_volunteering() -> None:
    from conversations.flows.volunteering import _GIVE_BACK

    assert _GIVE_BACK.search("i need to give something back to argos") is None


def test_forget_me_after_withdrawing_an_unsent_sign_up_asks_nobody_to_delete(talk: Talk, db
                                                                            ) -> None:
    """The organiser never heard of a sign-up called back: FORGET ME later sends them no
    "please delete their details"."""
    sign_up(talk, "30")
    talk.say("withdraw my sign up")
    talk.say("forget me")
    talk.say("yes")
    assert [key for key, *_ in emails(db)] == [
        key for key, *_ in emails(db) if key.endswith(":organiser")]
    assert held(db, "Sam", "900555", "Age: 30") == []
