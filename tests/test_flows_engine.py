"""The engine around the flows: menu, typed numbers and buttons, leaving a flow, the idle
reset, safeguarding first; and scripted conversations through `localsupport chat` on the
bundled sample catalogue, rendered for SMS and for Telegram."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
import sqlite_utils
from conversation_kit import START, Talk

from bot.cli import main
from conversations import smalltalk
from conversations.crisis import crisis_text
from conversations.objections import objection_counts
from conversations.types import Channel

CHANNELS: tuple[Channel, ...] = ("sms", "telegram")


def test_the_menu_offers_the_flows(talk: Talk) -> None:
    menu = talk.say("hi")
    assert "MY DATA" in menu and "FORGET ME" in menu
    assert talk.choices == ("What can I get?", "What is the council planning?",
                            "Help with council tax")
    assert "How old are you?" in talk.say("1")
    talk.say("menu")
    assert "The council is planning these" in talk.say("", choice=1)


def test_a_number_out_of_range_is_asked_again_and_a_valid_one_works(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("10")
    assert talk.choices == ("Yes", "No", "Not sure")
    again = talk.say("4")
    assert "Please reply with a number from 1 to 3" in again
    assert talk.choices == ("Yes", "No", "Not sure")
    assert talk.state == "entitlement:ask"
    assert "It looks like you can't get Free school meals" in talk.say("2")


def test_a_button_out_of_range_is_asked_again(talk: Talk) -> None:
    talk.say("hi")
    assert "Please reply with a number from 1 to 3" in talk.say("", choice=7)


def test_a_button_from_an_older_message_goes_by_its_label(talk: Talk) -> None:
    talk.say("hi")
    talk.say("free school meals")
    assert talk.choices[:3] == ("Check for me", "For someone else", "No thanks")
    # the menu's second button pressed again: index 1 now means "For someone else"
    assert "The council is planning these" in talk.say("What is the council planning?",
                                                       choice=1)
    # a channel may shorten a label; the start of it is enough
    talk.say("youth club")
    assert "What were you looking for?" in talk.say("N", choice=1)


def test_a_button_after_the_idle_reset_is_read_as_text(talk: Talk) -> None:
    talk.say("hi")
    shown = talk.say("What can I get?", choice=0, later=timedelta(days=2))
    assert talk.state == "entitlement:ask" and "How old are you?" in shown


def test_the_person_who_never_answers_starts_afresh_after_a_day(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("10")
    assert talk.state == "entitlement:ask"
    later = talk.say("1", later=timedelta(days=1, minutes=1))
    assert talk.state != "entitlement:ask"
    assert "likely" not in later
    talk.say("free school meals")
    assert "How old are you?" in talk.say("check for me")  # the answers went with the old session


def test_within_a_day_the_flow_waits(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    assert "Universal Credit" in talk.say("10", later=timedelta(hours=23))


@pytest.mark.parametrize("word", ["stop", "cancel", "never mind", "MENU"])
def test_leaving_words_end_a_flow(talk: Talk, db: sqlite_utils.Database, word: str) -> None:
    talk.say("object to the car park")
    talk.say("yes")
    talk.say(word)
    assert talk.state in ("start", "menu")
    talk.say("skip")
    assert objection_counts(db) == {}


def test_crisis_contacts_come_first_even_inside_a_flow(talk: Talk) -> None:
    talk.say("free school meals")
    talk.say("check for me")
    talk.say("i want to kill myself")
    assert talk.replies[0].text == crisis_text("suicide") and talk.replies[0].urgent
    assert len(talk.replies) >= 2
    assert talk.state == "answered"  # the entitlement questions are not asked on


# -- scripted conversations through `localsupport chat` on the bundled sample -------------

SCRIPT = [
    ("hi", "Send MENU"),
    ("Free school meals", "Would you like to check if you can get it?"),
    ("1", "How old are you?"),
    ("13", "Universal Credit"),
    ("dunno", "You may be able to get Free school meals"),
    ("no", "What were you looking for?"),
    ("skip", "Thank you for your feedback."),
    ("What is the council planning?", "The council is planning these 7."),
    ("9", "Please reply with a number from 1 to"),
    ("MY DATA", "your answers in this chat (age 13, 1 other answer)"),
    ("I'm not happy with the plan to close Millbrook Library", "Do you want to object to "
     "Plan to close Millbrook Library?"),
    ("yes", "What is your postcode?"),
    ("MB1 2AA", "Why do you object"),
    ("It is the only library I can walk to", "You and 1 other in Millbrook have objected."),
    ("object to plan to close millbrook library", "Do you want to object to"),
    ("y", "You already objected to Plan to close Millbrook Library"),
    ("rate Riverside Youth Hub", "from 1 (poor) to 5 (great)"),
    ("5", "you gave it 5 out of 5"),
    ("Friendly staff", "Thank you for your feedback."),
    ("withdraw my objection", "Your objection to Plan to close Millbrook Library is withdrawn."),
    ("FORGET ME", "This cannot be undone"),
    ("Yes", "I have deleted what I held about you"),
    ("my data", "I hold nothing about you"),
]


def run_chat(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             db_path: Path, channel: str, user: str, lines: list[str]) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(line + "\n" for line in lines)))
    assert main(["chat", "--db", str(db_path), "--channel", channel, "--user", user]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("channel", CHANNELS)
def test_scripted_conversation_through_localsupport_chat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    channel: str,
) -> None:
    db_path = tmp_path / "chat.db"
    wards = tmp_path / "wards.csv"
    wards.write_text("postcode,ward\nMB1 2AA,Millbrook\nMB1 3AA,Millbrook\n", encoding="utf-8")
    assert main(["wards", "import", str(wards), "--db", str(db_path)]) == 0
    # somebody else in Millbrook objected first
    run_chat(monkeypatch, capsys, db_path, channel, "neighbour",
             ["object to the plan to close millbrook library", "yes", "MB1 3AA", "skip"])
    out = run_chat(monkeypatch, capsys, db_path, channel, "me", [line for line, _ in SCRIPT])
    position = 0
    for line, expected in SCRIPT:
        found = out.find(expected, position)
        assert found >= 0, f"after {line!r} expected {expected!r} in:\n{out[position:]}"
        position = found + len(expected)
    if channel == "sms":
        assert "Reply 1, 2 or 3" in out and "[1]" not in out
    else:
        assert "[1] Yes  [2] No  [3] Not sure" in out
    db = sqlite_utils.Database(db_path)
    assert objection_counts(db) == {"proposal-close-millbrook-library": 1}
    assert db.execute("SELECT COUNT(*) FROM feedback WHERE address = 'me'").fetchone()[0] == 0


def test_a_second_tap_of_a_button_does_not_answer_the_question_asked_since(talk: Talk) -> None:
    talk.say("free school meals")
    assert "How old are you?" in talk.say("Check for me", choice=0)
    again = talk.say("Check for me", choice=0)  # the same button, tapped twice
    assert again.startswith("That button was on an earlier message") and "How old are you?" in again
    assert talk.state == "entitlement:ask"
    assert "Universal Credit" in talk.say("12")  # the question is still the age one
    # a menu button from an older message still starts what it says
    assert "The council is planning these" in talk.say("What is the council planning?",
                                                       choice=1)


@pytest.mark.parametrize("said", ["help me pls", "can you help?", "i need help", "Please help",
                                  "hi can u help me please"])
def test_asking_for_help_without_saying_what_gets_the_menu(talk: Talk, said: str) -> None:
    assert "Ask me in your own words" in talk.say(said)
    assert talk.choices == ("What can I get?", "What is the council planning?",
                            "Help with council tax")
    assert "Sorry, I couldn't find" not in talk.say("can you help me with rent")


@pytest.mark.parametrize("said", ["\U0001f62d", "\U0001f62d\U0001f64f", "\U0001f494",
                                  "\U0001f622\U0001f622"])
def test_a_crying_or_broken_heart_emoji_is_never_youre_welcome(talk: Talk, said: str) -> None:
    reply = talk.say(said)
    assert "welcome" not in reply.lower()
    assert "Samaritans" in reply and "116 123" in reply and "tell me what's happening" in reply
    assert "You're welcome" in talk.say("\U0001f64f")


@pytest.mark.parametrize("said", ["u a real person?", "is this a real person", "are you a bot",
                                  "am i talking to a real person", "are you ai", "who are you",
                                  "can i talk to a real person"])
def test_asked_if_it_is_a_person_it_says_plainly_it_is_automated(talk: Talk, said: str) -> None:
    """"are you a bot" got "Yes, I'm here."; "is this a real person" got "couldn't find
    anything" (round 21's exploratory test)."""
    assert talk.say(said).startswith("I'm an automated assistant, not a person.")
    assert talk.say("hello?").startswith("Yes, I'm here.")


