"""MY DATA, FORGET ME and the `forget` / `export-user` commands: every table with `channel`
and `address` columns is covered, other people's data is not, and objection totals stay."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils
from conversation_kit import Talk, engine_for, make_db

from bot.app import QUEUED_CHANNELS, RENDERERS
from bot.assistant import Assistant
from bot.cli import main
from bot.inbox import Arrival, Inbox
from bot.render import render_sms, segments
from bot.store import SCHEMAS, open_store
from catalogue.importer import load_sample
from catalogue.storage import Personal, Schema, Table, UndeclaredTable, migrate, write
from conversations.erasure import erase_person, export_person, person_tables
from conversations.objections import objection_counts, objection_counts_by_ward
from conversations.outbox import Message as OutboxMessage
from conversations.outbox import enqueue
from conversations.types import Channel

CHANNELS: tuple[Channel, ...] = ("sms", "telegram")


# a table another part of the project might add later (sign-ups): covered by its declaration
SIGNUPS = Schema("signups-test", (Table("signups", Personal(
    "delete", "volunteering sign-ups", label="sign-up(s)"),
    "CREATE TABLE IF NOT EXISTS signups (id INTEGER PRIMARY KEY, channel TEXT, address TEXT, "
    "what TEXT);"),))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    db = make_db(tmp_path / "privacy.db")
    migrate(db, [*SCHEMAS, SIGNUPS])
    db.close()
    return tmp_path / "privacy.db"


@pytest.fixture
def db(db_path: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(db_path)


def busy_person(db: sqlite_utils.Database, channel: Channel, address: str) -> Talk:
    """Somebody who has done a bit of everything."""
    talk = Talk(engine_for(db), db, channel=channel, address=address)
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("12")
    talk.say("yes")
    talk.say("no")
    talk.say("It was hard to find")
    talk.say("object to closing riverside library on saturdays")
    talk.say("yes")
    talk.say("RV1 1AA")
    talk.say("We need it, call me on 07700 900555")
    talk.say("qqqq zzzz xxxx")
    db.table("signups").insert({"channel": channel, "address": address, "what": "litter pick"})
    return talk


def held(db: sqlite_utils.Database, channel: str, address: str) -> dict[str, int]:
    return {
        table: db.execute(f"SELECT COUNT(*) FROM [{table}] WHERE channel = ? AND address = ?",
                          [channel, address]).fetchone()[0]
        for table in person_tables(db)
    }


@pytest.mark.parametrize("channel", CHANNELS)
def test_my_data_summarises_what_is_held_in_an_sms_sized_reply(
    db: sqlite_utils.Database, channel: Channel
) -> None:
    talk = busy_person(db, channel, "person-1")
    reply = talk.say("MY DATA")
    assert "postcode RV1 1AA (Riverside)" in reply
    assert "your answers in this chat (age 12, 1 other answer)" in reply
    assert "1 feedback answer" in reply
    assert "your objection to Close Riverside library on Saturdays" in reply
    assert "1 message I had no answer for" in reply
    assert "1 sign-up(s)" in reply
    assert "FORGET ME" in reply
    assert segments(render_sms(talk.replies[0])) <= 2


def test_my_data_for_a_newcomer(db: sqlite_utils.Database) -> None:
    talk = Talk(engine_for(db), db)
    assert "I hold nothing about you" in talk.say("my data")


@pytest.mark.parametrize("channel", CHANNELS)
def test_forget_me_asks_first_and_no_keeps_everything(
    db: sqlite_utils.Database, channel: Channel
) -> None:
    talk = busy_person(db, channel, "person-1")
    before = held(db, channel, "person-1")
    assert "This cannot be undone" in talk.say("forget me")
    assert talk.choices == ("Yes, forget me", "No")
    assert "I have not deleted anything" in talk.say("no")
    assert held(db, channel, "person-1") == before


def test_a_question_at_forget_me_is_answered_and_the_question_put_again(
    db: sqlite_utils.Database
) -> None:
    """Round 22's exploratory test: "wait what does that delete" cancelled it."""
    talk = busy_person(db, "sms", "person-1")
    before = held(db, "sms", "person-1")
    talk.say("forget me")
    assert talk.say("wait what does that delete").startswith("FORGET ME deletes everything")
    assert talk.choices == ("Yes, forget me", "No") and held(db, "sms", "person-1") == before
    assert "Done: I have deleted" in talk.say("yes")


