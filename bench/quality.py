"""Matching quality, scored the way the held-out sets are: a query with right answers
scores top-1 when the assistant answered and its first match is right, top-3 when any of
the first three is; a query with none (NONE) scores when the assistant did not answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.data import Query


@dataclass(frozen=True)
class Answer:
    answered: bool
    ids: tuple[str, ...]  # best first


def score(queries: Sequence[Query], answers: Sequence[Answer]) -> dict[str, float]:
    """{"top1", "top3", "reject", "answerable", "unanswerable"}: shares (0..1) and counts."""
    top1 = top3 = reject = 0
    for query, answer in zip(queries, answers, strict=True):
        if not query.expected:
            reject += not answer.answered
        elif answer.answered:
            top1 += bool(answer.ids) and answer.ids[0] in query.expected
            top3 += any(i in query.expected for i in answer.ids[:3])
    answerable = sum(1 for q in queries if q.expected)
    unanswerable = len(queries) - answerable
    return {
        "top1": round(top1 / max(1, answerable), 4),
        "top3": round(top3 / max(1, answerable), 4),
        "reject": round(reject / max(1, unanswerable), 4),
        "answerable": answerable,
        "unanswerable": unanswerable,
    }
