"""What a person in danger is told: the helplines for their concern, then a gentle next step.

One crisis message per concern group (conversations/safeguarding.py `GROUP_OF`), each in
plain GSM-7 and at most two SMS segments (tests/test_safeguarding.py checks both), each
ending with the same line about the council's safeguarding team. A message that could be
several things gets GENERAL, which names the main helplines for all of them.
"""

from __future__ import annotations

import re

from conversations import smalltalk

TEAM = "Someone from the council's safeguarding team may read this message."

GENERAL = (
    "If you are in danger now, call 999. Free and any time: Childline 0800 1111 "
    "(under 19s), Samaritans 116 123, text SHOUT to 85258, Domestic Abuse Helpline "
    "0808 2000 247. " + TEAM
)
CRISIS = {
    "immediate": (
        "Please call 999 now. Pills taken? A doctor is needed, even if you feel fine. "
        "Can't talk? Ask someone near you to call. A friend? Stay with them. Then, any "
        "time: Samaritans 116 123, text SHOUT to 85258, Childline 0800 1111 (under 19s). "
        + TEAM
    ),
    "suicide": (
        "You matter, and you don't have to cope with this alone. Free, any time: "
        "Samaritans 116 123, or text SHOUT to 85258. Under 19? Childline 0800 1111. "
        "If you are in danger now or have taken something, call 999. " + TEAM
    ),
    "child": (
        "Nobody has the right to hurt you, and it is not your fault. Free, any time: "
        "Childline 0800 1111 (under 19s). Worried about a child? NSPCC 0808 800 5000. "
        "If you are in danger now, call 999. " + TEAM
    ),
    # hurt at home with nothing saying by whom or how old: a partner or a parent
    "hurt": (
        "Nobody has the right to hurt you, and it is not your fault. Free, any time: "
        "Domestic Abuse Helpline 0808 2000 247; under 19s, Childline 0800 1111. In danger "
        "now? Call 999; if you can't speak, press 55 when asked. " + TEAM
    ),
    # raped or sexually assaulted long ago ("years ago", "when i was 12"): the same helplines
    "past sexual": (
        "It is not your fault, however long ago it was. Rape Crisis, free, any time: 0808 500 "
        "2222. Under 19? Childline 0800 1111. In danger now? Call 999. " + TEAM
    ),
    # raped or sexually assaulted, not said to be a child
    "sexual": (
        "It is not your fault. Hurt or in danger now? Call 999. Rape Crisis, free, any "
        "time: 0808 500 2222. Under 19? Childline 0800 1111. A sexual assault centre can "
        "help now, with or without the police: call 111 to find one. " + TEAM
    ),
    # suicide or self-harm, of someone the writer is worried about
    "worried": (
        "If they are in danger now or have taken something, call 999. Free, any time, for "
        "them or for you: Samaritans 116 123, text SHOUT to 85258. A young person? Papyrus "
        "HOPELINE247 0800 068 4141, Childline 0800 1111 (under 19s). " + TEAM
    ),
    # someone else hurt, away from the writer's home ("my mate's dad hits him", "my friend
    # is being abused by her boyfriend", "my son is being groomed"): helplines for them,
    # and for the one who worries
    "another": (
        "Thank you for telling me. If they are in danger now, call 999. Free, any time: "
        "Childline 0800 1111 for under 19s; NSPCC 0808 800 5000 if you're worried about a "
        "child; Domestic Abuse Helpline 0808 2000 247, for them or for you. " + TEAM
    ),
    "domestic abuse": (
        "You don't have to put up with this. National Domestic Abuse Helpline, free, "
        "day and night: 0808 2000 247 (Refuge). In danger now? Call 999; if you can't "
        "speak, press 55 when asked. Under 19? Childline 0800 1111. " + TEAM
    ),
    "hunger": (
        "I'm sorry you're going without food. You shouldn't have to, and there is help. "
        "Under 19? Childline 0800 1111, free, any time. Feeling ill from not eating? "
        "Call 111. In danger now? Call 999. " + TEAM
    ),
    "thrown out": (
        "It is not your fault, and you shouldn't be left with nowhere to go. Free, any "
        "time: Childline 0800 1111 (under 19s). Under 18? The council must help you find "
        "somewhere safe. In danger now? Call 999. " + TEAM
    ),
    # someone fallen who can't get up: a long time on the floor is dangerous in itself
    "fall": (
        "Please call 999 now if they can't get up, are hurt or have hit their head. Don't "
        "try to lift them on your own: keep them warm and stay with them. Not hurt and up "
        "again? NHS 111 can advise, any time. " + TEAM
    ),
    # the writer has fallen ("im 80 and i fell over and cant get up")
    "fallen": (
        "Please call 999 now if you can't get up or are hurt. If you have a pendant alarm, "
        "press it. Pull something warm over you, move as little as you can and keep "
        "calling out or knocking for help. " + TEAM
    ),
    # an older or disabled adult's money taken, things signed under pressure, locked in;
    # the council's own adult social care follows from the catalogue (HELP_FOR)
    "adult": (
        "It is not your fault, and no one has the right to take your money, hurt you or "
        "make you sign things. Hourglass, for abuse of older people, free and "
        "confidential: 0808 808 8141. In danger now? Call 999. " + TEAM
    ),
    # the same, of someone the writer is worried about ("her carer shouts at her")
    "adult other": (
        "If they are in danger now, call 999. Hourglass, for anyone worried about an older "
        "or vulnerable person, free and confidential: 0808 808 8141. It is not their fault, "
        "and you can tell the council for them. " + TEAM
    ),
    # a neighbour not seen for days
    "welfare": (
        "If you think they may be hurt or ill inside, call 999 now. If not, ask other "
        "neighbours or their family, or ask the police to check on them: call 101. "
        "Worried about an older person? Hourglass 0808 808 8141. " + TEAM
    ),
    # nudes asked for, shared or used to threaten (sextortion): what to do, and who can
    # have them taken down
    "online": (
        "It is not your fault. Don't send more or pay, and keep the messages. Under 18? "
        "Childline can get images taken down: 0800 1111. 18 or over? Revenge Porn Helpline "
        "0345 6000 459. In danger now? Call 999. " + TEAM
    ),
    "unsafe": GENERAL,
}
# the gentle, relevant next step that follows (never "Was this helpful?")
NEXT_STEP = {
    "immediate": "I'm glad you told me. Please call 999 first. I'll be here afterwards.",
    "suicide": (
        "I'm glad you told me. Talking to someone tonight can help, and it doesn't have to "
        "be family. When you're ready, tell me if there is something the council can help "
        "with too."
    ),
    "child": (
        "You did the right thing telling someone. If you can, tell an adult you trust as "
        "well, like a teacher. When you're ready, tell me what help you're looking for."
    ),
    "hurt": (
        "You did the right thing telling someone. If you can, tell someone you trust too. "
        "If you need somewhere safe to stay, ask me about \"homeless because of domestic "
        "abuse\" when it's safe to."
    ),
    "past sexual": (
        "You did the right thing telling someone. It still matters, and you can talk it "
        "through with Rape Crisis. Counselling can help too: ask me about talking therapies "
        "when you're ready."
    ),
    "sexual": (
        "You did the right thing telling someone. In the first few days, a sexual assault "
        "centre can help with emergency contraception and tests, and keep evidence in case "
        "you want it later. Going to the police is your choice."
    ),
    "worried": (
        "It's good that you're looking out for them. Ask gently how they are and listen: "
        "asking about suicide does not put the idea in their head. When you're ready, tell "
        "me what help you're looking for, for them or for you."
    ),
    "another": (
        "It's good that you're looking out for them. Don't confront the person hurting them. "
        "If you can, let them know you're there and it isn't their fault. When you're ready, "
        "tell me what help you're looking for, for them or for you."
    ),
    "domestic abuse": (
        "It isn't your fault. If you need somewhere safe to stay, the council's housing "
        "team must help: ask me about \"homeless because of domestic abuse\" when it's "
        "safe to."
    ),
    "hunger": (
        "I'm glad you told me. If it's your children going without, or the rent or bills "
        "too, tell me and I'll find what else the council and local services offer."
    ),
    "thrown out": (
        "I'm glad you told me. If you have nowhere safe to sleep tonight, contact the "
        "council's housing team today: they can help. In danger? Call 999."
    ),
    "fall": (
        "Please call 999 first if they can't get up. I'll be here afterwards, and can find "
        "help such as a falls alarm when you're ready."
    ),
    "fallen": (
        "Please call 999 first if you can't get up. I'll be here afterwards, and can find help "
        "such as a falls alarm when you're ready."
    ),
    "adult": (
        "I'm glad you told me. The council's adult social care team can look into it and "
        "help keep you safe. When you're ready, tell me what else you need."
    ),
    "adult other": (
        "Thank you for looking out for them. The council's adult social care team can look "
        "into it and help keep them safe. When you're ready, tell me what else you need."
    ),
    "welfare": (
        "Thank you for looking out for them. If nobody can reach them or has a key, don't "
        "wait: call 101, or 999 if you think they are hurt."
    ),
    "online": (
        "You did the right thing telling someone. Block them and report them in the app, "
        "and if you can, tell an adult you trust. You can also report it to the police on "
        "101, or at ceop.police.uk if you are under 18."
    ),
    "unsafe": (
        "I'm glad you told me. When you're ready, tell me what help you're looking for and "
        "I'll find what the council and local services offer."
    ),
}

