"""MY DATA and FORGET ME. State: `privacy:forget` (waiting for Yes/No). See privacy.md."""

from __future__ import annotations

from conversations.erasure import describe_person, erase_person
from conversations.flows.common import NO, Context, ask, end_flow, parse_yes_no, words
from conversations.people import person_answers
from conversations.types import Outbound, Session

ERASED = "erased"  # the session's state after FORGET ME: the store deletes it, not saves it
MY_DATA = {"my data", "what data do you hold", "what do you know about me",
           "what do you hold about me", "show my data", "mydata"}
FORGET = {"forget me", "delete my data", "erase my data", "delete me", "forgetme",
          "remove my data", "delete everything"}


def wants_my_data(text: str) -> bool:
    return words(text) in MY_DATA


def wants_forget(text: str) -> bool:
    return words(text) in FORGET


def my_data(ctx: Context, session: Session) -> list[Outbound]:
    end_flow(session)
    answers = person_answers(session)
    return [Outbound(describe_person(ctx.db, session.channel, session.address, answers))]


def ask_forget(session: Session) -> list[Outbound]:
    end_flow(session)
    return [ask(session, "privacy:forget",
                "Do you want me to delete everything I hold about you: your answers, postcode, "
                "feedback and messages? Objections stay in the counts without your details. "
                "This cannot be undone.",
                [("Yes, forget me", "answer:yes"), NO])]


def handle(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    said = parse_yes_no(text)
    if said == "yes" or words(text) in FORGET:
        erase_person(ctx.db, session.channel, session.address)
        session.state, session.data = ERASED, {}
        return [Outbound("Done: I have deleted what I held about you. If you message again, "
                         "I start afresh.", erased=True)]
    if said in ("no", "unknown"):
        end_flow(session)
        return [Outbound("OK, I have not deleted anything.")]
    return None
