"""Safeguarding: the detector against the two test sets, the crisis text, and the crisis
reply coming first (with the person's question still answered) through the engine and the
real command-line chat."""

from __future__ import annotations

import io
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main as cli_main
from bot.render import render_sms, segments, to_gsm7
from catalogue.matcher import Matcher
from catalogue.model import Entry
from catalogue.store import open_db, save_catalogue
from conversations.engine import GENTLE, Engine
from conversations.safeguarding import (
    CRISIS_TEXT,
    Concern,
    Detector,
    PhraseError,
    assess,
    default_detector,
    in_danger,
)
from conversations.types import Inbound, Session

DATA = Path(__file__).parent / "data"
NOW = datetime(2025, 3, 3, 16, 30, tzinfo=UTC)
RENT = Entry("rent", "entitlement", "Help with rent",
             "Money towards your rent if you are struggling to pay it.",
             keywords=("rent", "housing costs"), phone="0300 123 4111")
ENTRIES = [
    RENT,
    Entry("youth", "service", "Youth club",
          "Free evening sessions for 11 to 18 year olds: sport, music, games.",
          keywords=("after school", "things to do"), url="https://example.org/youth"),
    Entry("bins", "service", "Bin collections",
          "Household waste is collected every week, recycling every two weeks.",
          keywords=("domestic waste", "rubbish")),
]
DANGER_AND_RENT = "i want to kill myself and i need help with rent"


