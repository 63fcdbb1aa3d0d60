"""Feedback: "Was this helpful?" after an answer, and "rate X" (1 to 5) for any entry;
each followed by an optional comment (at most 500 characters). See feedback.md.

States: `feedback:helpful`, `feedback:rating`, `feedback:comment`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from catalogue.model import Entry
from conversations import records, smalltalk, timebank_words
from conversations.flows import volunteering as volunteering_flow
from conversations.flows.common import (
    NO,
    YES,
    Context,
    ask,
    end_flow,
    entry_choices,
    flow_data,
    is_skip,
    leading_yes_no,
    looks_like_question,
    parse_yes_no,
    words,
)
from conversations.types import Outbound, Session

_RATE = re.compile(r"^rate\s+(.+?)(?:\s+(\d{1,2})(?:\s*(?:/|out of)\s*5)?)?$")
_SCORE = re.compile(r"^(?:i'?d (?:give|say) (?:it )?)?(\d{1,2}|one|two|three|four|five)"
                    r"(?:\s*(?:/|out of)\s*5)?(?: stars?)?$")
_SCORE_AND = re.compile(r"^(\d|one|two|three|four|five)(?:\s*(?:/|out of)\s*5)?(?: stars?)?"
                        r"\s*[-,.:;!]+\s*(?P<comment>.{3,})$", re.IGNORECASE | re.DOTALL)
_WORD_SCORES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_THIS = {"it", "this", "that", "this one", "that one", "this service", "that service"}


def ask_helpful(
    session: Session, entry: Entry, others: Sequence[Entry], lead: str = ""
) -> Outbound:
    session.data["flow"] = {"entry": entry.id}
    text = (lead + " " if lead else "") + "Was this helpful?"
    if others:
        text += " If not, it might be one of these:"
    return ask(session, "feedback:helpful", text, [YES, NO, *entry_choices(others)])


def not_helpful(ctx: Context, session: Session, entry: Entry) -> list[Outbound]:
    """"Wrong answer": recorded as not helpful, then "What were you looking for?"."""
    session.data["flow"] = {"entry": entry.id}
    return _helpful(ctx, session, "no") or []


def rate_request(text: str) -> tuple[str, int | None] | None:
    """("what to rate", score or None) when the message is "rate X [N]"."""
    found = _RATE.match(words(text))
    if found is None:
        return None
    if found.group(1).isdigit():
        return "it", int(found.group(1))
    return found.group(1), int(found.group(2)) if found.group(2) else None


def start_rating(
    ctx: Context, session: Session, target: str, score: int | None = None
) -> list[Outbound]:
    """"rate X": find X (or the last answer for "rate it") and ask for a score."""
    last = str(session.data.get("last_entry", ""))
    if target in _THIS and last in ctx.entries:
        return rate_entry(ctx, session, ctx.entries[last], score)
    result = ctx.matcher.search(target, limit=3)
    if result.answered and result.best is not None:
        return rate_entry(ctx, session, result.best.entry, score)
    suggestions = [m.entry for m in result.matches if m.score > 0]
    end_flow(session)
    if not suggestions:
        return [Outbound(f'I couldn\'t find "{target}" to rate. Try its name, or send MENU.')]
    return [ask(session, "answered", "Which one would you like to rate?",
                entry_choices(suggestions, "rate"))]


def rate_entry(
    ctx: Context, session: Session, entry: Entry, score: int | None = None
) -> list[Outbound]:
    session.data["flow"] = {"entry": entry.id}
    if score is not None and 1 <= score <= 5:
        return record_rating(ctx, session, score)
    return [ask(session, "feedback:rating",
                f"How would you rate {entry.title} from 1 (poor) to 5 (great)?")]


def record_rating(ctx: Context, session: Session, score: int) -> list[Outbound]:
    flow = flow_data(session)
    flow["id"] = records.add_feedback(
        ctx.db, session.channel, session.address, flow["entry"], ctx.now, rating=score)
    return [ask(session, "feedback:comment", f"Thank you, you gave it {score} out of 5. "
                "Anything you'd like to add? Reply with a comment, or SKIP.")]


def parse_score(text: str) -> int | None:
    found = _SCORE.match(words(text))
    if found is None:
        return None
    value = found.group(1)
    return _WORD_SCORES.get(value) or int(value)


def handle(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    flow = flow_data(session)
    if "entry" not in flow:
        return None
    if session.state == "feedback:helpful":
        return _helpful(ctx, session, text)
    if session.state == "feedback:rating":
        score = parse_score(text)
        if score is None and (both := _SCORE_AND.match(text.strip())) is not None:
            # "4 - good but closes too early": the score and the comment at once
            number = both.group(1).lower()
            record_rating(ctx, session, _WORD_SCORES.get(number) or int(number))
            return _comment(ctx, session, both.group("comment"))
        if score is None:
            return None
        if not 1 <= score <= 5:
            return [ask(session, "feedback:rating", "Please reply with a number from 1 to 5.")]
        return record_rating(ctx, session, score)
    if session.state == "feedback:comment":
        return _comment(ctx, session, text)
    return None


def _helpful(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    text = _MOSTLY.sub("", text.strip())  # "mostly yes": a yes
    if (partly := _PARTLY.match(text)) is not None:
        return _partly(ctx, session, partly.group("rest").strip(" ,.;:-"))
    said = parse_yes_no(text)
    if said is None and leading_yes_no(text) is not None and not looks_like_question(text):
        return _helpful_and_more(ctx, session, text)
    if said is None:
        return None
    if said == "unknown":
        end_flow(session)
        return [Outbound("OK. Ask me anything else, or send MENU.")]
    flow = flow_data(session)
    flow["id"] = records.add_feedback(
        ctx.db, session.channel, session.address, flow["entry"], ctx.now,
        helpful=said == "yes")
    prompt = ("Thank you, I'm glad it helped. Anything you'd like to add?" if said == "yes"
              else "Sorry about that. What were you looking for?")
    return [ask(session, "feedback:comment", prompt + " Reply with a comment, or SKIP.")]


def _partly(ctx: Context, session: Session, rest: str) -> list[Outbound]:
    """"sort of", "kind of, but it's too expensive": neither a yes nor a no, kept as a
    comment (the digest counts only yes and no)."""
    flow = flow_data(session)
    flow["id"] = records.add_feedback(ctx.db, session.channel, session.address, flow["entry"],
                                      ctx.now)
    if rest:
        records.set_feedback_comment(ctx.db, flow["id"], rest)
        end_flow(session)
        return [Outbound("Thank you for your feedback.")]
    return [ask(session, "feedback:comment", "Thanks. What would have made it more helpful? "
                "Reply with a comment, or SKIP.")]


def _helpful_and_more(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """"yes but it says it's closed on mondays": helpful, with that comment; "no, it's
    closed now": not helpful, with that comment."""
    yes = leading_yes_no(text) == "yes"
    rest = _LEADING_WORD.sub("", text.strip()).strip(" ,.;:-")
    flow = flow_data(session)
    flow["id"] = records.add_feedback(ctx.db, session.channel, session.address, flow["entry"],
                                      ctx.now, helpful=yes)
    records.set_feedback_comment(ctx.db, flow["id"], rest)
    end_flow(session)
    if not yes:
        return [Outbound("Sorry about that, and thank you: I've passed it on. Ask me again in "
                         "other words, or send MENU.")]
    return [Outbound("Thank you for your feedback.")]


