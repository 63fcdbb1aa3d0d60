"""How replies look on each channel. The engine says what; these say how.

SMS: GSM-7 characters only (straight quotes, no emoji or long dashes), a plain answer in
at most two segments, choices as a numbered list ending "Reply 1, 2 or 3".
Telegram: HTML with the entry's details; choices become inline buttons (the channel's job).
Terminal and web chat show either of those, as the person chose.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from catalogue.model import Entry
from conversations.flows.common import GUIDE
from conversations.gsm7 import (
    GSM7_BASIC,
    GSM7_EXTENDED,
    MULTI_SEGMENT,
    SINGLE_SEGMENT,
    SMS_MAX_SEGMENTS,
    fit,
    segments,
    septets,
    to_gsm7,
)
from conversations.telegram_html import escape
from conversations.types import Outbound

__all__ = [  # the SMS alphabet's names come from conversations/gsm7.py
    "BUDGET",
    "GSM7_BASIC",
    "GSM7_EXTENDED",
    "LABEL_LIMIT",
    "LABEL_LIMITS",
    "MIN_CARD",
    "MORE_LABEL",
    "MULTI_SEGMENT",
    "SINGLE_SEGMENT",
    "SMS_MAX_SEGMENTS",
    "TELEGRAM_LIMIT",
    "choice_prompt",
    "escape",
    "fit",
    "fit_sentences",
    "render_plain",
    "render_sms",
    "render_sms_all",
    "render_telegram",
    "render_telegram_all",
    "segments",
    "septets",
    "sms_choices",
    "sms_contact",
    "split_telegram",
    "to_gsm7",
]

TELEGRAM_LIMIT = 4096


def sms_contact(entry: Entry) -> str:
    """The one best way to reach or apply, for an SMS."""
    for label, value in (("Call", entry.phone), ("", entry.url), ("Email", entry.email)):
        if value:
            return f"{label} {value}".strip()
    if entry.how_to_apply:
        return entry.how_to_apply
    return entry.address


MORE_LABEL = "More"  # the last choice of a paged list (conversations/flows/common.py)
LABEL_LIMIT = 60  # septets of one numbered choice on SMS
LABEL_LIMITS = (LABEL_LIMIT, 32, 22)  # tried in turn until a reply fits
BUDGET = MULTI_SEGMENT * SMS_MAX_SEGMENTS  # everything sent for one message: two segments
MIN_CARD = 60  # an entry's summary is never cut shorter than this to make room


# where a sentence ends: ".", "!" or "?" (and a closing quote) before the next one starts;
# '..."Do you get Universal Credit?". You might' ends at the full stop, not the "?"
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]?[A-Z0-9])")


def _sentences(text: str) -> list[str]:
    """`text` in its sentences, each with the space before it: joined, `text` again."""
    bounds = [0, *(end.end() for end in _SENTENCE_END.finditer(text)), len(text)]
    return [text[start:end] for start, end in itertools.pairwise(bounds)]


def _heads(text: str) -> list[str]:
    """`text` up to the end of each sentence but its last, shortest first."""
    sentences = _sentences(text)
    return ["".join(sentences[:n]) for n in range(1, len(sentences))]


def fit_sentences(text: str, limit: int) -> str:
    """`text` within `limit` septets as its leading whole sentences; cut at a word (fit)
    only when its first sentence alone is longer."""
    if septets(text) <= limit:
        return text
    whole = [head for head in _heads(text) if septets(head) <= limit]
    return whole[-1] if whole else fit(text, limit)


def choice_prompt(count: int, more: bool = False) -> str:
    if count == 1:
        prompt = "Reply 1"
    else:
        numbers = [str(n) for n in range(1, count + 1)]
        prompt = "Reply " + ", ".join(numbers[:-1]) + " or " + numbers[-1]
    return prompt + ", or MORE" if more else prompt


def sms_choices(choices: Sequence[str], label_limit: int = LABEL_LIMIT) -> list[str]:
    """Numbered lines and the "Reply 1, 2 or 3" prompt; a last "More" becomes ", or MORE"."""
    more = bool(choices) and choices[-1] == MORE_LABEL
    listed = list(choices[:-1] if more else choices)
    if not listed:
        return ["Reply MORE"] if more else []
    lines = [f"{n}. {fit(to_gsm7(choice), label_limit)}" for n, choice in enumerate(listed, 1)]
    return [*lines, choice_prompt(len(listed), more)]


def render_sms(reply: Outbound, room: int = BUDGET, label_limit: int = LABEL_LIMIT) -> str:
    """One SMS body for one reply within `room` septets: an entry card is its title, the
    summary cut to fit and the best contact; choices are numbered and never cut (their
    labels to `label_limit`)."""
    tail = sms_choices(reply.choices, label_limit)
    fixed = septets("\n".join(tail)) + 1 if tail else 0
    if reply.entry is not None:
        entry = reply.entry
        contact = to_gsm7(sms_contact(entry))
        head = to_gsm7(f"{entry.title}: ")
        space = room - fixed - septets(head) - (septets(contact) + 1 if contact else 0)
        body = head + fit_sentences(to_gsm7(reply.text), max(space, 20))
        text = fit(f"{body} {contact}" if contact else body, max(room - fixed, 20))
    else:
        text = fit_sentences(to_gsm7(reply.text), max(room - fixed, 20))
    return "\n".join([text, *tail]) if text else "\n".join(tail)


def render_sms_all(replies: Sequence[Outbound]) -> list[str]:
    """All replies to one message as SMS bodies: crisis contacts and safety steps first and
    whole (`Outbound.whole`); the rest as one body of at most two segments. When they do not
    fit, the longest texts are cut to whole sentences (entry summaries last, never below
    MIN_CARD), never the choices; then whole sentences are left out (`_fewer_sentences`),
    and only when that is not enough is a text cut inside a sentence."""
    urgent = [to_gsm7(r.text) for r in replies if r.whole]
    rest = [r for r in replies if not r.whole]
    if not rest:
        return urgent
    for texts in _fewer_sentences(rest):  # long choice labels are shortened before a
        for label_limit in LABEL_LIMITS:  # sentence is left out
            rooms = _rooms(texts, label_limit)
            bodies = [render_sms(reply, room, label_limit)
                      for reply, room in zip(texts, rooms, strict=True)]
            joined = "\n".join(b for b in bodies if b)
            if septets(joined) <= BUDGET:
                return [*urgent, joined]
    # the floors themselves do not fit: the texts without choices share what the choices
    # leave, so "Reply 1 or 2" is never what is cut
    asking = [n for n, reply in enumerate(texts) if reply.choices]
    others = [n for n in range(len(texts)) if n not in asking]
    left = BUDGET - sum(septets(bodies[n]) for n in asking) - (len(bodies) - 1)
    if others and left >= 20 * len(others):
        share = left // len(others)  # a card keeps its title and contact (render_sms)
        bodies = [render_sms(texts[n], share, label_limit) if n in others else body
                  for n, body in enumerate(bodies)]
        joined = "\n".join(b for b in bodies if b)
    if septets(joined) > BUDGET and asking:  # a question's own text is too long: cut it,
        used = sum(septets(bodies[n]) for n in others) + len(bodies) - 1  # not its choices
        share = (BUDGET - used) // len(asking)
        bodies = [render_sms(texts[n], share, label_limit) if n in asking else body
                  for n, body in enumerate(bodies)]
        joined = "\n".join(b for b in bodies if b)
    return [*urgent, fit(joined, BUDGET)]


def _without_last(text: str) -> str | None:
    """`text` without its last sentence but the first, and never without "This is a guide,
    not a decision" (GUIDE, which every verdict keeps); None when none can go."""
    sentences = _sentences(text)
    going = [n for n, sentence in enumerate(sentences) if n and sentence.strip() != GUIDE]
    if not going:
        return None
    return "".join(sentences[:going[-1]] + sentences[going[-1] + 1:])


