"""Email through SMTP: the outbound adapter for councillors' digests and alerts,
organisers' sign-ups and the safeguarding contact's referrals.

An outbox row's `body` is the plain-text part; `extra["html"]` an optional HTML part, with
`extra["images"]` shown inline (`cid:` references). smtplib blocks, so each message is
sent from a worker thread; the event loop never waits on the mail server.

Councillors' digests and alerts carry a Reply-To of the council's address (DIGEST_FROM:
INTERFACE.md lists no separate reply-to setting), so a councillor's "reply" reaches an
officer. A send that fails is logged as a warning naming the error's class and SMTP code
and the recipient's mail domain, never the body or the whole address.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from bot.outbox import Delivery, Queued
from conversations.outbox import Message

log = logging.getLogger("localsupport.email")
SMTP_TIMEOUT = 30.0
REPLY_TO_KINDS = ("digest", "objection-alert")  # councillors' messages: replies go to an officer


@dataclass(frozen=True)
class SmtpConfig:
    """How to reach the mail server; built from the SMTP_* settings by the composition root."""

    host: str
    port: int = 0  # 0: 587 with STARTTLS, else 25
    user: str = ""
    password: str = ""
    starttls: bool = True
    sender: str = ""  # From: address (DIGEST_FROM)
    reply_to: str = ""  # Reply-To: of digests and alerts (DIGEST_FROM too)


def build_email(message: Message, sender: str, reply_to: str = "") -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender or "localsupport@localhost"
    email["To"] = message.address
    if reply_to and message.kind in REPLY_TO_KINDS:
        email["Reply-To"] = reply_to
    email["Subject"] = message.subject or "Local Support"
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = make_msgid(domain="localsupport")
    email.set_content(message.body)
    html = message.extra.get("html")
    if isinstance(html, str):
        email.add_alternative(html, subtype="html")
        part = email.get_body(("html",))
        assert isinstance(part, EmailMessage)
        images: list[dict[str, Any]] = list(message.extra.get("images") or [])
        for image in images:
            maintype, _, subtype = str(image.get("mime", "image/png")).partition("/")
            part.add_related(base64.b64decode(image["b64"]), maintype=maintype,
                             subtype=subtype, cid=f"<{image['cid']}>",
                             filename=f"{image['cid']}.{subtype}", disposition="inline")
    return email


def send(smtp: SmtpConfig, email: EmailMessage) -> None:
    """Blocking: call it off the event loop."""
    with smtplib.SMTP(smtp.host, smtp.port or (587 if smtp.starttls else 25),
                      timeout=SMTP_TIMEOUT) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.user:
            server.login(smtp.user, smtp.password)
        server.send_message(email)


class EmailAdapter:
    def __init__(self, smtp: SmtpConfig) -> None:
        self.smtp = smtp

    async def deliver(self, item: Queued) -> Delivery:
        email = build_email(item.message, self.smtp.sender, self.smtp.reply_to)
        try:
            await asyncio.to_thread(send, self.smtp, email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            final = all(code >= 500 for code in codes)
            return self.failed(item, error, codes, Delivery(
                "failed" if final else "retry", f"recipient refused {codes}"))
        except smtplib.SMTPResponseException as error:
            final = error.smtp_code >= 500
            return self.failed(item, error, [error.smtp_code], Delivery(
                "failed" if final else "retry", f"smtp {error.smtp_code}"))
        except (OSError, smtplib.SMTPException) as error:  # refused, timed out, dropped
            return self.failed(item, error, [], Delivery("retry", type(error).__name__))
        return Delivery("sent", provider_id=str(email["Message-ID"]))

    @staticmethod
    def failed(item: Queued, error: Exception, codes: list[int], delivery: Delivery
               ) -> Delivery:
        """Log the failure (class, SMTP code, the address's domain only) and return it."""
        domain = item.message.address.rpartition("@")[2] or "unknown"
        log.warning("email %s not sent to an address at %s: %s%s; %s", item.message.kind, domain,
                    type(error).__name__, f" (SMTP {', '.join(map(str, codes))})" if codes
                    else "", "will retry" if delivery.outcome == "retry" else "given up")
        return delivery
