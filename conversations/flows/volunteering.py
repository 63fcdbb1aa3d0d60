"""Volunteering: "Sign up?" after a volunteering role, the sign-up questions, withdrawing,
and "what can I volunteer for?". See volunteering.md.

States: `volunteering:name`, `volunteering:age`, `volunteering:when`, `volunteering:consent`,
`volunteering:contact` (signing up for the role in the flow data), `volunteering:find_age`
and `volunteering:find_when` (finding roles that fit).
"""

from __future__ import annotations

import re

from catalogue.model import Entry
from conversations import people, records, volunteering
from conversations.flows.common import (
    NO,
    YES,
    Context,
    ask,
    ask_list,
    end_flow,
    entry_choices,
    first_name,
    flow_data,
    how_to_apply,
    is_skip,
    leading_yes_no,
    parse_yes_no,
    words,
)
from conversations.types import Outbound, Session

# Questions whose answer is the person's own words (conversations/engine.py WAITING)
WAITING = frozenset({"volunteering:name", "volunteering:age", "volunteering:when",
                     "volunteering:consent", "volunteering:contact", "volunteering:find_age",
                     "volunteering:find_when"})
WHEN_CHOICES = [("Weekdays", "answer:weekdays"), ("Evenings", "answer:evenings"),
                ("Weekends", "answer:weekends"), ("Any time", "answer:any time")]
MAX_ROLES = 4
_SIGN_UP = re.compile(r"^(?:(?:actually|ok|okay|oh|yes|yeah|go on|on second thoughts?|i've "
                      r"changed my mind|ive changed my mind|changed my mind)[,!. ]+)*"
                      r"(?:(?:can i|i want to|i'd like to|i would like to|how do i|how can i) )?"
                      r"(?:sign (?:me |us )?up|signup|volunteer|join|register|get involved|"
                      r"take part)(?: (?:for|to|with) (?:it|this|that|them))?(?: please)?\??$")
_SIGN_ME_UP_FOR = re.compile(r"^(?:please )?(?:(?:can i|can you|i want to|i'd like to|i would "
                             r"like to|i wanna) )?(?:sign (?:me |us )?up|register me|put me "
                             r"down|put my name down) (?:to|for|as|at) \w")
# why, which names no role: "to put on my uni application", "for my dofe", "for experience"
_WHY_VOLUNTEER = (
    r"(?: (?:to put on|for|on|to help with|to get|to gain|to meet|to build|in|during|over|"
    r"to go on) (?:my |some |the |a |new )?(?:uni|university|college|ucas|cv|personal statement|"
    r"application|dofe|duke of edinburgh|d of e|experience|work experience|skills|people|"
    r"friends|confidence|summer|holidays|summer holidays|weekends|spare time)(?: \w+){0,2})*")
_FIND = re.compile(r"^(?:what|where|how) (?:can|could|do|might) i volunteer(?: for| at)?"
                   r"(?: near me)?\??$|"
                   # "what volunteering is there", "any volunteering jobs going?"
                   r"^(?:what|which|any|are there any|is there any) (?:volunteering|volunteer)"
                   r"(?: jobs| roles| opportunities| work)? ?(?:is there|are there|going|"
                   r"available|near me|around here|can i do|do you have)?\??$|"
                   r"^(?:volunteering|volunteer) (?:near me|for me|roles|"
                   r"opportunities)\??$|^(?:find|show me) (?:volunteering|volunteer roles)\??$"
                   # "volunteering", "i want to volunteer", "can i volunteer? im 15"
                   r"|^(?:i (?:want|would like|wanna|d like) to |can i |i am looking to |"
                   r"im looking to |id like to )?(?:volunteer|volunteering|do some volunteering)"
                   r"(?: (?:locally|somewhere|please))?" + _WHY_VOLUNTEER +
                   r"\??(?:,? (?:but |and )?i(?:m| am) (?:only |just )?\d{1,3})?\??$")