def test_nothing_found_still_offers_somewhere_to_start(db: sqlite_utils.Database) -> None:
    from conversation_kit import ENTRIES

    from catalogue.matcher import Matcher
    from conversations.engine import Engine
    from conversations.store import load_session, save_session
    from conversations.types import Inbound

    engine = Engine(Matcher(ENTRIES), db)
    session = load_session(db, "telegram", "77")
    [reply] = engine.step(session, Inbound("telegram", "77", "xqzt vbnm"), START)
    assert reply.text.startswith("Sorry, I couldn't find anything that fits that.")
    assert reply.choices == ("What can I get?", "What is the council planning?",
                             "Help with council tax")
    save_session(db, session)
    session = load_session(db, "telegram", "77")
    picked = engine.step(session, Inbound("telegram", "77", "What can I get?", 0), START)
    assert "How old are you?" in picked[-1].text


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_postcode_sent_on_its_own_is_not_searched_as_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    channel: str,
) -> None:
    db_path = tmp_path / "chat.db"
    out = run_chat(monkeypatch, capsys, db_path, channel, "me", [
        "ZZ1 1AA", "B1 1AA", "object to the plan to close millbrook library", "yes", "b1 1aa"])
    assert "drinking" not in out  # "AA" is not Alcoholics Anonymous
    assert out.count("I don't need your postcode to help") == 2
    assert "Why do you object" in out  # asked for, the postcode is taken as before
    db = sqlite_utils.Database(db_path)
    assert db.execute("SELECT COUNT(*) FROM unmet_needs").fetchone()[0] == 0


@pytest.mark.parametrize(("count", "heading"), [(9, "The last of 9:"), (10, "9 to 10 of 10:")])
def test_a_lists_later_page_says_where_it_is(count: int, heading: str) -> None:
    """A Telegram list of 9 ended on a page headed "9 to 9 of 9"."""
    from conversations.flows.common import ask_list, more
    from conversations.types import Session

    session = Session("telegram", "42")
    first = ask_list(session, "Roles:", [(f"Role {n}", f"entry:r{n}") for n in range(count)])
    assert first.text == "Roles:" and first.choices[-1] == "More"
    page = more(session)
    assert page is not None and page.text == heading
    assert page.choices == tuple(f"Role {n}" for n in range(8, count))


@pytest.mark.parametrize("said", ["can you call me back", "i want to speak to someone",
                                  "Can I speak to an advisor?"])
def test_asking_for_a_person_or_a_call_back_is_told_what_this_is(said: str) -> None:
    """Round 22's exploratory test: "Sorry, I couldn't find anything that fits that"."""
    assert smalltalk.reply_to(said) == smalltalk.BOT