# what the catalogue is searched for, between the helplines and the next step, when the
# message itself asks for nothing the catalogue answers
HELP_FOR = {"hunger": "no food, need a free food parcel",
            "sexual": "sexual health clinic, emergency contraception",
            "worried": "mental health support, counselling",
            "thrown out": "kicked out by parents, homeless, nowhere to stay",
            "adult": "safeguarding vulnerable adults, adult social care",
            "adult other": "safeguarding vulnerable adults, adult social care",
            "welfare": "safeguarding vulnerable adults, adult social care"}
# for suicide and self-harm, only when the writer's age is known: the catalogue's mental
# health services are each for an age group ("im 15 and i cut myself" gets the young people's)
_BY_AGE = {"suicide": ("young peoples mental health, counselling", "adult talking therapy")}

# what is looked up when, after the helplines, the person asks "what help is there?"
MORE_HELP = {
    "child": "worried about a child, childrens social care, young peoples counselling",
    "hurt": "domestic abuse support, refuge", "domestic abuse": "domestic abuse support, refuge",
    "online": "bullying and online safety support",
    "another": "worried about a child, domestic abuse support",
    "unsafe": "domestic abuse support, worried about a child, young peoples counselling",
    **HELP_FOR,
}
_WHAT_HELP = re.compile(
    r"^(?:so |ok |okay )?(?:what|wat|wot) (?:help|support|services?) (?:is there|are there|"
    r"can i get|can you give|is available|do you have)|^(?:is there|are there|where can i get|"
    r"where do i get|can i get|can you get me) (?:any |some )?(?:help|support)"
    r"(?: please| pls| for me| at all| now)?$")  # not "can i get help with my rent"
