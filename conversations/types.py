"""Neutral messages and session state shared by the engine and every channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from catalogue.model import Entry

Channel = Literal["sms", "telegram", "web", "terminal"]
CHANNELS: tuple[Channel, ...] = ("sms", "telegram", "web", "terminal")


@dataclass(frozen=True)
class Inbound:
    """One message from a person, whatever it came through.

    `choice` is the 0-based index of a button the person pressed (Telegram, web chat);
    typed numbers ("2") arrive as text and the engine reads them against the last choices.
    """

    channel: Channel
    address: str
    text: str
    choice: int | None = None
    # the provider's id of our message this replies to, or whose button was pressed (Telegram)
    reply_to: str | None = None
    # the channel's id of this message (Telegram's update_id): our replies to it are queued
    # under conversations/outbox.py `reply_key`, so a button under one names what it answered
    message_id: str | None = None


@dataclass(frozen=True)
class Outbound:
    """One reply. Channels decide how it looks: `choices` become buttons or a numbered list;
    `entry` (when the reply presents a catalogue entry) is rendered as a card, short for SMS."""

    text: str
    choices: tuple[str, ...] = ()
    entry: Entry | None = None
    urgent: bool = False  # safeguarding replies: never trimmed, always sent first
    erased: bool = False  # FORGET ME done: channels must not log this exchange either
    safety: bool = False  # a danger in the home (conversations/hazards.py): as `urgent`,
    # never trimmed and sent first, but nobody has disclosed harm: no safeguarding alert

    @property
    def whole(self) -> bool:
        """Sent first, alone and never trimmed: crisis contacts and safety steps."""
        return self.urgent or self.safety


@dataclass
class Session:
    """Conversation state of one (channel, address), stored between messages."""

    channel: Channel
    address: str
    state: str = "start"
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.channel, self.address)
