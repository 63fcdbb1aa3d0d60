"""Small talk: "thanks", "ok", "bye", "lol", an emoji, "hello?", a postcode sent on its own.
A short human reply; never a search, never an unmet need, and whatever question was being
asked stays open."""

from __future__ import annotations

import re
import unicodedata

from conversations.flows.common import words
from conversations.postcodes import postcode_alone

THANKS = "You're welcome. Ask me anything else whenever you like."
OK = "OK. Ask me anything else whenever you like, or send MENU."
BYE = "Bye for now. Message me any time."
LAUGH = "Glad to cheer you up! Ask me anything whenever you like."
HERE = "Yes, I'm here. Tell me what help you are looking for, or send MENU."
BOT = ("I'm an automated assistant, not a person. Tell me what you need and I'll give you the "
       "number of people who can help, or send MENU.")
SORRY = "Sorry about that. Tell me in your own words what you need and I'll try again."
CONFUSED = ("Sorry, I didn't make that clear. Tell me in your own words what you need help "
            "with and I'll try again, or send MENU to see what I can help with.")
WAIT = "No rush, take your time."  # "one sec": never an answer ("one" is not an age)
# a postcode sent on its own, no question open for it: never searched as words ("AA")
POSTCODE = ("Thanks, but I don't need your postcode to help. What would you like help with? "
            "Tell me in your own words, or send MENU.")
UPSET = ("I'm sorry you're having a hard time. If you want to talk to someone now, "
         "Samaritans are on 116 123 or text SHOUT to 85258, free, any time. In danger? Call "
         "999. Or tell me what's happening and I'll find help.")

_REPLIES: dict[str, tuple[str, ...]] = {
    THANKS: ("thanks", "thank you", "thank u", "thanks a lot", "thanks so much", "ta", "cheers",
             "thx", "ty", "tnx", "thankyou", "many thanks", "thanks very much", "brilliant thanks",
             "great thanks", "lovely thanks", "that's great thanks", "thats great thanks",
             "thanks mate", "cheers mate", "ok thanks", "ok thank you", "okay thanks",
             "okay thank you", "ok ta", "ok cheers", "k thanks", "thanks for your help",
             "thank you for your help", "thanks for the help", "that helps thanks",
             "perfect thanks", "ok great thanks", "nice one", "ok thx", "kk thanks",
             "perfect thank you", "great thank you", "lovely thank you", "brilliant thank you",
             "amazing thanks", "amazing thank you", "thank you so much",
             "thanks so much for your help",
             "that's perfect thanks", "thats perfect thanks", "that's great thank you",
             "thats great thank you", "super thanks", "awesome thanks", "thanks a million"),
    OK: ("ok", "okay", "k", "kk", "okey", "okie", "alright", "all right", "cool", "great",
         "nice", "fine", "got it", "right", "ok cool", "ok great", "sound", "lovely",
         "perfect", "brilliant", "fab", "noted", "understood", "i see", "ah ok", "oh ok",
         "oh okay", "ah okay", "hmm", "hm", "mm", "ok then", "okay then",
         # a yes or no with no question open
         "yes", "yeah", "yep", "yup", "y", "no", "nah", "nope", "n", "no thanks", "no ta",
         "skip"),
    BYE: ("bye", "goodbye", "bye bye", "see you", "see ya", "cya", "later", "laters",
          "good night", "night", "nite", "ttyl", "thanks bye", "ok bye", "bye thanks",
          "thank you bye", "that's all", "thats all", "that's all thanks", "thats all thanks"),
    LAUGH: ("lol", "haha", "hahaha", "ha", "ha ha", "lmao", "lmfao", "rofl", "hehe", "xd", "lool"),
    HERE: ("hello?", "hi?", "hey?", "anyone there", "anyone there?", "is anyone there",
           "are you there", "are you there?", "you there", "you there?", "hellooo", "helloooo",
           "is this working", "?", "??", "???"),
    BOT: ("are you real", "are you a bot", "are you a robot", "are u a bot", "r u a bot",
          "are you a real person", "are u a real person", "u a real person", "r u a real person",
          "is this a real person", "am i talking to a real person", "are you human",
          "are u human", "is this a bot", "is this automated", "is this a person",
          "am i talking to a bot", "r u real", "are u real", "is this a robot", "are you ai",
          "are u ai", "r u ai", "is this ai", "is this chatgpt", "is this chat gpt",
          "are you chatgpt", "who are you", "who r u", "what are you",
          "can i talk to a real person",
          "can i speak to a real person", "can i talk to a human", "can i speak to a human",
          "can i talk to a person", "can i speak to someone real",
          # round 22: a person or a call asked for ("Sorry, I couldn't find anything")
          "i want to speak to someone", "can i speak to someone", "can i speak to an advisor",
          "can i speak to an adviser", "i want to speak to an advisor", "speak to an advisor",
          "i want to speak to a person", "i want to talk to a person", "speak to a human",
          "i want to speak to a human", "can i speak to someone at the council",
          "i want to speak to someone at the council", "can you call me back",
          "can someone call me back", "can someone call me", "call me back",
          "please call me back", "can you ring me", "can someone ring me"),
    WAIT: ("one sec", "1 sec", "one second", "a sec", "sec", "just a sec", "just a second",
           "wait", "wait a sec", "wait a second", "wait a minute", "wait a min", "hang on",
           "hold on", "hang on a sec", "hold on a sec", "hang on a minute", "hold on a minute",
           "brb", "be right back", "give me a minute", "give me a min", "give me a sec",
           "give me a second", "one moment", "just a moment", "hang on a second",
           "hold on a second", "just a min", "just a minute", "let me check",
           "hang on let me check", "hold on let me check", "let me look", "bear with me",
           "one mo", "two secs", "2 secs", "sec let me check", "one sec let me check"),
    SORRY: ("useless", "you're useless", "your useless", "you are useless", "rubbish",
            "that's rubbish", "thats rubbish", "not helpful", "that's not helpful",
            "thats not helpful", "wrong", "that's wrong", "thats wrong", "what", "what?",
            "huh", "huh?", "eh", "eh?"),
    CONFUSED: ("i dont understand", "i don't understand", "dont understand", "don't understand",
               "i do not understand", "sorry i dont understand", "sorry i don't understand",
               "i dont get it", "i don't get it", "im confused", "i'm confused", "i am confused",
               "confused", "im lost", "i'm lost", "what do you mean", "what do you mean?",
               "i dont know what that means", "i don't know what that means",
               "i'm not very good with phones", "im not very good with phones",
               "i'm not good with phones", "im not good with phones"),
}
_BY_TEXT = {said: reply for reply, texts in _REPLIES.items() for said in texts}
_THANKFUL_EMOJI = {"\U0001f44d", "\U0001f64f", "\u2764", "\U0001f44c", "\U0001f60a",
                   "\U0001f642", "\u263a", "\U0001f49c", "\U0001f499", "\U0001f49a", "\u2705"}