# an age given after the helplines ("im 13"): thanked, and the search will fit it
AGE_NOTED = ("Thank you for telling me. The helplines above are free and there for you any "
             "time. When you're ready, tell me what help you're looking for, and I'll find "
             "what fits your age.")


_MEANS_IT = re.compile(r"\b(?:not|no|nt) (?:really |actually )?(?:joking|jk|kidding|messing)\b"
                       r"|\b(?:im|i am) (?:being )?(?:serious|deadly serious)\b|\bi mean it\b"
                       r"|^(?:for real|fr|seriously|srsly)\b")


_ANYONE_TO_TALK = re.compile(
    r"^(?:hi |hello |hey )?(?:is there |are there |i need |i want |can i (?:get|have) )?"
    r"(?:any ?one|some ?one|some ?body|any ?body|sum1|some1|a person|people|a counsell?or) "
    r"(?:i can|to|i could|that i can|who i can|who will|who can|that will) "
    r"(?:talk|speak|chat|listen)(?: to| with)?(?: me)?(?: (?:please|pls|about (?:it|things|stuff|"
    r"how i feel|my feelings)))?$")


def wants_someone_to_talk_to(said: str) -> bool:
    """"is there anyone i can talk to?", alone: someone to talk to, whenever it is asked."""
    return _ANYONE_TO_TALK.match(said.strip(" ?.!")) is not None


def means_it(said: str) -> bool:
    """"not really jk", "im serious": a disclosure said as a joke is meant."""
    return _MEANS_IT.search(said) is not None


# "where can i go?" after the helplines: somewhere safe to stay
SAFE_PLACE = {"hurt": "refuge, domestic abuse support, homeless, emergency accommodation tonight",
              "domestic abuse": "refuge, domestic abuse support, homeless, emergency accommodation",
              "child": "nowhere to stay tonight, young people housing, homeless",
              "thrown out": "nowhere to stay tonight, young people housing, homeless",
              "unsafe": "homeless, emergency accommodation tonight, nowhere safe to stay"}
# "can you delete this?" after the helplines: what the chat can delete, and what it cannot
DELETE_ON_PHONE = "Texts on your own phone stay there until you delete them in your messages app."


def safe_place(group: str) -> str:
    """What to look up for "where can i go?" after the helplines ("" for nothing)."""
    return SAFE_PLACE.get(group, "")


def asks_what_help(said: str) -> bool:
    """"what help is there?", "is there any help", after the helplines."""
    return _WHAT_HELP.search(said.strip(" ?.!")) is not None


