"""Settings, read from the environment once at start-up (see INTERFACE.md, "Settings"), and
checked there: `problems` (wrong values, one line each) and `unknown` (names that look like
ours but are not settings)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers

from bot.digest.weeks import DigestAt, parse_digest_at
from catalogue.validate import is_drama_number, parsed_phone
from conversations.phones import normalise_phone
from conversations.timebank import Policy

OFF_WORDS = frozenset({"0", "off", "false", "no"})
ON_WORDS = frozenset({"1", "on", "true", "yes"})
PERSON_CHANNELS = ("sms", "telegram", "email")


class SettingError(ValueError):
    """A setting that cannot be read, naming it."""


def hours_setting(name: str, get: Callable[[str], str], default: float) -> float:
    value = get(name)
    try:
        hours = float(value) if value else default
    except ValueError:
        raise SettingError(f"{name} must be a number of hours, like -10; got {value!r}") from None
    if hours > 0:
        raise SettingError(f"{name} is the lowest balance allowed: zero or below; got {value!r}")
    return hours


def people_setting(name: str, get: Callable[[str], str]) -> tuple[tuple[str, str], ...]:
    """"sms:07700 900123, telegram:123456" -> (("sms", "+447700900123"), ("telegram", ...))."""
    people = []
    for item in get(name).replace(";", ",").split(","):
        if not item.strip():
            continue
        channel, sep, address = item.strip().partition(":")
        if not sep or not address.strip() or channel.lower() not in PERSON_CHANNELS:
            raise SettingError(f"{name}: expected CHANNEL:ADDRESS with CHANNEL one of "
                               f"{', '.join(PERSON_CHANNELS)}; got {item.strip()!r}")
        channel, address = channel.lower(), address.strip()
        if channel == "sms":
            phone = normalise_phone(address)
            if phone is None:
                raise SettingError(f"{name}: {address!r} is not a phone number")
            address = phone
        people.append((channel, address))
    return tuple(people)


def alert_at(value: str) -> int:
    """OBJECTION_ALERT_AT: a whole number of objections, at least 1 (default 10)."""
    if not value:
        return 10
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f'OBJECTION_ALERT_AT is "{value}": it must be a whole number of '
                         "objections, 1 or more (default 10)")
    return int(value)


def council_phone(value: str) -> str:
    """COUNCIL_PHONE: the council's number for people the assistant cannot help (a message
    in a script it cannot read), checked here, at start-up."""
    if value and not phone_ok(value):
        raise ValueError(f'COUNCIL_PHONE is "{value}": it must be a UK phone number people '
                         "can call, like 0161 496 0000")
    return value


def phone_ok(value: str) -> bool:
    number = parsed_phone(value)
    return number is not None and (phonenumbers.is_valid_number(number)
                                   or is_drama_number(number))


def digest_at(value: str) -> str:
    """DIGEST_AT: a day and a London time, e.g. "MON 08:00" (checked here, at start-up)."""
    parse_digest_at(value or "MON 08:00")
    return value or "MON 08:00"


@dataclass(frozen=True)
class Settings:
    """Everything the server reads from its environment; nothing else reads os.environ."""

    db_path: str = "localsupport.db"
    public_url: str = ""
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    twilio_api_base_url: str = ""  # a local stand-in for api.twilio.com (tests, staging)
    telegram_bot_token: str = ""
    telegram_secret_token: str = ""
    telegram_webhook_url: str = ""
    telegram_api_base_url: str = ""
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    digest_from: str = ""
    safeguarding_email: str = ""  # the named council contact told of safeguarding alerts
    outbox_idle: float = 5.0  # seconds the outbox worker sleeps when nothing is due
    outbox_first_retry: float = 5.0  # seconds before a failed send is tried again (doubling)
    web_chat: bool = True
    request_timeout: float = 15.0  # seconds a request (its body included) may take
    timebank_min_balance: float = -10.0  # hours
    timebank_approval: bool = False
    timebank_coordinators: tuple[tuple[str, str], ...] = ()  # (channel, address)
    catalogue_url: str = ""  # an Open Referral UK API's /services, re-imported daily
    objection_alert_at: int = 10  # objections from one ward that alert its councillors
    digest_at: str = "MON 08:00"  # when the weekly digests go, London time (bot/digest/weeks.py)
    council_phone: str = ""  # told to those the assistant cannot help (bot/keywords.py)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str:
            return env.get(name, "").strip()

        return cls(
            db_path=get("LOCALSUPPORT_DB") or "localsupport.db",
            public_url=get("PUBLIC_URL").rstrip("/"),
            twilio_account_sid=get("TWILIO_ACCOUNT_SID"),
            twilio_auth_token=get("TWILIO_AUTH_TOKEN"),
            twilio_from_number=get("TWILIO_FROM_NUMBER"),
            twilio_api_base_url=get("TWILIO_API_BASE_URL").rstrip("/"),
            telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
            telegram_secret_token=get("TELEGRAM_SECRET_TOKEN"),
            telegram_webhook_url=get("TELEGRAM_WEBHOOK_URL"),
            telegram_api_base_url=get("TELEGRAM_API_BASE_URL"),
            smtp_host=get("SMTP_HOST"),
            smtp_port=int(get("SMTP_PORT") or 0),
            smtp_user=get("SMTP_USER"),
            smtp_password=get("SMTP_PASSWORD"),
            smtp_starttls=get("SMTP_STARTTLS").lower() not in OFF_WORDS,
            digest_from=get("DIGEST_FROM"),
            safeguarding_email=get("SAFEGUARDING_EMAIL"),
            web_chat=get("WEB_CHAT").lower() not in OFF_WORDS,
            timebank_min_balance=hours_setting("TIMEBANK_MIN_BALANCE", get, -10.0),
            timebank_approval=get("TIMEBANK_APPROVAL").lower() in ON_WORDS,
            timebank_coordinators=people_setting("TIMEBANK_COORDINATORS", get),
            catalogue_url=get("CATALOGUE_URL"),
            objection_alert_at=alert_at(get("OBJECTION_ALERT_AT")),
            digest_at=digest_at(get("DIGEST_AT")),
            council_phone=council_phone(get("COUNCIL_PHONE")),
        )

    def timebank_policy(self) -> Policy:
        """The time bank's rules as the conversations see them."""
        return Policy(min_balance_minutes=round(self.timebank_min_balance * 60),
                      approval=self.timebank_approval, coordinators=self.timebank_coordinators)

    @property
    def digest_schedule(self) -> DigestAt:
        return parse_digest_at(self.digest_at)

    @property
    def sms_inbound(self) -> bool:
        """Twilio webhooks can be checked: the auth token and the public URL are known."""
        return bool(self.twilio_auth_token and self.public_url)

    @property
    def sms_outbound(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from_number)

    @property
    def email(self) -> bool:
        """Email can be sent: a mail server and a From address are set."""
        return bool(self.smtp_host and self.digest_from)

    @property
    def telegram(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def telegram_webhook(self) -> bool:
        return bool(self.telegram_bot_token and self.telegram_webhook_url)


# -- checked at start (`localsupport serve`) ---------------------------------------------------

# Every setting in the README's settings table, and the stand-ins' base URLs.
KNOWN = frozenset({
    "LOCALSUPPORT_DB", "PUBLIC_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER", "TWILIO_API_BASE_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN",
    "TELEGRAM_WEBHOOK_URL", "TELEGRAM_API_BASE_URL", "SMTP_HOST", "SMTP_PORT", "SMTP_USER",
    "SMTP_PASSWORD", "SMTP_STARTTLS", "DIGEST_FROM", "WEB_CHAT", "SAFEGUARDING_EMAIL",
    "OBJECTION_ALERT_AT", "DIGEST_AT", "TIMEBANK_COORDINATORS", "TIMEBANK_MIN_BALANCE",
    "TIMEBANK_APPROVAL", "CATALOGUE_URL", "COUNCIL_PHONE",
})
OURS = ("TWILIO_", "TELEGRAM_", "SMTP_", "TIMEBANK_", "DIGEST_", "LOCALSUPPORT_", "CATALOGUE_",
        "OBJECTION_", "SAFEGUARDING_", "PUBLIC_", "WEB_", "COUNCIL_")
URLS = ("PUBLIC_URL", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_API_BASE_URL", "TWILIO_API_BASE_URL",
        "CATALOGUE_URL")
EXAMPLE_URL = "https://support.example.org"


def problems(environ: Mapping[str, str]) -> list[str]:
    """What is wrong with the settings, one line each: what, and how to fix it."""
    def get(name: str) -> str:
        return environ.get(name, "").strip()

    found = []
    port = get("SMTP_PORT")
    if port and not (port.isdigit() and 1 <= int(port) <= 65535):
        found.append(f"SMTP_PORT={port!r} is not a port number: set it to a whole number "
                     "from 1 to 65535 (usually 587), or leave it unset.")
    alert_at = get("OBJECTION_ALERT_AT")
    if alert_at and not (alert_at.isdigit() and int(alert_at) >= 1):
        found.append(f"OBJECTION_ALERT_AT={alert_at!r} is not a whole number of objections: "
                     "set it to 1 or more (the default is 10), or leave it unset.")
    balance = get("TIMEBANK_MIN_BALANCE")
    if balance and not number(balance):
        found.append(f"TIMEBANK_MIN_BALANCE={balance!r} is not a number of hours: write it "
                     "like -10, or leave it unset.")
    phone = get("COUNCIL_PHONE")
    if phone and not phone_ok(phone):
        found.append(f"COUNCIL_PHONE={phone!r} is not a UK phone number people can call: "
                     "write it like 0161 496 0000, or leave it unset.")
    for name in URLS:
        url = get(name)
        if url and not url_ok(url):
            found.append(f"{name}={url!r} is not a web address: write it with its scheme "
                         f"and host, like {EXAMPLE_URL}.")
    if get("TWILIO_AUTH_TOKEN") and not get("PUBLIC_URL"):
        found.append("TWILIO_AUTH_TOKEN is set but PUBLIC_URL is not, so Twilio's signatures "
                     "cannot be checked and SMS would be off: set PUBLIC_URL to the address "
                     f"Twilio calls, like {EXAMPLE_URL}.")
    if not found:
        try:
            Settings.from_env(environ)
        except ValueError as error:  # a setting added later that reads its value strictly
            found.append(f"a setting cannot be read: {error}")
    return found


def number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip().lower() not in ("nan", "inf", "-inf", "+inf", "infinity")


def url_ok(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def unknown(environ: Mapping[str, str]) -> list[str]:
    """Variables that look like ours but are not settings, each with a guess."""
    lines = []
    for name in sorted(environ):
        if name.startswith(OURS) and name not in KNOWN:
            guess = did_you_mean(name)
            lines.append(f"{name} is not a setting Local Support reads"
                         + (f": did you mean {guess}?" if guess else "; it is ignored."))
    return lines


def did_you_mean(name: str) -> str:
    """The closest known names: most words in common, then most alike; two when tied."""
    words = set(name.split("_"))

    def rank(known: str) -> tuple[int, float]:
        return (len(words & set(known.split("_"))),
                difflib.SequenceMatcher(None, name, known).ratio())

    close = set(difflib.get_close_matches(name, KNOWN, n=3, cutoff=0.6))
    close |= {known for known in KNOWN if rank(known)[0] >= 2}
    ranked = sorted(close, key=rank, reverse=True)
    if len(ranked) >= 2 and rank(ranked[0])[0] == rank(ranked[1])[0] >= 2:
        return f"{ranked[0]} or {ranked[1]}"
    return ranked[0] if ranked else ""
