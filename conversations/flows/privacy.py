"""MY DATA and FORGET ME. State: `privacy:forget` (waiting for Yes/No). See privacy.md."""

from __future__ import annotations

import re

from conversations import objections
from conversations.aside import resume
from conversations.erasure import describe_person, erase_person
from conversations.flows.common import (
    NO,
    Context,
    ask,
    end_flow,
    leading_yes_no,
    looks_like_question,
    parse_yes_no,
    sms_sized,
    words,
)
from conversations.people import person_answers
from conversations.types import Outbound, Session

ERASED = "erased"  # the session's state after FORGET ME: the store deletes it, not saves it
MY_DATA = {"my data", "what data do you hold", "what do you know about me",
           "what do you hold about me", "show my data", "mydata"}
FORGET = {"forget me", "delete my data", "erase my data", "delete me", "forgetme",
          "remove my data", "delete everything"}


# What people put around the words: "please forget me", "can you delete my data thanks"
_POLITE = re.compile(
    r"^(?:(?:please|pls|plz|can you|could you|can u|could u|will you|would you|"
    r"i want you to|i'?d like you to|i would like you to|i want to|i wanna|i'?d like to|"
    r"i would like to|can i|could i|how do i|how can i|how to|i need to|hi|hello|hey)\b[ ,]*)+"
    r"|(?:[ ,]+(?:please|pls|plz|thanks|thank you|thx|now|asap))+$")
_MY_DATA = re.compile(
    r"^(?:(?:tell|show) me |let me (?:see|know) )?"  # "can u tell me what info u have on me"
    r"(?:(?:show|see|send|give|get)(?: me)? (?:all )?my (?:data|details|info|information)"
    r"|what (?:data|info|information|details|personal data) (?:do you (?:hold|have|keep|store)|"
    r"have you got|(?:you|u) (?:hold|have|keep|store|have got|'?ve got|got))(?: (?:on|about) me)?"
    r"|what do (?:you|u|ya) (?:know|hold|have|keep|store) (?:on|about) me"
    r"|what (?:have|do) (?:you|u) got on me"
    # "what info have u got about me", "what have you got stored on me"
    r"|what (?:data |info |information |details |personal data |stuff )?(?:have|do) (?:you|u) "
    r"(?:got|hold|have|keep|store|know)(?: stored| saved| kept)? (?:on|about) me)$")
# "who can see this?", "can my parents see what i send u", "do u save my messages", "is
# this private", "do you share my messages with the council", "are my messages kept":
# answered with who sees what, how long it is kept, MY DATA and FORGET ME
_OWN = (r"(?:my (?:messages|texts|chats?|data|details|answers)|"
        r"(?:these|the|our) (?:messages|texts|chats?|conversation))")
_CHAT = (r"(?:this|these|it|this chat|" + _OWN +
         r"|what i (?:send|write|say|text|tell)(?: (?:you|u|here))?)")
_CAN = r"(?:can|could|will|do|does) (?:my )?"
_FAMILY = (r"(?:parents?|mum|mom|dad|family|school|teachers?|anyone|anybody|someone|people|"
           r"the council|the police|police|social services|social workers?)")
# people whose finding out is asked about only with this chat named ("will my landlord
# find out i contacted you"; not "will my landlord find out if i report the damp")
_OTHERS = (r"(?:landlord|partner|husband|wife|boyfriend|girlfriend|ex|boss|employer|"
           r"neighbours?|social worker)")
_TOLD = r" (?:find out|know|be told|get told|get to know|hear about it)"
_ABOUT_CHAT = (r" (?:about (?:this|it)|(?:that )?i(?:'?m| am)? "
               r"(?:messag|text|talk|writ|using|use|sent|wrote|contact)\w*\b.*)")
_WHO_SEES = re.compile(
    r"^(?:who (?:else )?(?:can|will|could|is going to|gets to) (?:see|read)(?: " + _CHAT +
    r")?|who (?:else )?(?:sees|reads) " + _CHAT +
    r"|" + _CAN + r"(?:" + _FAMILY + "|" + _OTHERS + r") (?:see|read) " + _CHAT +
    r"|" + _CAN + _FAMILY + _TOLD + r"(?:" + _ABOUT_CHAT + r")?"
    r"|" + _CAN + _OTHERS + _TOLD + _ABOUT_CHAT +
    r"|(?:do|will|does) (?:you|u|this) (?:save|keep|store|record|remember|share|pass on|pass|"
    r"give out|forward) (?:" + _CHAT[3:-1] + r"|what i\b.*|everything|my (?:phone )?number|"
    r"my name|my comments?)"
    r"(?: (?:with|to|on to|onto)\b.*)?"
    r"|(?:are|is|will) " + _OWN + r" (?:be )?(?:kept|saved|stored|recorded|shared|passed on|"
    r"private|confidential|safe|read|seen)\b.*"
    r"|is (?:this|this chat|it) (?:private|confidential|anonymous|secret|encrypted)\b.*"
    r"|(?:are|is) " + _OWN + r" encrypted\b.*|who (?:will|can|gets to) (?:read|see) my "
    r"(?:comments?|feedback|objections?|reasons?)"
    # "how long do you keep my messages", "what happens to my data if i say forget me"
    r"|how long (?:do|will|would|can) (?:you|u) (?:keep|store|hold|save) (?:" + _CHAT[3:-1] +
    r"|my (?:info|information|postcode|objections?))(?: for)?"
    r"|how long (?:are|is) " + _OWN + r" (?:kept|stored|saved|held)(?: for)?"
    r"|what happens (?:to|with) (?:my (?:data|details|info|information|messages|objections?)|"
    r"it)(?: if| when| after)? (?:i (?:say|send|text|use|type)|saying|sending) forget me"
    r"|is (?:this|this chat) safe|is (?:this|it) safe to (?:talk|text|say|write|tell|use)"
    r"(?: (?:here|you|u|this)\b.*| (?:something|anything|stuff)\b.*)?)$")
