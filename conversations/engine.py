"""The conversation engine: one step from (session, message, now) to replies.

No transport lives here. Channels turn their payloads into `Inbound`, call `Engine.step`,
and render the `Outbound` replies; the caller loads and saves the `Session` around it,
inside one transaction. The flows (conversations/flows/) read and write their tables
through the database handed in; nothing here reads the clock, prints or uses the network.

Choices offered to a person are stored in `session.data["choices"]` as actions:
`entry:<id>` show an entry, `ask:<text>` treat as a message, `answer:<yes|no|unknown>`
answer the current question, `check:<id|all>` entitlement check, `rate:<id>`,
`object:<id>`, `withdraw:<id>`, `check-other:<id>` (a check for someone else),
`unhelpful:<id>` (the last answer was wrong), `more:` (the next page of a list).

The last entry shown (`session.data["last_entry"]`) is what "it", "that" and "there" mean:
follow-up questions about it are answered from its fields (conversations/follow_up.py).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import sqlite_utils

from catalogue.matcher import ALTERNATIVE, Match, Matcher, SearchResult
from catalogue.model import Circumstance, Entry
from catalogue.store import ensure_catalogue, load_circumstances
from conversations import follow_up, hazards, people, records, smalltalk, timebank_words
from conversations.aside import OFFERS, forget_set_aside_if_taken_up, resume, set_aside
from conversations.councillors.responses import add_reply, replied_response
from conversations.crisis import (
    AGE_NOTED,
    ANYONE_TO_TALK_TO,
    CANT_TALK,
    DELETE_ON_PHONE,
    HERE_NOW,
    STILL_HERE,
    after_disclosure,
    asks_what_help,
    crisis_text,
    danger_now,
    for_whom,
    help_for,
    means_it,
    more_help,
    next_step,
    safe_place,
    wants_someone_to_talk_to,
)
from conversations.eligibility import age_fails, age_range, checkable
from conversations.flows import entitlement, feedback, objection, privacy
from conversations.flows import timebank as timebank_flow
from conversations.flows import volunteering as volunteering_flow
from conversations.flows.common import (
    GONE,
    Context,
    ask,
    ask_list,
    drop_removed,
    end_flow,
    entry_choices,
    leading_yes_no,
    looks_like_question,
    more,
    named_by_title,
    offer,
    parse_yes_no,
    sms_sized,
    words,
)
from conversations.safeguarding import CLASSIFIER, Concern, assess, in_danger, remainder
from conversations.store import ensure_conversations
from conversations.timebank import Policy, ensure_timebank
from conversations.types import Inbound, Outbound, Session
from conversations.volunteering import ensure_volunteering
from conversations.wording import (
    DID_YOU_MEAN,
    DID_YOU_MEAN_MEMBER,
    EARLIER_BUTTON,
    EXAMPLES,
    GREETINGS,
    HELP_ONLY,
    LEAVE_WORDS,
    LEFT,
    MENU_TEXT,
    MENU_TEXT_SMS,
    MENU_WORDS,
    MORE_WORDS,
    NOTHING,
    NOTHING_MEMBER,
    NUMBER,
    RESUME_WORDS,
    SET_ASIDE,
    WELCOME,
    WELCOME_SMS,
    WHICH_ONE,
)

ADULT_AGE = 19  # Childline is for under 19s: from here the adult helplines (crisis.py for_whom)
IDLE_RESET = timedelta(days=1)
MAX_CHOICES = 3
SMS_ALTERNATIVES = 2  # an answer, its question and its choices fit two texts
NO_MORE = "That's all of them."
# questions a postcode answers, whose answer a postcode given first must not be taken from
POSTCODE_ANSWERS = frozenset({"objection:postcode", "timebank:ward"})
# What else a disclosure may ask for: only then is an entry shown after the helplines
_ASKS_FOR = re.compile(
    r"\b(?:help|need|needs|where|how|can i|can we|could i|can you|looking for|find|advice|"
    r"afford|pay for|somewhere to|place to stay|apply|support|what can)\b")
# States whose question is asked again after small talk or a follow-up answer.
WAITING = {"entitlement:ask", "entitlement:who", "objection:what", "objection:confirm",
           "objection:postcode", "objection:reason", "objection:later", "feedback:rating",
           "privacy:forget"}
WAITING |= timebank_flow.WAITING | volunteering_flow.WAITING

Handler = Callable[[Context, Session, str], list[Outbound] | None]
FLOWS: dict[str, Handler] = {
    "entitlement": entitlement.handle, "feedback": feedback.handle,
    "objection": objection.handle, "privacy": privacy.handle,
    "timebank": timebank_flow.handle, "volunteering": volunteering_flow.handle,
}


def memory_db() -> sqlite_utils.Database:
    """A throwaway database for an engine built without one (tests, `ask`)."""
    return sqlite_utils.Database(sqlite3.connect(":memory:", check_same_thread=False))


class Engine:
    """Holds the catalogue index; `step` is the whole conversation logic.

    `db` holds the conversation tables (records.py, objections.py); the caller owns the
    transaction. `circumstances` default to the database's circumstances table."""

    def __init__(
        self, matcher: Matcher, db: sqlite_utils.Database | None = None,
        circumstances: Mapping[str, Circumstance] | None = None,
        timebank: Policy | None = None,
    ) -> None:
        self.matcher = matcher
        self.entries = {e.id: e for e in matcher.entries}
        self.db = db if db is not None else memory_db()
        ensure_catalogue(self.db)
        ensure_conversations(self.db)
        records.ensure_records(self.db)
        ensure_timebank(self.db)
        ensure_volunteering(self.db)
        self.timebank = timebank or Policy()
        found = circumstances if circumstances is not None else load_circumstances(self.db)
        self.questions = {code: c.question for code, c in found.items()}

    def context(self, now: datetime, replying_to: str | None = None) -> Context:
        return Context(self.db, self.matcher, self.entries, self.questions, now, self.timebank,
                       replying_to)

    def step(self, session: Session, inbound: Inbound, now: datetime) -> list[Outbound]:
        """Safeguarding first: crisis contacts lead the replies whatever else was asked, and
        the message goes nowhere else (not into an objection's reason for the councillors,
        a feedback comment or a message passed on to another member)."""
        ctx = self.context(now, inbound.reply_to)
        concern = assess(inbound.text)
        disclosed = session.data.pop("disclosed", None)
        reassured = session.data.pop("reassured", False)
        idle = session.updated_at is not None and now - session.updated_at > IDLE_RESET
        if idle:
            disclosed = None  # a day later, "yes" or "help" is a new conversation
        elif concern is not None and concern.phrase == CLASSIFIER and \
                entitlement.reads_as_answer(session, inbound.text):
            concern = None  # "i think so mum gets some benefit": an answer, not a disclosure
        said = words(inbound.text).replace("'", "")
        if disclosed and danger_now(said):  # "he's coming up the stairs", "hes outside my door"
            session.updated_at, session.data["disclosed"] = now, disclosed
            return [Outbound(HERE_NOW, urgent=True)]  # urgent: the council is told too
        quiet = after_disclosure(said, disclosed) if disclosed else None
        if quiet == STILL_HERE and reassured:
            quiet = None  # said once: a second "ok" is answered as usual
        if quiet is not None and concern is None:
            session.updated_at = now  # "ok yes", "what do i do": never a YES to anything
            session.data["disclosed"] = disclosed  # "ok", then "what do i say to them?"
            session.data["reassured"] = reassured or quiet == STILL_HERE
            return [Outbound(quiet)]
        if disclosed and concern is None and (after := self._after_helplines(
                session, said, disclosed)) is not None:
            session.updated_at = now  # still gently, for the next message too
            session.data.setdefault("disclosed", disclosed)  # or an adult's, after "im 20"
            return after
        if concern is None:
            replies = self._step(session, inbound, ctx)
            if disclosed and replies and replies[0].text in (NOTHING, DID_YOU_MEAN, WHICH_ONE):
                # "he's gone out now", just after the helplines: never "Sorry, I couldn't
                # find anything"; the gentle step again, and the next message gently too
                end_flow(session)
                session.data["disclosed"] = disclosed
                return [Outbound(next_step(disclosed))]
            return replies
        session.updated_at = now
        if session.state == "timebank:confirm" and leading_yes_no(inbound.text) == "no":
            timebank_flow.decline_after_disclosure(ctx, session)  # "NO. hes my ex, he ..."
        replies = self.disclosure(session, inbound.text, concern)
        if quiet == CANT_TALK:  # "i can't call, he will hear me": the helplines for what it
            replies[-1] = Outbound(CANT_TALK)  # tells, and the ways to reach them unheard
        return replies

    def _after_helplines(self, session: Session, said: str, group: str
                         ) -> list[Outbound] | None:
        """Just after the helplines: "not really jk" gets them again, an age alone ("im 13")
        is kept and thanked for, "what help is there?" finds the services for the concern
        that fit the age; None for anything else (answered as usual)."""
        if means_it(said):  # "i wanna die lol jk", then "not really jk"
            return [Outbound(crisis_text(group), urgent=True), Outbound(next_step(group))]
        if (age := entitlement.age_alone(said.strip(" .!?"))) is not None and age >= 8:
            people.record(session, "you", "age", age)  # "im 13"; not "1 sec"
            adult = session.data.pop("if_adult", None) if age >= ADULT_AGE else None
            if group == "child" and adult not in (None, "child"):
                session.data["disclosed"] = adult  # the helplines for an adult hurt at home
                return [Outbound(crisis_text(adult), urgent=True), Outbound(AGE_NOTED)]
            return [Outbound(AGE_NOTED)]
        if privacy.asks_to_delete(said):
            set_aside(session)  # "he reads my texts, can you delete this"
            return [Outbound(DELETE_ON_PHONE), *privacy.ask_forget(session)]
        if _WHERE_SAFE.search(said) and (places := self._services(session, safe_place(group))):
            return places  # "where can i go": somewhere safe, tonight
        if not asks_what_help(said):
            return None
        known = people.answers_for(session, "you").get("age")
        return [*self._services(session, more_help(group, known if isinstance(known, int)
                                                    else None)), Outbound(next_step(group))]

    def _services(self, session: Session, search: str) -> list[Outbound]:
        """Up to two services the catalogue finds for `search` that fit the writer's age."""
        found = self.matcher.search(search, limit=4) if search else None
        if found is None or not found.answered:
            return []
        known = people.answers_for(session, "you").get("age")
        shown = [m.entry for m in found.matches if m.entry.kind == "service"
                 and not (isinstance(known, int) and age_fails(m.entry, known))][:2]
        if shown:
            session.data["last_entry"] = shown[0].id
        return [Outbound(entry.summary, entry=entry) for entry in shown]

    def disclosure(self, session: Session, text: str, concern: Concern) -> list[Outbound]:
        """The helplines for the concern, the answer to anything else the message asked
        (the entry alone, no follow-up question), then a gentle next step: never "Was this
        helpful?" or "Did you mean" after a disclosure (conversations/crisis.py)."""
        age = people.own_age(text)
        if age is None and isinstance(known := people.answers_for(session, "you").get("age"),
                                      int):
            age = known
        group = for_whom(concern.group, concern.category, words(text).replace("'", ""), age,
                         concern.words)
        if group in ("worried", "another"):  # services that fit the one they worry about
            age = people.other_age(text)
        session.data["disclosed"] = group  # the next message gets a gentle reply
        session.data.pop("if_adult", None)
        if group == "child" and age is None:  # "my mum hits me", then "im 20": an adult's
            session.data["if_adult"] = for_whom(concern.group, concern.category, words(
                text).replace("'", ""), ADULT_AGE, concern.words)
        session.data.pop("data_shown", None)  # "can you delete it" is no longer FORGET ME
        end_flow(session)
        replies = [Outbound(crisis_text(group), urgent=True)]
        rest_text = people.without_own_age(remainder(text, concern))
        asks = _ASKS_FOR.search(rest_text) is not None  # not "im 13 and ...": no C-Card
        rest = self.matcher.search(rest_text, limit=3) if asks else None
        found = [m.entry for m in rest.matches if m.entry.kind != "volunteering"][:1] \
            if rest is not None and rest.answered else []  # food help, not its volunteers
        if search := help_for(group, age):  # "i got no food": the food bank too
            helps = self.matcher.search(search, limit=3)
            found += [m.entry for m in helps.matches if helps.answered
                      and m.entry.kind != "volunteering" and m.entry not in found][:1]
        if age is not None:  # at 15, no service for 16 to 24
            found = [entry for entry in found if not age_fails(entry, age)]
        for entry in found:
            session.data["last_entry"] = entry.id
            replies.append(Outbound(entry.summary, entry=entry))
        return [*replies, Outbound(next_step(group, words(text).replace("'", ""), age))]

    def _step(self, session: Session, inbound: Inbound, ctx: Context) -> list[Outbound]:
        if session.updated_at is not None and ctx.now - session.updated_at > IDLE_RESET:
            session.state, session.data = "start", {}
        first, last_message = session.updated_at is None, session.updated_at
        session.updated_at = ctx.now
        if drop_removed(session, ctx.entries):  # the catalogue was replaced mid-question
            return [Outbound(GONE)]
        text = inbound.text.strip()
        if session.state not in POSTCODE_ANSWERS and \
                (given := objection.postcode_first(text)) is not None:
            postcode, text = given  # "my postcode is ZZ1 1AA and I want to object to ..."
            records.set_postcode(ctx.db, session.channel, session.address, postcode,
                                 records.ward_for_postcode(ctx.db, postcode), ctx.now)
        word = normalise_command(text)
        forget_set_aside_if_taken_up(session)

        data_shown = session.data.pop("data_shown", False)  # MY DATA was the last reply
        if (privacy.wants_forget(text) or (data_shown and privacy.wants_it_deleted(text))) \
                and session.state != "privacy:forget":
            set_aside(session)  # a No goes back to the question being asked
            me = timebank_flow.member_of(ctx, session)
            member = "" if me is None else \
                f" It ends your time bank membership ({timebank_flow.leaving_note(ctx, me)})."
            return privacy.ask_forget(session, member)
        if privacy.asks_who_sees(text):  # "can my parents see this?": a question stays open
            return privacy.who_sees(session, self._ask_again(session)
                                    if session.state in WAITING else [])
        if privacy.wants_my_data(text):  # in the middle of a question, it stays open
            if session.state in WAITING:
                return [privacy.summary(ctx, session), *self._ask_again(session)]
            return privacy.my_data(ctx, session)
        if word in MENU_WORDS:  # a question being asked is set aside: CARRY ON takes it up
            state = session.state
            set_aside(session)
            kept = session.data.get("set_aside") or {}
            aside = SET_ASIDE.get(state) if kept.get("state") == state else None
            menu = self._menu(session, self._menu_text(session))
            return [Outbound(aside), *menu] if aside else menu
        if word in LEAVE_WORDS:
            end_flow(session, "start")
            return [Outbound(LEFT)]
        if word in MORE_WORDS and (page := more(session)) is not None:
            return [page]
        if word in MORE_WORDS and session.data.get("choices"):  # past the last page
            return [Outbound(NO_MORE), *self._ask_again(session)]
        if word in RESUME_WORDS and session.state not in WAITING:
            return resume(session)
        if word in RESUME_WORDS and (again := self._ask_again(session)):
            return again  # CARRY ON in the middle of a question: that question, again
        if inbound.reply_to and (
                answered := timebank_flow.answer_replied(ctx, session, text)) is not None:
            return [*answered, *self._ask_again(session)] if session.state in WAITING else answered
        picked = self._picked(session, inbound, text, ctx)
        if picked is not None:
            return picked
        if (changed := entitlement.correct_verdict(ctx, session, text)) is not None:
            return changed
        if (reason := objection.later_reason(ctx, session, text)) is not None:
            return reason
        if session.state not in WAITING and \
                (back := self._reply_to_response(session, text, ctx, last_message)) is not None:
            return back
        state = session.state
        flow = FLOWS.get(state.partition(":")[0])
        if state not in WAITING and self._asks_something(text):
            return self.route(session, text, ctx, first=first)
        if state in WAITING and smalltalk.reply_to(text) == smalltalk.WAIT:
            return self._small_talk(session, smalltalk.WAIT)  # before "one sec" is an age
        if flow is not None and text:
            replies = flow(ctx, session, text)
            if replies is not None:
                return self._and_asked(session, text, ctx, replies) \
                    if state == "timebank:confirm" else replies
        if (answered := timebank_flow.answer_waiting(ctx, session, text)) is not None:
            return self._and_asked(session, text, ctx, answered)  # a YES, not small talk
        if (chat := smalltalk.reply_to(text)) is not None:
            return self._small_talk(session, chat)
        if state in WAITING and (answer := self._follow_up(session, text, ctx)) is not None:
            return [answer, *self._ask_again(session)]
        if flow is not None and text:
            set_aside(session)
            end_flow(session)  # not an answer to the question: a new message
            replies = self.route(session, text, ctx, first=first)
            aside = SET_ASIDE.get(state)
            if session.state.partition(":")[0] == state.partition(":")[0] and \
                    session.state not in OFFERS:
                aside = None  # straight into the same kind of question: nothing to say
            return [Outbound(aside), *replies] if aside else replies
        return self.route(session, text, ctx, first=first)

    def _reply_to_response(self, session: Session, text: str, ctx: Context,
                           last_message: datetime | None) -> list[Outbound] | None:
        """The first message after a council response to the person's objection reached
        them, when it answers it: thanks, an objection that names nothing else ("im not
        happy with that", "I still object"), a reaction ("that's not good enough", "why?")
        or words of the entry's title ("keep the library open"), unless the catalogue
        answers it with another entry. Kept for the councillors' next digest; anything
        else is a new message ("my neighbour plays loud music" is answered as usual)."""
        told = replied_response(ctx.db, session.channel, session.address, last_message,
                                ctx.now)
        if told is None:
            return None
        entry = ctx.entries.get(told.entry_id)
        chat = smalltalk.reply_to(text)
        target = objection.wants_to_object(text)
        if chat is not None:  # thanks in words: an emoji alone may be anger as well
            about = chat == smalltalk.THANKS and any(c.isalpha() for c in text)
        elif target is not None:
            about = target in ("", "it", "that", "this", "that plan", "this plan")
        elif entitlement.wants_all(text) or entitlement.wants_one(text) is not None or \
                objection.wants_plans(text) or objection.wants_to_withdraw(text) is not None:
            about = False
        else:
            said = set(words(text).split())
            about = _REACTION.search(words(text)) is not None or bool(  # not a question
                entry and said & (_content_words(entry.title) - _GENERIC_TITLE_WORDS)
                and not looks_like_question(text))  # "is the library open on sunday?"
            if about:
                result = self.matcher.search(text, limit=1)
                about = not (result.answered and result.best is not None
                             and result.best.entry.id != told.entry_id)
        if not about:
            return None
        add_reply(ctx.db, told, session.channel, session.address, text, ctx.now)
        title = f" about {entry.title}" if entry else ""
        thanked = "You're welcome. " if chat else "Thank you. "
        return [Outbound(f"{thanked}I've passed your reply{title} to the councillors: they "
                         "read it in their next weekly digest.")]

    def _and_asked(self, session: Session, text: str, ctx: Context, answered: list[Outbound]
                   ) -> list[Outbound]:
        """The replies to a YES for an exchange, and to what was asked after it ("yes and
        can someone fix my tap") once the exchange's question is done."""
        asked = timebank_words.request_after_yes(text)
        if asked is None or session.state in WAITING:
            return answered
        return [*answered, *self.route(session, asked, ctx)]

    @staticmethod
    def _asks_something(text: str) -> bool:
        """A request that is never an answer to an optional question ("Was this helpful?"):
        "I'm not happy with that", "can my kids get it?", "what is the council planning?"."""
        return (objection.wants_to_object(text) is not None or entitlement.wants_all(text)
                or entitlement.wants_one(text) is not None or objection.wants_plans(text)
                or objection.wants_to_withdraw(text) is not None)

    def _small_talk(self, session: Session, chat: str) -> list[Outbound]:
        """A short reply; a question being asked stays open and is put again."""
        if session.state in WAITING and chat != smalltalk.BYE:
            first = re.match(r".*?[.!?](?=\s|$)", chat)
            return [Outbound(first.group(0) if first else chat), *self._ask_again(session)]
        return [Outbound(chat)]

    @staticmethod
    def _ask_again(session: Session) -> list[Outbound]:
        asked = session.data.get("asked")
        if not asked:
            return []
        return [Outbound(str(asked), choices=tuple(session.data.get("labels") or ()))]

    def _follow_up(self, session: Session, text: str, ctx: Context) -> Outbound | None:
        """An answer about the last entry shown, when the message asks about it."""
        last = self.entries.get(str(session.data.get("last_entry", "")))
        if last is None:
            return None
        topic = follow_up.topic_of(text, last)
        if topic is None or (topic.name == "sign_up" and last.kind == "volunteering"):
            return None  # signing up for a role is a flow (conversations/flows/volunteering.py)
        return Outbound(follow_up.answer(topic, last, text))

    def _about_list(self, session: Session, text: str) -> Outbound | None:
        """"where are they?" after a list: which one, then the answer about it."""
        listed = [self.entries[i] for i in session.data.get("last_list") or ()
                  if i in self.entries]
        topic = follow_up.topic_in(text) if listed else None
        if topic is None:
            return None
        return ask_list(session, "Which one do you mean?",
                        [(e.title, f"about:{topic.name}:{e.id}") for e in listed])

    # -- what a new message asks for ------------------------------------------------------

    def route(self, session: Session, text: str, ctx: Context, first: bool = False
              ) -> list[Outbound]:
        checked = (session.data.get("checked") or {}).get("check")
        for kept in ("checked", "objected"):  # a new request: "oops i meant no" or "because
            session.data.pop(kept, None)  # ..." no longer change a check or an objection
        word = normalise_command(text)
        if word in MENU_WORDS or HELP_ONLY.match(re.sub(r"[^\w\s]", "", word)):
            return self._menu(session, self._menu_text(session))
        if word in GREETINGS or (first and not text):
            return self._menu(session, WELCOME_SMS if sms_sized(session)
                              else WELCOME)
        if not text:
            return self._menu(session, "I didn't get any words there. "
                              + self._menu_text(session))
        if (replies := timebank_flow.route(ctx, session, text)) is not None:
            return replies
        last = self.entries.get(str(session.data.get("last_entry", "")))
        if last is not None and timebank_flow.is_time_bank(last) and \
                volunteering_flow.wants_to_sign_up(text):  # "sign me up" after the time bank
            return timebank_flow.start_join(ctx, session)
        if (replies := volunteering_flow.route(ctx, session, text)) is not None:
            return replies
        if (chat := smalltalk.reply_to(text)) is not None:
            return [Outbound(chat)]
        if last is None and wants_someone_to_talk_to(words(text).replace("'", "")):
            return [Outbound(ANYONE_TO_TALK_TO)]  # after a bin answer, a person at the council
        people.note_facts(session, text)
        if entitlement.wants_all(text):
            subject = "other" if entitlement.for_family(text) else people.subject_of(text) or "you"
            if subject == "other":
                people.note_subject(session, text)
            return entitlement.start(ctx, session, entitlement.ALL, subject)
        if objection.wants_plans(text):
            return objection.list_plans(ctx, session)
        if (target := objection.wants_to_withdraw(text)) is not None:
            return objection.withdraw(ctx, session, target)
        if (wanted := objection.wanted(text) or objection.judged(ctx, text)) is not None:
            target, reason = wanted
            if last is not None and target in objection.PRONOUNS:
                return objection.about(ctx, session, last, reason)
            return objection.start(ctx, session, target, reason)
        if (rating := self._rating(text)) is not None:
            return feedback.start_rating(ctx, session, *rating)
        if (thing := entitlement.wants_one(text)) is not None:
            return self._check_one(session, text, thing, ctx)
        if checked in self.entries and entitlement.about_another(text):
            return entitlement.check_another(ctx, session, text, checked)  # "what about my
        if session.data.get("last_list") and (which := self._about_list(session, text)):
            return [which]
        if last is not None and (age := entitlement.age_alone(words(text).strip(" .!?"))) \
                is not None and age >= entitlement.YOUNGEST_TEXTING:
            return self._age_after(ctx, session, last, age)  # "is there a lunch club|im 80"
        if (answer := self._follow_up(session, text, ctx)) is not None:
            end_flow(session)
            if last is not None and checkable(last) and "check" in answer.text:
                return [answer, *entitlement.offer(ctx, session, last, (),
                                                   people.subject_of(text))]
            return [answer]
        if last is None and follow_up.bare(text):
            end_flow(session)
            return [Outbound(WHICH_ONE)]
        return self.answer(session, text, ctx)

    def _age_after(self, ctx: Context, session: Session, last: Entry, age: int
                   ) -> list[Outbound]:
        """An age sent alone just after a card (kept by `people.note_facts`): the check, or
        whether the service is for that age."""
        end_flow(session)
        if checkable(last):
            return entitlement.offer(ctx, session, last, (), "you")
        if last.min_age is None and last.max_age is None:
            return [Outbound(f"{last.title} has no age limit, so it's open to you.")]
        if age_fails(last, age):
            return [Outbound(f"{last.title} is for {age_range(last)}, so it isn't for you at "
                             f"{age}. Tell me what you need and I'll look for something that "
                             "fits your age.")]
        fits = Outbound(f"Yes: {last.title} is for {age_range(last)}, so at {age} it's open to "
                        "you.")
        if last.kind == "volunteering" and not timebank_flow.is_time_bank(last):
            return [fits, volunteering_flow.offer(session, last)]  # the sign-up still offered
        return [fits]

    def _check_one(self, session: Session, text: str, thing: str, ctx: Context
                   ) -> list[Outbound]:
        """"can I get X?" / "can my kids get X?": the check for whoever the message names."""
        last = self.entries.get(str(session.data.get("last_entry", "")))
        if thing == "it" and last is not None:
            found: Entry | None = last
        else:  # "can i get council tax reduction im 70": the scheme for that age
            result = fits_age(self.matcher.search(thing, limit=MAX_CHOICES + 1),
                              said_age(session, text))
            found = result.best.entry if result.answered and result.best else None
        if found is None or not checkable(found):
            return self.answer(session, text, ctx)
        subject = people.subject_of(text)
        if subject == "other":
            people.note_subject(session, text)
        session.data["last_entry"] = found.id
        card = [] if found is last else [Outbound(found.summary, entry=found)]
        checked = entitlement.start(ctx, session, found.id, subject or "you")
        if sms_sized(session) and not session.state.startswith("entitlement:"):
            card = []  # the verdict came at once and names it: no room for both in a text
        return [*card, *checked]

    def _menu_text(self, session: Session) -> str:
        return MENU_TEXT_SMS if sms_sized(session) else MENU_TEXT

    def _rating(self, text: str) -> tuple[str, int | None] | None:
        """"rate X", unless the whole message names something with "rate" in it
        ("rate relief for small businesses")."""
        rating = feedback.rate_request(text)
        if rating is None:
            return None
        whole = self.matcher.search(text, limit=1)
        if whole.answered and whole.best and "rate" in whole.best.entry.title.lower():
            return None
        return rating

    # -- answering ----------------------------------------------------------------------

    def answer(self, session: Session, text: str, ctx: Context) -> list[Outbound]:
        """The answer to a question, after the safety step for a danger in the home it
        tells of ("water is coming through the electrics": conversations/hazards.py)."""
        warning = hazards.warning(text)
        if warning and hazards.stands_alone(text, warning):  # "chest pains": 999 alone
            end_flow(session)
            return [Outbound(warning, safety=True)]
        replies = self._answer(session, text, ctx)
        return [Outbound(warning, safety=True), *replies] if warning else replies

    def _answer(self, session: Session, text: str, ctx: Context) -> list[Outbound]:
        end_flow(session)
        age = said_age(session, text)  # with an age, more are looked at for one that fits
        found = services_first(self.matcher.search(follow_up.searched_words(text),
                                                    limit=(MAX_CHOICES + 1) * (2 if age else 1)),
                               text)
        result = fits_age(found, age)
        result = replace(result, matches=result.matches[:MAX_CHOICES + 1])
        if result.answered and result.best is not None:
            passed = found.best.entry if found.best is not None else None
            if age is not None and passed is not None and passed != result.best.entry and \
                    age_fails(passed, age) and named_by_title(passed, text) and \
                    not _made_for_an_age(result.best.entry):
                # "im 65 can i get a free bus pass": why not the one they asked for (the
                # pension-age scheme for "council tax reduction" at 70 says it itself)
                shown = self._shown_for(session, text, ctx, result, age)
                return [Outbound(f"{passed.title} is for {age_range(passed)}."), *shown]
            return self._shown_for(session, text, ctx, result, age)
        suggestions = [m.entry for m in result.matches[:MAX_CHOICES] if m.score > 0]
        # a disclosure goes to the safeguarding contact, not the digest
        if is_request(text) and not in_danger(text):
            records.add_unmet_need(ctx.db, session.channel, session.address, text,
                                   len(suggestions), ctx.now)
        member = timebank_flow.member_of(ctx, session) is not None  # others may help
        if suggestions:
            return [self._offer(session, DID_YOU_MEAN_MEMBER if member else DID_YOU_MEAN,
                                suggestions)]
        if member:
            return [Outbound(NOTHING_MEMBER)]
        offer(session, [(example, f"ask:{example}") for example in EXAMPLES])
        return [Outbound(NOTHING, choices=EXAMPLES)]  # never a dead end

    def _shown_for(self, session: Session, text: str, ctx: Context, result: SearchResult,
                   age: int | None) -> list[Outbound]:
        """The answer to a message `result` answers: its best entry, with the alternatives
        that fit, and what the message asked of it when a text's card cannot show that."""
        assert result.best is not None
        best = result.best.entry
        others = [e for e in alternatives(result)  # none for another age group, and
                  if (age is None or not age_fails(e, age))  # no role to give
                  and (e.kind != "volunteering" or best.kind == "volunteering"
                       or GIVING_WORDS.search(text))]  # time to someone asking for help
        others = others[:SMS_ALTERNATIVES if sms_sized(session) else None]
        if best.kind == "volunteering" and not timebank_flow.is_time_bank(best) and \
                volunteering_flow.signs_up_for(text) and named_by_title(best, text, [
                    e for e in self.entries.values() if e.kind != "volunteering"]):
            # "sign me up to befriend an older person": go on; "sign me up for food bank"
            # may be someone who needs it, so the sign-up is offered, not started
            session.data["last_entry"] = best.id
            return [Outbound(best.summary, entry=best),
                    *volunteering_flow.start(ctx, session, best)]
        shown = self.show(session, best, ctx, others, people.subject_of(text))
        topic = follow_up.topic_of(text, best)
        if topic is not None and topic.name in ASKED_AT_ONCE and sms_sized(session) and any(
                follow_up.field_value(best, say.field) for say in topic.says):
            # "what time does the food bank open": a text's card has no opening times (and
            # "when is my bin day" is not told "I don't have opening times")
            card = 1 if shown and shown[0].entry is not None else 0
            shown.insert(card, Outbound(follow_up.answer(topic, best, text)))
        return shown

    def show(self, session: Session, entry: Entry, ctx: Context, others: Sequence[Entry] = (),
             subject: people.Subject | None = None) -> list[Outbound]:
        """The entry's card, then one follow-up question: check it (for `subject` when the
        message said whose it is), object to it, or was it helpful (with the alternatives as
        further choices)."""
        end_flow(session)
        session.data["last_entry"] = entry.id
        session.data.pop("last_list", None)
        card = Outbound(entry.summary, entry=entry)
        if checkable(entry):
            offered = entitlement.offer(ctx, session, entry, others, subject)
            if sms_sized(session) and session.state != "entitlement:offer":
                return offered  # the verdict names it and says how to apply: no room for both
            return [card, *offered]
        if entry.kind == "proposal":
            return [card, objection.offer(session, entry)]
        if entry.kind == "volunteering" and timebank_flow.is_time_bank(entry):
            return [card, timebank_flow.offer_join(session)]
        if entry.kind == "volunteering":
            return [card, volunteering_flow.offer(session, entry)]
        return [card, feedback.ask_helpful(session, entry, others)]

    # -- choices ------------------------------------------------------------------------

    def _offer(self, session: Session, text: str, entries: Sequence[Entry]) -> Outbound:
        reply = ask(session, "answered", text, entry_choices(entries))
        session.data["last_list"] = [e.id for e in entries]
        return reply

    def _menu(self, session: Session, text: str) -> list[Outbound]:
        end_flow(session, "menu")
        offer(session, [(example, f"ask:{example}") for example in EXAMPLES])
        return [Outbound(text, choices=EXAMPLES)]

    def _picked(
        self, session: Session, inbound: Inbound, text: str, ctx: Context
    ) -> list[Outbound] | None:
        """A button press or a typed number against the last choices offered."""
        choices: list[str] = session.data.get("choices") or []
        index = inbound.choice
        if index is not None:
            index = self._button(session, index, text)
            if index is None or not choices:
                if session.state in WAITING and session.data.get("asked") and \
                        text not in EXAMPLES and not self._asks_something(text):
                    return [Outbound(EARLIER_BUTTON), *self._ask_again(session)]  # 2nd tap
                return None  # a button from an older message: read its label as text
        else:
            typed = _label_typed(session, text)  # "For your son": the words shown, copied
            if typed is not None and typed < len(choices):
                return self.act(session, choices[typed], ctx)
            number = NUMBER.match(text)
            if number is None or not choices:
                return None
            index = int(number.group(1)) - 1
            if session.state in ("entitlement:offer", "entitlement:who") and \
                    index >= max(len(choices), 9):
                return None  # "72" to "Would you like to check?": an age (flows/entitlement.py)
        if not 0 <= index < len(choices):
            count = len(choices)
            listed = "1" if count == 1 else f"a number from 1 to {count}"
            labels = session.data.get("labels") or choices
            return [Outbound(f"Please reply with {listed}, or ask me something else.",
                             choices=tuple(labels))]
        return self.act(session, choices[index], ctx)

    @staticmethod
    def _button(session: Session, index: int, label: str) -> int | None:
        """The pressed button's index in the current choices: as sent when its label (which
        a channel may shorten) agrees, else found by label, else None."""
        labels: list[str] = session.data.get("labels") or []
        if not label or not labels or (0 <= index < len(labels)
                                       and labels[index].startswith(label)):
            return index
        same = [i for i, known in enumerate(labels) if known.startswith(label)]
        return same[0] if same else None

    def act(self, session: Session, choice: str, ctx: Context) -> list[Outbound]:
        """Carry out one stored choice."""
        action, _, value = choice.partition(":")
        flow = FLOWS.get(session.state.partition(":")[0])
        if action == "answer" and flow is not None:
            replies = flow(ctx, session, value)
            if replies is not None:
                return replies
        entry = self.entries.get(value)
        if action == "entry" and entry is not None:
            return self.show(session, entry, ctx)
        if action == "check" and (entry is not None or value == entitlement.ALL):
            return entitlement.start(ctx, session, value)
        if action == "check-other" and (entry is not None or value == entitlement.ALL):
            return entitlement.start(ctx, session, value, "other")
        if action == "unhelpful" and entry is not None:
            return feedback.not_helpful(ctx, session, entry)
        if action == "more" and (page := more(session)) is not None:
            return [page]
        if action == "about":
            name, _, entry_id = value.partition(":")
            topic = follow_up.TOPIC_NAMED.get(name)
            if topic is not None and entry_id in self.entries:
                end_flow(session)
                session.data["last_entry"] = entry_id
                session.data.pop("last_list", None)
                return [Outbound(follow_up.answer(topic, self.entries[entry_id]))]
        if action == "rate" and entry is not None:
            return feedback.rate_entry(ctx, session, entry)
        if action == "object" and entry is not None:
            return objection.confirmed(ctx, session, value)
        if action == "withdraw":
            return objection.withdraw_entry(ctx, session, value)
        if action == "ask":
            end_flow(session)
            return self.route(session, value, ctx)
        end_flow(session)
        return self._menu(session, self._menu_text(session))


