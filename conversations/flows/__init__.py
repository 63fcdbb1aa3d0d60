"""Conversation flows: plain state machines whose state lives in the session.

Each flow module has `handle(ctx, session, text) -> list[Outbound] | None` for the
session states it owns (None: the message is not an answer to the question asked, so
the engine treats it as a new message) and functions the engine calls to start it.
"""
