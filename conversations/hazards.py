"""Dangers that come before any council form: a medical emergency (chest pain, not
breathing), a smell of gas, a carbon monoxide alarm going off, water in the electrics. The
safety step is said first, in one short message, then the answer as usual ("Help! My
basement has flooded and water is coming through the electrics" got the repairs card
alone). Not a safeguarding concern: nobody has disclosed harm, so the council's safeguarding
team is not told (conversations/crisis.py)."""

from __future__ import annotations

import re

from conversations.flows.common import words

GAS = ("Smell gas? Open the windows, don't use switches or flames, go outside and call the "
       "National Gas Emergency line, free, any time: 0800 111 999.")
CARBON_MONOXIDE = ("Carbon monoxide alarm going off? Open the windows, turn off gas "
                   "appliances, get everyone outside and call 0800 111 999. Headache, "
                   "sickness or dizzy? Call 999.")
SPARKS = ("Sparks, smoke or a burning smell from the electrics? Don't touch them. Turn the "
          "power off at the fuse box if it's safe to, get out and call 999 if there's a fire "
          "or anyone is hurt.")
ELECTRICS = ("Water in the electrics? Don't touch switches or sockets, and keep out of water "
             "near them. Turn the power off at the fuse box only if you can reach it without "
             "touching water. Sparks, smoke or anyone hurt? Call 999.")

EMERGENCY = ("Badly hurt, can't breathe, collapsed, not waking, or swallowed something "
             "harmful? Call 999 now. Not sure it's an emergency? NHS 111 can advise, any time.")
COLD = ("Very cold and can't stop shivering, or drowsy, confused or slurring? That can be "
        "hypothermia: call 999. Otherwise get somewhere warm, wrap up in dry layers and have a "
        "warm drink. NHS 111 can advise, any time.")
FIRE = ("Fire? Get everyone out, close the doors behind you and call 999 from outside. Don't "
        "go back in for anything.")

# said alone when the message asks for nothing else: nothing the council offers comes first
ALONE = frozenset({EMERGENCY, FIRE})
_ASKS = re.compile(r"\b(?:can|could|please|pls|help|what|how|where|fix|who|when|need|want|"
                   r"is there|do i|should i)\b")
_WHO = (r"(?:he|she|they|hes|shes|theyre|baby|toddler|mum|mam|mom|dad|nan|gran|grandad|"
        r"grandma|husband|wife|son|daughter|partner|friend|mate|brother|sister|neighbour|child|"
        r"kid|boy|girl)")
_HARMFUL = (r"(?:bleach|batter(?:y|ies)|button batter(?:y|ies)|magnets?|poison|weedkiller|"
            r"antifreeze|detergent|washing (?:capsules?|pods?|tablets?)|pods?|tablets|pills|"
            r"medicine|paracetamol|cleaning stuff|cleaner)")
_ELECTRIC = r"(?:electrics?|electricity|electrical|sockets?|plugs?|plug sockets?|fuse ?box|" \
            r"wiring|light fittings?|ceiling lights?|consumer unit|switch(?:es)?)"
_WATER = r"(?:water|leak(?:s|ing)?|flood(?:s|ed|ing)?|drip(?:s|ping)?|pouring|wet)"
_HAZARDS = (
    (re.compile(r"\b(?:chest pains?|pains? in (?:my|his|her) chest|(?:isnt|is not|not|"
                r"stopped|wasnt) breathing(?! a word| well| properly through)|(?:im|i am|is|hes|"
                r"shes|he is|she is|s) having an? (?:stroke|heart attack|seizure|fit|asthma "
                r"attack|allergic reaction)(?! (?:because|about|looking|over|at|when|if|every|"
                r"whenever))|face (?:is )?drooping|throat is swelling|(?:is |isnt |not )"
                r"responding|unresponsive|(?:is|hes|shes|theyre) unconscious|(?:been|was|got|is|"
                r"s|hes|shes) (?:stabbed|shot)|wont stop bleeding"
                rf"|{_WHO} (?:wont|will not|cant|doesnt) wake(?! up (?:for|in the|on time|early|"
                rf"before|at))(?! (?:for|in the|on time|early|before|at))"
                rf"|{_WHO} (?:cant|can not|cannot|struggling to) breathe(?! (?:at night|properly|"
                rf"well|through|because|with|in|when))"
                rf"|(?:drank|drunk|swallowed|ate|eaten|taken) (?:some |a |the |of |all |loads of |"
                rf"my |his |her |mums |dads |nans )*{_HARMFUL})\b"), EMERGENCY),
    (re.compile(r"\b(?:fire in (?:my|the|our) (?:flat|house|home|kitchen|building|block|room)|"
                r"(?:house|flat|kitchen|building|room|home) (?:is |s )?on fire|on fire (?:in|at) "
                r"(?:my|the|our))\b"), FIRE),
    (re.compile(r"\b(?:smell(?:s|ing)? (?:of )?gas|gas (?:leak|leaking|smell)|leaking gas|"
                r"smells? like gas|(?:smell|smells|smelling) (?:of |like )?rotten eggs?)\b"), GAS),
    (re.compile(r"\b(?:carbon monoxide|co2?) (?:alarm|detector) (?:is |has |keeps |just )?"
                r"(?:going off|gone off|went off|goes off|beeping|sounding|bleeping)"),
     CARBON_MONOXIDE),
    (re.compile(rf"\b{_WATER}\b(?: \w+){{0,6}} (?:in|into|through|from|on|over|round|near|"
                rf"behind|out of) (?:the |my |our |a )?{_ELECTRIC}\b"
                rf"|\b{_ELECTRIC} (?:are |is |got |have got |keep )?(?:wet|soaked|flooded)\b"),
     ELECTRICS),
    (re.compile(rf"\b{_ELECTRIC} (?:are |is |keeps? |started |keep on )?(?:sparking|smoking|"
                rf"burning|melting|melted)\b|\b(?:sparks?|smoke|burning smell|smell (?:of )?"
                rf"burning) (?:from|coming (?:out of|from)|near) (?:the |a |my )?{_ELECTRIC}"),
     SPARKS),
    (re.compile(r"\b(?:hypotherm(?:ia|ic)|(?:cant|can not|cannot|wont|will not) stop shivering|"
                r"(?:has |have |s )?stopped shivering|(?:blue|grey) (?:lips|with cold))\b"), COLD),
)


def stands_alone(text: str, told: str) -> bool:
    """Whether the safety step is all the reply: 999 (or a fire), and the message asks for
    nothing else ("my boiler has broken ... my chest is tight, can someone fix it" is
    answered too)."""
    return told in ALONE and not _ASKS.search(words(text).replace("'", ""))


def warning(text: str) -> str | None:
    """The safety step for a danger in the home the message tells of, or None."""
    said = words(text).replace("'", "")
    for pattern, told in _HAZARDS:
        found = pattern.search(said)
        if found is not None and not _DENIED.search(said[:found.start()]):
            return told
    return None


# "i cant smell gas but the boiler wont work": the danger is denied just before it
_DENIED = re.compile(r"\b(?:cant|can not|cannot|dont|do not|doesnt|does not|no|not|never)"
                     r"(?: \w+)?\s*$")
