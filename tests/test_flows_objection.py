"""Objections to services and council proposals, wards, and the counts councillors see."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from conversation_kit import Talk, engine_for

from bot.cli import main
from conversations.objections import objection_counts, objection_counts_by_ward, objectors
from conversations.records import get_person, ward_for_postcode
from conversations.types import Channel
from conversations.wards import read_wards

CHANNELS: tuple[Channel, ...] = ("sms", "telegram")


def person(db: sqlite_utils.Database, n: int, channel: Channel = "sms") -> Talk:
    return Talk(engine_for(db), db, channel=channel, address=f"+4477009000{n:02d}")


def object_to_library(talk: Talk, postcode: str | None = "RV1 1AA", reason: str = "skip") -> str:
    talk.say("I'm not happy with closing the library on saturdays")
    talk.say("yes")
    if postcode is not None:
        talk.say(postcode)
    return talk.say(reason)


def test_listing_plans_and_objecting_with_postcode_and_reason(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    listed = talk.say("what is the council planning?")
    assert "The council is planning these" in listed
    assert set(talk.choices) == {"Close Riverside library on Saturdays",
                                 "New car park on Mill Lane"}
    index = talk.choices.index("New car park on Mill Lane")
    shown = talk.say(str(index + 1))
    assert "40-space car park" in shown and "You can object to this plan" in shown
    assert "What is your postcode?" in talk.say("1")
    assert "Why do you object to New car park on Mill Lane?" in talk.say("hl1 1aa")
    ack = talk.say("It is the only green space")
    assert "your objection to New car park on Mill Lane is recorded" in ack
    assert "You are the first in Hillside to object." in ack
    [row] = db.table("objections").rows
    assert (row["entry_id"], row["ward"], row["reason"]) == (
        "car-park", "Hillside", "It is the only green space")


def test_acknowledgement_counts_others_in_the_ward(db: sqlite_utils.Database) -> None:
    for n in range(3):
        object_to_library(person(db, n), "RV1 1AA" if n != 1 else "rv12bb")
    elsewhere = person(db, 3)
    object_to_library(elsewhere, "HL1 1AA")
    fifth = person(db, 4, "telegram")
    ack = object_to_library(fifth, "RV1 1AA", "We use it every Saturday")
    assert "You and 3 others in Riverside have objected." in ack
    assert objection_counts(db) == {"close-library": 5}
    assert objection_counts_by_ward(db, "close-library") == {"Riverside": 4, "Hillside": 1}


def test_postcode_is_asked_once_and_skip_is_allowed(talk: Talk, db: sqlite_utils.Database
                                                    ) -> None:
    talk.say("object to the car park")
    talk.say("yes")
    assert "Why do you object" in talk.say("SKIP")
    ack = talk.say("no")
    assert "You are the first to object." in ack
    talk.say("I don't want the library closed on saturdays")
    assert "Why do you object" in talk.say("yes")  # no second postcode question
    assert get_person(db, talk.channel, talk.address)["postcode"] == ""  # type: ignore[index]


def test_a_ward_name_or_a_bad_postcode(talk: Talk, db: sqlite_utils.Database) -> None:
    talk.say("complain about the car park")
    talk.say("yes")
    assert "doesn't look like a UK postcode" in talk.say("RV1")
    assert talk.state == "objection:postcode"
    assert "Why do you object" in talk.say("hillside")
    talk.say("skip")
    assert objection_counts_by_ward(db, "car-park") == {"Hillside": 1}


@pytest.mark.parametrize("said", ["i live in hillside", "Hillside ward", "its in Hillside.",
                                  "i live near the park in hillside"])
def test_a_ward_named_in_a_sentence(talk: Talk, db: sqlite_utils.Database, said: str) -> None:
    talk.say("complain about the car park")
    talk.say("yes")
    assert "Why do you object" in talk.say(said)
    talk.say("skip")
    assert objection_counts_by_ward(db, "car-park") == {"Hillside": 1}


def test_a_place_that_is_no_ward_asks_again_and_loses_nothing(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    """"Southfields" to "What is your postcode?" put the objection aside unrecorded."""
    talk.say("complain about the car park")
    talk.say("yes")
    assert "couldn't match that to a ward" in talk.say("Southfields")
    assert talk.state == "objection:postcode"
    talk.say("skip")
    assert "is recorded" in talk.say("it takes the green")
    assert [(r["entry_id"], r["reason"]) for r in db.table("objections").rows] == [
        ("car-park", "it takes the green")]


def test_my_data_names_a_ward_given_without_a_postcode(talk: Talk) -> None:
    talk.say("complain about the car park")
    talk.say("yes")
    talk.say("i live in hillside")
    talk.say("skip")
    said = talk.say("MY DATA")
    assert "your ward, Hillside (no postcode)" in said
    assert "chose not to give a postcode" not in said


@pytest.mark.parametrize("said", [
    "my postcode is HL1 1AA and I want to object to the car park",
    "I live in hl11aa, I don't want the car park",
])
def test_a_postcode_given_before_the_objection_is_not_asked_again(
    talk: Talk, db: sqlite_utils.Database, said: str
) -> None:
    assert "Do you want to object to New car park on Mill Lane?" in talk.say(said)
    assert "Why do you object" in talk.say("yes")
    talk.say("it is the only green space")
    assert objection_counts_by_ward(db, "car-park") == {"Hillside": 1}


def test_a_postcode_given_first_counts_while_another_question_waits(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    talk.say("free school meals")
    talk.say("Check for me", choice=0)  # "How old are you?" waits
    talk.say("my postcode is HL1 1AA and I want to object to the car park")
    assert "Why do you object" in talk.say("yes")


def test_a_disclosure_given_as_the_reason_is_never_an_objection(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    talk.say("object to the car park")
    talk.say("yes")
    talk.say("skip")
    reply = talk.say("my dad hits me and i dont want to go home")
    assert "Childline" in reply and "objection" not in reply
    # the reason would reach the councillors' digest: nothing is recorded
    assert db.table("objections").count == 0
    assert talk.state != "objection:reason"


def test_a_reason_given_after_the_objection_is_added_to_it(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    object_to_library(talk)  # the reason skipped
    added = talk.say("because we use it every saturday")
    assert "I've added your reason to your objection to Close Riverside library" in added
    [row] = db.table("objections").rows
    assert row["reason"] == "because we use it every saturday"


def test_a_question_after_the_objection_is_no_reason(talk: Talk, db: sqlite_utils.Database
                                                    ) -> None:
    object_to_library(talk)
    assert "added your reason" not in talk.say("because of what? when does it close?")
    assert "added your reason" not in talk.say(
        "because my son is disabled, can he get help with transport")
    [row] = db.table("objections").rows
    assert row["reason"] is None


def test_asking_to_add_a_reason_asks_for_it_and_only_just_after(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    object_to_library(talk)
    assert "What is your reason for objecting" in talk.say("can I add a reason?")
    assert "I've added your reason" in talk.say("It is the only quiet place to study")
    [row] = db.table("objections").rows
    assert row["reason"] == "It is the only quiet place to study"
    other = person(db, 9)
    object_to_library(other)
    other.say("youth club")  # something else in between: "because ..." is no reason now
    assert "added your reason" not in other.say("because it is the only library")
    assert [r["reason"] for r in db.table("objections").rows_where(
        "address = ?", [other.address])] == [None]


@pytest.mark.parametrize("said", ["i dont want riverside library to close",
                                  "not happy with riverside library closing"])
def test_a_plan_named_by_its_change_is_the_plan_not_the_service(talk: Talk, said: str) -> None:
    assert "Do you want to object to Close Riverside library on Saturdays?" in talk.say(said)


def test_why_the_postcode_is_answered_and_asked_again(talk: Talk, db: sqlite_utils.Database
                                                      ) -> None:
    talk.say("object to the car park")
    talk.say("yes")
    reply = talk.say("why do you need my postcode?")
    assert "which ward your objection comes from" in reply and "SKIP" in reply
    assert talk.state == "objection:postcode"
    assert "Why do you object" in talk.say("RV1 1AA")


def test_one_objection_per_person_per_entry(talk: Talk, db: sqlite_utils.Database) -> None:
    object_to_library(talk)
    talk.say("object to closing riverside library on saturdays")
    again = talk.say("yes")
    assert "You already objected to Close Riverside library on Saturdays" in again
    assert objection_counts(db) == {"close-library": 1}


def test_saying_no_to_the_match_records_nothing(talk: Talk, db: sqlite_utils.Database) -> None:
    asked = talk.say("I want to complain about the riverside library")
    assert asked.startswith("Do you want to object to")
    # "no" may mean no objection at all: said to be nothing recorded, others offered
    assert talk.say("no").startswith("OK, nothing is recorded. Or did you mean one of these?")
    while talk.state == "objection:confirm":
        talk.say("None of these", choice=len(talk.choices) - 1)
    assert "nothing recorded" in talk.replies[-1].text
    assert objection_counts(db) == {}


def test_complain_without_saying_what_asks_what(talk: Talk, db: sqlite_utils.Database) -> None:
    assert "What would you like to object to?" in talk.say("complain")
    assert "Do you want to object to New car park on Mill Lane?" in talk.say(
        "the new car park on mill lane")
    talk.say("1")
    talk.say("skip")
    talk.say("skip")
    assert objection_counts(db) == {"car-park": 1}


@pytest.mark.parametrize(("said", "reason"), [
    ("closing riverside library on saturdays is a disgrace, my nan uses it every week",
     "my nan uses it every week"),
    ("please dont close riverside library on saturdays, i study there", "i study there"),
])
def test_an_objection_said_as_a_judgement_or_a_plea_keeps_its_reason(
    talk: Talk, db: sqlite_utils.Database, said: str, reason: str
) -> None:
    """These were answered with the library's card and "Was this helpful?"."""
    assert "Do you want to object to Close Riverside library on Saturdays?" in talk.say(said)
    assert "noted your reason" in talk.say("yes")
    talk.say("skip")
    assert db.execute("SELECT reason FROM objections").fetchone()[0] == reason


