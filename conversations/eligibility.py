"""Whether a person is likely to get an entitlement, from what they have told us. Pure.

Answers are a mapping: `"age"` -> whole years, a list of them (several children: "my kids
are 7 and 12") or None, circumstance code -> True/False/None. A key that is present was
asked; None means the person did not know (or would not say).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from catalogue.model import Criterion, Entry

Status = Literal["likely", "unlikely", "unknown"]
Answers = Mapping[str, "int | bool | list[int] | None"]
AGE = "age"


@dataclass(frozen=True)
class Assessment:
    """The verdict for one entry: `reasons` say why it is unlikely, `unsure` lists what the
    person did not know, `next_question` is the first thing not yet asked (None when the
    answers already decide it). For several children, `ages` are those of the children it
    is about (the ages it is for) and `too_old_or_young` those of the others."""

    entry: Entry
    status: Status
    reasons: tuple[str, ...] = ()
    unsure: tuple[str, ...] = ()
    next_question: str | None = None
    ages: tuple[int, ...] = ()
    too_old_or_young: tuple[int, ...] = ()


def plural(who: str) -> bool:
    """Whether `who` takes "are": "you", "they", "your children" (aged 7 and 12)."""
    return who in ("you", "they") or who.startswith("your children")


def question_for(code: str, questions: Mapping[str, str]) -> str:
    """The question to ask for a circumstance code (a readable fallback when none is set)."""
    if code == AGE:
        return "How old are you? Reply with your age in years, or SKIP."
    return questions.get(code) or f"Does this apply to you: {code.replace('_', ' ')}?"


def age_range(entry: Entry) -> str:
    low, high = entry.min_age, entry.max_age
    if low is not None and high is not None:
        return f"ages {low} to {high}"
    if low is not None:
        return f"people aged {low} or over"
    return f"people aged {high} or under"


def conditions(entry: Entry) -> list[str]:
    """What the entry depends on, in the order to ask: age first, then each circumstance."""
    keys = [AGE] if entry.min_age is not None or entry.max_age is not None else []
    return keys + [c.code for c in entry.criteria if c.code not in keys]


def age_fails(entry: Entry, age: int) -> bool:
    return (entry.min_age is not None and age < entry.min_age) or (
        entry.max_age is not None and age > entry.max_age
    )


def criterion_reason(criterion: Criterion, questions: Mapping[str, str]) -> str:
    said = "Yes" if criterion.negated else "No"
    return f'you answered {said} to "{question_for(criterion.code, questions)}"'


def assess(
    entry: Entry, answers: Answers, questions: Mapping[str, str] | None = None,
    who: str = "you",
) -> Assessment:
    """Likely when every condition holds, unlikely when any fails, unknown otherwise.
    `who` names the person the answers are about in the reasons ("your son")."""
    questions = questions or {}
    reasons: list[str] = []
    unsure: list[str] = []
    unasked: list[str] = []
    ages: tuple[int, ...] = ()
    others: tuple[int, ...] = ()
    if AGE in conditions(entry):
        age = answers.get(AGE)
        if isinstance(age, list) and age:  # several children: it fits if it fits one
            ages = tuple(a for a in age if not age_fails(entry, a))
            others = tuple(a for a in age if age_fails(entry, a))
            if not ages:
                reasons.append(f"it is for {age_range(entry)} and you said {who} are "
                               + and_list(age))
        elif AGE not in answers:
            unasked.append(AGE)
        elif not isinstance(age, int) or isinstance(age, bool):
            unsure.append(AGE)
        elif age_fails(entry, age):
            verb = "are" if plural(who) else "is"
            reasons.append(f"it is for {age_range(entry)} and you said {who} {verb} {age}")
    for criterion in entry.criteria:
        value = answers.get(criterion.code)
        if criterion.code not in answers:
            unasked.append(criterion.code)
        elif value is None:
            unsure.append(criterion.code)
        elif bool(value) == criterion.negated:
            reasons.append(criterion_reason(criterion, questions))
    if reasons:
        return Assessment(entry, "unlikely", tuple(reasons), tuple(unsure))
    if unasked or unsure:
        return Assessment(entry, "unknown", (), tuple(unsure), unasked[0] if unasked else None,
                          ages, others)
    return Assessment(entry, "likely", ages=ages, too_old_or_young=others)


def and_list(numbers: Iterable[int]) -> str:
    """"7", "7 and 12", "3, 7 and 12"."""
    said = [str(n) for n in numbers]
    return ", ".join(said[:-1]) + " and " + said[-1] if len(said) > 1 else "".join(said)


def checkable(entry: Entry) -> bool:
    """An entitlement the assistant can check: it has an age limit or criteria."""
    return entry.kind == "entitlement" and entry.has_conditions


def next_question_across(
    entries: Iterable[Entry], answers: Answers, questions: Mapping[str, str] | None = None
) -> str | None:
    """The first unasked question any still-possible entry needs (one round for them all)."""
    for entry in entries:
        found = assess(entry, answers, questions).next_question
        if found is not None:
            return found
    return None


def fitting(
    entries: Iterable[Entry], answers: Answers, questions: Mapping[str, str] | None = None,
    *, exclude: str = "",
) -> list[Entry]:
    """Checkable entitlements the answers satisfy outright ("you might try Y")."""
    return [
        e for e in entries
        if e.id != exclude and checkable(e) and assess(e, answers, questions).status == "likely"
    ]
