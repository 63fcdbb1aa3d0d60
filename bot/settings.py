"""Settings, read from the environment once at start-up (see INTERFACE.md, "Settings")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.digest.weeks import DigestAt, parse_digest_at

OFF_WORDS = frozenset({"0", "off", "false", "no"})


def alert_at(value: str) -> int:
    """OBJECTION_ALERT_AT: a whole number of objections, at least 1 (default 10)."""
    if not value:
        return 10
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f'OBJECTION_ALERT_AT is "{value}": it must be a whole number of '
                         "objections, 1 or more (default 10)")
    return int(value)


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
    catalogue_url: str = ""  # an Open Referral UK API's /services, re-imported daily
    objection_alert_at: int = 10  # objections from one ward that alert its councillors
    digest_at: str = "MON 08:00"  # when the weekly digests go, London time (bot/digest/weeks.py)

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
            catalogue_url=get("CATALOGUE_URL"),
            objection_alert_at=alert_at(get("OBJECTION_ALERT_AT")),
            digest_at=digest_at(get("DIGEST_AT")),
        )

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
