"""Words that change what we may send a person, whatever the conversation: STOP and START.

SMS follows Twilio's keyword lists, because Twilio acts on them too: after STOP it blocks
every message to that number until START, and it sends the confirmation itself, so the
SMS reply to these words is empty. Telegram knows STOP, START, /stop and /start; a user
who blocks the bot is opted out by the Telegram channel.

Also here: a reply for a message we cannot read at all (no Latin letters, digits or
known words), instead of a search that cannot succeed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import sqlite_utils

from bot.messages import is_opted_out, opt_in, opt_out
from conversations.flows.privacy import wants_forget
from conversations.types import Inbound, Outbound

SMS_STOP = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit",
                      "revoke", "optout"})
SMS_START = frozenset({"start", "unstop", "yes"})
CHAT_STOP = frozenset({"stop", "/stop"})
CHAT_START = frozenset({"start", "/start"})
HELP_WORDS = frozenset({"help", "/help"})

STOPPED_CHAT = (
    "OK, we won't send you any messages from now on, only answers when you write to us. "
    "Send START to hear from us again."
)
STOP_HINT = {
    "sms": "Text STOP to stop all messages from this number, START to get them again.",
    "telegram": "Send /stop to stop all messages from us, /start to get them again.",
}
UNREADABLE = (
    "Sorry, I can only read English for now. Please write in English, or ask someone "
    "to help you. You can also call the council{on}."
)


def unreadable_reply(council_phone: str = "") -> str:
    """What someone writing in a script we cannot read is told (with COUNCIL_PHONE, the
    number to call)."""
    return UNREADABLE.format(on=f" on {council_phone}" if council_phone else "")


def command_word(text: str) -> str:
    """A message as a keyword: lower case, no surrounding punctuation, no @BotName suffix."""
    word = re.sub(r"\s+", " ", text.strip().lower().strip(".!?,"))
    if word.startswith("/"):
        word = word.split("@", 1)[0].split(" ", 1)[0]
    return word


def keyword_replies(
    db: sqlite_utils.Database, inbound: Inbound, now: datetime
) -> list[Outbound] | None:
    """Replies when the message is an opt-out or opt-in word; None when it is not one."""
    word = command_word(inbound.text)
    channel, address = inbound.channel, inbound.address
    if channel == "sms":
        if word in SMS_STOP:
            opt_out(db, channel, address, f"sent {word.upper()}", now)
            return []  # Twilio confirms the opt-out itself
        if word in SMS_START and is_opted_out(db, channel, address):
            opt_in(db, channel, address)
            return []  # Twilio confirms the opt-in itself
        return None
    if word in CHAT_STOP:
        opt_out(db, channel, address, f"sent {word.upper()}", now)
        return [Outbound(STOPPED_CHAT)]
    if word in CHAT_START and is_opted_out(db, channel, address):
        opt_in(db, channel, address)
    return None


def always_heard(channel: str, text: str) -> bool:
    """STOP (and its family), START and FORGET ME are acted on even from someone over their
    fair use: a request to send nothing, or to be forgotten, is never dropped. They cost
    no search."""
    word = command_word(text)
    stops = SMS_STOP | SMS_START if channel == "sms" else CHAT_STOP | CHAT_START
    return word in stops or wants_forget(text)


def help_hint(inbound: Inbound) -> Outbound | None:
    """HELP says how to stop messages too."""
    if command_word(inbound.text) in HELP_WORDS and inbound.channel in STOP_HINT:
        return Outbound(STOP_HINT[inbound.channel])
    return None


def unreadable(text: str) -> bool:
    """True when the text has letters but none of them Latin: a script we cannot search."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    return not any(unicodedata.name(c, "").startswith("LATIN") for c in letters)