PLAN_WORDS = re.compile(r"\b(?:plans?|planning|planned|proposals?|proposed|consultation|"
                        r"object|objection|against|changes?|cuts?|council wants?|going to|"
                        r"have (?:my|your) say|vote|petition|oppose|stop them)\b", re.IGNORECASE)
GIVING_WORDS = re.compile(r"\b(?:volunteer\w*|help out|helping out|give (?:my |some )?time|"
                          r"sign (?:me )?up|join|get involved|donat\w*|spare time|time bank|"
                          r"timebank|offer|"
                          r"(?:i|we)(?: want| wanna| would like|'?d like| d like) to help|"
                          r"(?:can|could|how can) (?:i|we) help)\b", re.IGNORECASE)
ASKED_FOR = {"proposal": PLAN_WORDS, "volunteering": GIVING_WORDS}
_PLAN_NAMED = re.compile(r"\b(?:plans?|planning|planned|proposals?|proposed|consultation|"
                         r"object|objection|petition|have (?:my|your) say)\b", re.IGNORECASE)
CLOSE_ENOUGH = 0.9
# what a first message may ask of the entry it finds, answered beside its card in a text
ASKED_AT_ONCE = frozenset({"when", "where", "cost", "phone", "email", "website", "documents"})


def services_first(result: SearchResult, text: str) -> SearchResult:
    """A message about a problem ("bins not been collected for 3 weeks") that does not speak
    of plans gets the service before a council plan that scores about as well; one that
    does not speak of giving time ("what time is the food bank open") gets it before a
    volunteering role, and one that does ("how can i help older people") the role first."""
    best = result.best
    if best is not None and best.entry.kind != "volunteering" and GIVING_WORDS.search(text):
        role = next((m for m in result.matches[1:] if m.entry.kind == "volunteering"
                     and m.score >= max(best.score * CLOSE_ENOUGH, Matcher.ANSWER_AT)), None)
        if role is not None:  # "how can i help older people": a role, not a bus pass
            return replace(result, matches=(role, *(m for m in result.matches if m is not role)))
    words_for = ASKED_FOR.get(best.entry.kind) if best is not None else None
    if best is None or words_for is None:
        return result
    # a plan named by nothing of its own, title or keywords, and asked for by no word but
    # "cut" or "change" ("they've cut my hours" is not "Plan to cut Northgate Youth Club
    # hours") gives way to any service that answers
    unnamed = best.entry.kind == "proposal" and not _PLAN_NAMED.search(text) and not (
        set(re.findall(r"[a-z0-9]+", words(text)))
        & (_content_words(" ".join([best.entry.title, *best.entry.keywords]))
           - _GENERIC_TITLE_WORDS))
    if words_for.search(text) and not unnamed:
        return result
    least = Matcher.ANSWER_AT if unnamed else max(best.score * CLOSE_ENOUGH, Matcher.ANSWER_AT)
    service = next((m for m in result.matches[1:] if m.entry.kind not in ASKED_FOR
                    and m.score >= least), None)
    if service is None:
        return result
    rest = tuple(m for m in result.matches if m is not service)
    return replace(result, matches=(service, *rest))


