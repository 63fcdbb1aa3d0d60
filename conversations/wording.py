"""What the assistant says and the words it listens for outside any flow: the menu, the
welcome, "nothing fits", leaving a flow (conversations/engine.py uses them). A council
changing its assistant's voice edits this file; each flow keeps its own wording beside it.
"""

from __future__ import annotations

import re

GREETINGS = {"hi", "hello", "hey", "hiya", "yo", "/start", "start", "good morning", "hi there"}
MENU_WORDS = {"help", "menu", "/help", "/menu", "?", "options", "main menu"}
# "help me pls", "can you help?", "i need help": asking for help, not saying with what
HELP_ONLY = re.compile(
    r"^(?:(?:hi|hello|hey|please|pls|plz)\s+)*(?:(?:can|could|will|would)\s+(?:you|u|someone|"
    r"somebody|anyone)\s+(?:please\s+|pls\s+)?|i\s+(?:need|want|would like)\s+(?:some\s+)?|"
    r"(?:please|pls|plz)\s+)?help(?:\s+(?:me|us))?(?:\s+(?:please|pls|plz|now|asap|out))*"
    r"(?:\s+(?:please|pls|plz))?$")
LEAVE_WORDS = {"stop", "cancel", "quit", "end", "exit", "never mind", "nevermind",
               "forget it", "start again"}
RESUME_WORDS = {"carry on", "continue", "go back", "resume", "back to it", "carry on with it",
                "go back to it", "carry on with the check", "back to the check"}
# flows CARRY ON takes up again (never FORGET ME)
RESUMABLE = ("entitlement:", "objection:", "timebank:", "volunteering:")
NOTHING_TO_RESUME = "There's nothing to go back to. Ask me anything, or send MENU."
MORE_WORDS = {"more", "next", "more please", "show more", "next page", "others"}
EXAMPLES = ("What can I get?", "What is the council planning?", "Help with council tax")
EARLIER_BUTTON = "That button was on an earlier message, so I've not used it."
NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")

MENU_TEXT = (
    "I can help you find local support from the council. Ask me in your own words, "
    "for example \"help paying rent\". I can also check what you can get, show the council's "
    "plans and take objections. Send MENU at any time to come back here, MY DATA to see what "
    "I hold about you, FORGET ME to delete it."
)
WELCOME = "Hi! I'm Local Support, the council's assistant. " + MENU_TEXT
# SMS: the menu, its three choices and HELP's STOP line fit two texts (bot/render.py)
MENU_TEXT_SMS = (
    "Ask me in your own words, e.g. \"help paying rent\". Send MENU to come back here, "
    "MY DATA or FORGET ME for your data."
)
WELCOME_SMS = "Hi! I'm the council's Local Support assistant. " + MENU_TEXT_SMS
NOTHING = (
    "Sorry, I couldn't find anything that fits that. Try saying it another way, "
    "or start from one of these:"
)
# A time-bank member's request the catalogue has nothing for ("help putting up shelves"):
# other members may help (conversations/flows/timebank_matches.py)
NOTHING_MEMBER = (
    "I couldn't find a council service for that. Time bank members may help: send REQUEST "
    "and what you need (e.g. \"request help putting up shelves\"), then MATCHES."
)
DID_YOU_MEAN = "I'm not sure I found that. Did you mean:"
DID_YOU_MEAN_MEMBER = ("I'm not sure I found a council service for that. Time bank members "
                       "may help: send REQUEST and what you need. Or did you mean:")
WHICH_ONE = ("Which service do you mean? Tell me its name, or what you need in your own "
             "words, and I'll find it.")
LEFT = "OK, I've stopped that. Ask me anything, or send MENU to see what I can do."
# Said when a new question arrives while a flow waits for an answer; what was answered stays.
# A check or an objection set aside can be taken up again with CARRY ON (RESUME_WORDS).
OBJECTION_ASIDE = "I've put the objection aside; nothing is recorded (CARRY ON to go back)."
SET_ASIDE = {
    "entitlement:ask": "I've stopped the check (answers kept: CARRY ON goes back to it).",
    "entitlement:who": "I've stopped the check (CARRY ON goes back to it).",
    "objection:what": OBJECTION_ASIDE, "objection:confirm": OBJECTION_ASIDE,
    "objection:postcode": OBJECTION_ASIDE, "objection:reason": OBJECTION_ASIDE,
    "feedback:rating": "I've left the rating.",
    **dict.fromkeys(("timebank:which", "timebank:hours"), "I've put the time bank record "
                    "aside; nothing is recorded yet (CARRY ON to go back)."),
    **dict.fromkeys(("timebank:name", "timebank:ward"), "I've put joining the time bank aside "
                    "(CARRY ON to go back)."),
    **dict.fromkeys(("volunteering:name", "volunteering:age", "volunteering:when",
                     "volunteering:consent", "volunteering:contact"),
                    "I've put the sign-up aside (CARRY ON to go back)."),
    "privacy:forget": "I have not deleted anything.",
}
