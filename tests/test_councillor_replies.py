"""A councillor answers residents by replying on Telegram to an alert or a digest: the
reply becomes a draft, "Send it" sends it to everyone who objected, anything else is not a
councillor's reply and goes to the engine (None)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from conversation_kit import WARDS

from conversations.councillors import configure, handle_councillor_reply, import_councillors
from conversations.councillors.replies import DONT, SEND
from conversations.objections import add_objection
from conversations.outbox import REPLY, Message, enqueue, reply_key
from conversations.records import save_wards
from conversations.types import Inbound

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
CHAT = "555001"
COUNCILLORS = f"name,ward,email,phone,telegram_chat_id\nJo Bloggs,Riverside,,,{CHAT}\n"


@pytest.fixture
def council(db: sqlite_utils.Database, tmp_path: Path) -> sqlite_utils.Database:
    path = tmp_path / "councillors.csv"
    path.write_text(COUNCILLORS, encoding="utf-8")
    import_councillors(db, path, NOW)
    configure(db, 10)
    with db.atomic():
        for n in range(3):
            add_objection(db, "sms", f"+4477009004{n:02d}", "close-library", "Riverside",
                          "", NOW)
        add_objection(db, "telegram", "4100", "car-park", "Riverside", "", NOW)
    return db


def sent_to_councillor(db: sqlite_utils.Database, kind: str, items: list[str],
                       provider_id: str) -> None:
    """A message to the councillor as the outbox worker leaves it once Telegram took it."""
    with db.atomic():
        enqueue(db, Message(f"{kind}:{provider_id}", kind, "telegram", CHAT, "...",
                            extra={"items": items}), NOW)
        db.execute("UPDATE outbox SET state = 'sent', provider_id = ? WHERE key = ?",
                   [provider_id, f"{kind}:{provider_id}"])


def say(db: sqlite_utils.Database, text: str, reply_to: str | None = None,
        choice: int | None = None, address: str = CHAT, later: timedelta = timedelta(),
        message_id: str | None = None) -> str | None:
    with db.atomic():
        replies = handle_councillor_reply(
            db, Inbound("telegram", address, text, choice, reply_to=reply_to,
                        message_id=message_id), NOW + later)
    if replies is None:
        return None
    return "\n".join(r.text + "".join(f" [{c}]" for c in r.choices) for r in replies)


def told(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute(
        "SELECT address FROM outbox WHERE kind = 'response' ORDER BY id")]


def test_a_reply_to_an_alert_is_confirmed_then_sent_to_every_objector(
    council: sqlite_utils.Database
) -> None:
    sent_to_councillor(council, "objection-alert", ["close-library"], "901")
    draft = say(council, "We hear you: Saturdays stay open until March.", reply_to="901")
    assert draft is not None and draft.startswith(
        "This goes to 3 people: 3 by SMS, who objected to Close Riverside library on Saturdays.")
    assert ("which you objected to, Jo Bloggs (Riverside councillor) says: We hear you: "
            "Saturdays stay open until March.") in draft
    assert draft.endswith(f"Send it? [{SEND}] [{DONT}]")
    assert told(council) == []  # nothing goes before the councillor says so
    done = say(council, SEND, choice=0)
    assert done == ("Sent to 3 people who objected to Close Riverside library on Saturdays "
                    "(3 by SMS). The next digest shows it as answered.")
    assert told(council) == ["+447700900400", "+447700900401", "+447700900402"]
    [response] = council.table("responses").rows
    assert (response["author"], response["councillor_id"]) == ("Jo Bloggs", "riverside/jo-bloggs")
    assert say(council, SEND, choice=0) is None  # the draft is gone: nothing sent twice
    assert len(told(council)) == 3


def previewed(db: sqlite_utils.Database, text: str, message_id: str, provider_id: str
              ) -> None:
    """The councillor's reply `message_id` to the alert 901, and our preview of it as the
    inbox queues it and the outbox worker leaves it once Telegram took it as `provider_id`."""
    preview = say(db, text, reply_to="901", message_id=message_id)
    assert preview is not None and preview.endswith(f"Send it? [{SEND}] [{DONT}]")
    key = reply_key("telegram", message_id, 0)
    with db.atomic():
        enqueue(db, Message(key, REPLY, "telegram", CHAT, preview), NOW)
        db.execute("UPDATE outbox SET state = 'sent', provider_id = ? WHERE key = ?",
                   [provider_id, key])


def test_the_buttons_under_a_replaced_draft_send_neither(council: sqlite_utils.Database
                                                         ) -> None:
    sent_to_councillor(council, "objection-alert", ["close-library"], "901")
    previewed(council, "Saturdays stay open until Easter.", "7001", "950")
    previewed(council, "Saturdays stay open until March.", "7002", "951")
    for choice, label in enumerate((SEND, DONT)):
        refused = say(council, label, reply_to="950", choice=choice)
        assert refused is not None and refused.startswith(
            "Those buttons are under an earlier draft, which your later reply replaced, so "
            "nothing was sent.")
    # a button of another question under our reply is no draft's: the engine answers it
    previewed(council, "Saturdays stay open until March.", "7003", "952")
    assert say(council, "Check for me", reply_to="950", choice=0) is None
    assert told(council) == []
    previewed(council, "Saturdays stay open until March.", "7002", "951")
    done = say(council, SEND, reply_to="951", choice=0)
    assert done is not None and done.startswith("Sent to 3 people")
    bodies = {row[0] for row in council.execute(
        "SELECT body FROM outbox WHERE kind = 'response'")}
    assert len(bodies) == 1 and "until March" in bodies.pop()


def test_a_reply_to_a_digest_names_its_item_by_number(council: sqlite_utils.Database) -> None:
    sent_to_councillor(council, "digest", ["close-library", "car-park"], "902")
    asked = say(council, "We are looking at it", reply_to="902")
    assert asked is not None and asked.startswith("Which item is your response about?")
    assert "1. Close Riverside library on Saturdays\n2. New car park on Mill Lane" in asked
    draft = say(council, "2 The car park plan is withdrawn.", reply_to="902")
    assert draft is not None and "who objected to New car park on Mill Lane" in draft
    assert "says: The car park plan is withdrawn." in draft
    assert say(council, "yes") is not None
    assert told(council) == ["4100"]


def test_dont_send_an_old_draft_or_another_message_sends_nothing(
    council: sqlite_utils.Database
) -> None:
    sent_to_councillor(council, "objection-alert", ["close-library"], "903")
    say(council, "Noted", reply_to="903")
    assert say(council, DONT, choice=1) == "Not sent."
    say(council, "Noted", reply_to="903")
    assert say(council, "where is the library?") is None  # the engine answers; draft dropped
    assert say(council, "send it") is None
    say(council, "Noted", reply_to="903")
    assert say(council, "send it", later=timedelta(days=2)) == (
        "Not sent: that draft is more than a day old. Reply to the alert or digest again.")
    assert told(council) == []


def test_what_is_not_a_councillors_reply_is_left_to_the_engine(
    council: sqlite_utils.Database
) -> None:
    sent_to_councillor(council, "objection-alert", ["close-library"], "904")
    assert say(council, "hello") is None  # no reply, no draft
    assert say(council, "Noted", reply_to="999") is None  # a reply to something else
    assert say(council, "Noted", reply_to="904", address="123") is None  # not a councillor
    with council.atomic():
        assert handle_councillor_reply(
            council, Inbound("sms", CHAT, "Noted", reply_to="904"), NOW) is None


def test_a_reply_too_long_for_two_texts_says_how_long_it_may_be(
    council: sqlite_utils.Database
) -> None:
    sent_to_councillor(council, "objection-alert", ["close-library"], "905")
    answer = say(council, "word " * 60, reply_to="905")
    assert answer is not None and answer.startswith(
        "Not sent: the response is too long for two text messages")
    assert "make it 198 characters or fewer (it is 299)" in answer
    assert council.table("councillor_drafts").count == 0


def test_the_items_live_in_the_outbox_row(council: sqlite_utils.Database) -> None:
    sent_to_councillor(council, "digest", ["car-park"], "906")
    [row] = council.table("outbox").rows_where("provider_id = '906'")
    assert json.loads(row["extra"]) == {"items": ["car-park"]}


def objected_from_hillside(council: sqlite_utils.Database) -> None:
    """The car park plan, for Hillside alone, has one objector, who lives there."""
    with council.atomic():
        council.execute("DELETE FROM objections WHERE entry_id = 'car-park'")
        add_objection(council, "sms", "+447700900499", "car-park", "Hillside", "", NOW)


def test_a_councillor_cannot_answer_another_wards_plan_from_the_whole_council_list(
    council: sqlite_utils.Database
) -> None:
    objected_from_hillside(council)
    sent_to_councillor(council, "digest", ["close-library", "car-park"], "903")
    refused = say(council, "2 The car park plan is withdrawn.", reply_to="903")
    assert refused is not None and refused.startswith(
        "Not sent: New car park on Mill Lane is for Hillside, and nobody in your ward "
        "objected to it")
    assert say(council, "yes") is None and told(council) == []  # no draft was kept
    draft = say(council, "1 Saturdays stay open.", reply_to="903")  # their own ward's: fine
    assert draft is not None and draft.startswith("This goes to 3 people")


def test_a_councillor_for_two_other_wards_is_told_of_their_wards(
    council: sqlite_utils.Database, tmp_path: Path
) -> None:
    save_wards(council, {**WARDS, "PK11AA": "Parkside"})
    path = tmp_path / "two.csv"
    path.write_text(COUNCILLORS + f"Jo Bloggs,Parkside,,,{CHAT}\n", encoding="utf-8")
    import_councillors(council, path, NOW)
    objected_from_hillside(council)
    sent_to_councillor(council, "digest", ["close-library", "car-park"], "903")
    refused = say(council, "2 The car park plan is withdrawn.", reply_to="903")
    assert refused is not None and refused.startswith(
        "Not sent: New car park on Mill Lane is for Hillside, and nobody in your wards "
        "objected to it")


def for_two_wards(council: sqlite_utils.Database, tmp_path: Path) -> None:
    """Jo Bloggs sits for Hillside too (first by id), and the car park's one objector
    lives there."""
    path = tmp_path / "two.csv"
    path.write_text(COUNCILLORS + f"Jo Bloggs,Hillside,,,{CHAT}\n", encoding="utf-8")
    import_councillors(council, path, NOW)
    objected_from_hillside(council)


def test_a_councillor_for_two_wards_answers_either_wards_plan(
    council: sqlite_utils.Database, tmp_path: Path
) -> None:
    for_two_wards(council, tmp_path)
    sent_to_councillor(council, "digest", ["close-library", "car-park"], "904")
    draft = say(council, "2 The car park plan is withdrawn.", reply_to="904")
    assert draft is not None and draft.startswith("This goes to 1 ")


def test_a_councillor_for_two_wards_is_named_for_the_ward_of_the_plan_answered(
    council: sqlite_utils.Database, tmp_path: Path
) -> None:
    """The tester's Cllr Amira Haddad (Northgate and Riverside) answering a Riverside plan
    was "(Northgate councillor)" to its objectors: her first ward's name. Here Jo Bloggs
    sits for Hillside (first by id) and Riverside."""
    for_two_wards(council, tmp_path)
    with council.atomic():
        add_objection(council, "sms", "+447700900498", "fsm", "Hillside", "", NOW)
        add_objection(council, "sms", "+447700900497", "fsm", "Riverside", "", NOW)
    sent_to_councillor(council, "digest", ["close-library", "car-park", "fsm"], "905")

    def answer(text: str) -> str:
        draft = say(council, text, reply_to="905")
        assert draft is not None and draft.endswith(f"Send it? [{SEND}] [{DONT}]")
        assert say(council, SEND, choice=0) is not None
        [body] = [row[0] for row in council.execute(
            "SELECT body FROM outbox WHERE kind = 'response' ORDER BY id DESC LIMIT 1")]
        return str(body)

    assert "Jo Bloggs (Riverside councillor) says: Saturdays stay open." in answer(
        "1 Saturdays stay open.")
    assert "Jo Bloggs (Hillside councillor) says: It is withdrawn." in answer(
        "2 It is withdrawn.")
    assert "Jo Bloggs (Hillside and Riverside councillor) says: Nothing changes." in answer(
        "3 Nothing changes.")
    assert [row[0] for row in council.execute(
        "SELECT councillor_id FROM responses ORDER BY id")] == [
        "riverside/jo-bloggs", "hillside/jo-bloggs", "hillside/jo-bloggs"]