_KEPT = ("I keep messages 30 days, feedback and unanswered questions 90 days, a postcode or "
         "objection a year.")
ABOUT_PRIVACY = (_KEPT + " Councillors see counts and comments, never names or numbers. If "
                 "someone may be in danger, the council's safeguarding team may read a "
                 "message. Nobody else sees them here, but they stay in the app on your phone "
                 "until you delete the chat there. MY DATA shows it; FORGET ME deletes it.")
# By SMS (and the web chat, sized as SMS) the answer fills two texts: what stays on the
# phone (or the page) where someone else may read it, and that FORGET ME cannot reach it
ABOUT_PRIVACY_SMS = (_KEPT + " Councillors see no names or numbers. If someone may be in "
                     "danger, the safeguarding team may read a message. Nobody else sees "
                     "them. {where}; FORGET ME deletes mine.")
_ON_DEVICE = {"sms": "Your phone keeps them till you delete the chat",
              "web": "This page shows them till you close it"}


def about_privacy(session: Session) -> str:
    """Who sees what, sized for the person's channel."""
    if not sms_sized(session):
        return ABOUT_PRIVACY
    return ABOUT_PRIVACY_SMS.format(where=_ON_DEVICE.get(session.channel, _ON_DEVICE["sms"]))


_FORGET = re.compile(
    r"^(?:forget (?:about )?me|(?:delete|erase|remove|wipe|clear)(?: all)?(?: of)? my "
    r"(?:data|details|info|information|messages|account|personal data|number)"
    r"(?: (?:from|off|out of) (?:your|the) (?:system|records|database|files))?"
    r"|(?:delete|erase|wipe|forget|remove) (?:everything|all(?= (?:you|of it|about)\b))"
    r"(?: of it)?"
    r"(?: (?:(?:you|u) (?:know|hold|have|"
    r"have got|'?ve got|got|keep|store)|you'?ve got))?(?: (?:on|about) me)?"
    r"|(?:delete|erase) me"
    # "i want my data deleted", "remove my number from your system"
    r"|i want my (?:data|details|info|information|messages|number) (?:deleted|erased|removed|"
    r"wiped)"
    r"|(?:remove|delete|take) (?:me|my (?:number|details|data)) (?:from|off|out of) (?:your|"
    r"the) (?:system|records|database|files)"
    # "i dont want to be on your system anymore", "i dont want you to have my details"
    r"|i (?:don'?t|do not) want (?:to be|my (?:data|details|number|info) to be) (?:on|in) (?:your|"
    r"the|this) (?:system|records|database|files|list)(?: any ?more)?"
    r"|i (?:don'?t|do not) want you (?:to have|having|keeping) my (?:data|details|number|info|"
    r"information)(?: any ?more)?"
    # "stop storing my info", "can u wipe everything u have on me", "dont keep my messages",
    # "can you forget what i told you"
    r"|(?:please |pls )?stop (?:storing|keeping|saving|holding) my (?:data|details|info|"
    r"information|messages|number)"
    r"|(?:please |pls )?(?:don'?t|do not) (?:keep|store|save) my (?:data|details|info|"
    r"information|messages|number)"
    r"|(?:can|could) (?:you|u) (?:delete|erase|wipe|remove) (?:everything|all|my (?:data|details|"
    r"info|information|messages))(?: (?:you|u) (?:have|hold|got|know|keep))?(?: (?:on|about) me)?"
    r"|(?:(?:can|could) (?:you|u) |please )?forget (?:what|everything|all) i (?:told|said|sent)"
    r"(?: (?:you|u))?(?: about .{1,40})?"
    r"|unsubscribe me and (?:delete|remove|erase) my (?:data|details|info|number))$")


_GO_AHEAD = frozenset({"please", "go ahead", "do it", "delete it", "delete it all",
                       "delete everything", "thanks", "thank you", "sure", "i am sure",
                       "im sure", "forget me", "definitely"})


def _plain(text: str) -> str:
    return _POLITE.sub("", words(text).rstrip("?")).strip(" ,")


def wants_my_data(text: str) -> bool:
    said = _plain(text)
    return said in MY_DATA or _MY_DATA.match(said) is not None


