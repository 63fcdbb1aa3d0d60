"""The time bank's settings (bot/settings.py): TIMEBANK_COORDINATORS, TIMEBANK_MIN_BALANCE,
TIMEBANK_APPROVAL, read into the Policy the engine is given; bad values are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import SettingError, Settings


def test_defaults_let_a_member_start_at_once_and_go_down_to_minus_ten_hours() -> None:
    policy = Settings.from_env({}).timebank_policy()
    assert (policy.min_balance_minutes, policy.approval, policy.coordinators) == (-600, False,
                                                                                   ())


def test_coordinators_are_channel_address_pairs_with_phones_as_people_write_them() -> None:
    settings = Settings.from_env({
        "TIMEBANK_COORDINATORS": "sms:07700 900123, telegram:123456789;"
                                 "email:tb@example.org,sms:+44 (0)7700 900124",
        "TIMEBANK_MIN_BALANCE": "-2.5", "TIMEBANK_APPROVAL": "on"})
    policy = settings.timebank_policy()
    assert policy.coordinators == (("sms", "+447700900123"), ("telegram", "123456789"),
                                   ("email", "tb@example.org"), ("sms", "+447700900124"))
    assert policy.is_coordinator("sms", "+447700900123")
    assert (policy.min_balance_minutes, policy.approval) == (-150, True)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("TIMEBANK_COORDINATORS", "fax:0123", "TIMEBANK_COORDINATORS: expected CHANNEL:ADDRESS"),
    ("TIMEBANK_COORDINATORS", "sms:", "got 'sms:'"),
    ("TIMEBANK_COORDINATORS", "sms:call me", "'call me' is not a phone number"),
    ("TIMEBANK_MIN_BALANCE", "ten", "TIMEBANK_MIN_BALANCE must be a number of hours"),
    ("TIMEBANK_MIN_BALANCE", "5", "zero or below"),
])
def test_bad_values_are_named(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingError, match=message):
        Settings.from_env({name: value})


def test_the_command_line_reports_a_bad_setting_without_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "tb.db")
    assert main(["--db", db, "timebank", "add-member", "Ada"]) == 0
    assert main(["--db", db, "timebank", "add-member", "Sam"]) == 0
    monkeypatch.setenv("TIMEBANK_MIN_BALANCE", "minus ten")
    assert main(["--db", db, "timebank", "record", "Sam", "Ada", "1"]) == 1
    err = capsys.readouterr().err
    assert "TIMEBANK_MIN_BALANCE must be a number of hours" in err and "Traceback" not in err
