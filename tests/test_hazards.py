"""A danger in the home (conversations/hazards.py): the safety step first and whole, on SMS
too, then the answer; no safeguarding alert, since nobody has disclosed harm."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.notify import pending_alerts
from bot.render import render_sms_all
from bot.store import open_store
from catalogue.importer import load_sample
from conversations.hazards import (
    CARBON_MONOXIDE,
    COLD,
    ELECTRICS,
    EMERGENCY,
    FIRE,
    GAS,
    SPARKS,
    stands_alone,
    warning,
)
from conversations.types import Inbound

WHEN = datetime(2025, 3, 3, 16, 30, tzinfo=UTC)


@pytest.mark.parametrize(("said", "step"), [
    ("Help! My basement has flooded and water is coming through the electrics", ELECTRICS),
    ("water is dripping from the light fitting in the bathroom", ELECTRICS),
    ("my sockets are wet from the leak", ELECTRICS),
    ("i can smell gas in the kitchen", GAS),
    ("theres a gas leak in my flat", GAS),
    ("my CO alarm keeps going off", CARBON_MONOXIDE),
    ("the plug socket is sparking", SPARKS),
    ("smoke coming out of the fuse box", SPARKS),
    ("im having chest pains and cant breathe", EMERGENCY),
    ("my dad isnt breathing", EMERGENCY), ("i think shes having a stroke", EMERGENCY),
    ("my nan wont wake up", EMERGENCY),
    # someone else, and other words (round 21's second exploratory test)
    ("my toddler drank bleach", EMERGENCY), ("my son has swallowed a battery", EMERGENCY),
    ("my little brother swallowed some of mums tablets", EMERGENCY),
    ("my son cant breathe hes having an asthma attack", EMERGENCY),
    ("my nan fell and is not responding", EMERGENCY), ("hes been stabbed", EMERGENCY),
    ("theres a fire in my flat", FIRE), ("i can smell burning from the plug", SPARKS),
    ("smells like rotten eggs in my kitchen", GAS),
    # the cold (round 21's exploratory test: warm spaces alone for hypothermia)
    ("im so cold i think i have hypothermia", COLD),
    ("no heating and my nan cant stop shivering", COLD),
])
def test_a_danger_in_the_home_gets_its_safety_step(said: str, step: str) -> None:
    assert warning(said) == step


@pytest.mark.parametrize("said", [
    "can i get help with my gas bill", "does my landlord have to fit a carbon monoxide alarm",
    "the street lights are out", "water leaking through the ceiling", "my electric bill is huge",
    "the lights in the park are broken", "i want to switch energy supplier",
    "he is breathing fine now", "since having a stroke i need a mobility scooter",
    "i cant breathe with this council tax bill", "the mould means my son cant breathe at night",
    "my son wont wake up for school in the mornings, hes always late",
    "my mum is having a fit because i spent all the money",
    "im having a heart attack looking at this council tax bill",
    "hes not breathing a word to anyone about the surprise party",
    "my chest is tight from the damp in the flat",
    "my baby isnt breathing properly through her nose, shes got a cold",
    "i cant smell gas but the boiler wont work",
    "the street lights are burning all day outside my house",
    "how do i stop my pipes freezing", "our house is freezing, can i get help with heating",
])
def test_everyday_questions_about_gas_water_and_lights_get_none(said: str) -> None:
    assert warning(said) is None


def test_the_step_comes_first_and_whole_on_sms_without_a_safeguarding_alert(
    tmp_path: Path
) -> None:
    db = open_store(tmp_path / "store.db")
    load_sample(db)
    said = "Help! My basement has flooded and water is coming through the electrics"
    replies = Assistant(db).handle(Inbound("sms", "+447700900123", said), WHEN)
    assert replies[0].text == ELECTRICS and not replies[0].urgent
    assert [r.entry.id for r in replies if r.entry] == ["council-home-repairs"]
    bodies = render_sms_all(replies)
    assert bodies[0] == ELECTRICS  # its own text, never cut to fit the card
    assert "Council home repairs" in bodies[1]
    assert pending_alerts(db) == []


def test_a_medical_emergency_gets_999_and_nothing_else(tmp_path: Path) -> None:
    """"im having chest pains and cant breathe" got "Did you mean: Free debt advice"."""
    db = open_store(tmp_path / "store.db")
    load_sample(db)
    said = "im having chest pains and cant breathe"
    replies = Assistant(db).handle(Inbound("sms", "+447700900124", said), WHEN)
    assert [r.text for r in replies] == [EMERGENCY]
    assert pending_alerts(db) == []


@pytest.mark.parametrize(("said", "alone"), [
    ("im having chest pains and cant breathe", True), ("theres a fire in my flat", True),
    ("my dad is having a stroke, can you help", False),  # asks: answered too
])
def test_999_is_said_alone_unless_the_message_asks_for_more(said: str, alone: bool) -> None:
    """An 80-year-old's letter about a broken boiler, "my chest is tight", got "Call 999
    now" and no repairs number."""
    told = warning(said)
    assert told is not None and stands_alone(said, told) == alone