def more_help(group: str, age: int | None = None) -> str:
    """What to look up for "what help is there?" after the helplines ("" for nothing): for
    suicide and self-harm the mental health services for the writer's age, or any of them
    when it is not known (the services shown are then those that fit it)."""
    if group in _BY_AGE:
        return HELP_FOR["worried"] if age is None else _BY_AGE[group][age >= 18]
    return MORE_HELP.get(group, "")


# the message straight after a disclosure, when it is "ok", "what do i do" or "i can't call"
CANT_TALK = (
    "If you can't talk, you can text SHOUT to 85258, free and any time, and under 19s can "
    "chat online at childline.org.uk. In danger and can't speak? Call 999 and press 55 "
    "when asked."
)
STILL_HERE = (
    "You don't have to decide anything now. The people on those numbers listen, won't "
    "judge you, and can help you work out what to do next. I'm here too: tell me what "
    "help you're looking for whenever you like."
)
# "what do i say to them?": how to begin a call or chat to a helpline
WHAT_TO_SAY = (
    "Say as much or as little as you want. \"I need some help and I don't know what to do\" "
    "is enough to start; they will ask the rest, kindly, and you can stop whenever you "
    "like. If calling is hard, text SHOUT to 85258 or, under 19, chat at childline.org.uk."
)
_WHAT_TO_SAY = re.compile(r"\bwhat (?:do|should|would|shall) i (?:say|tell|write|text|ask)\b"
                          r"|\bwhat (?:to|will i) say\b|\bwhat do (?:they|you) ask\b")
# after "999 first" (someone has just taken pills): "ok" or "what do i do" is told to call now
CALL_NOW = (
    "Please call 999 now, before anything else, even if they seem fine. The person who "
    "answers will tell you what to do. If it's a friend, stay with them. I'll be here "
    "afterwards."
)
# just after a disclosure, the one who hurts them is coming ("he's coming up the stairs")
HERE_NOW = (
    "Call 999 now. If you can't speak, stay on the line and press 55 when asked. If you "
    "can, go to a room that locks or get out to a neighbour. I'll be here afterwards."
)
_HERE_NOW = re.compile(
    r"\b(?:hes|shes|theyre|he is|she is|they are|he s|she s) (?:coming(?! home (?:at|later|"
    r"tonight|tomorrow|on|in|after|from))|back|here|outside|downstairs|upstairs|at the door|on "
    r"(?:his|her|their) way|banging|shouting)\b"
    r"|\b(?:coming|came) (?:up the stairs|upstairs|for me|to get me|in(?:to)? my room)\b"
    r"|\b(?:banging|kicking|hammering) (?:on )?(?:my|the) door\b")


def danger_now(said: str) -> bool:
    """Whether a message just after a disclosure says the danger is here now (`said` in
    plain lower-case words): 999 at once, not an answer to anything."""
    return _HERE_NOW.search(said) is not None


CALLED = (
    "Well done for calling. Stay with them until help comes, and tell the crew what was "
    "taken. I'm here afterwards, and so are Samaritans 116 123 and Childline 0800 1111."
)
# the same after "999 now" for someone fallen who can't get up
CALL_NOW_FALL = (
    "Please call 999 now, before anything else. The person who answers will tell you what "
    "to do. Until help comes, keep them warm and don't lift them on your own. I'll be here "
    "afterwards."
)
CALLED_FALL = (
    "Well done for calling. Stay with them until help comes, and keep them warm with a "
    "blanket or coat. I'm here afterwards, and can find help such as a falls alarm."
)
_CALL_NOW = {"immediate": (CALL_NOW, CALLED), "fall": (CALL_NOW_FALL, CALLED_FALL)}
# "is there someone i can talk to thats not my parents"
SOMEONE_TO_TALK_TO = (
    "You can talk to someone outside your family. Under 19? Childline is free and "
    "confidential, any time: call 0800 1111 or chat online at childline.org.uk. 19 or "
    "over? Samaritans 116 123, or text SHOUT to 85258. A teacher or youth worker you "
    "trust can help too."
)
# "is there anyone i can talk to?" at any time
ANYONE_TO_TALK_TO = (
    "There are people who will listen, free and confidential, any time. Under 19? "
    "Childline: call 0800 1111 or chat at childline.org.uk. 19 or over? Samaritans 116 123, "
    "or text SHOUT to 85258. A teacher, GP or youth worker you trust can help too."
)
# "who is going to read this", "will u tell my mum": honest, and never a promise of secrecy
WHO_READS = (
    "Honest answer: I'm an automated chat. When a message says someone may be in danger, "
    "the council's safeguarding team may read it. Their job is to keep you safe. This "
    "chat doesn't contact your parents, but I can't promise to keep a secret if you're "
    "in danger."
)
_WHO_READS = re.compile(
    r"\b(?:who|any ?one|any ?body|any1|some ?one|some ?body|sum1|people|parents?|mum|mam|"
    r"mom|dad|family|school|teachers?|police|social (?:services|worker)|council)\b"
    r".{0,25}\b(?:read|reads|reading|see|sees|seeing|know|knows|find out|found out|be told|"
    r"get told|hear about|look at)\b"
    r"|\b(?:you|u|ya|they|them)\b.{0,15}\b(?:tell|telling|contact|contacting|call|ring|text|"
    r"inform|"
    r"report|grass)\b.{0,12}\b(?:mum|mam|mom|dad|parents?|family|school|teachers?|police|"
    r"social)"
    r"|\b(?:is|are) (?:this|it|these|my messages?) (?:private|confidential|anonymous|secret)\b")