def read_set(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


DANGER = read_set("safeguarding-danger.txt")
ORDINARY = read_set("safeguarding-ordinary.txt")


# -- the two test sets --------------------------------------------------------------------

def test_sets_are_big_enough_and_share_words() -> None:
    assert len(DANGER) >= 60
    assert len(ORDINARY) >= 60
    danger_words = {w for line in DANGER for w in line.lower().split()}
    shared = {"kill", "die", "dying", "cut", "cutting", "hit", "beat", "hurt", "abuse",
              "domestic", "end", "suicide", "overdue", "run", "safe", "scared", "home"}
    ordinary_words = {w.strip(",.?") for line in ORDINARY for w in line.lower().split()}
    assert shared <= ordinary_words | {"suicide"}
    assert len(danger_words & ordinary_words) >= 40


def test_every_danger_message_is_caught_and_no_ordinary_one() -> None:
    detector = default_detector()
    started = time.perf_counter()
    missed = [text for text in DANGER if detector.assess(text) is None]
    flagged = {text: detector.assess(text) for text in ORDINARY}
    wrongly = {text: concern for text, concern in flagged.items() if concern is not None}
    per_check_ms = (time.perf_counter() - started) * 1000 / (len(DANGER) + len(ORDINARY))
    caught = len(DANGER) - len(missed)
    print(
        f"\nsafeguarding: caught {caught}/{len(DANGER)} danger messages "
        f"({100 * caught / len(DANGER):.0f}%), flagged {len(wrongly)}/{len(ORDINARY)} ordinary "
        f"ones ({100 * len(wrongly) / len(ORDINARY):.0f}%), {per_check_ms:.3f} ms a check"
    )
    assert missed == []
    assert wrongly == {}


@pytest.mark.parametrize(("text", "category", "words"), [
    ("i wanna kms", "suicide", "kill myself"),
    ("dont want 2 b here anymore", "suicide", "not want to be here anymore"),
    ("feeling sucidal again", "suicide", "sucidal"),
    ("gonna kil my self", "suicide", "kil myself"),
    ("my step dad hits me", "abuse at home", "stepdad hits me"),
    ("mum's boyfriend beats us", "abuse at home", "mums boyfriend beats us"),
    ("he touches me", "sexual abuse or exploitation", "he touches me"),
    ("SCARED TO GO HOME!!!", "unsafe or threatened", "scared to go home"),
    ("cutting myself", "self-harm", "cutting myself"),
])
def test_assess_says_why(text: str, category: str, words: str) -> None:
    concern = assess(text)
    assert concern is not None
    assert (concern.category, concern.words) == (category, words)
    assert concern.phrase in (Path(__file__).parents[1] / "conversations" /
                              "safeguarding_phrases.txt").read_text(encoding="utf-8")


def test_ordinary_phrase_cancels_only_the_words_it_overlaps() -> None:
    assert assess("is the suicide squad film on") is None
    concern = assess("watching suicide squad and i want to kill myself")
    assert concern == Concern("suicide", concern.phrase if concern else "", "kill myself")


def test_a_misspelling_tolerance_does_not_reach_real_words() -> None:
    assert in_danger("took an overdoze")
    assert not in_danger("the steak was overdone")
    assert not in_danger("i was amused")
    assert in_danger("i was abused")


def test_a_safeguarding_lead_can_add_a_phrase() -> None:
    text = (Path(__file__).parents[1] / "conversations" / "safeguarding_phrases.txt")
    base = text.read_text(encoding="utf-8")
    assert Detector(base).assess("my sibling is in the trap house") is None
    extended = Detector(base + "\n[exploitation]\n(in/at) (the/a) trap house/houses\n")
    concern = extended.assess("my sibling is in the trap house")
    assert concern is not None and concern.category == "exploitation"


def test_a_bad_phrase_line_is_named() -> None:
    with pytest.raises(PhraseError, match=r"line 3: unknown group @nobody.*'@nobody hurts me'"):
        Detector("[groups]\n[suicide]\n@nobody hurts me\n")
    with pytest.raises(PhraseError, match="line 1: a phrase before any"):
        Detector("kill myself\n")
    with pytest.raises(PhraseError, match="line 2: a phrase needs at least one word"):
        Detector("[suicide]\n(maybe) ...\n")


# -- what the person sees -----------------------------------------------------------------

def test_crisis_text_keeps_every_contact_and_fits_two_sms() -> None:
    for contact in ("999", "Childline 0800 1111", "under 19s", "Samaritans 116 123",
                    "SHOUT to 85258"):
        assert contact in CRISIS_TEXT
    assert to_gsm7(CRISIS_TEXT) == CRISIS_TEXT
    assert segments(CRISIS_TEXT) <= 2


def test_engine_puts_crisis_contacts_first_and_still_answers() -> None:
    engine = Engine(Matcher(ENTRIES))
    session = Session("sms", "+447700900123")
    replies = engine.step(session, Inbound("sms", "+447700900123", DANGER_AND_RENT), NOW)
    assert replies[0].urgent and replies[0].text == CRISIS_TEXT
    # the question is still answered: the rent entry itself, or offered as a choice
    assert any(reply.entry == RENT or RENT.title in reply.choices for reply in replies[1:])
    assert CRISIS_TEXT in render_sms(replies[0])


def test_engine_leaves_ordinary_messages_alone() -> None:
    engine = Engine(Matcher(ENTRIES))
    for text in ("somewhere to kill time after school", "domestic waste collection"):
        replies = engine.step(Session("sms", "+447700900124"), Inbound("sms", "x", text), NOW)
        assert not any(reply.urgent for reply in replies)
        assert all(CRISIS_TEXT not in reply.text for reply in replies)


def chat(db_path: Path, channel: str, lines: str, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert cli_main(["chat", "--db", str(db_path), "--channel", channel]) == 0
    return capsys.readouterr().out


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "local.db"
    db = open_db(path)
    save_catalogue(db, ENTRIES)
    db.close()
    return path


def alerts(db_path: Path) -> list[tuple[str, str, str, str, str | None]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT channel, address, text, category, sent_at FROM alerts ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("channel", ["sms", "telegram"])
def test_cli_chat_crisis_first_then_the_question_answered(
    channel: str, db_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = chat(db_path, channel, DANGER_AND_RENT + "\n", monkeypatch, capsys)
    assert "999" in out and "Samaritans 116 123" in out and "SHOUT to 85258" in out
    assert "Help with rent" in out
    assert out.index("999") < out.index("Help with rent")
    assert alerts(db_path) == [(channel, "terminal", DANGER_AND_RENT, "suicide", None)]


def test_cli_chat_ordinary_message_gets_no_crisis_reply_and_no_alert(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    out = chat(db_path, "sms", "somewhere to kill time after school\n", monkeypatch, capsys)
    assert "Samaritans" not in out and "999" not in out
    assert alerts(db_path) == []


def test_cli_chat_misspelt_danger_mid_conversation(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    out = chat(db_path, "sms", "help with rent\nsumone is hurting me\n", monkeypatch, capsys)
    assert out.index("Help with rent") < out.index("999")
    assert out.count("Samaritans 116 123") == 1
    assert [row[3] for row in alerts(db_path)] == ["abuse at home"]


def test_a_disclosure_is_kept_out_of_the_councillors_unmet_needs(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    chat(db_path, "sms", "i wanna kms\nzorbing lessons for my gerbil\n", monkeypatch, capsys)
    conn = sqlite3.connect(db_path)
    try:
        unmet = [row[0] for row in conn.execute("SELECT text FROM unmet_needs")]
    finally:
        conn.close()
    assert unmet == ["zorbing lessons for my gerbil"]
    assert [row[2] for row in alerts(db_path)] == ["i wanna kms"]


def test_a_disclosure_that_matches_nothing_gets_no_cold_sorry() -> None:
    engine = Engine(Matcher(ENTRIES))
    replies = engine.step(Session("sms", "+447700900125"),
                          Inbound("sms", "+447700900125", "i wanna kms"), NOW)
    assert replies[0].text == CRISIS_TEXT
    assert [r.text for r in replies[1:]] == [GENTLE]
