"""An entry's code in the LGA's Local Government Service List (LGSL), the list every
council's services map to (tests/data/README.md): what links a council's own entries to
what residents asked before (catalogue/questions.py)."""

from __future__ import annotations

import re

from catalogue.model import Entry

_LGSL_ID = re.compile(r"lgsl-(\d+)")
# how a council writes an entry's LGSL code: "4", "LGSL 4", "lgsl-4", or the esd standards
# address of the service, "http://id.esd.org.uk/service/4"
_LGSL_WRITTEN = re.compile(
    r"(?:lgsl[\s:-]*|(?:https?://)?id\.esd\.org\.uk/service/)?0*([0-9]{1,5})(?:\.0+)?/?",
    re.IGNORECASE)


def lgsl_code(entry_id: str) -> str | None:
    """The LGSL code an entry's id names ("lgsl-59" -> "59"), or None."""
    found = _LGSL_ID.fullmatch(entry_id)
    return found.group(1) if found else None


def lgsl_code_in(text: str) -> str | None:
    """The LGSL code a catalogue cell or feed's taxonomy term writes ("LGSL 4" -> "4"; a
    spreadsheet's "4.0" too)."""
    found = _LGSL_WRITTEN.fullmatch(text.strip())
    return found.group(1) if found and int(found.group(1)) > 0 else None


def entry_code(entry: Entry) -> str | None:
    """The LGSL code an entry provides: its `lgsl` cell, else the one its id names."""
    return entry.lgsl or lgsl_code(entry.id)
