"""The catalogue's records: what a council offers and the questions that decide entitlement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["service", "entitlement", "volunteering", "proposal"]
KINDS: tuple[Kind, ...] = ("service", "entitlement", "volunteering", "proposal")

# What people ask about a service, kept from directory feeds (catalogue/oruk.py); optional
# columns of the catalogue CSV, `;`-separated where LIST_COLUMNS says so.
DETAIL_COLUMNS: tuple[str, ...] = (
    "fees", "eligibility", "languages", "areas_served", "accessibility", "required_documents",
)
LIST_COLUMNS = frozenset({"keywords", "wards", "languages", "areas_served", "criteria"})

# Catalogue CSV columns, in the order export writes them (see INTERFACE.md).
COLUMNS: tuple[str, ...] = (
    "id", "kind", "title", "summary", "description", "keywords", "category",
    "url", "phone", "email", "address", "opening_hours", "provider", "how_to_apply",
    "wards", "min_age", "max_age", "criteria", *DETAIL_COLUMNS,
    "alert_at",  # objections from one ward that alert its councillors (conversations/councillors)
    "lgsl",  # the LGA service list code the entry provides (catalogue/lgsl.py)
)
REQUIRED: tuple[str, ...] = ("id", "kind", "title", "summary")


@dataclass(frozen=True)
class Criterion:
    """One circumstance an entitlement depends on: `code` must hold, or must not when `negated`."""

    code: str
    negated: bool = False

    def __str__(self) -> str:
        return f"not {self.code}" if self.negated else self.code


@dataclass(frozen=True)
class Entry:
    """One row of the council's catalogue."""

    id: str
    kind: Kind
    title: str
    summary: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    category: str = ""
    url: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    opening_hours: str = ""  # every schedule, "; "-separated
    provider: str = ""
    how_to_apply: str = ""
    wards: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    criteria: tuple[Criterion, ...] = field(default=())
    fees: str = ""  # costs and fees, as the provider words them
    eligibility: str = ""  # who it is for, in words (the ages and criteria are above)
    languages: tuple[str, ...] = ()  # spoken there, besides English
    areas_served: tuple[str, ...] = ()  # as the provider names them, not wards
    accessibility: str = ""  # step-free access, hearing loops, ...
    required_documents: str = ""  # what to bring or send when applying
    alert_at: int | None = None  # None: the council's OBJECTION_ALERT_AT
    lgsl: str = ""  # its code in the LGA's service list, e.g. "4" (catalogue/lgsl.py)

    @property
    def has_conditions(self) -> bool:
        return self.min_age is not None or self.max_age is not None or bool(self.criteria)


@dataclass(frozen=True)
class Circumstance:
    """A yes/no question the assistant may ask, e.g. `income_benefit`."""

    code: str
    question: str
