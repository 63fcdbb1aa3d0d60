"""A member's YES or NO: to an exchange waiting for them (the pick among several waiting,
"who is Sam?", yes in words, another time with a yes or a no), and at an introduction's
question, whose answers timebank_matches.py keeps. See timebank.md."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from conversations import timebank, timebank_words
from conversations import timebank_notices as notices
from conversations.flows.common import (
    Context,
    ask,
    choice_named,
    end_flow,
    flow_data,
    leading_yes_no,
    looks_like_question,
    words,
)
from conversations.flows.common import parse_yes_no as yes_no
from conversations.flows.timebank_figures import balance_text
from conversations.flows.timebank_matches import answer_intros, intro_answer
from conversations.flows.timebank_member import by, member_of
from conversations.outbox import replied_to
from conversations.timebank import Exchange, Member
from conversations.types import Outbound, Session


def answer_waiting(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """A YES or NO from a member with exchanges waiting for them: it answers those (the
    engine asks this before reading a lone "yes" as small talk)."""
    if (answer := member_answering(ctx, session, text)) is None:
        return _who_waiting(ctx, session, text) or _denied(ctx, session, text) or \
            _unsure_or_another_time(ctx, session, text)
    me, yes, replied, times = answer
    if yes and (other_helper := someone_else(ctx, me, text)) is not None:
        return other_helper  # "yes but it was sam not tom": not Tom's hour
    if timebank.awaiting(ctx.db, me.id) and not yes:  # "no it was 1 hour not 3": a correction
        return answer_pending(ctx, session, me, False, replied,
                              times=timebank_words.durations(text), why=_reason_of_no(text))
    if timebank.awaiting(ctx.db, me.id):
        return answer_pending(ctx, session, me, yes, replied, times=times)
    if replied is not None:
        return [Outbound(ALREADY_ANSWERED)]
    return answer_intros(ctx, session, me, yes) or _meant_too_late(ctx, me, yes, text)


_UNSURE = re.compile(r"\b(?:not sure|unsure|dunno|dont know|don'?t know|idk|no idea|maybe|"
                     r"can'?t remember|cant remember|don'?t remember|do not remember|can'?t "
                     r"recall|think so)\b")
UNSURE = ("No problem: nothing counts until you say YES. If it isn't right, reply NO, or NO "
          "and the right time, e.g. \"NO, 1 hour\".")


def _unsure_or_another_time(ctx: Context, session: Session, text: str
                            ) -> list[Outbound] | None:
    """"not sure", or another time without a yes or no ("i think it was only 1 hour"), from
    a member an exchange waits for: how to put it right, nothing decided (as while the
    question is open, `answer_asked`)."""
    if looks_like_question(text) or len(text.split()) > 8:
        return None  # "the bus was 20 minutes late, is there help": a request of its own
    unsure = _UNSURE.search(text.lower()) is not None
    if not unsure and not _CORRECTION.search(text.lower()):
        return None
    me = member_of(ctx, session)
    if me is None or not timebank.awaiting(ctx.db, me.id):
        return None
    if unsure:
        return [Outbound(UNSURE)]
    times = timebank_words.durations(text)
    if not times:
        return None
    return answer_pending(ctx, session, me, True, answered_exchange(ctx, me), keep_flow=True,
                          times=times, vague=True)


def someone_else(ctx: Context, me: Member, text: str) -> list[Outbound] | None:
    """"yes but it was sam not tom", "it was my neighbour who helped not tom", to Tom's one
    exchange waiting: a YES would count it as Tom's help, so the NO is asked for."""
    waiting = timebank.awaiting(ctx.db, me.id)
    recorder = timebank.member(ctx.db, waiting[0].other(me.id)) if len(waiting) == 1 else None
    if recorder is None or not recorder.first_name:
        return None
    name, said = recorder.first_name.lower(), words(text).replace("'", "")
    denied = re.search(rf"\b(?:not|wasnt|was not|isnt|is not|never) {re.escape(name)}\b", said)
    others = (found.group(1) for found in re.finditer(r"\bit was ([a-z]+)\b", said))
    if denied is None and not any(other != name and timebank.named(ctx.db, other, me.id)
                                  for other in others):
        return None
    return [Outbound(f"{recorder.name} recorded this, so a YES would count it as help from "
                     f"{recorder.name}. If someone else helped you, reply NO, and they can "
                     "record it themselves.")]