def _fewer_sentences(replies: Sequence[Outbound]) -> Iterator[list[Outbound]]:
    """The replies, then again and again with one whole sentence fewer: the last sentence of
    the longest text that can lose one (`_without_last`). Entry cards are cut by their room
    instead, and a question keeps the sentence that asks it (its text ending "?" or ":")."""
    texts = list(replies)
    yield texts
    while True:
        shorter = {n: cut for n, reply in enumerate(texts) if reply.entry is None
                   and not (reply.choices and reply.text.rstrip().endswith(("?", ":")))
                   and (cut := _without_last(reply.text)) is not None}
        if not shorter:
            return
        longest = max(shorter, key=lambda n: septets(texts[n].text))
        texts = [replace(reply, text=shorter[n]) if n == longest else reply
                 for n, reply in enumerate(texts)]
        yield texts


def _rooms(replies: Sequence[Outbound], label_limit: int) -> list[int]:
    """Septets each reply may take so that, joined by newlines, they fit the budget: every
    reply its full length when that fits; otherwise the longest are cut to an equal share
    (water-filling), entry cards keeping at least MIN_CARD of summary."""
    full = [septets(render_sms(r, 10_000, label_limit)) for r in replies]
    budget = BUDGET - (len(replies) - 1)
    if sum(full) <= budget:
        return full
    floors = [_floor(r, label_limit) for r in replies]
    rooms = list(floors)
    spare = budget - sum(floors)
    open_ = sorted(range(len(replies)), key=lambda i: full[i] - floors[i])
    for place, i in enumerate(open_):
        share = spare // (len(open_) - place) if spare > 0 else 0
        grant = min(full[i] - floors[i], share)
        rooms[i] += grant
        spare -= grant
    return rooms