# what people say back to a council's response ("that's not good enough", "why?")
_REACTION = re.compile(
    r"\b(?:not (?:good enough|happy|fair|acceptable|right|ok|okay|enough)|disappoint\w*|"
    r"rubbish|disgrace\w*|shame\w*|a joke|ridiculous|appalling|outrageous|unacceptable|"
    r"great news|good news|brilliant|fantastic|wonderful|glad|pleased|relieved|about time|"
    r"well done|still|why|what about|reconsider|listen\w*|thank\w*)\b")
_GENERIC_TITLE_WORDS = frozenset({"plan", "plans", "proposal", "close", "closing", "new", "cut",
                                  "council", "service", "services", "hours", "week", "weeks"})


def _content_words(title: str) -> set[str]:
    return {w for w in words(title).split() if len(w) > 3}


AGE_FIT = 0.6  # how close an alternative for the person's age must score to come first
NEAR_TIE = 0.9  # how close one made for their age group must score to come before the best
OLDER, YOUNGER = 50, 25  # an entry from this age up, or up to this one, is made for an age
TEENS = 11  # an entry for young people from this age up is one they would ask for themselves


_WHERE_SAFE = re.compile(r"\bwhere (?:can|do|could|should|will) (?:i|we) (?:go|stay|sleep|live)\b"
                         r"|\bsomewhere (?:safe|to stay|to go|to sleep)\b|\b(?:a|the) refuge\b"
                         r"|\bsafe place\b")
