"""Turning what people write into comparable terms: folding, stop words and a stemmer.

The pipeline for any text (query or catalogue field) is

    fold -> tokens -> spelling rewrites (text-speak, misspellings; see lexicon.py) -> stems

`fold` lower-cases, drops accents and apostrophes ("can't" -> "cant") and turns every
other non-alphanumeric character into a space. `stem` is the Porter (1980) stemmer with
a few exceptions that keep apart words it would wrongly merge ("parking" / "parks").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# "she'd", "we'll", "we're" without their apostrophe are "shed", "well", "were": the
# pronoun alone is kept (the rest is a small word anyway).
_CONTRACTION = re.compile(r"\b(i|you|he|she|we|they|it|who|there)['\u2019](?:d|ll|re|ve)\b")
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common words that never say which service is meant ("I have rang six times, nobody
# answers"): dropped like stop words, so a long or angry message is judged on its need.
# None of them is in an LGA service title.
COMMON: frozenset[str] = _words("""
answer answering answered answers rang ring ringing rung emailed emailing texted texting
wrote writing written sent sending reply replied replying respond responded heard listen
listening listened speak speaking spoke spoken wondering wonder wondered hope hoping hoped
believe guess suppose understand understood explain explained meant seems seemed appear
appears appeared became nice nicely lovely alright sorry glad pleased grateful annoyed upset
furious livid gutted devastated desperate desperately frightened terrified petrified shocked
confused unsure certain definitely maybe possibly hopefully unfortunately sadly obviously
apparently honestly seriously totally completely absolutely constantly repeatedly regularly
usually normally recently properly proper grim dreadful appalling horrendous atrocious
diabolical pathetic outrageous unbelievable incredible crazy insane stupid silly weird
strange thin quick quickly slow slowly easy easily difficult nobody everybody everywhere
anywhere bit bits piece kind type reason reasons point clue sir madam dear regards sincerely
faithfully kindly enquire enquiring hereby cheers bruv fam ages forever twice two three four
five six seven nine hurt hurting upsetting horrible awful terrible spring autumn
poland polish romania romanian lithuania lithuanian latvia latvian bulgaria bulgarian
albania albanian portugal portuguese spain spanish italy italian turkey turkish india
indian pakistan pakistani bangladesh bangladeshi nigeria nigerian somalia somali eritrea
eritrean sudan sudanese iran iranian iraq iraqi china chinese brazil brazilian
""")


# Words that carry no meaning for finding a service. Particles such as "out", "up" and
# "off" are NOT here: they matter in phrases ("kicked out", "fed up"); see PARTICLES.
STOPWORDS: frozenset[str] = _words("""
a about above again against all also am an and any anybody anyone anything are area as at
be because been before being below between both but by can could did do does doing done
dont each either else ever every few for from further get gets getting give go going
goes gone got had has have having he hello her here hers herself hey hi hiya him himself
his how however i id if ill im in into is it its itself ive just know least let lets like
looking look made make many may me might mine more most much must my myself near nearby
need needs needed neither never no nor not now of ok okay once one only or other our ours
ourselves perhaps please pls plz possible probably quite rather re really regarding
same say see seem shall she should since so some somebody someone something somewhere
sort still such sure than thank thanks that the their theirs them themselves then there
these they thing things think this those though through thx to too toward tell told
tried try trying u um us very want wanted wants was way we well were what whats when
where whether which while who whom whose why will with within without would yeah yes yet
you youre your yours yourself yourselves looks actually literally basically shocking
disgusting disgrace broken
""") | COMMON

# The only words dropped before lexicon phrases are matched ("kicked me out" matches
# the phrase "kicked out"; "no where to go" keeps every word that matters).
FILLER: frozenset[str] = _words("""
a an the my me mine your yours our ours his her hers their theirs them him i you we they
it its this that these those some really so very just please pls also am is are was were
be been being
""")

# Kept for phrase matching ("kicked out", "after school") but not scored on their own.
PARTICLES: frozenset[str] = _words("out off up down on over after under back away round around")

# Words that say "this is a request for help" rather than what it is about: scored at
# a fraction of their weight and not counted when judging whether a query was understood.
WEAK: frozenset[str] = _words("""
help support advice advis service servic inform information info council local join
peopl people person new apply appli applic claim find contact ring call phone
someon day time week month year today tonight
""")

# Everyday words that say who or how rather than what: they rarely decide which service
# fits, so a message is not judged "not understood" because the catalogue lacks them.
EVERYDAY: frozenset[str] = _words("""
son sons daughter daughters mum mums dad dads mother father parent parents child children
kid kids baby babies boy boys girl girls brother brothers sister sisters grandmother
grandfather grandchild grandchildren partner husband wife boyfriend girlfriend friend
friends family families neighbour neighbours man men woman women lady guy guys
keep keeps kept always never ever everything anything everyone anyone nothing lot lots
loads big huge massive small little bad good great nice awful terrible horrible
last next first second ago since yesterday tomorrow weekend tonight morning night
monday tuesday wednesday thursday friday saturday sunday week weeks month months year years
times again already anymore soon late early hour hours minute minutes
live living lives stay staying go going come coming came went say says said told ask asked
feel feeling felt think thought worried worry scared afraid happy sad angry
done doing make making made take taking took put use used using
open opens opening opened shut shuts shutting close closes closing closed
front rear outside inside behind opposite corner nearly almost literally basically actually
nightmare useless joke disgrace ridiculous shocking disgusting unacceptable
town city centre center stuck door arrive arrived arriving winter summer christmas easter
found find finding stop stops stopped stopping hold holding held part full rest end ended
start started starting turned turn left right whole half side top bottom front
struggle struggles struggling struggled
""")

# What the person wants done rather than what about ("how can we appeal", "who do I
# complain to"): with a topic, the topic decides; alone, they still find their entries.
ACTIONS: frozenset[str] = _words("""
appeal appealing appealed complain complaining complained complaint report reported
reporting challenge challenging object objecting refuse refused refusing
""")

# Porter merges these with unrelated words, or splits a word from its plural.
_STEM_EXCEPTIONS: dict[str, str] = {
    "parking": "parking", "parked": "parking", "bus": "bus", "buses": "bus",
    "busses": "bus", "news": "news", "gas": "gas", "university": "universiti",
    "universities": "universiti", "uni": "universiti", "police": "police",
    "policing": "police", "general": "general", "organ": "organ", "careers": "career",
    "career": "career", "caring": "care", "cared": "care", "carer": "carer",
    "carers": "carer", "dinners": "dinner", "dinner": "dinner", "has": "has", "was": "was",
    "is": "is", "this": "this", "its": "its", "us": "us", "as": "as", "yes": "yes",
    "less": "less", "lens": "lens", "alcohol": "alcohol", "alcoholic": "alcohol",
    "aids": "aids", "aid": "aid", "being": "being", "sing": "sing", "thing": "thing",
    "things": "thing", "during": "during", "morning": "morning", "evening": "evening",
    "ceiling": "ceiling", "wedding": "wedding", "weddings": "wedding",
    "building": "building", "buildings": "building", "bedding": "bedding",
    "probation": "probation",  # not "probate"
    "evenings": "evening", "mornings": "morning",  # not "even", "morn"
    "booking": "booking", "bookings": "booking", "booked": "booking",  # not library "books"
    "dumped": "dumped", "dumping": "dumped",  # fly-tipping, not "the dump" (tip)
    "listed": "listed",  # listed buildings, not "list"
    "traveller": "traveller", "travellers": "traveller",  # not "travel"
    "leaves": "leaf", "leaf": "leaf",  # autumn leaves, not "leaving my allotment"
    "register": "regist", "registers": "regist", "registered": "regist",
    "registering": "regist", "registration": "regist", "registrations": "regist",
}


def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes, everything else non-alphanumeric to spaces."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("&", " and ").replace("+", " plus ")
    text = _APOSTROPHES.sub("", _CONTRACTION.sub(r"\1", text))
    return _NON_WORD.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """The folded words of `text`."""
    return fold(text).split()


def split_digits(token: str) -> list[str]:
    """'7yo' -> ['7', 'yo']; 'b4' -> ['b', '4'] (used only when no spelling rule knew the token)."""
    if token.isalpha() or token.isdigit():
        return [token]
    return _DIGIT_LETTER.sub(" ", token).split()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter stem of a folded word (short words and exceptions are kept as they are)."""
    if word in _STEM_EXCEPTIONS:
        return _STEM_EXCEPTIONS[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    return _porter(word)


# -- the Porter stemmer ----------------------------------------------------------------------

def _is_consonant(word: str, i: int) -> bool:
    ch = word[i]
    if ch in "aeiou":
        return False
    if ch == "y":
        return i == 0 or not _is_consonant(word, i - 1)
    return True


def _measure(stem_: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in `stem_`."""
    count, i, n = 0, 0, len(stem_)
    while i < n and _is_consonant(stem_, i):
        i += 1
    while i < n:
        while i < n and not _is_consonant(stem_, i):
            i += 1
        if i >= n:
            break
        while i < n and _is_consonant(stem_, i):
            i += 1
        count += 1
    return count


def _has_vowel(stem_: str) -> bool:
    return any(not _is_consonant(stem_, i) for i in range(len(stem_)))


def _double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _is_consonant(word, len(word) - 1)


def _cvc(word: str) -> bool:
    if len(word) < 3:
        return False
    n = len(word)
    return (_is_consonant(word, n - 3) and not _is_consonant(word, n - 2)
            and _is_consonant(word, n - 1) and word[-1] not in "wxy")


def _replace(word: str, rules: tuple[tuple[str, str], ...], min_m: int) -> str:
    for suffix, repl in rules:
        if word.endswith(suffix):
            base = word[: len(word) - len(suffix)]
            return base + repl if _measure(base) > min_m else word
    return word


_STEP2 = (
    ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"),
    ("izer", "ize"), ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"),
    ("ousli", "ous"), ("ization", "ize"), ("isation", "ise"), ("ation", "ate"),
    ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"),
    ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"),
)
_STEP3 = (
    ("icate", "ic"), ("ative", ""), ("alize", "al"), ("alise", "al"), ("iciti", "ic"),
    ("ical", "ic"), ("ful", ""), ("ness", ""),
)
_STEP4 = (
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
    "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize", "ise",
)


def _step1(word: str) -> str:
    if word.endswith(("sses", "ies")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    else:
        for suffix in ("ed", "ing"):
            if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
                word = _step1b_tidy(word[: -len(suffix)])
                break
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    return word


def _step1b_tidy(word: str) -> str:
    if word.endswith(("at", "bl", "iz", "is")):
        return word + "e"
    if _double_consonant(word) and word[-1] not in "lsz":
        return word[:-1]
    if _measure(word) == 1 and _cvc(word):
        return word + "e"
    return word


def _step4(word: str) -> str:
    for suffix in sorted(_STEP4, key=len, reverse=True):
        if word.endswith(suffix):
            base = word[: len(word) - len(suffix)]
            if suffix == "ion" and not base.endswith(("s", "t")):
                return word
            return base if _measure(base) > 1 else word
    return word


def _step5(word: str) -> str:
    if word.endswith("e"):
        base = word[:-1]
        m = _measure(base)
        if m > 1 or (m == 1 and not _cvc(base)):
            word = base
    if word.endswith("ll") and _measure(word) > 1:
        word = word[:-1]
    return word


def _porter(word: str) -> str:
    word = _step1(word)
    word = _replace(word, _STEP2, 0)
    word = _replace(word, _STEP3, 0)
    word = _step4(word)
    return _step5(word)