@pytest.mark.parametrize("said", ["you are a disgrace", "this is ridiculous",
                                  "the price of food is shocking, i cant afford to eat",
                                  "my landlord is a disgrace, there is mould everywhere",
                                  "please dont take away my kids"])
def test_a_judgement_of_nothing_named_is_no_objection(talk: Talk, said: str) -> None:
    """A judgement is an objection only when it names a council plan (review)."""
    reply = talk.say(said)
    assert "object to" not in reply and "couldn't find" not in reply


def test_a_complaint_that_says_what_after_a_comma_finds_it(talk: Talk) -> None:
    """"i want to complain, ..." asked "What would you like to object to?" whatever came
    after the comma, and a "yes" to that was looked up as a name."""
    assert "Riverside library" in talk.say("i want to complain, the riverside library is "
                                           "always shut")
    talk.say("stop")
    assert "What would you like to object to?" in talk.say("i want to complain, you are rubbish")
    talk.say("stop")
    assert "What would you like to object to?" in talk.say(  # names nothing: asked what
        "i want to complain, nobody answers the phone")
    assert talk.say("yes").startswith("What would you like to object to?")


@pytest.mark.parametrize(("said", "reason"), [
    ("yes, it will ruin the only green space we have", "it will ruin the only green space we have"),
    ("Yeah because there's nowhere for the kids to play", "there's nowhere for the kids to play"),
    ("because it'll kill the shops on Mill Lane", "because it'll kill the shops on Mill Lane"),
    ("yes because of the traffic past the school", "because of the traffic past the school"),
])
def test_the_reason_said_with_the_yes_is_kept(talk: Talk, db: sqlite_utils.Database,
                                              said: str, reason: str) -> None:
    talk.say("object to the car park")
    assert talk.say(said).startswith("Thank you, I've noted your reason. What is your postcode?")
    assert "is recorded" in talk.say("RV1 1AA")  # no "Why do you object?" after it
    [row] = db.table("objections").rows
    assert (row["entry_id"], row["ward"], row["reason"]) == ("car-park", "Riverside", reason)