# "will they tell my mum?" of the helplines just given
HELPLINE_PRIVATE = (
    "The helplines are confidential: they won't tell your parents, school or anyone else. "
    "They would only share something if they thought you were in serious danger, and they "
    "usually talk to you about it first."
)
_HELPLINE_TELLS = re.compile(  # a helpline named: "they" may be the council (WHO_READS)
    r"\b(?:childline|samaritans|shout|the helplines?|nspcc|refuge)\b.{0,15}\b(?:tell|"
    r"telling|contact|contacting|call|ring|inform|report|grass)\b.{0,12}\b(?:mum|mam|mom|dad|"
    r"parents?|family|school|teachers?|police|social)")
_TALK_TO = re.compile(
    r"\b(?:some ?one|some ?body|some1|sum1|any ?one|any ?body|any1|who|people|person|adult|"
    r"counsell?or)\b.{0,30}\b(?:talk|speak|chat)\b"
    r"|\b(?:talk|speak) to\b.{0,40}\b(?:not|other than|apart from|except|besides)\b")
_NOT_FAMILY = re.compile(r"\b(?:cant|can not|cannot) (?:talk|speak) to (?:my|me) ?(?:mum|mam|"
                         r"mom|dad|parents|family)\b(?!.*hear)")
_CALLED = ("called 999", "rang 999", "phoned 999", "called an ambulance", "rang an ambulance",
           "ambulance is coming", "ambulance is on", "ambulance is here", "on their way")
_NOT = re.compile(r"\b(?:not|no|havent|hasnt|didnt|dont|wont|cant|never)\b")
_CANT_TALK = ("cant call", "cant talk", "cant speak", "cant phone", "can not call",
              "cannot call", "cannot talk", "will hear", "hear me", "no credit", "no signal",
              "dont want to call", "dont want to phone", "dont want to ring",
              "dont want to talk to anyone", "dont want to speak to anyone")
# round 22's exploratory test: laughing it off, taking it back, the number again, a helpline
# that did not answer, just after the helplines
LAUGHED = (
    "It's OK if you laughed it off. If any part of it was real, the helplines above are free, "
    "any time, and you don't have to be sure to call or text: Samaritans 116 123, SHOUT 85258.")
_LAUGHS = frozenset({"lol", "lool", "haha", "hahaha", "ha", "lmao", "lmfao", "rofl", "hehe",
                     "xd", "jk lol", "lol jk", "only joking lol", "\U0001f602", "\U0001f923"})
NEVER_MIND = (
    "That's OK, you don't have to talk about it now. The helplines above are free and there "
    "any time, and so am I: message me whenever you like.")
_NEVER_MIND = re.compile(r"^(?:(?:its|it is) (?:fine|ok|okay|nothing)|(?:just )?forget (?:it|that|"
                         r"about it|i said (?:it|that|anything))|never ?mind|doesnt matter|"
                         r"dont worry(?: about it| about me)?|leave it|nothing|im (?:fine|ok|"
                         r"okay|alright)(?: now)?)(?: (?:its|it is) (?:fine|ok|nothing)| "
                         r"forget it| honestly| really| now| then)*$")
# "please dont tell anyone": the honest answer (WHO_READS); "will you call the police?"
_KEEP_SECRET = re.compile(r"\b(?:do not|dont|please dont|pls dont) tell (?:any ?one|any ?body|"
                          r"my|the|them|him|her)\b|\bkeep (?:it|this) (?:a )?secret\b|"
                          r"\bpromise (?:you )?(?:wont|will not|not to) tell\b")
POLICE = (
    "I can't call anyone: I'm an automated chat. The council's safeguarding team may read your "
    "message, and their job is to keep you safe. If you are in danger now, call 999 yourself; "
    "if you can't speak, press 55 when asked.")
