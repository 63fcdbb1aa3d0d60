"""SMS through Twilio: the adapter. In: verify the signature, parse the form, hand the
message to the inbox, answer with TwiML. Status callbacks update the outbox. Out: deliver
one outbox row through Twilio's REST API.

Twilio signs the URL it called (our PUBLIC_URL, not what a proxy hands us) plus the
POST fields. Nothing is read from the form before that check.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from bot.dbthread import DbThread
from bot.inbox import Arrival, Inbox
from bot.messages import Rendered
from bot.outbox import Delivery, Queued, update_status
from bot.render import render_sms_all, to_gsm7
from bot.settings import Settings
from conversations.phones import normalise_phone
from conversations.types import Outbound

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
SIGNATURE_SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
MAX_BODY = 1600  # Twilio's own limit for one message
UNSUBSCRIBED_RECIPIENT = 21610  # Twilio: "Attempt to send to unsubscribed recipient"
RETRY_CODES = frozenset({20429, 20500, 20503, 30001})  # Twilio: too many requests, its own faults
STATUS_PATH = "/sms/twilio/status"


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


def render(replies: Sequence[Outbound]) -> list[Rendered]:
    return [Rendered(body) for body in render_sms_all(replies)]


def arrival(message: SmsMessage, now: datetime) -> Arrival:
    """The person is their number in E.164 (as Twilio sends it, or as `forget` and the
    councillors' and coordinators' settings write it): one person, one key."""
    sender = normalise_phone(message.sender) or message.sender
    return Arrival("sms", message.sid, sender, message.body, now,
                   kind="media" if message.num_media and not message.body.strip() else "text")


def twiml(bodies: list[str]) -> str:
    response = MessagingResponse()
    for body in bodies:
        response.message(body)
    return str(response)


class SmsWebhook:
    """POST /sms/twilio and POST /sms/twilio/status."""

    def __init__(self, settings: Settings, db: DbThread[Inbox]) -> None:
        self.public_url = settings.public_url
        self.validator = RequestValidator(settings.twilio_auth_token) if settings.sms_inbound \
            else None
        self.db = db

    async def _verified(self, request: web.Request) -> dict[str, str] | web.Response:
        if self.validator is None:
            return web.Response(status=503, text="SMS is not set up: set TWILIO_AUTH_TOKEN "
                                "and PUBLIC_URL.\n")
        form = await request.post()
        if not signature_ok(self.validator, self.public_url, request.path_qs, form,
                            request.headers):
            return web.Response(status=403, text="Bad or missing X-Twilio-Signature.\n")
        return {key: value for key, value in form.items() if isinstance(value, str)}

    async def handle(self, request: web.Request) -> web.Response:
        fields = await self._verified(request)
        if isinstance(fields, web.Response):
            return fields
        if "MessageStatus" in fields or ("SmsStatus" in fields and "Body" not in fields):
            return await self._status(fields)  # a status callback sent to the wrong URL
        message = parse(fields)
        if message is None:
            return web.Response(status=400, text="Not an inbound message: no MessageSid "
                                "or From.\n")
        receipt = await self.db.call(lambda inbox: inbox.receive(arrival(message,
                                                                         datetime.now(UTC))))
        return web.Response(text=twiml([reply.text for reply in receipt.replies]),
                            content_type="text/xml")

    async def status(self, request: web.Request) -> web.Response:
        fields = await self._verified(request)
        if isinstance(fields, web.Response):
            return fields
        return await self._status(fields)

    async def _status(self, fields: Mapping[str, str]) -> web.Response:
        sid = fields.get("MessageSid") or fields.get("SmsSid") or ""
        status = fields.get("MessageStatus") or fields.get("SmsStatus") or ""
        if not sid or not status:
            return web.Response(status=400, text="Not a status callback: no MessageSid or "
                                "MessageStatus.\n")
        code, now = fields.get("ErrorCode", ""), datetime.now(UTC)
        await self.db.call(lambda inbox: update_status(inbox.assistant.db, sid, status, code,
                                                       now))
        return web.Response(status=204)


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


class SmsAdapter:
    """Delivers outbox rows by SMS. Twilio error 21610 (the person texted STOP to Twilio)
    is an opt-out; its own faults and rate limits are retried; other refusals are final."""

    def __init__(self, settings: Settings) -> None:
        self.from_number = settings.twilio_from_number
        self.status_callback = settings.public_url + STATUS_PATH if settings.public_url else ""
        self.http = RebasedHttpClient(settings.twilio_api_base_url)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                             http_client=self.http)

    async def deliver(self, item: Queued) -> Delivery:
        message = item.message
        body = to_gsm7(message.body)[:MAX_BODY]
        extra: dict[str, Any] = {"status_callback": self.status_callback} \
            if self.status_callback else {}
        try:
            sent = await self.client.messages.create_async(
                to=message.address, from_=self.from_number, body=body, **extra)
        except TwilioRestException as error:
            if error.code == UNSUBSCRIBED_RECIPIENT:
                return Delivery("refused", str(error.code),
                                opt_out="Twilio: unsubscribed recipient")
            temporary = error.code in RETRY_CODES or error.status == 429 or error.status >= 500
            log.warning("Twilio refused an SMS: %s %s", error.code, error.msg)
            return Delivery("retry" if temporary else "failed", f"twilio {error.code}")
        except (TimeoutError, aiohttp.ClientError) as error:
            return Delivery("retry", type(error).__name__)
        return Delivery("sent", provider_id=str(getattr(sent, "sid", "")))

    async def close(self) -> None:
        await self.http.close()