_WITHDRAW = re.compile(r"^(?:i want to |please )?(?:withdraw|cancel|take back|remove|drop out "
                       r"of|pull out of)(?: my| the)? (?:volunteer(?:ing)? )?(?:sign ?-?ups?|"
                       r"volunteering)(?: (?:for|from) .+)?$|^i can'?t volunteer any ?more$")
# giving time without naming a role: "im retired and have lots of free time, id like to give
# something back" (the roles that fit, as "what can I volunteer for?")
_COMMUNITY = r"(?:(?:the|my|our) (?:community|area|town)|society|others|people)"
_GIVE_BACK = re.compile(rf"\b(?:give (?:something|a bit|some time) back(?! to (?!{_COMMUNITY}))|"
                        rf"give back to {_COMMUNITY}|put my (?:free |spare )?time to "
                        rf"(?:good )?use|make a difference (?:in|to) {_COMMUNITY})\b")
# after signing up: "when do i start", "what happens now", "when will they contact me"
_WHAT_NEXT = re.compile(r"^(?:so )?(?:when (?:do|can|will|shall) i (?:start|begin|hear)|what "
                        r"(?:happens|do i do) (?:now|next)|what now|whats next|what's next|"
                        r"when will (?:they|someone|the organiser|i) (?:contact|call|ring|text|"
                        r"email|get in touch with|hear from)(?: me| them| you)?|"
                        r"how (?:long|soon) (?:until|till|before) (?:they|someone|i)\b.*)\??$")
_AGE = re.compile(r"^(?:i'?m |i am |im |my age is )?(\d{1,3}|[a-z]+(?:[ -][a-z]+)?)"
                  r"(?: years? old| yrs?(?: old)?| yo)?$")

def offer(session: Session, entry: Entry) -> Outbound:
    """After showing a volunteering role: "Sign up?"."""
    end_flow(session)
    return ask(session, "volunteering:offer", f"Would you like to sign up for {entry.title}? "
               "I'll ask a few quick questions and pass it to the organiser.",
               [("Sign up", "answer:yes"), ("No thanks", "answer:no")])