def said_age(session: Session, text: str) -> int | None:
    """The age of whoever the message is about, when it was given ("my son is 3", "i am
    78"); a check's entitlements keep their own age questions (eligibility.py)."""
    if (own := people.own_age(text)) is not None:  # "i am 78 and lonely since my wife died"
        return own
    about = people.answers_for(session, people.subject_of(text) or "you").get("age")
    return about if isinstance(about, int) and not isinstance(about, bool) else None


def fits_age(result: SearchResult, age: int | None) -> SearchResult:
    """A service for another age group ("a youth club for 11 to 19 year olds" for a child
    of 3) gives way to the closest alternative that is for this age, if there is one; and
    one of the same category made for this age group wins a near tie with the best over
    one for anyone ("Council Tax Reduction for pension age" for someone of 72, before the
    student discount; not a 16-19 bursary before the food bank for someone of 19)."""
    best = result.best
    if age is None:
        return _for_anyone_first(result)
    if best is None:
        return result
    lead: Match | None = best
    if age_fails(best.entry, age):  # the closest for the age, of its kind first
        fitting = [m for m in result.matches[1:] if _for_age(m.entry, age)
                   and m.score >= max(Matcher.ANSWER_AT, best.score * AGE_FIT)]
        if best.entry.kind == "volunteering":  # a role too old for them: another role
            fitting = [m for m in result.matches[1:] if m.entry.kind == "volunteering"
                       and not age_fails(m.entry, age)
                       and m.score >= max(Matcher.ANSWER_AT, best.score * AGE_FIT)] or fitting
        kin = [m for m in fitting if best.entry.category
               and m.entry.category == best.entry.category]
        lead = (kin or fitting)[0] if fitting else None
    if lead is None:
        return result
    if not _made_for_an_age(lead.entry) and lead.entry.category and \
            not _keyword_written(lead.entry, result.query):  # of the same kind only; not
        # the clinic's own "morning after pill" for the C-Card's condoms at 15
        lead = next((m for m in result.matches if m is not lead and _for_age(m.entry, age)
                     and _made_for_an_age(m.entry) and m.entry.category == lead.entry.category
                     and m.score >= max(Matcher.ANSWER_AT, best.score * NEAR_TIE)), lead)
    if lead is best:
        return result
    return replace(result, matches=(lead, *(m for m in result.matches if m is not lead)))