@pytest.mark.parametrize("said", ["absolutely not", "definitely not", "of course not",
                                  "hell no", "no definitely not"])
def test_an_emphatic_no_to_forget_me_deletes_nothing(db: sqlite_utils.Database, said: str
                                                     ) -> None:
    """Round 22's exploratory test: "absolutely not" deleted everything."""
    talk = busy_person(db, "sms", "person-1")
    before = held(db, "sms", "person-1")
    talk.say("forget me")
    assert "I have not deleted anything" in talk.say(said)
    assert held(db, "sms", "person-1") == before


@pytest.mark.parametrize("channel", CHANNELS)
def test_forget_me_erases_every_table_and_keeps_objection_totals(
    db: sqlite_utils.Database, channel: Channel
) -> None:
    me = busy_person(db, channel, "person-1")
    busy_person(db, channel, "person-2")
    other_before = held(db, channel, "person-2")
    counts = objection_counts(db), objection_counts_by_ward(db, "close-library")
    assert counts == ({"close-library": 2}, {"Riverside": 2})
    me.say("FORGET ME")
    assert "I have deleted what I held about you" in me.say("Yes, forget me", choice=0)
    assert held(db, channel, "person-1") == {table: 0 for table in person_tables(db)}
    assert held(db, channel, "person-2") == other_before
    assert (objection_counts(db), objection_counts_by_ward(db, "close-library")) == counts
    anonymous = [r for r in db.table("objections").rows if r["address"] is None]
    assert len(anonymous) == 1 and anonymous[0]["reason"] is None
    # nothing about the person is left in any text column either
    for table in db.table_names():
        for row in db.table(table).rows:
            assert "person-1" not in json.dumps(row, default=str)
    # and they start afresh: answers are asked again
    me.say("free school meals")
    assert "How old are you?" in me.say("check for me")


@pytest.mark.parametrize("said", ["please forget me", "forget me please",
                                  "Can you delete my data thanks", "I want to delete my details",
                                  "erase everything about me", "delete everything you have on me",
                                  "remove my number from your system", "i want my data deleted",
                                  "delete all of it",
                                  # it got the crisis helplines
                                  "i dont want to be on your system anymore",
                                  "i don't want you to have my details",
                                  # second exploratory test
                                  "stop storing my info", "can u wipe everything u have on me",
                                  "dont keep my messages",
                                  "can you forget what i told you about my stepdad"])
def test_forget_me_however_politely_put_and_never_kept_as_a_need(
    db: sqlite_utils.Database, said: str
) -> None:
    talk = Talk(engine_for(db), db)
    assert "This cannot be undone" in talk.say(said)
    assert db.table("unmet_needs").count == 0
    assert "I have deleted what I held about you" in talk.say("yes")


@pytest.mark.parametrize("said", ["can i see my data", "what data do you have on me",
                                  "what do you know about me?", "show me my data please",
                                  "what info have u got about me"])
def test_my_data_however_asked(db: sqlite_utils.Database, said: str) -> None:
    assert "I hold nothing about you" in Talk(engine_for(db), db).say(said)


@pytest.mark.parametrize("said", ["forget it", "delete my objection", "my data usage is high",
                                  "remove me from the housing register", "what have you got",
                                  "delete all", "remove all"])
def test_words_near_the_commands_are_not_them(db: sqlite_utils.Database, said: str) -> None:
    reply = Talk(engine_for(db), db).say(said)
    assert "This cannot be undone" not in reply and "I hold" not in reply


def test_my_data_in_the_middle_of_a_question_keeps_it_open(db: sqlite_utils.Database) -> None:
    talk = Talk(engine_for(db), db)
    talk.say("object to the car park")
    talk.say("yes")
    assert talk.state == "objection:postcode"
    reply = talk.say("MY DATA")
    assert "I hold" in reply and "What is your postcode?" in reply
    talk.say("RV1 1AA")
    assert "is recorded" in talk.say("too much traffic")


def test_no_to_forget_me_goes_back_to_the_question_being_asked(db: sqlite_utils.Database
                                                                ) -> None:
    talk = Talk(engine_for(db), db)
    talk.say("object to the car park")
    talk.say("yes")
    talk.say("FORGET ME")
    reply = talk.say("no")
    assert "I have not deleted anything" in reply and "What is your postcode?" in reply
    assert talk.state == "objection:postcode"