def route(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    said = words(text)
    if _FIND.match(said):
        if (age := people.own_age(text)) is not None:  # "i want to volunteer, im 14"
            session.data.setdefault("answers", {})["age"] = age
        return start_finding(ctx, session)
    if wants_to_withdraw(text):
        return withdraw(ctx, session)
    last = ctx.entries.get(session.data.get("last_entry") or "")
    if last is not None and last.kind == "volunteering" and _SIGN_UP.match(said):
        return start(ctx, session, last)
    if last is not None and last.kind == "volunteering" and _WHAT_NEXT.match(said) and \
            (next_step := what_next(ctx, session, last)) is not None:
        return [next_step]
    if _GIVE_BACK.search(said) and not _FIND.match(said):
        return start_finding(ctx, session)
    return None


def what_next(ctx: Context, session: Session, entry: Entry) -> Outbound | None:
    """"When do I start?" just after signing up: who gets in touch, or how to arrange it;
    None when they are not signed up for it (a question about the role, answered as one)."""
    mine = [s for s in volunteering.signed_up(ctx.db, session.channel, session.address)
            if s.entry_id == entry.id]
    if not mine:
        return None
    if mine[0].contact and entry.email:
        return Outbound(f"The organiser of {entry.title} has your details and will be in "
                        "touch to arrange when you start. Send WITHDRAW MY SIGN UP to cancel.")
    return Outbound(f"You're signed up for {entry.title}. To arrange when you start: "
                    f"{how_to_apply(entry)}.")


def wants_to_withdraw(text: str) -> bool:
    """"withdraw my sign up", "I can't volunteer any more"."""
    return _WITHDRAW.match(words(text)) is not None


def wants_to_sign_up(text: str) -> bool:
    """"sign me up", "can I join?", "how do I get involved"."""
    return _SIGN_UP.match(words(text)) is not None


def signs_up_for(text: str) -> bool:
    """"sign me up to befriend an older person": signing up, with the role named."""
    return _SIGN_ME_UP_FOR.match(words(text)) is not None


# -- signing up ---------------------------------------------------------------------------------

def start(ctx: Context, session: Session, entry: Entry) -> list[Outbound]:
    mine = [s.entry_id for s in volunteering.signed_up(ctx.db, session.channel, session.address)]
    if entry.id in mine:
        end_flow(session)
        return [Outbound(f"You're already signed up for {entry.title}. Send WITHDRAW MY SIGN "
                         "UP to cancel it.")]
    session.data["flow"] = {"kind": "volunteering", "entry": entry.id}
    return [ask(session, "volunteering:name", f"Great! To sign up for {entry.title}: what's "
                "your first name?")]


def _age_known(session: Session) -> int | None:
    age = (session.data.get("answers") or {}).get("age")
    return age if isinstance(age, int) else None


def _name(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    name = first_name(text)
    if name is None:
        return [ask(session, "volunteering:name", "Please send just your first name, or MENU "
                    "to stop.")]
    flow_data(session)["name"] = name
    age = _age_known(session)
    if age is not None:
        return _check_age(ctx, session, age)
    return [ask(session, "volunteering:age", "How old are you?")]


def read_age(text: str) -> int | None:
    """An age in digits or words ("15", "im forty", "twenty-one years old")."""
    found = _AGE.match(words(text))
    age = people.number(found.group(1)) if found else None
    return age if age is not None and 5 <= age <= 110 else None


def too_young() -> Outbound:
    return Outbound("Thank you for wanting to help! You need to be 13 or older to sign up, so "
                    "I can't sign you up yet. You could help with a parent or carer, or ask at "
                    "school or a youth club about helping out. Send MENU to find things to do.")


def _check_age(ctx: Context, session: Session, age: int) -> list[Outbound]:
    entry = ctx.entries[flow_data(session)["entry"]]
    session.data.setdefault("answers", {})["age"] = age
    if age < volunteering.MIN_AGE:
        end_flow(session)
        return [too_young()]
    if (entry.min_age or 0) > age or (entry.max_age is not None and entry.max_age < age):
        end_flow(session)
        ages = f"aged {entry.min_age} and over" if (entry.min_age or 0) > age else \
            f"aged up to {entry.max_age}"
        return [Outbound(f"Sorry, {entry.title} is for people {ages}. Send WHAT CAN I "
                         "VOLUNTEER FOR to see roles that fit you.")]
    flow_data(session)["age"] = age
    if known := session.data.get("free_when"):  # said in "what can I volunteer for?"
        flow_data(session)["when"] = known
        return _ask_consent(ctx, session)
    return [ask(session, "volunteering:when", "When could you help? Pick one, or tell me "
                "(for example \"evenings and weekends\").", WHEN_CHOICES)]


def _when(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    times = volunteering.availability_said(text)
    if not times:
        return [ask(session, "volunteering:when", "Please say weekdays, evenings, weekends "
                    "or any time.", WHEN_CHOICES)]
    plain = words(text)
    rest = re.sub(r"\b(?:and|or|any ?time|weekdays?|evenings?|weekends?|please)\b|[^\w ]", "",
                  plain).strip()
    # "mondays only", "when the kids are at school": the organiser gets their words too
    flow_data(session)["when"] = ", ".join(times) + (f" ({plain[:40]})" if rest else "")
    return _ask_consent(ctx, session)


def _ask_consent(ctx: Context, session: Session) -> list[Outbound]:
    entry = ctx.entries[flow_data(session)["entry"]]
    reach = "your phone number" if session.channel == "sms" else "a phone number or email"
    return [ask(session, "volunteering:consent", f"Can I give the organiser of {entry.title} "
                f"{reach} so they can contact you? If not, I'll send only your first name "
                "and when you're free.", [YES, NO])]


_WHAT_WITH_IT = re.compile(r"\b(?:what|why|who|where)\b.{0,30}\b(?:number|details|email|phone|"
                           r"contact)\b|\bwho (?:gets|sees|will see|can see) it\b")


def _consent(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    said = parse_yes_no(text)
    if said == "unknown":  # "maybe", "not sure": never taken for a No
        entry = ctx.entries[flow_data(session)["entry"]]
        return [ask(session, "volunteering:consent", f"That's fine. Only the organiser of "
                    f"{entry.title} would get it, to arrange your volunteering. Reply YES to "
                    "share it, or NO and they get only your first name and when you're free.",
                    [YES, NO])]
    if said is None and contact_in(text) is None and _WHAT_WITH_IT.search(words(text)):
        # "what will you do with my number"
        entry = ctx.entries[flow_data(session)["entry"]]
        return [ask(session, "volunteering:consent", f"Only the organiser of {entry.title} gets "
                    "it, to contact you about volunteering; nobody else. FORGET ME deletes it "
                    "here. May I give it to them?", [YES, NO])]
    if said is None:  # "my email is jo@example.org", "yes, ring me on 07700 900123"
        contact = contact_in(text)
        if contact is not None:
            return record(ctx, session, contact)
        said = leading_yes_no(text)  # "yeah thats fine", "yes go on"
        if said is None:
            return None
        if said == "yes" and _BUT_NOT.search(words(text)):  # "yes but dont give them my number"
            return [ask(session, "volunteering:consent", "Sorry, I didn't follow. May I give "
                        "the organiser a way to contact you? Reply YES or NO.", [YES, NO])]
    if said == "yes" and session.channel != "sms":
        return [ask(session, "volunteering:contact", "What phone number or email should "
                    "the organiser use?")]
    contact = session.address if said == "yes" else ""
    return record(ctx, session, contact)


_BUT_NOT = re.compile(r"\b(?:but|not|dont|don't|do not|never)\b")  # "no problem" is a yes
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d ()-]{7,14}\d")


def contact_in(text: str) -> str | None:
    """The email address or phone number in a message, alone or in a sentence ("my email
    is jo@example.org"), or None."""
    found = _CONTACT.search(text)
    return None if found is None else found.group(0)


def _contact(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    if is_skip(text):
        return record(ctx, session, "")
    contact = contact_in(text)
    if contact is None:
        return [ask(session, "volunteering:contact", "That doesn't look like a phone number "
                    "or email. Send one, or SKIP to share nothing.")]
    return record(ctx, session, contact)


def record(ctx: Context, session: Session, contact: str) -> list[Outbound]:
    flow = flow_data(session)
    entry = ctx.entries[flow["entry"]]
    made = volunteering.sign_up(ctx.db, session.channel, session.address, entry, flow["name"],
                                int(flow["age"]), flow["when"], contact, ctx.now)
    end_flow(session)
    if made is None:
        return [Outbound(f"You're already signed up for {entry.title}.")]
    text = f"Thanks {made.first_name}, you're signed up for {entry.title}. "
    text += ("The organiser will be in touch. " if contact and entry.email
             else f"To arrange it: {how_to_apply(entry)}. ")
    if made.age < volunteering.PARENT_AGE:
        text += ("As you're under 16, the organiser needs a parent or carer's OK and how to "
                 "reach them before you start. ")
    return [Outbound(text + "Send WITHDRAW MY SIGN UP to cancel.")]


# -- withdrawing ----------------------------------------------------------------------------------

def withdraw(ctx: Context, session: Session, signup_id: int | None = None) -> list[Outbound]:
    end_flow(session)
    mine = volunteering.signed_up(ctx.db, session.channel, session.address)
    if not mine:
        return [Outbound("You have no volunteering sign-ups to withdraw.")]
    if signup_id is None and len(mine) > 1:
        choices = [(ctx.entries[s.entry_id].title if s.entry_id in ctx.entries else s.entry_id,
                    f"answer:{s.id}") for s in mine[:MAX_ROLES]]
        return [ask(session, "volunteering:withdraw", "Which sign-up do you want to "
                    "withdraw?", choices)]
    chosen = signup_id if signup_id is not None else mine[0].id
    gone = volunteering.withdraw(ctx.db, session.channel, session.address, chosen,
                                 dict(ctx.entries), ctx.now)
    if gone is None:
        return [Outbound("That sign-up was already withdrawn.")]
    made, told = gone
    entry = ctx.entries.get(made.entry_id)
    done = f"Done: you're no longer signed up for {entry.title if entry else made.entry_id}. "
    if told:
        return [Outbound(done + "I've told the organiser.")]
    if entry is not None and entry.email:  # their email was still waiting: never sent
        return [Outbound(done + "Your details hadn't gone to the organiser yet, and now "
                         "they won't.")]
    return [Outbound(done + "If you've been in touch with the organiser, please let them "
                     "know.")]


# -- finding roles that fit -----------------------------------------------------------------------

NO_ROLES = ("The council hasn't listed any volunteering roles yet, so there's nothing to "
            "sign up for here. Ask me about something else, or try again another time.")


def start_finding(ctx: Context, session: Session) -> list[Outbound]:
    if not any(e.kind == "volunteering" for e in ctx.entries.values()):
        return [Outbound(NO_ROLES)]  # not an age and a time for nothing
    session.data["flow"] = {"kind": "volunteering-find"}
    if _age_known(session) is None:
        return [ask(session, "volunteering:find_age", "I'll find roles that fit you. How old "
                    "are you?")]
    return [ask(session, "volunteering:find_when", "When could you help?", WHEN_CHOICES)]


def list_roles(ctx: Context, session: Session, times: list[str]) -> list[Outbound]:
    age = _age_known(session)
    end_flow(session)
    if age is not None and age < volunteering.MIN_AGE:
        return [too_young()]
    person = records.get_person(ctx.db, session.channel, session.address) or {}
    roles = [e for e in ctx.entries.values()
             if volunteering.fits(e, age, person.get("ward"), times)]
    roles.sort(key=lambda e: (not e.wards, e.title))
    session.data["free_when"] = ", ".join(times)  # not asked again when signing up
    if not roles:
        return [Outbound("I couldn't find a volunteering role that fits right now. Try other "
                         "times, or ask me about something else.")]
    return [ask_list(session, "These could suit you. Pick one to read about it and sign up:",
                     entry_choices(roles))]


def handle(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    state = session.state.partition(":")[2]
    flow = flow_data(session)
    if state == "find_age":
        age = read_age(text)
        if age is None:
            return None if len(text.split()) > 3 else [
                ask(session, "volunteering:find_age", "Please send your age as a number.")]
        session.data.setdefault("answers", {})["age"] = age
        if age < volunteering.MIN_AGE:
            end_flow(session)
            return [too_young()]
        return [ask(session, "volunteering:find_when", "When could you help?", WHEN_CHOICES)]
    if state == "find_when":
        times = volunteering.availability_said(text)
        return list_roles(ctx, session, times) if times else None
    if state == "withdraw":
        return withdraw(ctx, session, int(text)) if text.isdigit() else None
    if state == "offer":
        entry = ctx.entries.get(session.data.get("last_entry") or "")
        said = parse_yes_no(text)
        if said == "yes" and entry is not None:
            return start(ctx, session, entry)
        if said == "no":
            end_flow(session)
            return [Outbound("OK. Ask me anything else, or send MENU.")]
        if said == "unknown" and entry is not None:  # "maybe", "not sure"
            end_flow(session)
            return [Outbound(f"No rush. Ask me about {entry.title} again whenever you're "
                             "ready, or ask what else you could volunteer for.")]
        return None
    if flow.get("entry") not in ctx.entries:
        return None
    if state == "name":
        return _name(ctx, session, text)
    if state == "age":
        age = read_age(text)
        if age is None:
            return None if len(text.split()) > 3 else [
                ask(session, "volunteering:age", "Please send your age as a number, like 15.")]
        return _check_age(ctx, session, age)
    if state == "when":
        return _when(ctx, session, text)
    if state == "consent":
        return _consent(ctx, session, text)
    if state == "contact":
        return _contact(ctx, session, text)
    return None