def _for_anyone_first(result: SearchResult) -> SearchResult:
    """With no age said, an entry for all ages of the same kind and category wins a near tie
    with a best made for teenagers or young adults ("im homeless tonight with my 2 kids":
    the council's housing options, not housing for 16 to 24 year olds), unless the message
    names one of the best's own keywords ("young homeless", "free condoms")."""
    best = result.best
    if best is None or (best.entry.min_age or 0) < TEENS or best.entry.max_age is None or \
            best.entry.max_age > YOUNGER or not best.entry.category or \
            _keyword_written(best.entry, result.query, single=True):
        return result  # only a teenager's or young adult's service gives way
    lead = next((m for m in result.matches[1:] if not m.entry.min_age
                 and m.entry.max_age is None and m.entry.kind == best.entry.kind
                 and m.entry.category == best.entry.category
                 and m.score >= max(Matcher.ANSWER_AT, best.score * NEAR_TIE)), None)
    if lead is None:
        return result
    return replace(result, matches=(lead, *(m for m in result.matches if m is not lead)))


def _keyword_written(entry: Entry, text: str, single: bool = False) -> bool:
    """Whether the message has one of the entry's keywords whole (of two or more words
    unless `single`)."""
    said = f" {words(text)} "
    return any((single or " " in keyword.strip()) and f" {words(keyword)} " in said
               for keyword in entry.keywords)