# crying, sad, broken heart, pleading: never "You're welcome", even beside a 🙏
_UPSET_EMOJI = {"\U0001f62d", "\U0001f622", "\U0001f61e", "\U0001f614", "\U0001f61f",
                "\U0001f629", "\U0001f62b", "\U0001f494", "\U0001f625", "\U0001f630",
                "\U0001f628", "\U0001f631", "\U0001f97a", "\u2639", "\U0001f641",
                "\U0001f623", "\U0001f616", "\U0001f63f", "\U0001f613", "\U0001f62a"}
_LAUGHING_EMOJI = {"\U0001f602", "\U0001f923", "\U0001f606", "\U0001f604", "\U0001f601",
                   "\U0001f600", "\U0001f605"}


_FOND = re.compile(r"(?:\s+(?:dear|love|luv|pet|hun|hon|darling|sweetheart|my dear|duck|"
                   r"chuck|x+|xo+))+$")


def reply_to(text: str) -> str | None:
    """The reply when the message is only small talk, else None."""
    stripped = text.strip()
    if not stripped:
        return None
    if _only_emoji(stripped):
        marks = set(stripped)
        if marks & _UPSET_EMOJI:
            return UPSET
        return LAUGH if marks & _LAUGHING_EMOJI and not marks & _THANKFUL_EMOJI else THANKS
    if postcode_alone(stripped) is not None:
        return POSTCODE
    said = words(re.sub(r"[!.,]+", " ", stripped.lower()))
    said = re.sub(r"\s+", " ", said).strip()
    said = _FOND.sub("", said) or said  # "thank you dear", "ok love x": the same
    if said in _BY_TEXT:
        return _BY_TEXT[said]
    with_question = stripped.lower().rstrip("!. ")
    if with_question in _BY_TEXT:
        return _BY_TEXT[with_question]
    plain = said.rstrip("?").strip()
    return _BY_TEXT.get(plain) if plain and plain not in ("what", "hi", "hey") else None


def _only_emoji(text: str) -> bool:
    """Symbols and joiners only (no letters or digits): "👍", "🙏🙏", "❤️"."""
    kept = [c for c in text if not c.isspace()]
    return bool(kept) and all(
        unicodedata.category(c) in ("So", "Sk", "Mn", "Cf") or c in "\ufe0f\u200d" for c in kept
    )
