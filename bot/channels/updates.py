"""What a Telegram update must look like before python-telegram-bot is given it.

Only the kinds of update the bot asks for (`ALLOWED_UPDATES` in bot/channels/telegram.py)
are processed (others are acknowledged and ignored), and the fields the adapter reads must
have the types the Bot API documents (https://core.telegram.org/bots/api#update):
anything else is "not a Telegram update" (400) instead of an exception somewhere inside a
handler.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Union

Spec = Mapping[str, tuple[bool, Union[type, "Spec"]]]  # field: (required, type or shape)

USER: Spec = {"id": (True, int), "is_bot": (True, bool), "first_name": (True, str)}
CHAT: Spec = {"id": (True, int), "type": (True, str)}
REPLIED: Spec = {"message_id": (True, int), "date": (True, int), "chat": (True, CHAT)}
MESSAGE: Spec = {
    "message_id": (True, int), "date": (True, int), "chat": (True, CHAT),
    "from": (False, USER), "text": (False, str), "caption": (False, str),
    "reply_to_message": (False, REPLIED), "photo": (False, list),
    "document": (False, dict), "sticker": (False, dict), "voice": (False, dict),
}
CALLBACK_QUERY: Spec = {
    "id": (True, str), "from": (True, USER), "chat_instance": (True, str),
    "data": (False, str), "message": (False, REPLIED),
}
MEMBER: Spec = {"status": (True, str), "user": (True, USER)}
CHAT_MEMBER_UPDATED: Spec = {
    "chat": (True, CHAT), "from": (True, USER), "date": (True, int),
    "old_chat_member": (True, MEMBER), "new_chat_member": (True, MEMBER),
}
KINDS: Mapping[str, Spec] = {
    "message": MESSAGE, "edited_message": MESSAGE, "callback_query": CALLBACK_QUERY,
    "my_chat_member": CHAT_MEMBER_UPDATED,
}


def matches(value: Any, expected: type | Spec) -> bool:
    if isinstance(expected, type):
        if expected is int:  # JSON true is not a number
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, expected)
    if not isinstance(value, dict):
        return False
    for name, (required, inner) in expected.items():
        if name not in value:
            if required:
                return False
            continue
        if not matches(value[name], inner):
            return False
    return True


def problem(data: Any) -> str | None:
    """Why `data` is not an update the bot takes; None when it is."""
    if not isinstance(data, dict):
        return "an update is a JSON object"
    if not matches(data.get("update_id"), int):
        return "no update_id"
    kinds = [kind for kind in KINDS if kind in data]
    if len(kinds) > 1:
        return "more than one of " + ", ".join(KINDS)
    if kinds and not matches(data[kinds[0]], KINDS[kinds[0]]):
        return f"a malformed {kinds[0]}"
    return None


def wanted(data: Mapping[str, Any]) -> bool:
    """A well-formed update (see `problem`) of a kind the bot handles."""
    return any(kind in data for kind in KINDS)
