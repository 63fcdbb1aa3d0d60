"""Volunteering through the real server on the sample catalogue: an SMS sign-up whose
organiser's email arrives at a real SMTP server on loopback (aiosmtpd), and the weekly list
the scheduler queues at start for last week's sign-ups."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import MailServer
from test_sms import messages_of, post_sms, twilio_form

from bot.settings import Settings
from bot.store import open_store
from catalogue.storage import write
from catalogue.store import load_entries
from conversations import volunteering

VOLUNTEER = "+447700900321"


async def wait_for_mail(mail: MailServer, count: int) -> list[tuple[str, list[str], object]]:
    for _ in range(200):
        if len(mail.inbox.messages) >= count:
            break
        await asyncio.sleep(0.05)
    return list(mail.inbox.messages)


def email_settings(settings: Settings, mail: MailServer) -> Settings:
    return replace(settings, smtp_host="127.0.0.1", smtp_port=mail.port, smtp_starttls=False,
                   digest_from="support@example.org", outbox_idle=0.05)


async def test_an_sms_sign_up_emails_the_organiser(http, make_server, settings, mail) -> None:
    server = await make_server(email_settings(settings, mail))

    async def say(text: str) -> str:
        status, twiml = await post_sms(http, server, twilio_form(text, sender=VOLUNTEER))
        assert status == 200
        return "\n".join(messages_of(twiml))

    assert "sign up for Friends of Riverside Park" in await say("friends of riverside park")
    for text in ("1", "Sam", "15", "weekends"):
        await say(text)
    reply = await say("yes")
    assert "you're signed up for Friends of Riverside Park" in reply
    assert "under 16" in reply
    [(sender, to, message)] = await wait_for_mail(mail, 1)
    assert (sender, to) == ("support@example.org", ["parks@sample-borough.example.org"])
    body = message.get_payload(decode=True).decode() if not message.is_multipart() else \
        message.get_payload(0).get_payload(decode=True).decode()
    assert "Sam has signed up for Friends of Riverside Park" in body
    assert f"How to reach them: {VOLUNTEER}" in body and "parent or carer" in body


async def test_the_weekly_list_is_sent_at_start_for_last_week(make_server, settings, mail,
                                                             db_path: Path) -> None:
    db = open_store(db_path)
    entry = next(e for e in load_entries(db) if e.id == "vol-litter-pick")
    last_week = datetime.now(UTC) - timedelta(days=7)
    with write(db):
        volunteering.sign_up(db, "sms", VOLUNTEER, entry, "Ada", 30, "weekends", "", last_week)
    db.close()
    await make_server(email_settings(settings, mail))
    arrived = await wait_for_mail(mail, 2)
    subjects = sorted(str(m["Subject"]) for _, _, m in arrived)
    assert subjects[0] == "New volunteer for Community litter picks"
    assert subjects[1].startswith("Volunteers for Community litter picks, ")
