"""Text put into Telegram's HTML (parse_mode=HTML) by anything that writes Telegram messages:
bot/render.py for replies, and the messages the assistant starts (conversations/councillors/,
conversations/timebank_notices.py)."""

from __future__ import annotations

import html


def escape(text: str) -> str:
    """Only <, > and & need it; quotes stay as typed, so a stored or logged message reads as
    the person saw it."""
    return html.escape(text, quote=False)
