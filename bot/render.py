"""How replies look on each channel. The engine says what; these say how.

SMS: GSM-7 characters only (straight quotes, no emoji or long dashes), a plain answer in
at most two segments, choices as a numbered list ending "Reply 1, 2 or 3".
Telegram: HTML with the entry's details; choices become inline buttons (the channel's job).
Terminal and web chat show either of those, as the person chose.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

from catalogue.model import Entry
from conversations.types import Outbound

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€")
_GSM7 = GSM7_BASIC | GSM7_EXTENDED
SINGLE_SEGMENT = 160
MULTI_SEGMENT = 153
SMS_MAX_SEGMENTS = 2
TELEGRAM_LIMIT = 4096

_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u00a0": " ", "\u2022": "-", "\u00b7": "-", "\t": " ",
    "\u00bd": "1/2", "\u00bc": "1/4", "\u00be": "3/4",
    "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0152": "OE", "\u0153": "oe",
    "\u0131": "i", "\u00de": "Th", "\u00fe": "th", "\u00f0": "d",
}


def to_gsm7(text: str) -> str:
    """Text in the GSM-7 alphabet: smart punctuation straightened, accents dropped where
    GSM-7 lacks them, anything else (emoji, other scripts) left out."""
    if _GSM7.issuperset(text):  # the usual case, and ~20x faster than the loop below
        return re.sub(r" {2,}", " ", text)
    out = []
    for char in text:
        char = _REPLACEMENTS.get(char, char)
        if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in char):
            out.append(char)
            continue
        plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append("".join(c for c in plain if c in GSM7_BASIC or c in GSM7_EXTENDED))
    return re.sub(r" {2,}", " ", "".join(out))


def septets(text: str) -> int:
    """GSM-7 length: the extended characters take two septets (escape + character)."""
    return len(text) + sum(text.count(c) for c in GSM7_EXTENDED)


def segments(text: str) -> int:
    """How many SMS segments a GSM-7 text takes."""
    length = septets(text)
    if length <= SINGLE_SEGMENT:
        return 1
    return -(-length // MULTI_SEGMENT)


def fit(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` septets at a word boundary, marking the cut."""
    if septets(text) <= limit:
        return text
    cut = text
    while septets(cut) > limit - 3:
        cut = cut[: max(0, len(cut) - max(1, septets(cut) - limit + 3))]
    head, _, _ = cut.rpartition(" ")
    return (head or cut).rstrip(" ,;:-") + "..."


def sms_contact(entry: Entry) -> str:
    """The one best way to reach or apply, for an SMS."""
    for label, value in (("Call", entry.phone), ("", entry.url), ("Email", entry.email)):
        if value:
            return f"{label} {value}".strip()
    if entry.how_to_apply:
        return entry.how_to_apply
    return entry.address


def choice_prompt(count: int) -> str:
    if count == 1:
        return "Reply 1"
    numbers = [str(n) for n in range(1, count + 1)]
    return "Reply " + ", ".join(numbers[:-1]) + " or " + numbers[-1]


def render_sms(reply: Outbound) -> str:
    """One SMS body for one reply; an entry card fits two segments."""
    limit = MULTI_SEGMENT * SMS_MAX_SEGMENTS
    if reply.entry is not None:
        entry = reply.entry
        contact = to_gsm7(sms_contact(entry))
        head = to_gsm7(f"{entry.title}: ")
        room = limit - septets(head) - (septets(contact) + 1 if contact else 0)
        body = head + fit(to_gsm7(reply.text), max(room, 20))
        text = f"{body} {contact}" if contact else body
        return fit(text, limit)
    text = to_gsm7(reply.text)
    if reply.choices:
        lines = [f"{n}. {to_gsm7(choice)}" for n, choice in enumerate(reply.choices, 1)]
        text = "\n".join([text, *lines, choice_prompt(len(reply.choices))])
    return text


def render_sms_all(replies: Sequence[Outbound]) -> list[str]:
    """All replies to one message as SMS bodies, short ones joined so fewer texts are sent."""
    bodies: list[str] = []
    for reply in replies:
        body = render_sms(reply)
        if bodies and segments(bodies[-1] + "\n" + body) <= segments(bodies[-1]):
            bodies[-1] = bodies[-1] + "\n" + body
        else:
            bodies.append(body)
    return bodies


def render_telegram(reply: Outbound) -> str:
    """Telegram HTML text (parse_mode=HTML); choices are sent as buttons beside it."""
    if reply.entry is None:
        return html.escape(reply.text)
    entry = reply.entry
    parts = [f"<b>{html.escape(entry.title)}</b>", html.escape(reply.text)]
    if entry.description and entry.description != reply.text:
        parts.append(html.escape(entry.description))
    details = [
        ("How to apply", entry.how_to_apply), ("Phone", entry.phone), ("Email", entry.email),
        ("Website", entry.url), ("Where", entry.address), ("Open", entry.opening_hours),
        ("Run by", entry.provider),
    ]
    lines = [f"{label}: {html.escape(value)}" for label, value in details if value]
    if lines:
        parts.append("\n".join(lines))
    return "\n\n".join(parts)[:TELEGRAM_LIMIT]


def render_telegram_all(replies: Sequence[Outbound]) -> list[tuple[str, tuple[str, ...]]]:
    """All replies to one message as Telegram messages (HTML text, button labels). A reply
    without buttons is joined to the next, so an answer and its follow-up question arrive as
    one message: fewer sends under Telegram's 30-a-second limit. Crisis contacts always
    stand alone, first."""
    messages: list[tuple[str, tuple[str, ...]]] = []
    alone = True
    for reply in replies:
        text = render_telegram(reply)
        if messages and not alone and not messages[-1][1] and not reply.urgent:
            joined = messages[-1][0] + "\n\n" + text
            if len(joined) <= TELEGRAM_LIMIT:
                messages[-1] = (joined, reply.choices)
                continue
        messages.append((text, reply.choices))
        alone = reply.urgent
    return messages


def split_telegram(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split long text at paragraph or line breaks into pieces Telegram accepts."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = max(cut, text.rfind(" ", 0, limit))
        cut = cut if cut > 0 else limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def render_plain(reply: Outbound, channel: str) -> str:
    """The terminal's view of a reply, as the given channel would show it."""
    if channel == "sms":
        return render_sms(reply)
    text = render_telegram(reply)
    text = html.unescape(text.replace("<b>", "").replace("</b>", ""))
    if reply.choices:
        text += "\n" + "  ".join(f"[{n}] {c}" for n, c in enumerate(reply.choices, 1))
    return text
