"""FORGET ME and what councillors have not yet been sent: an alert or a weekly digest still
waiting in the outbox (email down, Telegram not set up) loses the erased resident's own
words, an objection's reason as it quotes them (redacted, shortened, and escaped for the
email's HTML and for Telegram). What was already sent cannot be called back; the counts
stay, as they never name anyone."""

from __future__ import annotations

import html
import json

import sqlite_utils
from markupsafe import escape as jinja_escape

from conversations.councillors.reasons import known_words, redact_reason, shorten

REMOVED = "(removed: the resident asked for their details to be deleted)"
KINDS = ("objection-alert", "digest")  # conversations/councillors/alerts.py, bot/digest/
UNSENT = ("queued", "sending", "failed")  # a failed row can still be sent again


def forget_reasons(db: sqlite_utils.Database, channel: str, address: str) -> int:
    """Call before the person's objections are erased; returns the outbox rows changed."""
    present = set(db.table_names())
    if not {"objections", "outbox", "entries", "removed_entries"} <= present:
        return 0  # a database without the catalogue has no alerts or digests to clean
    reasons = db.execute(
        "SELECT o.reason, coalesce(e.title, r.title, ''), o.ward FROM objections o "
        "LEFT JOIN entries e ON e.id = o.entry_id LEFT JOIN removed_entries r "
        "ON r.id = o.entry_id WHERE o.channel = ? AND o.address = ? AND o.reason != ''",
        [channel, address]).fetchall()
    if not reasons:
        return 0
    wards = [row[0] for table in ("wards", "councillors") if table in present
             for row in db.execute(f"SELECT DISTINCT ward FROM [{table}]") if row[0]]
    titles = [row[0] for row in db.execute(
        "SELECT title FROM entries UNION ALL SELECT title FROM removed_entries")]
    everything = known_words([*titles, *wards])  # as the digest reads reasons
    shown: set[str] = set()
    for reason, title, ward in reasons:
        for known in (everything, known_words([title, ward or "", *wards])):  # as an alert
            quoted = shorten(redact_reason(reason, known))
            shown |= {quoted, html.escape(quoted, quote=False), str(jinja_escape(quoted))}
    changed = 0
    for row_id, body, extra in db.execute(
            f"SELECT id, body, extra FROM outbox WHERE kind IN ({', '.join('?' * len(KINDS))}) "
            f"AND state IN ({', '.join('?' * len(UNSENT))})", [*KINDS, *UNSENT]).fetchall():
        new_body, new_extra = _without(body, shown), extra
        fields = json.loads(extra) if extra else {}
        if isinstance(fields.get("html"), str) and \
                (page := _without(fields["html"], shown)) != fields["html"]:
            new_extra = json.dumps({**fields, "html": page})
        if new_body != body or new_extra != extra:
            db.execute("UPDATE outbox SET body = ?, extra = ? WHERE id = ?",
                       [new_body, new_extra, row_id])
            changed += 1
    return changed


def _without(text: str, shown: set[str]) -> str:
    """Each reason as the messages quote it, in straight or curly quotes (a bare "no" is
    not taken out of a sentence)."""
    for quoted in shown:
        for opening, closing in (('"', '"'), ("\u201c", "\u201d")):
            text = text.replace(f"{opening}{quoted}{closing}", REMOVED)
    return text