def _for_age(entry: Entry, age: int) -> bool:
    return not age_fails(entry, age) and entry.kind not in ASKED_FOR


def _made_for_an_age(entry: Entry) -> bool:
    """For older people or for young people, not for any adult."""
    return (entry.min_age is not None and entry.min_age >= OLDER) or (
        entry.max_age is not None and entry.max_age <= YOUNGER)


def alternatives(result: SearchResult) -> list[Entry]:
    """Other plausible entries after the best, closest first."""
    best = result.best
    if best is None:
        return []
    return [m.entry for m in result.matches[1 : MAX_CHOICES + 1]
            if m.score >= best.score * ALTERNATIVE]


def is_request(text: str) -> bool:
    """Worth counting as an unmet need: not a stray "yes", number or single letter."""
    return (len(text.strip()) > 2 and not text.strip().isdigit() and parse_yes_no(text) is None
            and smalltalk.reply_to(text) is None)


def normalise_command(text: str) -> str:
    """A message as a command word: lower case, no surrounding punctuation."""
    return re.sub(r"\s+", " ", text.strip().lower().strip(".!?,")).strip()


def _label_typed(session: Session, text: str) -> int | None:
    """The choice whose label of two or more words the message is, word for word ("For your
    son", "Check for me" typed from an SMS); None otherwise ("yes" is read by the flows)."""
    said = words(text).strip("?!. ")
    labels: list[str] = session.data.get("labels") or []
    found = [n for n, label in enumerate(labels)
             if len(label.split()) > 1 and words(label) == said]
    return found[0] if found else None
