"""A councillor answers on Telegram by replying to an alert or a digest.

The Telegram adapter fills `Inbound.reply_to` with the id of the message replied to; the
outbox keeps each sent row's `provider_id`, so the reply finds the alert or digest, and
through it the entry ("items" in the row's extra; a digest's items are numbered and the
reply starts with the number when there are several). Nothing goes to residents until the
councillor presses "Send it": the draft waits in `councillor_drafts` for a day, and any
other message drops it (and goes to the conversation engine as usual). A draft keeps the id
of the councillor's message it came from, so "Send it" pressed under the preview of an
earlier draft, since replaced, sends neither (conversations/outbox.py `reply_key`).

`handle_councillor_reply` is called before the engine; None means "not a councillor's
reply: carry on".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlite_utils

from catalogue.model import Entry
from catalogue.store import row_to_entry
from conversations.councillors.directory import (
    Councillor,
    councillor_by_chat,
    speaking_for,
    wards_of,
)
from conversations.councillors.responses import (
    ResponseError,
    audience,
    check_text,
    send_response,
    sms_text,
)
from conversations.outbox import REPLY, is_reply_to, iso, replied_to
from conversations.types import Inbound, Outbound

DRAFT_LIFETIME = timedelta(days=1)
SEND, DONT = "Send it", "Don't send"
REPLIABLE = ("objection-alert", "digest")
_NUMBERED = re.compile(r"^\s*#?(\d{1,2})\s*[.):-]?\s+(.+)$", re.S)
_SEND_WORDS = {"send", "send it", "yes", "y", "ok", "okay", "go", "confirm"}
_DONT_WORDS = {"no", "n", "don't send", "dont send", "cancel", "stop", "don't", "dont"}


def handle_councillor_reply(db: sqlite_utils.Database, inbound: Inbound,
                            now: datetime) -> list[Outbound] | None:
    """A councillor's reply to an alert or digest, or their answer to "Send it?"; None for
    any other message. Call inside the transaction that handles the message."""
    if inbound.channel != "telegram":
        return None
    councillor = councillor_by_chat(db, inbound.address)
    if councillor is None:
        return None
    if inbound.reply_to and inbound.choice is None:  # a button press names its message too
        items = replied_items(db, inbound.address, inbound.reply_to)
        if items is None:
            return None
        return draft(db, councillor, items, inbound.text, now, inbound.message_id)
    return decide(db, councillor, inbound, now)


def replied_items(db: sqlite_utils.Database, chat_id: str, provider_id: str
                  ) -> list[str] | None:
    """The entry ids of the alert or digest replied to, or None when it is neither."""
    sent = replied_to(db, "telegram", chat_id, provider_id)
    if sent is None or sent.kind not in REPLIABLE:
        return None
    return [str(item) for item in sent.extra.get("items", [])]


def get_entry(db: sqlite_utils.Database, entry_id: str) -> Entry | None:
    """The entry, or one an import removed since (catalogue/schema.py `removed_entries`),
    so that a dropped plan's objectors can still be answered."""
    rows = list(db.table("entries").rows_where("id = ?", [entry_id]))
    if rows:
        return row_to_entry(rows[0])
    gone = db.execute("SELECT kind, title, summary FROM removed_entries WHERE id = ?",
                      [entry_id]).fetchone()
    return Entry(entry_id, gone[0], gone[1], gone[2]) if gone else None


def draft(db: sqlite_utils.Database, councillor: Councillor, items: list[str], text: str,
          now: datetime, message_id: str | None = None) -> list[Outbound]:
    entries = [e for e in (get_entry(db, i) for i in items) if e is not None]
    if not entries:
        return [Outbound("That message is about nothing residents objected to, so there is "
                         "nobody to answer.")]
    entry, text = pick_item(entries, text)
    if entry is None:
        listed = "\n".join(f"{n}. {e.title}" for n, e in enumerate(entries, 1))
        return [Outbound("Which item is your response about? Reply to the digest again, "
                         f'starting with its number, e.g. "1 We have paused it".\n{listed}')]
    if not may_answer(db, councillor, entry):
        yours = "your wards" if len(wards_of(db, councillor)) > 1 else "your ward"
        return [Outbound(f"Not sent: {entry.title} is for {' and '.join(entry.wards)}, and "
                         f"nobody in {yours} objected to it, so its own ward's "
                         "councillors answer it (or a council officer, with localsupport "
                         "respond).")]
    speaking = speaker(db, councillor, entry)
    try:
        check_text(entry, text, speaking)
    except ResponseError as error:
        return [Outbound(f"Not sent: {error}.")]
    reach = audience(db, entry.id, text)
    if not reach.count:
        return [Outbound(f"Nobody who objected to {entry.title} can be told now: "
                         f"{reach.describe()}.")]
    db.execute("INSERT INTO councillor_drafts (councillor_id, entry_id, text, created_at, "
               "message_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (councillor_id) DO UPDATE SET "
               "entry_id = excluded.entry_id, text = excluded.text, "
               "created_at = excluded.created_at, message_id = excluded.message_id",
               [councillor.id, entry.id, text.strip(), iso(now), message_id])
    return [Outbound(f"This goes to {reach.describe()}, who objected to {entry.title}. "
                     f"By SMS they will read:\n\n{sms_text(entry, text, speaking)}\n\n"
                     "Send it?", choices=(SEND, DONT))]