def test_with_the_postcode_known_the_reason_records_at_once(talk: Talk,
                                                            db: sqlite_utils.Database) -> None:
    object_to_library(talk)
    talk.say("what is the council planning?")
    talk.say(str(talk.choices.index("New car park on Mill Lane") + 1))
    assert "is recorded" in talk.say("because we need the green more than parking")
    assert [r["reason"] for r in db.table("objections").rows if r["entry_id"] == "car-park"] \
        == ["because we need the green more than parking"]


def test_not_happy_with_that_and_a_reason_is_about_what_was_shown(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    talk.say("what is the council planning?")
    talk.say(str(talk.choices.index("New car park on Mill Lane") + 1))
    confirm = talk.say("im not happy with that, my kids play there every week")
    assert "Do you want to object to New car park on Mill Lane?" in confirm
    talk.say("yes")
    assert "is recorded" in talk.say("RV1 1AA")  # the reason is not asked again
    talk.say("youth club")
    assert "object to Youth club, or was it the wrong answer?" in talk.say(
        "not happy with that because they keep closing early")
    assert "is recorded" in talk.say("1")
    assert [(r["entry_id"], r["reason"]) for r in db.table("objections").rows] == [
        ("car-park", "my kids play there every week"), ("youth", "they keep closing early")]


def test_yes_or_no_to_object_or_wrong_answer_after_a_service(
    talk: Talk, db: sqlite_utils.Database
) -> None:
    """"yes" to "Do you want to object to Youth club, or was it the wrong answer?" got
    "OK. Ask me anything else" and recorded nothing; "no" left the question open. An
    either/or question: "yes" asks which, "yes object" objects, "yes, it was wrong" is the
    wrong answer (second review: with "no" at the postcode it had recorded an objection)."""
    talk.say("youth club")
    talk.say("i object to that")
    assert "Reply 1 to object to Youth club, or 2 if it was the wrong answer" in talk.say("yes")
    assert "What were you looking for?" in talk.say("yes, it was wrong")
    talk.say("skip")
    talk.say("youth club")
    talk.say("i object to that")
    assert "What is your postcode?" in talk.say("yes object")
    talk.say("RV1 1AA")
    assert "is recorded" in talk.say("SKIP")
    assert [r["entry_id"] for r in db.table("objections").rows] == ["youth"]
    talk.say("library")
    talk.say("not happy with that")
    assert "nothing recorded" in talk.say("no")
    assert talk.state == "answered"
    talk.say("yes")
    assert [r["entry_id"] for r in db.table("objections").rows] == ["youth"]


@pytest.mark.parametrize("said", [
    "I'm not happy with that because of the kids homework club",
    "I object to it because of the kids homework club",
    "I object, because of the kids homework club",
])
def test_a_reason_because_of_something_keeps_its_because(
    talk: Talk, db: sqlite_utils.Database, said: str
) -> None:
    talk.say("what is the council planning?")
    talk.say(str(talk.choices.index("Close Riverside library on Saturdays") + 1))
    assert "Do you want to object to Close Riverside library on Saturdays?" in talk.say(said)
    talk.say("yes")
    assert "is recorded" in talk.say("RV1 1AA")  # the reason is not asked again
    assert [r["reason"] for r in db.table("objections").rows] \
        == ["because of the kids homework club"]


@pytest.mark.parametrize("said", ["yes go ahead", "yes i object", "yes RV1 1AA",
                                  "yes please object"])
def test_a_yes_with_words_that_are_no_reason_asks_for_the_reason(
    talk: Talk, db: sqlite_utils.Database, said: str
) -> None:
    object_to_library(talk)  # the postcode is known now
    talk.say("object to the car park")
    assert "Why do you object to New car park on Mill Lane?" in talk.say(said)


@pytest.mark.parametrize("said", ["it's a great idea", "we need more parking round here"])
def test_a_comment_on_a_plan_is_no_objection(talk: Talk, db: sqlite_utils.Database,
                                             said: str) -> None:
    object_to_library(talk)
    talk.say("what is the council planning?")
    talk.say(str(talk.choices.index("New car park on Mill Lane") + 1))
    talk.say(said)
    assert "car-park" not in objection_counts(db)


def test_a_question_given_with_the_objection_is_no_reason(talk: Talk,
                                                          db: sqlite_utils.Database) -> None:
    talk.say("youth club")
    talk.say("I'm not happy with that, can I complain?")
    talk.say("1")
    talk.say("skip")  # the postcode
    assert "Why do you object to Youth club?" in talk.replies[-1].text


def test_a_reason_in_the_first_message_is_kept(talk: Talk, db: sqlite_utils.Database) -> None:
    assert "Do you want to object to New car park on Mill Lane?" in talk.say(
        "I don't want the car park because it's the only green space")
    talk.say("yes")
    assert "is recorded" in talk.say("skip")
    [row] = db.table("objections").rows
    assert (row["entry_id"], row["reason"]) == ("car-park", "it's the only green space")


@pytest.mark.parametrize("said", ["my kids need school uniform", "my mum needs a carer",
                                  "my daughter needs a blue badge"])
def test_a_need_of_ones_own_at_the_postcode_is_a_new_request(
    talk: Talk, db: sqlite_utils.Database, said: str
) -> None:
    talk.say("object to the car park")
    talk.say("yes")
    assert "noted your reason" not in talk.say(said)
    assert objection_counts(db) == {}


@pytest.mark.parametrize("reason", [
    "it will bring more traffic past the school", "we use the green every week",
    "My kids go there after school", "I walk my dog there every day",
    "so many families play there", "without it there is nowhere to play",
    "older people rely on the green", "we go to the green every week", "pensioners need it",
    "my son needs it for college"])
def test_a_reason_given_for_the_postcode_is_kept_and_the_postcode_asked_again(
    talk: Talk, db: sqlite_utils.Database, reason: str
) -> None:
    talk.say("object to the car park")
    talk.say("yes")
    again = talk.say(reason)
    assert again.startswith("Thank you, I've noted your reason.") and "postcode" in again
    assert "is recorded" in talk.say("SKIP")
    [row] = db.table("objections").rows
    assert row["reason"] == reason


@pytest.mark.parametrize("said", ["where is my nearest library?", "my bin wasn't collected",
                                  "yes but how do I object in person?", "council tax help",
                                  "it's fine thanks anyway", "it's ok I changed my mind",
                                  "we don't mind it really"])
def test_a_new_request_at_the_question_still_sets_the_objection_aside(
    talk: Talk, db: sqlite_utils.Database, said: str
) -> None:
    talk.say("object to the car park")
    assert "nothing is recorded" in talk.say(said)
    assert objection_counts(db) == {}


@pytest.mark.parametrize("said", ["not sure", "yes and no"])
def test_not_sure_whether_to_object_records_nothing_and_asks_again(
    talk: Talk, db: sqlite_utils.Database, said: str
) -> None:
    talk.say("object to the car park")
    assert talk.say(said).startswith("That's fine: nothing is recorded unless you say "
                                           "yes")
    assert objection_counts(db) == {}
    assert "postcode" in talk.say("yes")


def test_changing_mind_halfway_records_nothing(talk: Talk, db: sqlite_utils.Database) -> None:
    talk.say("object to the car park")
    talk.say("yes")
    talk.say("RV1 1AA")
    assert talk.state == "objection:reason"
    assert "in your own words" in talk.say("menu")
    assert objection_counts(db) == {}


def test_withdrawing_keeps_counts_right(db: sqlite_utils.Database) -> None:
    people = [person(db, n) for n in range(3)]
    for somebody in people:
        object_to_library(somebody)
    people[0].say("object to the car park")
    people[0].say("yes")
    people[0].say("skip")
    assert objection_counts(db) == {"close-library": 3, "car-park": 1}
    # two objections: withdraw asks which one, by button
    assert "Which objection do you want to withdraw?" in people[0].say("withdraw my objection")
    index = people[0].choices.index("New car park on Mill Lane")
    assert "is withdrawn" in people[0].say("", choice=index)
    assert "Your objection to Close Riverside library on Saturdays is withdrawn." in people[1].say(
        "take back my objection")
    assert "You have no objections to withdraw." in people[1].say("withdraw my objection")
    assert objection_counts(db) == {"close-library": 2}
    assert objection_counts_by_ward(db, "close-library") == {"Riverside": 2}
    ack = object_to_library(person(db, 9))
    assert "You and 2 others in Riverside have objected." in ack


def test_withdraw_naming_the_entry(talk: Talk, db: sqlite_utils.Database) -> None:
    object_to_library(talk)
    talk.say("object to the car park")
    talk.say("yes")
    talk.say("skip")
    assert "New car park on Mill Lane is withdrawn" in talk.say(
        "withdraw my objection to the car park")
    assert objection_counts(db) == {"close-library": 1}


def test_counts_stay_right_after_forget_me_and_cli_forget(db: sqlite_utils.Database,
                                                          tmp_path: Path) -> None:
    people = [person(db, n) for n in range(4)]
    for somebody in people:
        object_to_library(somebody, "RV1 1AA", "my reason")
    people[3].say("withdraw my objection")
    people[0].say("FORGET ME")
    people[0].say("yes")
    db.close()
    assert main(["forget", "--db", str(tmp_path / "flows.db"), f"sms:{people[1].address}"]) == 0
    db = sqlite_utils.Database(tmp_path / "flows.db")
    assert objection_counts(db) == {"close-library": 3}
    assert objection_counts_by_ward(db, "close-library") == {"Riverside": 3}
    assert objectors(db, "close-library") == [("sms", people[2].address)]
    reasons = [row["reason"] for row in db.table("objections").rows]
    assert reasons.count(None) == 2  # the erased people's reasons are gone with them


# -- wards --------------------------------------------------------------------------------

def test_wards_csv_import_and_lookup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "wards.csv"
    path.write_text("\ufeffPostcode,Ward\r\nAB1 2CD,Riverside\r\nab12ce,Riverside\r\n"
                    "AB3 4,Hillside\r\nAB9,Moorland\r\n", encoding="utf-8")
    db_path = tmp_path / "w.db"
    assert main(["wards", "import", str(path), "--db", str(db_path)]) == 0
    assert "Imported 4 postcodes in 3 wards." in capsys.readouterr().out
    db = sqlite_utils.Database(db_path)
    assert ward_for_postcode(db, "ab1 2cd") == "Riverside"
    assert ward_for_postcode(db, "AB3 4ZZ") == "Hillside"  # by sector
    assert ward_for_postcode(db, "AB9 9XX") == "Moorland"  # by district
    assert ward_for_postcode(db, "ZZ1 1ZZ") is None


def test_a_bad_wards_file_imports_nothing_and_names_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "wards.csv"
    path.write_text("postcode,ward\nAB1 2CD,Riverside\nnot a postcode,Hillside\nAB3 4EF,\n"
                    "ab12cd,Moorland\n", encoding="utf-8")
    db_path = tmp_path / "w.db"
    assert main(["wards", "import", str(path), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "3 problems" in err and "nothing was imported" in err
    assert 'row 3, column "postcode": "not a postcode" is not a UK postcode' in err
    assert 'row 4, column "ward": is empty' in err
    assert 'row 5, column "postcode": "ab12cd" is already in ward "Riverside" on row 2' in err
    assert sqlite_utils.Database(db_path).table("wards").count == 0


def test_wards_file_needs_both_columns(tmp_path: Path) -> None:
    path = tmp_path / "wards.csv"
    path.write_text("postcode,area\nAB1 2CD,Riverside\n", encoding="utf-8")
    with pytest.raises(Exception, match="ward"):
        read_wards(path)


def test_cli_rejects_a_bad_person_key(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["forget", "--db", str(tmp_path / "x.db"), "nobody"]) == 1
    assert "CHANNEL:ADDRESS" in capsys.readouterr().err
    # a typo in a number must not read as "nothing held about them"
    for command in ("forget", "export-user"):
        assert main([command, "--db", str(tmp_path / "x.db"), "sms:07700 90001"]) == 1
        assert "'07700 90001' is not a mobile number" in capsys.readouterr().err


@pytest.mark.parametrize("said", [
    "actually withdraw my objection", "can i take back my objection", "undo my objection",
    "id like to withdraw my objection please", "i've changed my mind about my objection",
    "please withdraw my objection to the library",
])
def test_withdrawing_in_everyday_words(talk: Talk, said: str) -> None:
    talk.say("I'm not happy with closing the library on saturdays")
    talk.say("yes")
    talk.say("RV1 1AA")
    talk.say("skip")
    assert "Your objection to Close Riverside library on Saturdays is withdrawn." in \
        talk.say(said)


def test_one_plan_is_this_plan_not_these_1(tmp_path: Path) -> None:
    from conversation_kit import CIRCUMSTANCES, ENTRIES, TitleMatcher

    from catalogue.store import open_db, save_catalogue
    from conversations.engine import Engine
    from conversations.records import ensure_records

    one = [e for e in ENTRIES if e.id != "car-park"]
    made = open_db(tmp_path / "one.db")
    save_catalogue(made, one, CIRCUMSTANCES)
    ensure_records(made)
    talk = Talk(Engine(TitleMatcher(one), made), made)
    listed = talk.say("what is the council planning?")
    assert "The council is planning this. Pick it to read" in listed


@pytest.mark.parametrize("said", ["i dont live in hillside", "not hillside",
                                  "i used to live in hillside"])
def test_a_ward_said_not_to_be_theirs_is_not_taken(talk: Talk, db: sqlite_utils.Database,
                                                   said: str) -> None:
    """"i dont live in riverside" was counted in Riverside (second review)."""
    talk.say("complain about the car park")
    talk.say("yes")
    talk.say(said)
    assert talk.state == "objection:postcode"


def test_forget_me_says_the_objection_stays_counted(talk: Talk, db: sqlite_utils.Database
                                                    ) -> None:
    """findings6 #18: objecting again after FORGET ME counted the person twice; nothing
    left can tell it is them, so the goodbye says there is no need to object again."""
    object_to_library(talk)
    talk.say("FORGET ME")
    done = talk.say("yes")
    assert "I have deleted what I held about you" in done
    assert ("Your objection to Close Riverside library on Saturdays stays counted, without "
            "your details, so there's no need to object again.") in done
    assert objection_counts(db) == {"close-library": 1}
    assert objectors(db, "close-library") == []  # nobody left to recognise


def test_forget_me_without_objections_says_nothing_of_them(talk: Talk) -> None:
    talk.say("youth club")
    talk.say("FORGET ME")
    assert "objection" not in talk.say("yes").lower()


def test_a_reason_after_you_already_objected_is_added(talk: Talk, db: sqlite_utils.Database
                                                      ) -> None:
    """findings6 #19: the reason after "You already objected" went to a service card."""
    object_to_library(talk)
    talk.say("object to closing riverside library on saturdays")
    again = talk.say("yes")
    assert "You already objected" in again and "To add your reason" in again
    added = talk.say("because its the only library near me")
    assert "added your reason" in added
    [row] = db.table("objections").rows
    assert row["reason"] == "because its the only library near me"
    assert objection_counts(db) == {"close-library": 1}


def test_a_reason_with_the_yes_to_an_objection_already_made_is_added(
        talk: Talk, db: sqlite_utils.Database) -> None:
    object_to_library(talk)
    talk.say("object to closing riverside library on saturdays")
    again = talk.say("yes, its the only library near me")
    assert "You already objected" in again and "added your reason" in again
    [row] = db.table("objections").rows
    assert row["reason"] == "its the only library near me"


def test_an_objection_with_a_reason_is_not_offered_another(talk: Talk,
                                                           db: sqlite_utils.Database) -> None:
    object_to_library(talk, reason="We use it every Saturday")
    talk.say("object to closing riverside library on saturdays")
    again = talk.say("yes")
    assert "You already objected" in again and "reason" not in again
    talk.say("because its my local one")
    [row] = db.table("objections").rows
    assert row["reason"] == "We use it every Saturday"  # the reason given stays
