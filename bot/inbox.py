"""The inbox: the one place every channel hands a person's message to.

A channel adapter verifies and parses what its provider sent and hands over an `Arrival`
(channel, the channel's message id, the person, the text or the button pressed, when).
`Inbox.receive` runs on the database thread and, in ONE transaction:

1. de-duplicates by (channel, message id) in `message_ids`, a record that holds no
   personal data and so outlives erasure and the message log: a retry of a message
   already handled gets the replies given then (or nothing, if the person has since been
   forgotten), and is never processed twice;
2. runs the conversation (bot/assistant.py);
3. stores the message with its replies as the channel renders them (`inbound_messages`),
   unless the message erased the person (FORGET ME: the log keeps neither who nor what);
4. for channels that answer later rather than in the HTTP response (Telegram), queues the
   replies in the outbox (conversations/outbox.py), so a failed send is retried.

It returns what the channel renders now. Either all of that is written, or none of it and
the provider's retry starts again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.assistant import Assistant
from bot.fairuse import FLOOD
from bot.messages import Rendered
from catalogue.storage import checkpoint, write
from conversations.outbox import FAREWELL, REPLY, Message, enqueue, iso, reply_key
from conversations.types import Channel, Inbound, Outbound

Renderer = Callable[[Sequence[Outbound]], list[Rendered]]
Kind = Literal["text", "media", "group", "flood"]
MAX_WORK_CHARS = 1600  # what the conversation reads of one message (an SMS's most)

MEDIA_ONLY = ("Sorry, I can only read text messages. Please write what you need in words, "
              "or send MENU to see what I can help with.")
GROUP_CHAT = ("Hi! I only talk one to one, so that what you tell me stays private. Please "
              "message me directly.")


@dataclass(frozen=True)
class Arrival:
    """A person's message as every channel hands it in."""

    channel: Channel
    message_id: str  # the provider's id (Twilio MessageSid, Telegram update_id, ...)
    address: str  # who: an E.164 number, a Telegram chat id, a web visitor's id
    text: str
    at: datetime
    choice: int | None = None  # a button pressed (0-based)
    reply_to: str | None = None  # our message this replies to (Telegram)
    source: str | None = None  # where they came from (Telegram's /start payload)
    kind: Kind = "text"  # "media": a picture with no words; "group": a group chat;
    # "flood": the first message over the sender's fair use (bot/fairuse.py)


@dataclass(frozen=True)
class Receipt:
    replies: tuple[Rendered, ...]  # to render now (TwiML, JSON); empty for queued channels
    outbounds: tuple[Outbound, ...]  # the same replies before rendering (the web chat)
    duplicate: bool = False  # seen before: nothing was processed
    queued: int = 0  # replies put in the outbox


def canned(arrival: Arrival) -> list[Outbound] | None:
    """Replies to messages the conversation never sees."""
    if arrival.kind == "flood":
        return [Outbound(FLOOD)]
    if arrival.kind == "group":
        return [Outbound(GROUP_CHAT)]
    if arrival.kind == "media" and not arrival.text.strip():
        return [Outbound(MEDIA_ONLY)]
    return None


class Inbox:
    """`renderers`: how each channel renders replies; `queued_channels`: channels whose
    replies go through the outbox instead of the response."""

    def __init__(self, assistant: Assistant, renderers: Mapping[str, Renderer],
                 queued_channels: Collection[str] = ()) -> None:
        self.assistant = assistant
        self.renderers = dict(renderers)
        self.queued_channels = frozenset(queued_channels)

    def receive(self, arrival: Arrival) -> Receipt:
        db = self.assistant.db
        with write(db):
            first = db.execute(
                "INSERT INTO message_ids (channel, message_id, seen_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING", [arrival.channel, arrival.message_id, iso(arrival.at)],
            ).rowcount == 1
            if not first:
                stored = self._stored(arrival)
                if stored is not None:
                    return Receipt(stored, (), duplicate=True)
            outbounds = canned(arrival)
            keep = outbounds is None  # canned answers keep nothing about the person
            if outbounds is None:
                outbounds = self.assistant.handle(self._inbound(arrival), arrival.at)
            rendered = self.render(arrival.channel, outbounds)
            erased = any(reply.erased for reply in outbounds)
            if keep:
                self._log(arrival, rendered, erased)
            queued = self._queue(arrival, rendered, erased) \
                if arrival.channel in self.queued_channels else 0
        if erased:  # nothing of the person left in the write-ahead log either
            checkpoint(db)
        if queued:
            return Receipt((), tuple(outbounds), queued=queued)
        return Receipt(tuple(rendered), tuple(outbounds))

    def render(self, channel: str, outbounds: Sequence[Outbound]) -> list[Rendered]:
        renderer = self.renderers.get(channel)
        if renderer is None:
            return [Rendered(reply.text, reply.choices) for reply in outbounds]
        return renderer(outbounds)

    @staticmethod
    def _inbound(arrival: Arrival) -> Inbound:
        """What the conversation sees: a long message is cut, so the work one message
        costs is bounded."""
        return Inbound(arrival.channel, arrival.address, arrival.text[:MAX_WORK_CHARS],
                       arrival.choice, reply_to=arrival.reply_to,
                       message_id=arrival.message_id)

    def _stored(self, arrival: Arrival) -> tuple[Rendered, ...] | None:
        """The replies given to a message seen before; () when its log is gone (erased or
        past retention); None when it was logged but never processed (then process it)."""
        row = self.assistant.db.execute(
            "SELECT replies FROM inbound_messages WHERE channel = ? AND message_id = ?",
            [arrival.channel, arrival.message_id]).fetchone()
        if row is None:
            return ()
        if row[0] is None:
            return None
        if arrival.channel in self.queued_channels:
            return ()  # its replies are in the outbox already
        return tuple(Rendered.from_json(r) for r in json.loads(row[0]))

    def _log(self, arrival: Arrival, rendered: Sequence[Rendered], erased: bool) -> None:
        """The message and its replies; after FORGET ME, neither who sent it nor what."""
        who, text = ("", "") if erased else (arrival.address, arrival.text)
        self.assistant.db.execute(
            "INSERT INTO inbound_messages (channel, message_id, address, text, received_at, "
            "replies, processed_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (channel, message_id) DO UPDATE SET address = excluded.address, "
            "text = excluded.text, replies = excluded.replies, "
            "processed_at = excluded.processed_at",
            [arrival.channel, arrival.message_id, who, text, iso(arrival.at),
             json.dumps([r.to_json() for r in rendered]), iso(arrival.at), arrival.source],
        )

    def _queue(self, arrival: Arrival, rendered: Sequence[Rendered], erased: bool) -> int:
        """Replies into the outbox; the one confirming an erasure is deleted once sent."""
        db = self.assistant.db
        kind = FAREWELL if erased else REPLY
        for n, reply in enumerate(rendered):
            enqueue(db, Message(reply_key(arrival.channel, arrival.message_id, n), kind,
                                arrival.channel, arrival.address, reply.text,
                                choices=reply.choices), arrival.at)
        return len(rendered)