_POLICE = re.compile(r"\b(?:will|would|are|can|do|did) (?:you|u|they|the council) (?:going to |"
                     r"gonna )?(?:call|phone|ring|tell|get|contact|send) (?:the )?(?:police|cops|"
                     r"999|social services|social workers?|an ambulance)\b")
# "can i talk to a real person", "is this a bot", just after the helplines: the real people
REAL_PEOPLE = (
    "I'm an automated assistant, not a person, but real people are there for you now, free "
    "and any time: Samaritans 116 123, text SHOUT to 85258, and under 19s Childline 0800 1111 "
    "or chat at childline.org.uk.")
_NUMBER_AGAIN = re.compile(r"\b(?:what(?:s| is| was)?|wat|wot|send|give|can i have|again) (?:me )?"
                           r"(?:the |that |their |those |)?(?:samaritans |childline |shout |"
                           r"helpline )?(?:number|numbers|no)\b|^(?:samaritans|childline|shout|"
                           r"helpline|the) (?:number|no)\b|\bnumber again\b")
NO_ANSWER = (
    "I'm sorry they didn't answer. Lines can be busy: please try again in a few minutes. Or "
    "text SHOUT to 85258, free and any time, and under 19s can chat online at "
    "childline.org.uk. In danger now? Call 999.")
_NO_ANSWER = re.compile(r"\b(?:didnt|did not|doesnt|does not|wont|will not|not|nobody|no one|"
                        r"noone) (?:answer|answered|answering|pick up|picking up|picked up)\b|"
                        r"\b(?:was|is|were|its|it was) (?:busy|engaged)\b|\b(?:couldnt|cant|can "
                        r"not|could not) get through\b")
_STILL = ("what do i do", "what do i do now", "what happens now", "what should i do now",
          "what now", "what should i do", "what can i do", "idk",
          "i dont know", "dunno", "help", "what do i say", "now what", "and then")


_ASKS = re.compile(r"\?|\b(?:where|how|what|when|who|can i|could i|can you)\b")
_YES_NO = re.compile(r"^(?:ok(?:ay)?|k+|yes|yeah|yea|yep|yup|ye|y|sure|fine|alright|no|nope|"
                     r"nah|na|n|thanks|thank you|ty|cheers)\b")


def after_disclosure(said: str, group: str = "") -> str | None:
    """The reply to the message right after the helplines for `group` (`said` in plain
    lower-case words): who reads this or will they tell my parents (honestly), someone to
    talk to, "i can't call", what to say to a helpline, or an acknowledgement ("ok yes") or
    what now (after "999 first" or a fall, call now); None for anything else."""
    plain = said.strip(" ?.!")
    if plain in _LAUGHS:  # "i want to die" then "lol": never "Glad to cheer you up!"
        return LAUGHED
    if _NEVER_MIND.match(plain):  # "its fine forget it": not a search for "forget"
        return NEVER_MIND
    if _NO_ANSWER.search(said):  # "i called samaritans they didnt answer"
        return NO_ANSWER
    if _POLICE.search(plain):  # "will you call the police": not about parents
        return POLICE
    if _KEEP_SECRET.search(plain):  # "please dont tell anyone": no promise of secrecy
        return WHO_READS
    if smalltalk.reply_to(plain) == smalltalk.BOT:  # "is this a bot": not "Tell me what you need"
        return REAL_PEOPLE
    if _NUMBER_AGAIN.search(plain) and group:  # "whats the number again"
        return crisis_text(group)
    if _HELPLINE_TELLS.search(said):
        return HELPLINE_PRIVATE
    if _WHO_READS.search(said):
        return WHO_READS
    unheard = any(phrase in said for phrase in _CANT_TALK if phrase != "cant call")
    if _NOT_FAMILY.search(said) or (_TALK_TO.search(said) and not unheard):
        return SOMEONE_TO_TALK_TO  # not "i cant talk to anyone, he will hear me"
    if any(phrase in said for phrase in _CANT_TALK):
        return CANT_TALK
    call_now, called = _CALL_NOW.get(group, ("", ""))
    if _WHAT_TO_SAY.search(plain):  # after "999 now", calling comes first
        return call_now or WHAT_TO_SAY
    if call_now and any(phrase in plain for phrase in _CALLED):
        return call_now if _NOT.search(plain) else called  # "i havent called an ambulance"
    acknowledged = _YES_NO.match(plain)  # "ok", "yes thats right", not "yes but where can i"
    if plain in _STILL or (acknowledged and (call_now or not _ASKS.search(
            plain[acknowledged.end():]))):
        return call_now or STILL_HERE  # after "999 now" a life may be at risk
    return None


