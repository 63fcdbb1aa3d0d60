"""Councillors hear what residents say: who represents each ward, objection alerts, and
"you said, we did" responses. Transport-free: everything here queues outbox rows
(conversations/outbox.py) inside the caller's transaction; bot/digest/ builds the weekly
digests from the same tables."""

from conversations.councillors.alerts import configure, objection_recorded
from conversations.councillors.directory import (
    Councillor,
    all_councillors,
    councillors_for_ward,
    import_councillors,
)
from conversations.councillors.replies import handle_councillor_reply
from conversations.councillors.responses import audience, send_response

__all__ = ["Councillor", "all_councillors", "audience", "configure", "councillors_for_ward",
           "handle_councillor_reply", "import_councillors", "objection_recorded",
           "send_response"]
