"""What councillors read of residents' own words: redacted, and a few that stand for many.

Reasons are redacted before anyone sees them: phone numbers (in digits or words), email
addresses, postcodes and house addresses (conversations/records.py `redact`), then
names. A name is a capitalised word that is neither a word the council itself uses (entry
titles, ward names) nor an everyday capitalised word: inside a sentence any such word; at
the start of one ("Aisha here", "Sarah and I go") a word that is not English
(catalogue/english.py, the lexicon's spellings, British spellings read as American), or one
followed by "here," or "and I" that is not a function word. Words after "Mr", "Mrs", "my
name is", "I'm", a sign-off at the end of a line ("Regards, Tom Baker", "Thanks! Sarah"),
an initial ("J. Okafor") and `@handles` always are, and the word after "my name is" too,
whatever its case. This errs on the side of hiding too much, but not a condition named
after a person where it is one ("I have Crohn's", "Down's syndrome": `_CONDITION_OF`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from catalogue import english, normalise
from catalogue.lexicon import Lexicon
from conversations.records import redact

SAMPLE = 200  # reasons, spread over a group's, that representatives are chosen from
ALIKE = 70.0  # reasons this alike (token_set_ratio) say the same thing
SHOWN_LENGTH = 160
NAME = "[name]"
def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


EVERYDAY = word_set("""
i i'm i've i'd i'll im ive id ill ok okay mr mrs ms miss dr sir madam
monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december christmas easter
council councillor councillors mp nhs gp uk england english britain british london
god jesus please thanks thank yes no
""")
# Conditions named after a person, kept where they are one: after "has", "have", "with"
# ("I have Crohn's, the toilets there are the only ones I can reach") or before what they
# name ("Down's syndrome"); elsewhere they are surnames ("Sue Parkinson's kids", "Tom
# Addison's shop") and hidden like any name
_EPONYM = (r"(?:crohn|parkinson|alzheimer|asperger|tourette|meniere|m\u00e9ni\u00e8re|down|"
           r"huntington|hodgkin|addison|graves|hashimoto|raynaud|cushing|sjogren|bell|lyme)"
           r"(?:['\u2019]?s)?")
_NAMED = r"\s+(?:syndrome|palsy|disease|lymphoma|disorder)\b"
_CONDITION_OF = re.compile(
    rf"\b(?:has|have|had|got|with|from|of)\s+(?P<after>{_EPONYM}(?:{_NAMED})?)(?![\w'\u2019])"
    rf"|\b(?P<before>{_EPONYM}{_NAMED})", re.IGNORECASE)
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor)\.?\s+[A-Z][\w'-]*"
                    r"(?:\s+[A-Z][\w'-]*)?")
_SELF = re.compile(r"\b(my name is|my names|my name's|i am called|call me|i'?m|this is)\s+"
                   r"([A-Z][\w'-]*)", re.IGNORECASE)
# after "my name is", the next word too ("my name is sarah connor"), whatever its case
_FULL_NAME = re.compile(r"\b((?:my name is|my names|my name's|i am called|call me)\s+"
                        + re.escape(NAME) + r")\s+(?!and\b|i\b|from\b|of\b)[a-z][\w'-]*",
                        re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@\w{2,}")
_WORD = re.compile(r"[A-Za-z][\w'\u2019-]*")  # with a curly apostrophe too
_SENTENCE_END = re.compile(r"[.!?]\s*$")
_CAPITALISED = r"[A-Z][\w'-]*"
_INITIALS = re.compile(r"(?<![\w.'])(?:[A-Z]\.\s?){1,3}(?P<surname>[A-Z][a-z][\w'-]*)")
_SIGN_OFF = re.compile(  # "Regards, Tom Baker", "Thanks!\nSarah": names ending a line
    r"(?i:\b(?:signed|(?:kind |best |warm |many )?(?:regards|thanks|wishes)|thank you|cheers|"
    r"from|love|yours(?: sincerely| faithfully| truly)?|sincerely))[\s,.!:;-]*"
    rf"(?P<who>{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,2}})(?=[\s.!]*$)", re.MULTILINE)
# what, after a word that starts a sentence, says it is a name: "Sarah here,", "Sarah and I"
_NAME_CUE = re.compile(r"\s+(?:here(?=\s*(?:[,.!:;-]|$))|(?i:and|&)\s+(?i:i|me)\b)")
_FUNCTION_WORDS = normalise.STOPWORDS | normalise.EVERYDAY | normalise.WEAK
# British spellings as the (American) word list has them: "favourite", "theatre", "organised"
_BRITISH = ((r"our", "or"), (r"tre\b", "ter"), (r"is(e|ed|es|ing|ation)\b", r"iz\1"),
            (r"yse\b", "yze"), (r"ogue\b", "og"), (r"mme\b", "m"), (r"ence\b", "ense"),
            (r"ll(ed|ing|er)\b", r"l\1"))


def known_words(texts: Iterable[str]) -> frozenset[str]:
    """Words the council itself uses (entry titles, ward names), which are never names."""
    return frozenset(_folded(w) for text in texts for w in _WORD.findall(text))


def _folded(word: str) -> str:
    """Lower case, a curly apostrophe as a straight one."""
    return word.lower().replace("\u2019", "'")


def redact_reason(text: str, known: frozenset[str] = frozenset()) -> str:
    """A reason with contact details and names replaced by placeholders."""
    text = redact(text)
    text = _HANDLE.sub("[handle]", text)
    text = _TITLE.sub(NAME, text)
    text = _SELF.sub(lambda m: f"{m.group(1)} {NAME}" if m.group(2)[0].isupper()
                     or m.group(1).lower().startswith("my name") else m.group(0), text)
    text = _FULL_NAME.sub(r"\1", text)
    text = _INITIALS.sub(lambda m: m.group(0) if _ordinary(m.group("surname"), known,
                                                           _FUNCTION_WORDS) else NAME, text)
    text = _SIGN_OFF.sub(lambda m: _hide_signature(m, known), text)
    return _hide_capitalised(text, known)


def _hide_signature(found: re.Match[str], known: frozenset[str]) -> str:
    """The sign-off with the name after it hidden ("From The Council" stays)."""
    who = found.group("who")
    if all(_ordinary(word, known, normalise.FILLER) for word in _WORD.findall(who)
           if len(word) > 1):
        return found.group(0)
    return found.group(0)[:found.start("who") - found.start()] + NAME


def _ordinary(word: str, known: frozenset[str], also: frozenset[str] = frozenset()) -> bool:
    """A word that is never a name: the council's, an everyday capitalised one, or one of
    `also` (function words, which are names inside a sentence: "my son Will")."""
    folded = _folded(word)
    return (folded in known or folded.removesuffix("'s") in known or folded in EVERYDAY
            or folded.replace("'", "") in also)


def _is_english(word: str) -> bool:
    """A word of English, however spelt: "closing", "don't", "dont", "theres", "centre"."""
    return all(_is_english_part(part) for part in _folded(word).removesuffix("'s").split("-")
               if part)


def _is_english_part(word: str) -> bool:
    plain = word.replace("'", "")
    lexicon = Lexicon.default()
    if plain in normalise.EVERYDAY or plain in lexicon.words or (plain,) in lexicon.spellings:
        return True  # "neighbours", "centre", "theres": words the catalogue reads already
    spelt = {word, plain[:-1] + "'" + plain[-1:], plain[:-2] + "'" + plain[-2:],  # "dont"
             *(re.sub(british, american, plain) for british, american in _BRITISH)}
    return any(english.is_real(w) for w in spelt)


def _starts_name(text: str, found: re.Match[str], known: frozenset[str]) -> bool:
    """Whether a capitalised word that starts a sentence is a name: not English ("Aisha"),
    or said to be one ("Sarah here, ...", "Sarah and I ...") and not a word anyone uses
    ("You and I", "Kids here")."""
    word = found.group(0)
    if _ordinary(word, known, _FUNCTION_WORDS):
        return False
    return not _is_english(word) or _NAME_CUE.match(text, found.end()) is not None


def _hide_capitalised(text: str, known: frozenset[str]) -> str:
    out: list[str] = []
    last = 0
    conditions = [m.span("after") if m.group("after") else m.span("before")
                  for m in _CONDITION_OF.finditer(text)]  # "has Crohn's", "Down's Syndrome"
    for match in _WORD.finditer(text):
        word = match.group(0)
        before = text[:match.start()]
        starts_sentence = not before.strip() or bool(_SENTENCE_END.search(before))
        hidden = (word[0].isupper() and not word.isupper() and not _ordinary(word, known)
                  and (not starts_sentence or _starts_name(text, match, known))
                  and not any(a <= match.start() < b for a, b in conditions))
        out.append(text[last:match.start()])
        out.append(NAME if hidden else word)
        last = match.end()
    out.append(text[last:])
    joined = "".join(out)
    return re.sub(rf"{re.escape(NAME)}(?:[\s'-]+{re.escape(NAME)})+", NAME, joined)


def shorten(text: str, limit: int = SHOWN_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1].rsplit(" ", 1)[0]
    return head.rstrip(" ,;:-") + "…"


def representative(reasons: Sequence[str], count: int = 3) -> list[tuple[str, int]]:
    """Up to `count` reasons that stand for the most others, with how many of all the
    reasons say much the same; newest first within a group of alike reasons.

    Groups are found in a sample of SAMPLE reasons spread evenly over them all (newest
    first), not only the most recent: a reason many gave early in the week still leads.
    Every reason outside the sample then joins the group it is most alike, so the counts
    (and what is left over for "other reasons") are over every reason given."""
    given = [r for r in reasons if r and r.strip()]
    chosen = spread(len(given), SAMPLE)
    seeds: list[str] = []
    members: list[list[int]] = []
    for index in chosen:
        folded = given[index].lower()
        found = process.extractOne(folded, seeds, scorer=fuzz.token_set_ratio,
                                   score_cutoff=ALIKE) if seeds else None
        if found is None:
            seeds.append(folded)
            members.append([index])
        else:
            members[found[2]].append(index)
    sampled = set(chosen)
    joined: dict[str, int | None] = {}  # a wording outside the sample -> its group
    for index, reason in enumerate(given):
        if index in sampled:
            continue
        folded = reason.lower()
        if folded not in joined:
            found = process.extractOne(folded, seeds, scorer=fuzz.token_set_ratio,
                                       score_cutoff=ALIKE) if seeds else None
            joined[folded] = None if found is None else found[2]
        group = joined[folded]
        if group is not None:
            members[group].append(index)
    ranked = sorted(members, key=lambda group: -len(group))
    return [(min((given[i] for i in sorted(group)[:5]), key=len), len(group))
            for group in ranked[:count]]


def spread(total: int, size: int) -> list[int]:
    """`size` indexes spread evenly over range(total), the first included (all of them when
    there are no more)."""
    if total <= size:
        return list(range(total))
    return [i * total // size for i in range(size)]