# Who is hurt, for the child helplines: a parent (or step-parent, a mum's boyfriend) doing
# it, a child hurt, or school, say a child; nothing said may as well be a partner.
_BY_A_PARENT = re.compile(
    r"\b(?:my|me|our) (?:step ?|foster )?(?:mum|mam|mom|mummy|mother|dad|daddy|father|parents?|"
    r"nan|nana|gran|grandad|grandma|uncle|auntie|aunt|carer|mums?|dads?) ?(?:bf|gf|boyfriend|"
    r"girlfriend|partner|husband|wife)?\b"
    r"|\b(?:my|our) (?:kids?|children|child|sons?|daughters?|baby|little (?:brother|sister))\b"
    r"|\b(?:school|skool|skl|teachers?|year [1-9]|yr [1-9]|social worker|coach|youth (?:worker|"
    r"club|leader)|caretaker|tutor|scout leader)\b")
# the writer's own parent, or a parent's partner, doing it: at the writer's home
_HOME_ABUSER = re.compile(r"\b(?:my|me|our) (?:step ?|foster )?(?:mum|mam|mom|mummy|mother|dad|"
                          r"daddy|father|parents?|mums|dads|moms)\b")
_PARTNER = re.compile(r"\b(?:ex|exs|boyfriend|girlfriend|bf|gf|partner|husband|wife|hubby|"
                      r"fiance|fiancee)\b")
_FELL_MYSELF = re.compile(r"\b(?:i|ive|i have|i had|im|i am) (?:just |had a |have )?(?:fell|"
                         r"fallen|fall|had a fall|on the floor)\b")
_PASSIVE = re.compile(r"\b(?:is|are|was|were|being|been|gets|getting|got)\b")
_EITHER = frozenset({"abuse at home", "sexual abuse or exploitation", "child"})
_FAMILY_HURT = r"\b(?:my|our) (?:mum|mam|mom|mother|mums|sister|brother|nan|gran)$"
_WITNESSED = re.compile(rf"{_FAMILY_HURT}|\b(?:her|him|them)$")
_LONG_AGO = re.compile(r"\b(?:years? ago|when i was (?:a child|little|young|\d{1,2})|as a (?:child|"
                       r"kid)|growing up|in the past|months ago)\b")
_RAPE_WORDS = "rape|raped|raping|raep"
_RAPED = re.compile(rf"\b(?:{_RAPE_WORDS}|sexually assaulted)\b")
_IMAGES = re.compile(r"\b(?:pics?|pictures?|photos?|nudes?|images?|videos?|vids?|snaps?)\b")
_SEXUAL = re.compile(rf"\b(?:{_RAPE_WORDS}|rapist|sexual|sexually|molested|molests|touches|"
                     r"touched|touching|groped|gropes|fondled)\b")


_FIRST_PERSON = re.compile(r"\b(?:i|im|me|my|myself|we|us)\b")
_THIRD_PERSON = (r"(?:he|she|they|hes|shes|theyre|him|her|them|himself|herself|themselves|"
                 r"themself|(?:my |our )?(?:son|daughter|child|kid|friend|mum|mam|mom|dad|brother|"
                 r"sister|partner|husband|wife|boyfriend|girlfriend|teenager|nan|gran|grandad|"
                 r"stepson|stepdaughter|grandson|granddaughter)s?)")
_SOMEONE_ELSE = re.compile(rf"\b{_THIRD_PERSON}\b")
# the one the harm is said of, just before the words that raised it ("my son has been
# cutting", "shes been self harming")
_SAID_OF = re.compile(rf"\b{_THIRD_PERSON}(?: \w+){{0,3}} $")
# a child named only as whose the abuser is: "my kids dad", "my daughters dad", "baby daddy"
_CO_PARENT = re.compile(r"\b(?:my|our) (?:kids?|childrens?|sons?|daughters?|babys?|baby) "
                        r"(?:dad|daddy|father|mum|mother)\b|\bbaby (?:daddy|father|mama)\b")


def _worried_about(said: str, matched: str) -> bool:
    """Whether the words that raised a suicide, self-harm or adult-abuse concern are said of
    someone else ("wants to kill himself", "my son has been cutting", "her carer shouts at
    her"), not the writer ("feeling suicidal since my dad died", "takes my pension")."""
    if not matched or _FIRST_PERSON.search(re.sub(rf"\b{_THIRD_PERSON}\b", " ", matched)):
        return False  # "kill myself"; not the "my" of "my son is self harming"
    if _SOMEONE_ELSE.search(matched):
        return True
    at = said.find(matched)
    return at > 0 and _SAID_OF.search(said[:at]) is not None