def test_forget_me_in_the_middle_of_a_flow(db: sqlite_utils.Database) -> None:
    talk = busy_person(db, "sms", "person-1")
    talk.say("rate the youth club")
    assert talk.state == "feedback:rating"
    talk.say("FORGET ME")
    talk.say("yes")
    assert held(db, "sms", "person-1") == {table: 0 for table in person_tables(db)}
    assert db.table("sessions").count == 0


def test_erasure_covers_the_message_log_and_the_outbox(tmp_path: Path) -> None:
    """Through the inbox, as the channels call it: the log and the outbox are erased too, and
    a retry of a message sent before FORGET ME processes nothing and stores nothing."""
    db = open_store(tmp_path / "a.db")
    load_sample(db)
    inbox = Inbox(Assistant(db), RENDERERS, QUEUED_CHANNELS)
    now = datetime(2025, 3, 3, tzinfo=UTC)
    first = Arrival("telegram", "1", "555", "my postcode is ZZ1 1AB, youth club", now)
    inbox.receive(first)
    with write(db):
        enqueue(db, OutboxMessage("notice:1", "notice", "telegram", "555", "A new club"), now)
    inbox.receive(Arrival("telegram", "2", "555", "forget me", now))
    inbox.receive(Arrival("telegram", "3", "555", "yes", now))
    # all that is left is the confirmation on its way, deleted once delivered (test_outbox)
    assert db.execute("SELECT kind FROM outbox").fetchall() == [("farewell",)]
    db.execute("DELETE FROM outbox")
    assert {"inbound_messages", "outbox"} <= set(person_tables(db))
    replay = inbox.receive(first)
    assert replay.duplicate and replay.replies == () and replay.queued == 0
    assert held(db, "telegram", "555") == {table: 0 for table in person_tables(db)}
    assert db.execute("SELECT count(*) FROM sessions").fetchone() == (0,)


def test_a_table_of_people_nobody_declared_is_refused(tmp_path: Path) -> None:
    db = open_store(tmp_path / "u.db")
    db.execute("CREATE TABLE helpers (channel TEXT, address TEXT, note TEXT)")
    db.close()
    with pytest.raises(UndeclaredTable, match="helpers"):
        open_store(tmp_path / "u.db")


def test_erasure_leaves_no_trace_in_the_database_files(tmp_path: Path) -> None:
    """After FORGET ME and its checkpoint, neither the number nor the words are anywhere in
    the database file, its write-ahead log or their free pages."""
    path = tmp_path / "bytes.db"
    db = open_store(path)
    load_sample(db)
    inbox = Inbox(Assistant(db), RENDERERS)
    now = datetime(2025, 3, 3, tzinfo=UTC)
    number, words = "+447700900876", "Xylophonic marmalade emergency"
    for n, text in enumerate([words, "object to the library closing", "yes", "ZZ1 1AB",
                              words + " again", "forget me", "yes"]):
        inbox.receive(Arrival("sms", f"SM{n}", number, text, now))
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("bytes.db"))
    assert number.encode() not in raw and number[3:].encode() not in raw
    assert words.encode() not in raw and b"Xylophonic" not in raw