def _denied(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """"he didnt turn up", "never heard of him", from a member an exchange waits for: the
    NO asked for (it tells the other member, so it is the member's to say), nothing
    decided."""
    me = member_of(ctx, session)
    waiting = timebank.awaiting(ctx.db, me.id) if me is not None else []
    if me is None or not waiting:
        return None
    if timebank_words.not_yet(text):
        return [Outbound(NOT_YET)]
    if not timebank_words.denies(text):  # "it was my neighbour who helped not sam"
        return someone_else(ctx, me, text) if len(text.split()) <= 12 else None
    return [Outbound(denied_text(ctx, me, waiting))]


NOT_YET = ("Nothing counts until you say YES. If the help hasn't happened yet, reply NO, "
           "and it can be recorded again once it has.")


def denied_text(ctx: Context, me: Member, waiting: list[Exchange]) -> str:
    if len(waiting) > 1:
        return ("It sounds as if one of the exchanges waiting for you didn't happen. Reply NO "
                "and I'll ask which one, so it won't count.")
    other = timebank.member(ctx.db, waiting[0].other(me.id))
    name = other.name if other else "them"
    return (f"It sounds as if that didn't happen. Reply NO and the "
            f"{timebank.hours_text(waiting[0].minutes)} won't count (I'll tell {name}), or "
            "YES to confirm.")


def _meant_too_late(ctx: Context, me: Member, yes: bool, text: str
                    ) -> list[Outbound] | None:
    """"sorry i meant yes" after a NO that already declined an exchange: a NO cannot be
    taken back here (the other member was told), so how to put it right."""
    if not yes or timebank_words.meant(text) != "yes":
        return None
    declined = timebank.declined_by(ctx.db, me.id, ctx.now - timedelta(days=1))
    if declined is None:
        return None
    other = timebank.member(ctx.db, declined.other(me.id))
    name = other.name if other else "the other member"
    return [Outbound(f"Your NO to {timebank.hours_text(declined.minutes)} with {name} has "
                     f"already been passed on, so it can't be changed here. If it did happen, "
                     f"ask {name} to record it again and reply YES when I ask you.")]


def answer_replied(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """A YES or NO replying to an exchange's message (or pressed on its button) answers
    that exchange whatever else the session waits for; that question stays open (the
    engine puts it again). None when the message answers no exchange's message."""
    if (answer := member_answering(ctx, session, text)) is None or answer[2] is None:
        return None
    me, yes, replied, times = answer
    elsewhere = not session.state.startswith("timebank:")
    return answer_pending(ctx, session, me, yes, replied, keep_flow=elsewhere, times=times)


def said_yes_no(text: str) -> tuple[str | None, tuple[int, ...]]:
    """(yes / no / None, the times said with a yes) for "YES", "no, he didn't come",
    "yeah thanks sam x", "yes but it was only an hour and a half"."""
    said = yes_no(text)
    if said is not None:
        return said, ()
    led: str | None = leading_yes_no(text) or timebank_words.meant(text)  # "oops i meant no"
    if led is None and timebank_words.thanks_yes(text):
        return "yes", ()  # "cheers sam yes", "confirmed"
    corrects = led == "yes" and _CORRECTION.search(text.lower()) is not None
    return led, timebank_words.durations(text) if corrects else ()


def member_answering(ctx: Context, session: Session, text: str
                     ) -> tuple[Member, bool, int | None, tuple[int, ...]] | None:
    """(the member, whether they said yes, the exchange their message replies to, the
    times they said with a yes) for a YES or NO from a time-bank member; None for
    anything else."""
    said, minutes = said_yes_no(text)
    if said not in ("yes", "no"):
        return None
    me = member_of(ctx, session)
    if me is None:
        return None
    return me, said == "yes", answered_exchange(ctx, me), minutes


# a yes that gives another time ("yes but it was only an hour"), not "yes see you in 2 mins"
_CORRECTION = re.compile(r"\b(?:but|only|actually|really|more like|nearer|closer to|was|were|"
                         r"took)\b")


def answer_pending(ctx: Context, session: Session, me: Member, yes: bool,
                   exchange_id: int | None = None, keep_flow: bool = False,
                   times: tuple[int, ...] = (), why: str = "", vague: bool = False
                   ) -> list[Outbound]:
    """YES or NO to an exchange waiting for `me`; a yes that gives another time than the
    one recorded (among the `times` said) confirms nothing, and says how to put it right; a
    no that does is passed on as a correction, and a no's other words (`why`) as its
    reason."""
    if not keep_flow:
        end_flow(session)
    waiting = timebank.awaiting(ctx.db, me.id)
    if exchange_id is None and len(waiting) > 1:  # what was said waits for the pick
        return ask_which_exchange(ctx, session, me, waiting, yes,
                                  {"times": list(times), "why": why, "vague": vague})
    if exchange_id is None:
        chosen = waiting[0] if waiting else None
    else:  # the one meant, never another in its place
        chosen = next((e for e in waiting if e.id == exchange_id), None)
    if chosen is None:
        return [Outbound(ALREADY_ANSWERED)]
    minutes = next((t for t in times if t != chosen.minutes), None)  # "1 hour not 3 hours"
    if vague and minutes is None:
        return [Outbound(f"Reply YES to confirm {timebank.hours_text(chosen.minutes)}, or NO "
                         "if not.")]
    if yes and minutes is not None and minutes != chosen.minutes:
        other = timebank.member(ctx.db, chosen.other(me.id))
        name = other.name if other else "They"
        recorded, said = timebank.hours_text(chosen.minutes), timebank.hours_text(minutes)
        return [Outbound(f"{name} recorded {recorded}. If it was {said}, reply \"NO, {said}\" "
                         f"and I'll tell {name}. Or reply YES to confirm {recorded}.")]
    if not yes:
        timebank.decline(ctx.db, chosen.id, by(me), ctx.now)
        other = timebank.member(ctx.db, chosen.other(me.id))
        name = other.name if other else "them"
        if minutes is not None and minutes != chosen.minutes:
            notices.answered(ctx.db, chosen, me, False, ctx.timebank, ctx.now, minutes=minutes)
            return [Outbound(f"OK, the {timebank.hours_text(chosen.minutes)} won't count. I've "
                             f"told {name} it was {timebank.hours_text(minutes)}, so they can "
                             "record that.")]
        notices.answered(ctx.db, chosen, me, False, ctx.timebank, ctx.now, why=why)
        return [Outbound("OK, it won't count. I've told them, and a coordinator may check "
                         "with you both.")]
    outcome = timebank.confirm(ctx.db, chosen.id, by(me), ctx.now, ctx.timebank)
    if outcome == "over_limit":
        notices.over_limit(ctx.db, chosen, ctx.timebank, ctx.now, me)
        return [Outbound("I can't count that yet: it would go past the time bank's limit. "
                         "A coordinator will be in touch.")]
    if outcome != "confirmed":
        return [Outbound("That exchange has already been answered.")]
    notices.answered(ctx.db, chosen, me, True, ctx.timebank, ctx.now)
    return [Outbound(f"Thank you, confirmed. {balance_text(ctx, me)}")]


ALREADY_ANSWERED = "That exchange has already been answered. Send STATEMENT to see yours."


def decline_after_disclosure(ctx: Context, session: Session) -> None:
    """A NO to "Is that right?" that also raised a safeguarding concern ("NO. he's my ex,
    he keeps following me"): the exchange does not count, and only the coordinators are
    told, never the member who recorded it, nor the words."""
    me = member_of(ctx, session)
    exchange_id = flow_data(session).get("exchange")
    if me is None or not exchange_id or \
            timebank.decline(ctx.db, int(exchange_id), by(me), ctx.now) != "declined":
        return
    notices.tell_coordinators(
        ctx.db, ctx.timebank, f"timebank-declined:{exchange_id}",
        f"Time bank: exchange {exchange_id} was declined by {me.name} #{me.id} in a message "
        "that raised a safeguarding concern (the council's safeguarding contact has it). "
        "Please look into it before anything more passes between these members.", ctx.now)


# a time told of help already given ("it was 1 hour", "not 3"), not offered ("i can do 1 hour")
_DONE = re.compile(r"\b(?:it was|it were|was only|wasn'?t|more like|took|not (?:\d|an?|one|two|"
                   r"three))\b")


def _reason_of_no(text: str) -> str:
    """"he never turned up" from "no, he never turned up"; "" for a bare NO."""
    rest = re.sub(r"^\W*(?:no+|nope|nah|na)\b\W*", "", text.strip(), flags=re.IGNORECASE)
    return rest.strip(" .!") if len(rest.split()) >= 2 else ""


def answered_exchange(ctx: Context, me: Member) -> int | None:
    """The exchange whose "please confirm" message the member replied to or pressed a
    button on (Telegram gives its id; the outbox kept it when it was sent), or None."""
    if not ctx.replying_to or not me.channel or not me.address:
        return None
    sent = replied_to(ctx.db, me.channel, me.address, ctx.replying_to)
    prefix, _, number = sent.key.rpartition(":") if sent else ("", "", "")
    return int(number) if prefix == notices.CONFIRM_KEY and number.isdigit() else None


def ask_which_exchange(ctx: Context, session: Session, me: Member, waiting: list[Exchange],
                       yes: bool, said: dict[str, Any] | None = None) -> list[Outbound]:
    choices = []
    for pending in waiting[:4]:
        other = timebank.member(ctx.db, pending.other(me.id))
        label = f"{other.name if other else 'Someone'}, {timebank.hours_text(pending.minutes)}"
        if pending.note:
            label += f", {pending.note[:20]}"
        choices.append((label, f"answer:exchange:{pending.id}"))
    session.data["flow"] = {"kind": "timebank", "yes": yes, **(said or {})}
    word = "confirm" if yes else "say no to"
    return [ask(session, "timebank:pick", f"{len(waiting)} exchanges are waiting for you. "
                f"Which one do you want to {word}?", choices)]


_NOT_PICKING = re.compile(r"\b(?:the|one|ones|please|pls|yes|yeah|yep|no|nope|that|this|for|"
                          r"with|i|mean|meant|it|its|it's|was|a|an|of|about|ok|okay|confirm|"
                          r"is|one's)\b")


def _exchange_picked(session: Session, text: str) -> int | None:
    """The exchange a pick names: its button or number, or in words ("the garden one",
    "sams garden", "the first one", "the last one"), read without the words every answer
    has ("the", "one"), which would pick "the shopping" for "the garden one"."""
    if text.startswith("exchange:") and text[9:].isdigit():
        return int(text[9:])
    said = re.sub(r"\s+", " ", _NOT_PICKING.sub(" ", words(text))).strip()
    actions: list[str] = session.data.get("choices") or []
    if said in ("last", "latest", "newest", "other") and actions:
        picked: str | None = actions[-1]
    else:
        picked = choice_named(session, said) if said else None
    if picked is None or not picked.startswith("answer:exchange:"):
        return None
    number = picked.removeprefix("answer:exchange:")
    return int(number) if number.isdigit() else None


def _answer_picked(ctx: Context, session: Session, me: Member, exchange_id: int,
                   flow: dict[str, Any]) -> list[Outbound]:
    """The YES or NO said before the pick, for the exchange picked; when one other waits,
    its question is put next, so a "yes" after it is plainly for that one."""
    times = tuple(flow.get("times") or ())
    replies = answer_pending(ctx, session, me, bool(flow.get("yes")), exchange_id,
                             times=times, why=flow.get("why", ""),
                             vague=bool(flow.get("vague")))  # "no it was 1 hour not 3"
    left = timebank.awaiting(ctx.db, me.id)
    if times or flow.get("vague") or len(left) != 1:
        return replies
    return [*replies, confirm_again(ctx, session, me, left[0])]


def confirm_again(ctx: Context, session: Session, me: Member, exchange: Exchange) -> Outbound:
    """"Sam says they helped you ... Is that right?" put (again): the session waits for the
    YES or NO to that exchange."""
    recorder = timebank.member(ctx.db, exchange.other(me.id))
    text = notices.confirm_text(ctx.db, exchange, recorder) if recorder is not None else \
        f"Reply YES to confirm {timebank.hours_text(exchange.minutes)}, or NO if not."
    asked = ask(session, "timebank:confirm", text, [("Yes", "answer:yes"), ("No", "answer:no")])
    session.data["flow"] = {"exchange": exchange.id}
    return asked


def _asked_back(ctx: Context, session: Session, me: Member, text: str
                ) -> list[Outbound] | None:
    """"who is sam?", "who's that?", "what is this?" at "Is that right?" or at "would like
    to be put in touch": who the other member is (first name and ward, as members see each
    other), and the question again; None for any other question."""
    who = timebank_words.asks_who(text)
    if who is None:
        return None
    flow = flow_data(session)
    if session.state == "timebank:intro":
        other = timebank.intro_asker(ctx.db, int(flow.get("intro") or 0))
        if other is None or not _names(who, other):
            return None
        return [Outbound(who_is(other)), ask(
            session, "timebank:intro", f"Would you like to be put in touch with {other.name}? "
            "Your number stays private. Reply YES or NO.", [("Yes", "answer:yes"),
                                                            ("No", "answer:no")])]
    waiting = timebank.awaiting(ctx.db, me.id)
    asked = next((e for e in waiting if e.id == flow.get("exchange")),
                 waiting[0] if len(waiting) == 1 else None)
    other = timebank.member(ctx.db, asked.other(me.id)) if asked is not None else None
    if asked is None or other is None or not _names(who, other):
        return None
    return [Outbound(who_is(other)), confirm_again(ctx, session, me, asked)]


def _names(who: str, member: Member) -> bool:
    """Whether "who is X?" asks about this member: their name ("sam", "sams") or a
    pronoun, at a question about them."""
    name = member.name.lower()
    return who in timebank_words.WHO_PRONOUNS or who == name or \
        timebank_words.owner_of(who) == name


def who_is(member: Member) -> str:
    where = f" in {member.ward}" if member.ward else ""
    return (f"{member.name} is a time bank member{where}. Members see each other's first name "
            "and ward, never a phone number.")


def _who_waiting(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    """"who is sam?" later, from a member with Sam's exchange waiting for them: who Sam is,
    and that exchange's question again."""
    who = timebank_words.asks_who(text)
    busy = ":" in session.state and not session.state.startswith(notices.PASSING)
    named = who is not None and who not in timebank_words.WHO_PRONOUNS  # "who is he?": who?
    me = member_of(ctx, session) if named and not busy else None  # not mid-way in a check
    if me is None or who is None:
        return None
    for waiting in timebank.awaiting(ctx.db, me.id):
        other = timebank.member(ctx.db, waiting.other(me.id))
        if other is not None and other.first_name and _names(who, other):
            return [Outbound(who_is(other)), confirm_again(ctx, session, me, waiting)]
    return None


def answer_asked(ctx: Context, session: Session, me: Member, state: str, text: str,
                 flow: dict[str, Any]) -> list[Outbound] | None:
    """The answer at an exchange's or an introduction's question (`timebank:confirm`,
    `timebank:intro`), or the pick among several waiting (`timebank:pick`,
    `timebank:pick_intro`); None for any other state or message."""
    if state == "pick" and (picked := _exchange_picked(session, text)) is not None:
        return _answer_picked(ctx, session, me, picked, flow)
    said, times = said_yes_no(text)
    said_times = timebank_words.durations(text)  # "no it was 1 hour not 3": the exchange's
    if state == "intro" and said != "yes" and said_times and _DONE.search(text.lower()) \
            and timebank.awaiting(ctx.db, me.id):  # answer, not the introduction's
        state = "confirm"
    if state in ("confirm", "intro") and said not in ("yes", "no") and not said_times and \
            (asked := _asked_back(ctx, session, me, text)) is not None:
        return asked  # "who is sam?": answered, and the question put again
    if state == "confirm" and said not in ("yes", "no") and not said_times and \
            timebank_words.yes_in_words(text):
        said = "yes"  # "oh wait yes", "oh yes the man with the hedge trimmer", a thumbs up
    if state == "confirm" and said not in ("yes", "no") and not said_times and \
            timebank_words.denies(text) and (waiting := timebank.awaiting(ctx.db, me.id)):
        return [Outbound(denied_text(ctx, me, waiting))]  # "he didnt turn up": NO asked for
    if state == "intro" and said not in ("yes", "no") and timebank_words.declines(text):
        said = "no"  # "no sorry too busy", "not right now"
    if state == "confirm" and said == "yes" and \
            (other_helper := someone_else(ctx, me, text)) is not None:
        return other_helper
    if state == "confirm" and (said in ("yes", "no") or said_times):
        # with several waiting, a YES means the one whose message it answers (Telegram's
        # reply or button); a bare YES could be any of them: ask
        several = len(timebank.awaiting(ctx.db, me.id)) > 1
        chosen = answered_exchange(ctx, me) or (None if several else flow.get("exchange"))
        if said == "no":
            return answer_pending(ctx, session, me, False, chosen, times=said_times,
                                  why=_reason_of_no(text))
        if said is None:  # "it was more like 90 mins": how to put it right, nothing decided
            return answer_pending(ctx, session, me, True, chosen, keep_flow=True,
                                  times=said_times, vague=True)
        return answer_pending(ctx, session, me, True, chosen, times=times)
    if state == "intro" and said in ("yes", "no"):
        return answer_intros(ctx, session, me, said == "yes", int(flow.get("intro", 0))) or [
            Outbound("That request has already been answered.")]
    if state == "pick_intro" and text.startswith("intro:") and text[6:].isdigit():
        return intro_answer(ctx, session, me, int(text[6:]), bool(flow.get("yes")))
    return None