def _about_another(said: str, matched: str) -> bool:
    """Whether the one hurt is someone away from the writer's home: the words that raised
    the concern end with them ("my mates dad hits him", "neighbour hits his kids") or say
    what is done to them ("my friend is being abused by her boyfriend", "my son is being
    groomed"), with no first person among the words ("being abused by my boyfriend") and
    no parent of the writer's doing it ("my mums boyfriend hits her")."""
    if not matched or _HOME_ABUSER.search(said) or re.search(_FAMILY_HURT, matched):
        return False
    if _FIRST_PERSON.search(re.sub(rf"\b{_THIRD_PERSON}\b", " ", matched)):
        return False
    if re.search(rf"\b{_THIRD_PERSON}$", matched):
        return True
    if not _PASSIVE.search(matched):
        return False
    at = said.find(matched)
    return re.match(rf"{_THIRD_PERSON}\b", matched) is not None or \
        (at > 0 and _SAID_OF.search(said[:at]) is not None)


def for_whom(group: str, category: str, said: str, age: int | None, matched: str = "") -> str:
    """The helplines for a concern, knowing whom it may be about (`said`: plain lower-case
    words; `matched`: the words that raised it): "worried" for suicide or self-harm said of
    someone else ("my daughter has been self harming"); "child" (Childline, the NSPCC)
    only when a parent, a child or school is spoken of or the writer is under 19, and the
    child is not named only as the abuser's ("my kids dad hits me"); otherwise "hurt" or
    "sexual", which name the adult helplines too."""
    if group == "suicide" and _worried_about(said, matched):
        return "worried"
    if group == "fall" and _FELL_MYSELF.search(said):
        return "fallen"  # the writer is the one on the floor, not "they"
    if group == "adult" and _worried_about(said, matched):
        return "adult other"  # "my son's carer has been taking money from his bank card"
    if group in ("child", "domestic abuse") and _about_another(said, matched):
        return "another"
    if group == "domestic abuse" and age is not None and age < 18 and _IMAGES.search(said):
        return "online"  # "my boyfriend makes me send him pics, im 14": images taken down
    if group == "domestic abuse" and _RAPED.search(said):
        return "sexual"  # "i was raped by my boyfriend": Rape Crisis and a sexual assault centre
    if group == "domestic abuse" and "follow" in matched and not _PARTNER.search(said):
        return "unsafe"  # "someone is following me home from school": not a partner
    if group == "domestic abuse" and _WITNESSED.search(matched):
        return "unsafe"  # "my dad hits my mum": a witness, maybe a child; every helpline
    if group != "child" or category not in _EITHER:
        return group
    by_a_parent = _BY_A_PARENT.search(_CO_PARENT.sub(" ", said))
    if (age is not None and age < 19) or (age is None and by_a_parent):
        return "child"
    if not _SEXUAL.search(said):
        return "hurt"
    return "past sexual" if _LONG_AGO.search(said) else "sexual"


def crisis_text(group: str) -> str:
    """The helplines for a concern group (GENERAL for one it does not know)."""
    return CRISIS.get(group, GENERAL)


def help_for(group: str, age: int | None = None) -> str:
    """What to look up in the catalogue for this concern ("" for nothing)."""
    if group in _BY_AGE:
        return "" if age is None else _BY_AGE[group][age >= 18]
    return HELP_FOR.get(group, "")


# the adults a child is told they could tell, when one of them is the one hurting them
_TRUSTED = re.compile(r"\b(?:teachers?|sir|miss|coach|tutor|youth worker|leader|instructor|"
                      r"social worker|carer|foster)\b")
NOT_THAT_ADULT = (
    "You did the right thing telling someone. It's not your fault, and you won't get in "
    "trouble. If you can, tell another adult you trust, or talk to Childline. When you're "
    "ready, tell me what help you're looking for."
)


# a child going without food ("im 9 and home alone and hungry"): not asked about "your
# children going without"
HUNGRY_CHILD = (
    "You did the right thing telling someone. If you can, tell an adult you trust, like a "
    "teacher, or talk to Childline. When you're ready, tell me what help you're looking for."
)


def next_step(group: str, said: str = "", age: int | None = None) -> str:
    """What follows the helplines: a gentle step that fits the concern (`said`, in plain
    lower-case words: a child hurt by a teacher is not told to tell a teacher) and the
    writer's `age` when known."""
    if group == "child" and _TRUSTED.search(said):
        return NOT_THAT_ADULT
    if group == "hunger" and age is not None and age < 18:
        return HUNGRY_CHILD
    return NEXT_STEP.get(group, NEXT_STEP["unsafe"])