def _floor(reply: Outbound, label_limit: int) -> int:
    """The least a reply can be cut to: a question with choices not at all, a card to its
    title and contact with MIN_CARD of summary, any other text to one segment."""
    whole = septets(render_sms(reply, 10_000, label_limit))
    if reply.entry is not None:
        entry = reply.entry
        head = septets(to_gsm7(f"{entry.title}: ")) + septets(to_gsm7(sms_contact(entry))) + 1
        return min(whole, head + MIN_CARD)
    if reply.choices:
        return whole
    return min(whole, SINGLE_SEGMENT)


def render_telegram(reply: Outbound) -> str:
    """Telegram HTML text (parse_mode=HTML); choices are sent as buttons beside it."""
    if reply.entry is None:
        return escape(reply.text)
    entry = reply.entry
    parts = [f"<b>{escape(entry.title)}</b>", escape(reply.text)]
    if entry.description and entry.description != reply.text:
        parts.append(escape(entry.description))
    details = [
        ("How to apply", entry.how_to_apply), ("Phone", entry.phone), ("Email", entry.email),
        ("Website", entry.url), ("Where", entry.address), ("Open", entry.opening_hours),
        ("Run by", entry.provider),
    ]
    lines = [f"{label}: {escape(value)}" for label, value in details if value]
    if lines:
        parts.append("\n".join(lines))
    return "\n\n".join(parts)[:TELEGRAM_LIMIT]


def render_telegram_all(replies: Sequence[Outbound]) -> list[tuple[str, tuple[str, ...]]]:
    """All replies to one message as Telegram messages (HTML text, button labels). A reply
    without buttons is joined to the next, so an answer and its follow-up question arrive as
    one message: fewer sends under Telegram's 30-a-second limit. Crisis contacts and safety
    steps always stand alone, first."""
    messages: list[tuple[str, tuple[str, ...]]] = []
    alone = True
    for reply in replies:
        text = render_telegram(reply)
        if messages and not alone and not messages[-1][1] and not reply.whole:
            joined = messages[-1][0] + "\n\n" + text
            if len(joined) <= TELEGRAM_LIMIT:
                messages[-1] = (joined, reply.choices)
                continue
        messages.append((text, reply.choices))
        alone = reply.whole
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