def may_answer(db: sqlite_utils.Database, councillor: Councillor, entry: Entry) -> bool:
    """A councillor answers for the whole council's entries, their own ward's, and any
    that residents of their ward objected to; not another ward's plan (a digest lists the
    whole council's)."""
    theirs = {ward.lower() for ward in wards_of(db, councillor)}  # two wards: both
    if not entry.wards or theirs & {w.lower() for w in entry.wards}:
        return True
    return any(db.execute("SELECT 1 FROM objections WHERE entry_id = ? AND lower(ward) = ?",
                          [entry.id, ward]).fetchone() for ward in theirs)


def speaker(db: sqlite_utils.Database, councillor: Councillor, entry: Entry) -> Councillor:
    """The councillor named for the ward the entry concerns (one for two wards answering
    a Riverside plan is "Riverside councillor" to its objectors, not their first ward's)."""
    objected_from = [row[0] for row in db.execute(
        "SELECT DISTINCT ward FROM objections WHERE entry_id = ?", [entry.id])]
    return speaking_for(db, councillor, list(entry.wards), objected_from)


def under_earlier_draft(db: sqlite_utils.Database, inbound: Inbound,
                        message_id: str | None) -> bool:
    """Whether a button was pressed under our preview of another draft than the waiting
    one: its message is our reply to some other message of the councillor's."""
    if message_id is None or inbound.reply_to is None:
        return False
    pressed_on = replied_to(db, "telegram", inbound.address, inbound.reply_to)
    return (pressed_on is not None and pressed_on.kind == REPLY
            and not is_reply_to(pressed_on.key, "telegram", message_id))


def pick_item(entries: list[Entry], text: str) -> tuple[Entry | None, str]:
    """The entry a reply is about, and the response without its item number."""
    numbered = _NUMBERED.match(text)
    if numbered and 1 <= int(numbered.group(1)) <= len(entries):
        return entries[int(numbered.group(1)) - 1], numbered.group(2).strip()
    if len(entries) == 1:
        return entries[0], text.strip()
    return None, text


def decide(db: sqlite_utils.Database, councillor: Councillor, inbound: Inbound,
           now: datetime) -> list[Outbound] | None:
    """The councillor's answer to "Send it?"."""
    row = db.execute("SELECT entry_id, text, created_at, message_id FROM councillor_drafts "
                     "WHERE councillor_id = ?", [councillor.id]).fetchone()
    if row is None:
        return None
    entry_id, text, created_at, message_id = row
    label = inbound.text.strip().lower()
    if inbound.choice is not None and label in (SEND.lower(), DONT.lower()) and \
            under_earlier_draft(db, inbound, message_id):
        return [Outbound("Those buttons are under an earlier draft, which your later reply "
                         "replaced, so nothing was sent. Your latest draft is still waiting: "
                         "use the buttons under it.")]
    db.execute("DELETE FROM councillor_drafts WHERE councillor_id = ?", [councillor.id])
    said = inbound.text.strip().lower().strip(".!")
    if inbound.choice is not None:  # a button: only ours count (its label comes as text)
        sending, dropping = said == SEND.lower(), said == DONT.lower()
    else:
        sending, dropping = said in _SEND_WORDS, said in _DONT_WORDS
    if dropping:
        return [Outbound("Not sent.")]
    if not sending:
        return None  # something else: the draft is dropped and the engine answers
    if now - datetime.fromisoformat(created_at) > DRAFT_LIFETIME:
        return [Outbound("Not sent: that draft is more than a day old. Reply to the alert "
                         "or digest again.")]
    entry = get_entry(db, entry_id)
    if entry is None:
        return [Outbound("Not sent: that entry is no longer in the catalogue.")]
    sent = send_response(db, entry, text, now, speaker(db, councillor, entry))
    count = sum(sent.queued.values())
    parts = ", ".join(f"{n} by {'SMS' if c == 'sms' else 'Telegram'}"
                      for c, n in sorted(sent.queued.items()))
    return [Outbound(f"Sent to {count} {'person' if count == 1 else 'people'} who objected "
                     f"to {entry.title}" + (f" ({parts})" if parts else "")
                     + ". The next digest shows it as answered.")]
