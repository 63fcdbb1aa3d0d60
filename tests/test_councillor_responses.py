""""You said, we did": a response goes to every objector who can still be told, on their own
channel, once; never to anyone who said STOP, was erased or used the web chat; an SMS
within two segments. The command shows who will be told and asks first."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from conftest import ACCOUNT_SID, AUTH_TOKEN
from conversation_kit import ENTRIES
from fakes.twilio_api import FakeTwilioApi

from bot.cli import main
from bot.outbox import LEASE, claim
from bot.render import segments
from catalogue.store import open_db, save_catalogue
from conversations.councillors import audience, send_response
from conversations.councillors.directory import Councillor
from conversations.councillors.responses import ResponseError, sms_text
from conversations.erasure import erase_person
from conversations.objections import add_objection
from conversations.records import ensure_records

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
LIBRARY = next(e for e in ENTRIES if e.id == "close-library")
ANSWER = "We have listened: Riverside library stays open on Saturdays until at least March."


def objectors(db: sqlite_utils.Database) -> None:
    people = [("sms", "+447700900301"), ("sms", "+447700900302"), ("sms", "+447700900303"),
              ("telegram", "4001"), ("telegram", "4002"), ("web", "visitor-1"),
              ("sms", "+447700900304"), ("sms", "+447700900305")]
    with db.atomic():
        for channel, address in people:
            add_objection(db, channel, address, "close-library", "Riverside", "", NOW)
        db.execute("INSERT INTO optouts (channel, address, reason, opted_out_at) VALUES "
                   "('sms', '+447700900304', 'STOP', ?)", [NOW.isoformat()])
        erase_person(db, "sms", "+447700900305")


def responses(db: sqlite_utils.Database) -> list[tuple[str, str, str]]:
    return [(r[0], r[1], r[2]) for r in db.execute(
        "SELECT channel, address, body FROM outbox WHERE kind = 'response' ORDER BY id")]


def test_everyone_reachable_is_told_once_on_their_own_channel(
    db: sqlite_utils.Database
) -> None:
    objectors(db)
    reach = audience(db, "close-library", ANSWER)
    assert (reach.to_tell, reach.opted_out, reach.unreachable) == (
        {"sms": 3, "telegram": 2}, 1, 2)
    assert reach.describe() == ("5 people: 3 by SMS, 2 on Telegram (1 said STOP; 2 objected in "
                                "the web chat or were erased and cannot be told)")
    sent = send_response(db, LIBRARY, ANSWER, NOW)
    assert sent.queued == {"sms": 3, "telegram": 2}
    told = responses(db)
    assert [(c, a) for c, a, _ in told] == [
        ("sms", "+447700900301"), ("sms", "+447700900302"), ("sms", "+447700900303"),
        ("telegram", "4001"), ("telegram", "4002")]
    sms_body, telegram_body = told[0][2], told[3][2]
    assert sms_body == ('About "Close Riverside library on Saturdays", which you objected '
                        f"to, the council says: {ANSWER}")
    assert segments(sms_body) <= 2
    assert telegram_body.startswith("<b>Close Riverside library on Saturdays</b>\n")
    assert telegram_body.endswith(ANSWER)


def test_sending_the_same_response_again_tells_only_new_objectors(
    db: sqlite_utils.Database
) -> None:
    objectors(db)
    first = send_response(db, LIBRARY, ANSWER, NOW)
    again = send_response(db, LIBRARY, ANSWER + "  ", NOW + timedelta(hours=1))
    assert (again.response_id, again.queued, again.already_told) == (first.response_id, {}, 5)
    with db.atomic():
        add_objection(db, "sms", "+447700900306", "close-library", "Riverside", "", NOW)
    assert audience(db, "close-library", ANSWER).to_tell == {"sms": 1}
    third = send_response(db, LIBRARY, ANSWER, NOW + timedelta(hours=2))
    assert third.queued == {"sms": 1}
    assert len(responses(db)) == 6
    update = send_response(db, LIBRARY, "Update: the library now also opens on Sundays.", NOW)
    assert update.response_id != first.response_id and update.queued == {"sms": 4,
                                                                           "telegram": 2}


def test_a_councillors_response_says_who_and_too_long_is_refused(
    db: sqlite_utils.Database
) -> None:
    objectors(db)
    jo = Councillor("riverside/jo", "Cllr Jo Bloggs", "Riverside", telegram_chat_id="555")
    assert sms_text(LIBRARY, "Agreed.", jo).endswith(
        "Cllr Jo Bloggs (Riverside councillor) says: Agreed.")
    with pytest.raises(ResponseError, match=r"too long for two text messages: .* it is 398 "
                       r"characters and two texts hold 306; make it 193 characters or fewer "
                       r"\(it is 285\)"):
        send_response(db, LIBRARY, "x" * 285, NOW, jo)
    with pytest.raises(ResponseError, match="empty"):
        send_response(db, LIBRARY, "  ", NOW)
    assert responses(db) == [] and db.table("responses").count == 0


@pytest.fixture
def cli_db(tmp_path: Path) -> str:
    path = tmp_path / "cli.db"
    db = open_db(path)
    save_catalogue(db, ENTRIES)
    ensure_records(db)
    objectors(db)
    db.close()
    return str(path)


def test_the_command_shows_who_will_be_told_and_asks_first(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["respond", "close-library", ANSWER, "--db", cli_db]) == 1
    out = capsys.readouterr().out
    assert ('This response goes to 5 people: 3 by SMS, 2 on Telegram (1 said STOP; 2 objected '
            'in the web chat or were erased and cannot be told), who objected to "Close '
            'Riverside library on Saturdays".') in out
    assert f"the council says: {ANSWER}" in out and "Send it? [y/N] Nothing sent." in out
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    main(["respond", "close-library", ANSWER, "--db", cli_db])
    assert "Queued 5 messages" in capsys.readouterr().out
    assert main(["respond", "close-library", ANSWER, "--db", cli_db, "--yes"]) == 1
    out = capsys.readouterr().out  # everyone has it queued, nothing here can send it
    assert "Nobody to tell" in out and "Some of their messages are not delivered yet" in out
    db = open_db(cli_db)
    assert len(responses(db)) == 5


def test_the_objectors_of_a_plan_the_council_dropped_can_still_be_answered(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_db(cli_db)
    save_catalogue(db, [e for e in ENTRIES if e.id != LIBRARY.id], replace=True)
    assert db.execute("SELECT title FROM removed_entries WHERE id = ?",
                      [LIBRARY.id]).fetchone() == (LIBRARY.title,)
    db.close()
    main(["respond", LIBRARY.id, "We have dropped the plan.", "--db", cli_db, "--yes"])
    assert "Queued 5 messages" in capsys.readouterr().out
    db = open_db(cli_db)
    assert all(LIBRARY.title in body for _, _, body in responses(db))
    save_catalogue(db, ENTRIES)  # back in the catalogue: no longer remembered as removed
    assert db.execute("SELECT COUNT(*) FROM removed_entries").fetchone() == (0,)


def test_the_command_names_a_mistyped_entry(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["respond", "close-libary", ANSWER, "--db", cli_db, "--yes"]) == 1
    assert ('no entry "close-libary" in the catalogue (did you mean "close-library"?)'
            in capsys.readouterr().err)


def twilio_only(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """The command's settings: Twilio set (to the stand-in at `url`), Telegram not."""
    for name, value in (("TWILIO_ACCOUNT_SID", ACCOUNT_SID), ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
                        ("TWILIO_FROM_NUMBER", "+447700900000"), ("TWILIO_API_BASE_URL", url)):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


