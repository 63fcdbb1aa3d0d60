"""SMS through Twilio: verify the signature, parse the form, de-duplicate by MessageSid,
answer with TwiML; and `SmsSender` for messages we start (alerts, councillors' replies).

Twilio signs the URL it called (our PUBLIC_URL, not what a proxy hands us) plus the
POST fields. Nothing is read from the form before that check.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal
from urllib.parse import urlsplit

from aiohttp import web
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from bot.assistant import Assistant
from bot.dbthread import DbThread
from bot.messages import (
    Rendered,
    find_inbound,
    opt_out,
    record_inbound,
    record_outbound,
    record_sent,
    refuse_if_opted_out,
    unlogged,
)
from bot.render import render_sms_all, to_gsm7
from bot.settings import Settings
from conversations.types import Inbound

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
SIGNATURE_SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
MAX_BODY = 1600  # Twilio's own limit for one message
UNSUBSCRIBED_RECIPIENT = 21610  # Twilio: "Attempt to send to unsubscribed recipient"
SendResult = Literal["sent", "refused", "failed"]


@dataclass(frozen=True)
class SmsMessage:
    sid: str
    sender: str
    to: str
    body: str
    num_media: int


def signature_ok(
    validator: RequestValidator, public_url: str, path_qs: str,
    form: Mapping[str, Any], headers: Mapping[str, str],
) -> bool:
    """`form` as received (a multidict: Twilio signs every value of a repeated field)."""
    signature = headers.get(SIGNATURE_HEADER, "")
    if not signature:
        return False
    algorithm = get_signature_algorithm(headers.get(SIGNATURE_SETTINGS_HEADER, ""))
    return bool(validator.validate(public_url + path_qs, form, signature, algorithm))


def parse(form: Mapping[str, str]) -> SmsMessage | None:
    """The fields we use from Twilio's form; None when it is not an inbound message."""
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    sender = form.get("From", "")
    if not sid or not sender:
        return None
    try:
        num_media = int(form.get("NumMedia") or 0)
    except ValueError:
        num_media = 0
    return SmsMessage(sid, sender, form.get("To", ""), form.get("Body", "")[:MAX_BODY], num_media)


def answer(assistant: Assistant, message: SmsMessage, now: datetime) -> list[str]:
    """Runs on the database thread. The message and its reply are stored together; a
    MessageSid seen before gets the reply stored then, without processing it again."""
    db = assistant.db
    with db.atomic():
        stored = find_inbound(db, "sms", message.sid)
        if stored is not None and stored.replies is not None:
            return [reply.text for reply in stored.replies]
        replies = assistant.handle(Inbound("sms", message.sender, message.body), now)
        bodies = render_sms_all(replies)
        who, text = unlogged(replies, message.sender, message.body)
        record_inbound(db, "sms", message.sid, who, text, [Rendered(b) for b in bodies], now)
    return bodies


def twiml(bodies: list[str]) -> str:
    response = MessagingResponse()
    for body in bodies:
        response.message(body)
    return str(response)


class SmsWebhook:
    """POST /sms/twilio."""

    def __init__(self, settings: Settings, db: DbThread[Assistant]) -> None:
        self.public_url = settings.public_url
        self.validator = RequestValidator(settings.twilio_auth_token) if settings.sms_inbound \
            else None
        self.db = db

    async def handle(self, request: web.Request) -> web.Response:
        if self.validator is None:
            return web.Response(status=503, text="SMS is not set up: set TWILIO_AUTH_TOKEN "
                                "and PUBLIC_URL.\n")
        form = await request.post()
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        if not signature_ok(self.validator, self.public_url, request.path_qs, form,
                            request.headers):
            return web.Response(status=403, text="Bad or missing X-Twilio-Signature.\n")
        message = parse(fields)
        if message is None:
            return web.Response(status=400, text="Not an inbound message: no MessageSid "
                                "or From.\n")
        now = datetime.now(UTC)
        bodies = await self.db.call(partial(answer, message=message, now=now))
        return web.Response(text=twiml(bodies), content_type="text/xml")


class RebasedHttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]
    """twilio's async HTTP client, sending to `base_url` instead of api.twilio.com when set
    (a local stand-in in tests), with the Authorization header written here because
    aiohttp 3.14 deprecates the BasicAuth object twilio builds from `auth`."""

    def __init__(self, base_url: str = "", timeout: float = 30.0) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    async def request(
        self, method: str, url: str, params: Any = None, data: Any = None,
        headers: dict[str, str] | None = None, auth: tuple[str, str] | None = None,
        timeout: float | None = None, allow_redirects: bool = False,
    ) -> Any:
        if self.base_url:
            parts = urlsplit(url)
            url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        headers = dict(headers or {})
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        return await super().request(method, url, params=params, data=data, headers=headers,
                                     auth=None, timeout=timeout,
                                     allow_redirects=allow_redirects)


class SmsSender:
    """Messages we start. Refuses numbers that sent STOP; a number Twilio says is
    unsubscribed is recorded as opted out."""

    def __init__(self, settings: Settings, db: DbThread[Assistant]) -> None:
        self.db = db
        self.from_number = settings.twilio_from_number
        self.http = RebasedHttpClient(settings.twilio_api_base_url)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                             http_client=self.http)

    async def send(self, to: str, text: str) -> SendResult:
        body = to_gsm7(text)[:MAX_BODY]
        now = datetime.now(UTC)
        if await self.db.call(lambda a: refuse_if_opted_out(a.db, "sms", to, body, now)):
            log.info("not sending an SMS: the recipient opted out")
            return "refused"
        try:
            sent = await self.client.messages.create_async(to=to, from_=self.from_number,
                                                           body=body)
        except TwilioRestException as error:
            opted_out = error.code == UNSUBSCRIBED_RECIPIENT
            await self.db.call(partial(_record_failure, to=to, body=body, now=now,
                                       opted_out=opted_out, detail=str(error.code)))
            log.warning("Twilio refused an SMS: %s %s", error.code, error.msg)
            return "refused" if opted_out else "failed"
        sid = str(getattr(sent, "sid", ""))
        await self.db.call(lambda a: record_sent(a.db, "sms", to, body, now, sid))
        return "sent"

    async def close(self) -> None:
        await self.http.close()


def _record_failure(
    assistant: Assistant, to: str, body: str, now: datetime, opted_out: bool, detail: str
) -> None:
    with assistant.db.atomic():
        if opted_out:
            opt_out(assistant.db, "sms", to, "Twilio: unsubscribed recipient", now)
        record_outbound(assistant.db, "sms", to, body, "refused" if opted_out else "failed",
                        now, detail)