def test_cli_export_user_then_forget(db: sqlite_utils.Database, db_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    busy_person(db, "sms", "+447700900111")
    busy_person(db, "sms", "+447700900222")
    db.close()
    assert main(["export-user", "--db", str(db_path), "sms:+447700900111"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["channel"] == "sms" and exported["address"] == "+447700900111"
    tables = exported["tables"]
    assert {"sessions", "people", "feedback", "objections", "unmet_needs", "signups"} <= set(
        tables)
    assert tables["sessions"][0]["data"]["answers"] == {"age": 12, "income_benefit": True}
    assert tables["people"][0]["ward"] == "Riverside"
    assert tables["feedback"][0]["comment"] == "It was hard to find"
    assert tables["objections"][0]["reason"] == "We need it, call me on 07700 900555"

    assert main(["forget", "--db", str(db_path), "sms:+447700900111"]) == 0
    out = capsys.readouterr().out
    assert "Erased sms:+447700900111" in out and "objections 1" in out
    assert main(["export-user", "--db", str(db_path), "sms:+447700900111"]) == 0
    assert json.loads(capsys.readouterr().out)["tables"] == {}
    again = sqlite_utils.Database(db_path)
    assert objection_counts(again) == {"close-library": 2}
    assert held(again, "sms", "+447700900222")["feedback"] == 1
    assert main(["forget", "--db", str(db_path), "sms:+447700900111"]) == 0
    assert "Nothing held" in capsys.readouterr().out


def test_erase_and_export_directly(db: sqlite_utils.Database) -> None:
    busy_person(db, "sms", "x")
    assert export_person(db, "sms", "x")["tables"]["signups"][0]["what"] == "litter pick"
    with write(db):
        touched = erase_person(db, "sms", "x")
    assert touched["objections"] == 1 and touched["signups"] == 1
    assert export_person(db, "sms", "x")["tables"] == {}


@pytest.mark.parametrize("said", ["Yes, forget me", "Yes forget me", "yes please delete it"])
def test_the_buttons_words_typed_erase(db: sqlite_utils.Database, said: str) -> None:
    talk = busy_person(db, "sms", "person-3")
    talk.say("FORGET ME")
    assert "I have deleted what I held about you" in talk.say(said)
    assert held(db, "sms", "person-3") == {table: 0 for table in person_tables(db)}


def test_my_data_says_what_forget_me_cannot_delete_yet(db: sqlite_utils.Database) -> None:
    talk = Talk(engine_for(db), db)
    talk.say("hello")
    db.execute("INSERT INTO optouts (channel, address, reason, opted_out_at) VALUES "
               "(?, ?, 'STOP', '2026-12-01')", [talk.channel, talk.address])
    said = talk.say("MY DATA")
    assert "your request for no messages" in said
    assert "FORGET ME deletes it, except what the council must still have" in said


@pytest.mark.parametrize("said", ["yes but keep my objection",
                                  "yes, but first tell me what you hold"])
def test_a_yes_with_a_but_deletes_nothing_and_asks_again(db: sqlite_utils.Database,
                                                         said: str) -> None:
    talk = busy_person(db, "sms", "person-4")
    before = held(db, "sms", "person-4")
    talk.say("FORGET ME")
    assert "I can only delete everything at once" in talk.say(said)
    assert held(db, "sms", "person-4") == before and talk.state == "privacy:forget"


@pytest.mark.parametrize("said", ["who can see this", "can my parents see what i send u",
                                  "do u save my messages", "is this private?",
                                  "is it safe to tell you something", "who reads this",
                                  "will my mum know im texting you", "who else reads this"])
def test_who_sees_what_is_answered_plainly(talk: Talk, said: str) -> None:
    from conversations.flows.privacy import ABOUT_PRIVACY

    assert talk.say(said).startswith("I keep messages 30 days")
    assert "safeguarding" in ABOUT_PRIVACY and "FORGET ME deletes it" in ABOUT_PRIVACY
    talk.say("free school meals")
    talk.say("Check for me", choice=0)
    asked = talk.say(said)  # in the middle of a check: answered, and the question stays
    assert asked.startswith("I keep messages")
    assert ("How old are you?" in asked) == (talk.channel != "sms")  # a text has no room
    assert talk.state == "entitlement:ask"
    assert talk.say("what do u know about me").startswith("I hold")


@pytest.mark.parametrize("said", ["is it safe to use the park at night",
                                  "who can help me with rent", "do you keep bins",
                                  "can someone see me today", "is this safe to eat",
                                  "does my school know about free meals",
                                  "can someone read my letter for me",
                                  "can the council read my meter",
                                  "do you keep a list of landlords", "my landlord kept my deposit",
                                  "will my landlord find out if i report the damp",
                                  "are my bins collected on monday"])
def test_a_question_about_something_else_is_not_about_privacy(said: str) -> None:
    from conversations.flows.privacy import asks_who_sees

    assert not asks_who_sees(said)


def test_what_the_privacy_answer_says_is_kept_is_what_the_tables_declare(
    db: sqlite_utils.Database,
) -> None:
    from bot.retention import policy
    from conversations.flows.privacy import ABOUT_PRIVACY, about_privacy
    from conversations.gsm7 import segments
    from conversations.types import Session

    days = {table: rule.retain_days for table, rule in policy(db).items()}
    said = {"messages": days["inbound_messages"], "unanswered questions": days["unmet_needs"],
            "feedback": days["feedback"], "postcode": days["people"],
            "objection": days["objections"]}
    texts = [about_privacy(Session(channel, "x")) for channel in ("sms", "web", "telegram")]
    assert texts[2] == ABOUT_PRIVACY
    for what, kept in said.items():
        assert kept is not None
        words = "a year" if kept == 365 else f"{kept} days"
        for text in texts:
            assert re.search(rf"\b{what}\b[^.]*?\b{words}\b", text), (what, words)
    assert segments(texts[0]) <= 2 and segments(texts[1]) <= 2  # the web chat is SMS-sized


@pytest.mark.parametrize("said", ["do you share my messages with the council",
                                  "does the council read these messages",
                                  "will my landlord find out i contacted you",
                                  "are my messages kept", "do you pass my details to anyone",
                                  "will my partner know im texting you"])
def test_who_sees_what_however_the_worry_is_put(talk: Talk, said: str) -> None:
    assert talk.say(said).startswith("I keep messages 30 days")


def test_by_sms_the_privacy_answer_comes_whole_and_the_question_stays_open(
    db: sqlite_utils.Database,
) -> None:
    from conversations.flows.privacy import ABOUT_PRIVACY_SMS, about_privacy
    from conversations.types import Session

    talk = Talk(engine_for(db), db, channel="sms")
    talk.say("free school meals")
    talk.say("Check for me", choice=0)
    talk.say("12")
    said = talk.say("is this private?")
    assert said == about_privacy(Session("sms", talk.address))  # not cut to make room
    assert said.startswith(ABOUT_PRIVACY_SMS.partition("{")[0])
    assert talk.state == "entitlement:ask"  # the benefit question is still the one open
    assert "likely to be able to get Free school meals" in talk.say("1")


def test_delete_it_just_after_my_data_is_forget_me(db: sqlite_utils.Database) -> None:
    """"can you delete it" after MY DATA got "Sorry, I couldn't find anything"."""
    talk = Talk(engine_for(db), db)
    talk.say("what data do you have on me")
    assert "This cannot be undone" in talk.say("can you delete it")
    assert "not deleted anything" in talk.say("no")
    assert "This cannot be undone" not in talk.say("delete it")  # not straight after
    talk.say("my data")
    assert talk.state == "answered"  # no state in which a "yes" would erase anything
    assert "I hold" not in talk.say("yes")


@pytest.mark.parametrize("said", ["who can see this? i told you about my stepdad",
                                  "is this private? can my ex see what i send"])
def test_who_sees_followed_by_more_is_answered(db: sqlite_utils.Database, said: str) -> None:
    assert "Nobody else sees them" in Talk(engine_for(db), db).say(said)


@pytest.mark.parametrize("said", ["will my mum find out", "can my parents see this",
                                  "who can see this"])
def test_who_sees_says_messages_stay_on_the_phone(talk: Talk, said: str) -> None:
    """findings6 #11: a 14-year-old asking "will my mum find out" was told "Nobody else
    sees them", but the texts stay on the phone (or in Telegram), out of FORGET ME's reach."""
    reply = talk.say(said)
    assert "Nobody else sees them" in reply
    if talk.channel == "sms":
        assert "Your phone keeps them till you delete the chat" in reply
    else:
        assert "they stay in the app on your phone until you delete the chat there" in reply


def test_the_web_chat_says_the_page_shows_them(db: sqlite_utils.Database) -> None:
    reply = Talk(engine_for(db), db, channel="web").say("can my parents see this")
    assert "This page shows them till you close it" in reply


@pytest.mark.parametrize("said", ["how long do you keep my messages",
                                  "how long are my messages kept for?",
                                  "what happens to my data if i say forget me"])
def test_how_long_and_what_forget_me_does_are_privacy_questions(talk: Talk, said: str) -> None:
    """findings6 #31: these got "Help at home for adults" and "Dementia support"."""
    reply = talk.say(said)
    assert reply.startswith("I keep messages 30 days") and "FORGET ME deletes" in reply


@pytest.mark.parametrize("said", ["can u tell me what info u have on me",
                                  "tell me what data you hold about me",
                                  "what info u got on me"])
def test_what_do_you_have_on_me_in_other_words_is_my_data(talk: Talk, said: str) -> None:
    assert talk.say(said).startswith("I hold")


@pytest.mark.parametrize("said", ["do you share my number with anyone",
                                  "can the police see my messages", "does my school get told",
                                  "will social services see this", "do you keep my phone number",
                                  "are my messages encrypted"])
def test_more_who_sees_questions_get_the_privacy_answer(talk: Talk, said: str) -> None:
    """Round 21's second exploratory test: these got a pantry, School places or "Worried
    about a child"."""
    assert talk.say(said).startswith("I keep messages 30 days")