def test_with_twilio_set_the_command_sends_the_texts_itself(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    twilio_thread: FakeTwilioApi,
) -> None:
    twilio_only(monkeypatch, twilio_thread.url)
    assert main(["respond", "close-library", ANSWER, "--db", cli_db, "--yes"]) == 1
    out, err = capsys.readouterr()
    assert "Sent 3." in out
    assert "2 telegram message(s) NOT sent: Telegram (TELEGRAM_BOT_TOKEN) is not set" in err
    assert sorted(form["To"] for form in twilio_thread.created) == [
        "+447700900301", "+447700900302", "+447700900303"]
    assert all(ANSWER in form["Body"] for form in twilio_thread.created)


def test_a_run_killed_mid_send_is_finished_by_running_the_command_again(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    twilio_thread: FakeTwilioApi,
) -> None:
    """The tester's `kill -9` of `respond` mid-send: its texts were left `sending`, and the
    same command again said "3 already have it" and sent nothing. Now, once the dead run's
    claim is older than the outbox's lease, the command sends them itself."""
    twilio_only(monkeypatch, twilio_thread.url)
    killed_at = datetime.now(UTC) - LEASE - timedelta(minutes=1)
    db = open_db(cli_db)
    send_response(db, LIBRARY, ANSWER, killed_at)
    assert len(claim(db, killed_at, 16, ["sms"])) == 3  # the killed run's claim
    db.close()
    main(["respond", "close-library", ANSWER, "--db", cli_db, "--yes"])
    out = capsys.readouterr().out
    assert "Nobody to tell" in out and "Sent 3." in out
    assert sorted(form["To"] for form in twilio_thread.created) == [
        "+447700900301", "+447700900302", "+447700900303"]
