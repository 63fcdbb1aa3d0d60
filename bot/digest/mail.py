"""Outbox rows on the "email" channel as MIME messages, and an SMTP sender for them.

A row's body is the plain-text part; `extra["html"]` the HTML alternative, and
`extra["images"]` ({cid, mime, b64, alt}) images inline in it (multipart/related), so the
digest's chart shows where the HTML places it. `SmtpDelivery` is the outbox worker's
adapter (bot/outbox.py `Deliverer`): the mail server refusing the connection or answering
4xx is a retry (the row stays queued), a refused recipient or a 5xx is a failure.
"""

from __future__ import annotations

import asyncio
import base64
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from bot.notify import SMTP_TIMEOUT, SmtpConfig
from bot.outbox import Delivery, Queued
from conversations.outbox import Message


def email_message(message: Message, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.address
    email["Subject"] = message.subject or "Local Support"
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = make_msgid(domain="localsupport")
    email.set_content(message.body)
    page = message.extra.get("html")
    if page:
        email.add_alternative(str(page), subtype="html")
        html_part = email.get_body(("html",))
        assert isinstance(html_part, EmailMessage)
        for image in message.extra.get("images", []):
            maintype, _, subtype = str(image.get("mime", "image/png")).partition("/")
            html_part.add_related(base64.b64decode(image["b64"]), maintype=maintype,
                                  subtype=subtype, cid=f"<{image['cid']}>",
                                  filename=f"{str(image['cid']).split('@')[0]}.{subtype}",
                                  disposition="inline")
    return email


def send(config: SmtpConfig, email: EmailMessage) -> None:
    """Blocking: call it off the event loop."""
    port = config.port or (587 if config.starttls else 25)
    with smtplib.SMTP(config.host, port, timeout=SMTP_TIMEOUT) as smtp:
        if config.starttls:
            smtp.starttls()
        if config.user:
            smtp.login(config.user, config.password)
        smtp.send_message(email)


class SmtpDelivery:
    """The outbox's email adapter."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def deliver(self, item: Queued) -> Delivery:
        email = email_message(item.message, self.config.sender or self.config.user)
        try:
            await asyncio.to_thread(send, self.config, email)
        except smtplib.SMTPRecipientsRefused:
            return Delivery("failed", "SMTP: recipient refused")
        except smtplib.SMTPResponseException as error:
            if 400 <= error.smtp_code < 500:
                return Delivery("retry", f"SMTP {error.smtp_code}")
            return Delivery("failed", f"SMTP {error.smtp_code}")
        except (OSError, smtplib.SMTPException) as error:
            return Delivery("retry", f"SMTP: {type(error).__name__}: {error}"[:200])
        return Delivery("sent", provider_id=str(email["Message-ID"]))
