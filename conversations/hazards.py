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

EMERGENCY = ("Chest pain, can't breathe, or someone collapsed, not waking or with a drooping "
             "face? Call 999 now. Not sure it's an emergency? NHS 111 can advise, any time.")

# said alone, with no search after it: nothing the council offers comes before 999
ALONE = frozenset({EMERGENCY})

_ELECTRIC = r"(?:electrics?|electricity|electrical|sockets?|plug sockets?|fuse ?box|wiring|" \
            r"light fittings?|lights?|consumer unit|switch(?:es)?)"
_WATER = r"(?:water|leak(?:s|ing)?|flood(?:s|ed|ing)?|drip(?:s|ping)?|pouring|wet)"
_HAZARDS = (
    (re.compile(r"\b(?:chest pains?|pains? in (?:my|his|her) chest|tight chest|chest "
                r"(?:is |feels )?tight|(?:isnt|is not|not|stopped|wasnt) breathing|(?:im|i am|"
                r"is|hes|shes|he is|she is|s) having a (?:stroke|heart attack|seizure|fit)|face "
                r"(?:is )?drooping|(?:he|she|they|baby|mum|dad|nan|gran|grandad|husband|wife|son|"
                r"daughter|partner) (?:wont|will not|cant|doesnt) wake (?:up)?|(?:is|hes|shes|"
                r"theyre) unconscious)\b"), EMERGENCY),
    (re.compile(r"\b(?:smell(?:s|ing)? (?:of )?gas|gas (?:leak|leaking|smell)|leaking gas|"
                r"smells? like gas)\b"), GAS),
    (re.compile(r"\b(?:carbon monoxide|co2?) (?:alarm|detector) (?:is |has |keeps |just )?"
                r"(?:going off|gone off|went off|goes off|beeping|sounding|bleeping)"),
     CARBON_MONOXIDE),
    (re.compile(rf"\b{_WATER}\b(?: \w+){{0,6}} (?:in|into|through|from|on|over|round|near|"
                rf"behind|out of) (?:the |my |our |a )?{_ELECTRIC}\b"
                rf"|\b{_ELECTRIC} (?:are |is |got |have got |keep )?(?:wet|soaked|flooded)\b"),
     ELECTRICS),
    (re.compile(rf"\b{_ELECTRIC} (?:are |is |keeps? |started |keep on )?(?:sparking|smoking|"
                rf"burning|melting|melted)\b|\b(?:sparks?|smoke|burning smell) (?:from|coming "
                rf"(?:out of|from)) (?:the |a |my )?{_ELECTRIC}"), SPARKS),
)


def warning(text: str) -> str | None:
    """The safety step for a danger in the home the message tells of, or None."""
    said = words(text).replace("'", "")
    return next((told for pattern, told in _HAZARDS if pattern.search(said)), None)