def asks_who_sees(text: str) -> bool:
    """"who can see this?", also followed by more ("who can see this? i told you about my
    stepdad")."""
    first = re.split(r"[?.!]+\s", _plain(text), maxsplit=1)[0]
    return _WHO_SEES.match(first.strip()) is not None


def wants_forget(text: str) -> bool:
    said = _plain(text)
    return said in FORGET or _FORGET.match(said) is not None


def who_sees(session: Session, question: list[Outbound]) -> list[Outbound]:
    """Who sees what, then the question being asked (it stays open). By SMS the answer fills
    a reply's two texts on its own, so the question, just sent, is not put again."""
    return [Outbound(about_privacy(session)), *([] if sms_sized(session) else question)]


def summary(ctx: Context, session: Session) -> Outbound:
    """What is held about the person (MY DATA), leaving any question open."""
    answers = person_answers(session)
    return Outbound(describe_person(ctx.db, session.channel, session.address, answers))


def my_data(ctx: Context, session: Session) -> list[Outbound]:
    end_flow(session)
    session.data["data_shown"] = True  # "can you delete it?" next is FORGET ME
    return [summary(ctx, session)]


_DELETE_IT = re.compile(r"^(?:(?:can|could|will) (?:you|u) |please |pls )?(?:delete|erase|wipe|"
                        r"remove|get rid of) (?:it|that|them|this|it all|all of it|all that|"
                        r"everything)(?: please| pls)?$")


def wants_it_deleted(text: str) -> bool:
    """"can you delete it?" (FORGET ME when it comes just after MY DATA)."""
    return _DELETE_IT.match(_plain(text)) is not None


_DELETE_MESSAGES = re.compile(r"\b(?:delete|erase|wipe|remove|get rid of) (?:this|these|that|my|"
                              r"the|our) ?(?:messages?|texts?|chat|conversation|it)?\b")


def asks_to_delete(text: str) -> bool:
    """"can you delete it?", or a sentence that asks for messages to go ("he reads my texts,
    can you delete this")."""
    return wants_it_deleted(text) or _DELETE_MESSAGES.search(words(text)) is not None


def ask_forget(session: Session, member: str = "") -> list[Outbound]:
    """The question before FORGET ME; `member` says what it does to a time-bank member."""
    end_flow(session)
    return [ask(session, "privacy:forget",
                "Do you want me to delete everything I hold about you (answers, postcode, "
                "feedback, messages, sign-ups)? Objections stay counted, without your details."
                f"{member} This cannot be undone.",
                [("Yes, forget me", "answer:yes"), NO])]


def _objections_kept(ctx: Context, session: Session) -> str:
    """What FORGET ME's goodbye says of the person's objections: they stay counted without
    who made them, so nothing can tell a new objection from the same person afterwards
    (erased means gone); they are asked not to object again, which would count twice."""
    mine = objections.person_objections(ctx.db, session.channel, session.address)
    if not mine:
        return ""
    first = ctx.entries.get(str(mine[0]["entry_id"]))
    what = (f"Your objection to {first.title}" if len(mine) == 1 and first is not None
            else "Your objections")
    verb = "stays" if len(mine) == 1 else "stay"
    return (f" {what} {verb} counted, without your details, so there's no need to object "
            "again.")


def handle(ctx: Context, session: Session, text: str) -> list[Outbound] | None:
    said = parse_yes_no(text)
    if said is None and leading_yes_no(text) == "yes":  # "Yes, forget me", the button typed;
        rest = _plain(_plain(text).partition(" ")[2].strip(" ,.!"))  # "yes but keep my
        if rest and not wants_forget(rest) and rest not in _GO_AHEAD:  # objection": no
            return [ask(session, "privacy:forget", "I can only delete everything at once. "
                        "Reply YES to delete it all, or NO to keep it.",
                        [("Yes, forget me", "answer:yes"), NO])]
        said = "yes"
    if said == "yes" or wants_forget(text):
        counted = _objections_kept(ctx, session)
        erase_person(ctx.db, session.channel, session.address, ctx.now)
        session.state, session.data = ERASED, {}
        return [Outbound("Done: I have deleted what I held about you. If you message again, "
                         f"I start afresh.{counted}", erased=True)]
    if said in ("no", "unknown"):
        end_flow(session)
        kept = [] if session.data.get("set_aside") is None else resume(session)
        return [Outbound("OK, I have not deleted anything."), *kept]
    if looks_like_question(re.sub(r"^(?:wait|hang on|sorry|um+|erm|so|ok|okay)\W+", "",
                                  words(text))):  # "wait what does that delete": answered
        return [ask(session, "privacy:forget", FORGET_EXPLAINED,
                    [("Yes, forget me", "answer:yes"), NO])]
    return None


FORGET_EXPLAINED = (
    "FORGET ME deletes everything I hold about you: your messages, answers, postcode, "
    "feedback and sign-ups, and a time bank membership too. Objections stay counted, without "
    "your details. Nothing is deleted until you say YES. Reply YES to delete it all, or NO to "
    "keep it.")
