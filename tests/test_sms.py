"""POST /sms/twilio with form bodies as Twilio sends them, signed with twilio's own
RequestValidator; and SmsSender against a local stand-in for Twilio's REST API."""

from __future__ import annotations

import itertools
import re
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from conftest import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, OutboxMessage, Server, send_later
from fakes.twilio_api import FakeTwilioApi
from twilio.request_validator import RequestValidator

from bot.render import GSM7_BASIC, GSM7_EXTENDED, segments
from bot.settings import Settings

SENDER = "+447700900123"
OUR_NUMBER = "+447700900000"
_sids = itertools.count(1)


def twilio_form(body: str, sender: str = SENDER, sid: str | None = None) -> dict[str, str]:
    """An inbound-message webhook body with the fields Twilio really sends."""
    sid = sid or f"SM{next(_sids):032x}"
    return {
        "ToCountry": "GB", "ToState": "", "SmsMessageSid": sid, "NumMedia": "0", "ToCity": "",
        "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received", "FromCity": "",
        "Body": body, "FromCountry": "GB", "To": OUR_NUMBER, "ToZip": "",
        "MessagingServiceSid": "MG" + "b" * 32, "NumSegments": "1", "MessageSid": sid,
        "AccountSid": ACCOUNT_SID, "From": sender, "ApiVersion": "2010-04-01",
    }


def sign(form: dict[str, str], url: str = PUBLIC_URL + "/sms/twilio",
         token: str = AUTH_TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(url, form))


async def post_sms(
    http: aiohttp.ClientSession, server: Server, form: dict[str, str],
    signature: str | None = "good",
) -> tuple[int, str]:
    headers = {}
    if signature == "good":
        headers["X-Twilio-Signature"] = sign(form)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    async with http.post(server.url + "/sms/twilio", data=form, headers=headers) as response:
        return response.status, await response.text()


