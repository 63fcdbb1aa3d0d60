"""Settings checked at start (bot/settings.py `problems`, `unknown`; bot/cli.py): each bad
setting is one clear line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import KNOWN, OURS, problems, unknown

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_NAMES = {"OBJECTION_ALERT_AT", "DIGEST_AT", "TIMEBANK_COORDINATORS",
                  "TIMEBANK_MIN_BALANCE", "TIMEBANK_APPROVAL", "CATALOGUE_URL"}


@pytest.fixture(autouse=True)
def no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of this machine's own settings leak into these tests."""
    for name in list(os.environ):
        if name.startswith(OURS):
            monkeypatch.delenv(name)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(argv)
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.fixture
def not_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("my shopping list\n")
    return path


@pytest.mark.parametrize("command", [["serve"], ["outbox"], ["ask", "food"], ["forget",
                                                                               "sms:+447700900123"]])
def test_a_database_path_that_is_not_a_database_file(
    command: list[str], tmp_path: Path, not_sqlite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path, says in [(tmp_path, "is a folder"), (Path("/dev/null"), "not a regular file"),
                       (not_sqlite, "is not a SQLite database")]:
        code, lines = run([*command, "--db", str(path)], capsys)
        assert code == 1, (command, path)
        assert len(lines) == 1 and says in lines[0] and "--db" in lines[0], lines
    assert not_sqlite.read_text() == "my shopping list\n"  # and it is left alone


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_a_port_in_use_or_out_of_range(busy_port: int, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "l.db")
    code, lines = run(["serve", "--db", db, "--port", str(busy_port)], capsys)
    assert code == 1 and lines == [f"localsupport: port {busy_port} on 127.0.0.1 is in use by "
                                   "another program: stop it, or choose another port with "
                                   "--port."]
    for port in ("70000", "0", "-1"):
        code, lines = run(["serve", "--db", db, "--port", port], capsys)
        assert code == 1 and len(lines) == 1 and "out of range" in lines[0], port
    assert not Path(db).exists()  # nothing was created on the way


BAD = [
    ({"SMTP_PORT": "abc"}, "SMTP_PORT='abc' is not a port number"),
    ({"SMTP_PORT": "99999"}, "SMTP_PORT='99999' is not a port number"),
    ({"TWILIO_AUTH_TOKEN": "x" * 32}, "TWILIO_AUTH_TOKEN is set but PUBLIC_URL is not"),
    ({"TWILIO_AUTH_TOKEN": "x" * 32, "PUBLIC_URL": "support.example.org"},
     "PUBLIC_URL='support.example.org' is not a web address"),
    ({"TELEGRAM_WEBHOOK_URL": "example.org/telegram"},
     "TELEGRAM_WEBHOOK_URL='example.org/telegram' is not a web address"),
    ({"OBJECTION_ALERT_AT": "ten"}, "OBJECTION_ALERT_AT='ten' is not a whole number"),
    ({"TIMEBANK_MIN_BALANCE": "minus ten"},
     "TIMEBANK_MIN_BALANCE='minus ten' is not a number of hours"),
    ({"COUNCIL_PHONE": "call us"}, "COUNCIL_PHONE='call us' is not a UK phone number"),
    ({"COUNCIL_PHONE": "0161 496"}, "COUNCIL_PHONE='0161 496' is not a UK phone number"),
]


@pytest.mark.parametrize(("environ", "says"), BAD)
def test_bad_settings_stop_serve_with_one_line_each(
    environ: dict[str, str], says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    code, lines = run(["serve", "--db", str(tmp_path / "l.db")], capsys)
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("localsupport: " + says), lines
    assert "leave it unset" in lines[0] or "like https://" in lines[0]  # and how to fix it


def test_unknown_names_that_look_like_ours_are_named_with_a_guess() -> None:
    environ = {"TELEGRAM_WEBHOOK_SECRET": "s", "SMTP_PASS": "p", "TWILIO_AUTHTOKEN": "t",
               "WEB_BROWSER": "firefox", "PATH": "/bin", "HOME": "/root"}
    environ |= {name: "1" for name in KNOWN}
    assert unknown(environ) == [
        "SMTP_PASS is not a setting Local Support reads: did you mean SMTP_PASSWORD?",
        "TELEGRAM_WEBHOOK_SECRET is not a setting Local Support reads: did you mean "
        "TELEGRAM_WEBHOOK_URL or TELEGRAM_SECRET_TOKEN?",
        "TWILIO_AUTHTOKEN is not a setting Local Support reads: did you mean "
        "TWILIO_AUTH_TOKEN?",
        "WEB_BROWSER is not a setting Local Support reads; it is ignored.",
    ]
    assert CONTRACT_NAMES <= KNOWN


def test_good_settings_have_no_problems() -> None:
    environ = {"PUBLIC_URL": "https://support.example.org", "TWILIO_AUTH_TOKEN": "x" * 32,
               "SMTP_PORT": "587", "TELEGRAM_WEBHOOK_URL": "https://support.example.org/tg",
               "OBJECTION_ALERT_AT": "10", "TIMEBANK_MIN_BALANCE": "-10"}
    assert problems(environ) == []
    assert problems({}) == []


def test_serve_warns_and_stops_as_a_process(tmp_path: Path) -> None:
    """The real command: warnings and problems on stderr, exit 1, no traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    env |= {"SMTP_PORT": "abc", "TELEGRAM_WEBHOOK_SECRET": "s", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bot", "serve", "--db",
                           str(tmp_path / "l.db")], env=env, capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "localsupport: warning: TELEGRAM_WEBHOOK_SECRET is not a setting Local Support reads:"
        " did you mean TELEGRAM_WEBHOOK_URL or TELEGRAM_SECRET_TOKEN?",
        "localsupport: SMTP_PORT='abc' is not a port number: set it to a whole number from 1 "
        "to 65535 (usually 587), or leave it unset.",
    ]
