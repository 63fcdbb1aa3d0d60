"""Logs never hold who wrote to us: phone numbers, chat ids and email addresses are
replaced before a record is written (`Redact`, installed on the handlers by `serve` in
bot/app.py). Message texts are never logged in the first place (bot/guard.py logs an
exception's type and place, not its message)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

NUMBER = re.compile(r"(?<!\w)\+?\d(?: ?\d){5,}(?!\w)")  # +447700900123, 07700 900123, chat ids
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    return NUMBER.sub("[number]", EMAIL.sub("[email]", text))


class Redact(logging.Filter):
    """Rewrites a record's message (and its traceback) with numbers and addresses
    replaced; the record is then written by any handler as usual."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def redact_logs(handlers: Iterable[logging.Handler]) -> None:
    for handler in handlers:
        if not any(isinstance(f, Redact) for f in handler.filters):
            handler.addFilter(Redact())