def messages_of(twiml: str) -> list[str]:
    root = ET.fromstring(twiml)
    assert root.tag == "Response"
    return [element.text or "" for element in root.iter("Message")]


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def query(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


# Recorded payloads: one Twilio form body per case, one harness (STYLE habit 7).
CASES = [
    ("plain question", "free school meals", "Free school meals"),
    ("greeting", "Hello", "Reply 1"),
    ("empty body", "", "Local Support"),
    ("help", "HELP", "Text STOP"),
    ("curly quotes and dashes", "\u201cfood bank\u201d \u2013 please", "Food Bank"),
    ("emoji", "\U0001f34e food bank \U0001f64f", "Food Bank"),
    ("Arabic", "\u0623\u062d\u062a\u0627\u062c \u0645\u0633\u0627\u0639\u062f\u0629", "English"),
    ("Chinese", "\u6211\u9700\u8981\u5e2e\u52a9", "English"),
    ("Polish", "Potrzebuj\u0119 pomocy z jedzeniem, \u017c\u0142obek", ""),
    ("1,600 characters", ("I need some help with my council tax bill please " * 40)[:1600], ""),
    ("only digits, no choices offered", "42", ""),
]


async def test_inbound_messages_get_gsm7_replies(
    http: aiohttp.ClientSession, server: Server
) -> None:
    for n, (name, body, expected) in enumerate(CASES):
        status, twiml = await post_sms(http, server, twilio_form(body, sender=f"+4477009{n:05}"))
        assert status == 200, name
        replies = messages_of(twiml)
        assert replies and all(r.strip() for r in replies), f"{name}: no helpful reply"
        assert all(is_gsm7(r) for r in replies), (name, replies)
        assert expected in "\n".join(replies), (name, replies)


async def test_a_plain_answer_fits_two_segments(
    http: aiohttp.ClientSession, server: Server
) -> None:
    _, twiml = await post_sms(http, server, twilio_form("free school meals"))
    first = messages_of(twiml)[0]
    assert first.startswith("Free school meals:")
    assert segments(first) <= 2


async def test_a_number_reply_picks_the_choice(
    http: aiohttp.ClientSession, server: Server, titles: set[str]
) -> None:
    _, offer = await post_sms(http, server, twilio_form("school"))
    listed = re.findall(r"^(\d)\. (.+)$", "\n".join(messages_of(offer)), re.MULTILINE)
    number, title = next((n, t) for n, t in listed if t in titles)
    assert "Reply 1" in messages_of(offer)[-1]
    _, picked = await post_sms(http, server, twilio_form(number))
    assert messages_of(picked)[0].startswith(f"{title}:")


async def test_a_bad_signature_is_refused_and_not_processed(
    http: aiohttp.ClientSession, server: Server, db_path: Path
) -> None:
    form = twilio_form("free school meals")
    signatures = {
        "missing": None, "empty": "", "garbage": "bm90IGEgc2lnbmF0dXJl",
        "another auth token": sign(form, token="0" * 32),
        "another URL": sign(form, url="https://attacker.example.net/sms/twilio"),
        "the URL the server sees, not PUBLIC_URL": sign(form, url=server.url + "/sms/twilio"),
        "http instead of https": sign(form, url=PUBLIC_URL.replace("https", "http")
                                      + "/sms/twilio"),
    }
    for name, signature in signatures.items():
        status, _ = await post_sms(http, server, form, signature=signature)
        assert status == 403, name
    assert query(db_path, "SELECT count(*) FROM inbound_messages") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM sessions") == [(0,)]


async def test_a_tampered_body_is_refused(http: aiohttp.ClientSession, server: Server) -> None:
    form = twilio_form("free school meals")
    signature = sign(form)
    form["Body"] = "something else"
    status, _ = await post_sms(http, server, form, signature=signature)
    assert status == 403


async def test_a_repeated_message_sid_gets_the_same_reply_and_is_processed_once(
    http: aiohttp.ClientSession, server: Server, db_path: Path
) -> None:
    form = twilio_form("free school meals")
    first = await post_sms(http, server, form)
    saved = query(db_path, "SELECT updated_at FROM sessions")
    second = await post_sms(http, server, form)
    assert first == second
    assert first[0] == 200 and messages_of(first[1])
    assert query(db_path, "SELECT count(*) FROM inbound_messages WHERE message_id = ?",
                 (form["MessageSid"],)) == [(1,)]
    assert query(db_path, "SELECT updated_at FROM sessions") == saved  # engine ran once


async def test_a_message_stored_but_never_answered_is_processed_when_it_comes_again(
    http: aiohttp.ClientSession, server: Server, db_path: Path
) -> None:
    form = twilio_form("free school meals")
    with sqlite3.connect(db_path) as conn:  # as if the server stopped before processing it
        conn.execute(
            "INSERT INTO inbound_messages (channel, message_id, address, text, received_at) "
            "VALUES ('sms', ?, ?, ?, '2025-01-01T00:00:00+00:00')",
            (form["MessageSid"], SENDER, form["Body"]))
    status, twiml = await post_sms(http, server, form)
    assert status == 200
    assert messages_of(twiml)[0].startswith("Free school meals:")
    assert query(db_path, "SELECT processed_at IS NOT NULL FROM inbound_messages") == [(1,)]


async def test_a_form_without_message_sid_is_a_bad_request(
    http: aiohttp.ClientSession, server: Server
) -> None:
    form = {"From": SENDER, "Body": "hi", "AccountSid": ACCOUNT_SID}
    status, _ = await post_sms(http, server, form)
    assert status == 400


async def test_a_message_we_cannot_read_is_told_the_councils_number(
    http: aiohttp.ClientSession, make_server: Any, settings: Settings
) -> None:
    server = await make_server(settings, council_phone="0161 496 0000")
    status, twiml = await post_sms(http, server, twilio_form("\u6211\u9700\u8981\u5e2e\u52a9"))
    assert status == 200
    assert "You can also call the council on 0161 496 0000." in "\n".join(messages_of(twiml))


async def test_without_twilio_settings_the_webhook_says_so(
    http: aiohttp.ClientSession, make_server: Any, settings: Settings
) -> None:
    server = await make_server(settings, twilio_auth_token="")
    status, text = await post_sms(http, server, twilio_form("hi"))
    assert status == 503
    assert "TWILIO_AUTH_TOKEN" in text


# -- opt-outs and messages we start --------------------------------------------------------

def notice(to: str, text: str, n: str = "1") -> OutboxMessage:
    return OutboxMessage(f"notice:{to}:{n}", "notice", "sms", to, text)


@pytest.fixture
async def sending_server(
    make_server: Any, settings: Settings, twilio_api: FakeTwilioApi
) -> Server:
    server: Server = await make_server(
        settings, twilio_account_sid=ACCOUNT_SID, twilio_from_number=OUR_NUMBER,
        twilio_api_base_url=twilio_api.url)
    return server


async def test_stop_words_opt_out_and_proactive_sends_are_refused(
    http: aiohttp.ClientSession, sending_server: Server, twilio_api: FakeTwilioApi,
    db_path: Path,
) -> None:
    words = ["STOP", "stop", "StopAll", "UNSUBSCRIBE", "cancel", "End", "QUIT", " stop. "]
    for n, word in enumerate(words):
        number = f"+4477009{n:05}"
        status, twiml = await post_sms(http, sending_server, twilio_form(word, sender=number))
        assert status == 200
        assert messages_of(twiml) == [], word  # Twilio sends the confirmation itself
        assert await send_later(sending_server, notice(number, "A new youth club opens")) \
            == "refused", word
    assert twilio_api.created == []
    assert query(db_path, "SELECT count(*) FROM outbox WHERE state = 'refused'") \
        == [(len(words),)]
    assert await send_later(sending_server, notice(SENDER, "Never said STOP")) == "sent"
    assert [m["To"] for m in twilio_api.created] == [SENDER]


async def test_start_opts_back_in(
    http: aiohttp.ClientSession, sending_server: Server, twilio_api: FakeTwilioApi,
    db_path: Path,
) -> None:
    await post_sms(http, sending_server, twilio_form("STOP"))
    _, twiml = await post_sms(http, sending_server, twilio_form("START"))
    assert messages_of(twiml) == []
    assert query(db_path, "SELECT count(*) FROM optouts") == [(0,)]
    assert await send_later(sending_server, notice(SENDER, "Your council replied \u2013 thank you"
                                                   )) == "sent"
    assert twilio_api.created == [{"To": SENDER, "From": OUR_NUMBER,
                                   "Body": "Your council replied - thank you",
                                   "StatusCallback": PUBLIC_URL + "/sms/twilio/status"}]


async def test_yes_when_not_opted_out_is_an_ordinary_message(
    http: aiohttp.ClientSession, server: Server
) -> None:
    _, twiml = await post_sms(http, server, twilio_form("YES"))
    assert messages_of(twiml)


async def test_twilio_unsubscribed_error_is_recorded_as_an_opt_out(
    sending_server: Server, twilio_api: FakeTwilioApi, db_path: Path
) -> None:
    twilio_api.unsubscribed.add(SENDER)
    assert await send_later(sending_server, notice(SENDER, "hello")) == "refused"
    assert query(db_path, "SELECT channel, address FROM optouts") == [("sms", SENDER)]
    assert len(twilio_api.created) == 0
    assert await send_later(sending_server, notice(SENDER, "hello again", "2")) == "refused"


async def test_forget_me_by_sms_leaves_only_the_stop_request(
    http: aiohttp.ClientSession, sending_server: Server, twilio_api: FakeTwilioApi,
    db_path: Path,
) -> None:
    """FORGET ME erases the person's rows, the confirming message's log row included, but a
    STOP outlives it: we must still never text them."""
    # "1" picks "Yes, forget me": after STOP a plain YES is Twilio's opt-in word
    for body in ("youth club", "STOP", "FORGET ME", "1"):
        status, _ = await post_sms(http, sending_server, twilio_form(body))
        assert status == 200
    tables = [t for (t,) in query(db_path, "SELECT name FROM sqlite_master WHERE type='table'")]
    held = {
        table: query(db_path, f"SELECT count(*) FROM [{table}] WHERE address = ?", (SENDER,))
        for table in tables
        if {"channel", "address"} <= {c[1] for c in query(db_path, f"PRAGMA table_info([{table}])")}
    }
    assert {t: n for t, [(n,)] in held.items() if n} == {"optouts": 1}
    # the confirming message's row stays, anonymous, so a Twilio retry is not run again
    assert query(db_path, "SELECT address, text FROM inbound_messages") == [("", "")]
    assert await send_later(sending_server, notice(SENDER, "Our youth club opens")) == "refused"
    assert twilio_api.created == []


async def test_stop_ends_the_question_being_asked(
    http: aiohttp.ClientSession, server: Server
) -> None:
    """After STOP and START, "1" is not taken as an answer to a question asked before."""
    _, before = await post_sms(http, server, twilio_form("free school meals"))
    assert "Reply 1" in messages_of(before)[-1]
    await post_sms(http, server, twilio_form("STOP"))
    await post_sms(http, server, twilio_form("START"))
    _, after = await post_sms(http, server, twilio_form("1"))
    _, fresh = await post_sms(http, server, twilio_form("1", sender="+447700900999"))
    assert messages_of(after) == messages_of(fresh)  # as if no question had been asked