_PARTLY = re.compile(r"^(?:sort of|sorta|kind of|kinda|a bit|a little(?: bit)?|partly|"
                     r"somewhat|mostly|in a way|yes and no|yes and no really)\b"
                     r"[\s,.!;:-]*(?:(?:but|although|though)\b)?(?P<rest>.*)$",
                     re.IGNORECASE | re.DOTALL)
_MOSTLY = re.compile(r"^(?:mostly|mainly|largely)\s+(?=(?:yes|yeah|yep|no|nope)\b)",
                     re.IGNORECASE)
_LEADING_WORD = re.compile(r"^\S+\s*(?:(?:and|but|although|though)\b)?", re.IGNORECASE)


def is_command(text: str) -> bool:
    """A word that works on any channel or a time-bank member's command (BALANCE,
    STATEMENT 2026, MATCHES, MY OFFERS, CLOSE 2, WITHDRAW MY SIGN UP): never a comment, so
    the engine answers it. MENU, MY DATA and FORGET ME are answered before any flow."""
    statement, _ = timebank_words.wants_statement(text)
    return (statement or timebank_words.wants_balance(text)
            or timebank_words.wants_matches(text) or timebank_words.wants_listings(text)
            or timebank_words.close_said(text) is not None
            or timebank_words.wants_join(text) or timebank_words.wants_leave(text)
            or volunteering_flow.wants_to_withdraw(text))


def _comment(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    if is_command(text):
        return None  # the feedback stays, without a comment
    if is_skip(text) or smalltalk.reply_to(text) in (smalltalk.THANKS, smalltalk.BYE):
        # "thanks", "ok bye": no comment to keep
        end_flow(session)
        return [Outbound("Thank you for your feedback.")]
    if looks_like_question(text) and len(text) < 120:
        return None
    if parse_yes_no(text) == "yes":  # "yes" to "Anything you'd like to add?": what, then?
        return [ask(session, "feedback:comment", "Go ahead: what would you like to add? "
                    "Reply with your comment, or SKIP.")]
    cut = records.set_feedback_comment(ctx.db, flow_data(session)["id"], text.strip())
    end_flow(session)
    if cut:
        return [Outbound(f"Thank you. Your comment was long, so I kept the first "
                         f"{records.COMMENT_LIMIT} characters.")]
    return [Outbound("Thank you for your feedback.")]
