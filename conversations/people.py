"""Whose need it is: the person writing, or someone they ask for ("can my kids get free
school dinners?", "she's 9"). What a message says about either ("I'm 16", "my son is 9",
"I get UC") is kept for the conversation only, apart for each person. Pure.

In the session: `data["answers"]` holds what is known about the person writing (as before),
`data["other"]` = {"who": "your son", "pronoun": "he", "child": True, "answers": {...}}.
Household circumstances (benefits, the home) of a child are the writer's answers: a parent
answers "do you get Universal Credit?" for their child's free school meals.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from conversations.eligibility import AGE, plural
from conversations.flows.common import words
from conversations.types import Session

Subject = Literal["you", "other"]
INCOME_BENEFIT = "income_benefit"
LIVES_ALONE = "lives_alone"  # being the only adult at home
CHILD_AGED_TWO = "child_aged_two"
UNDER_FOUR = "pregnant_or_under_4"
HOUSEHOLD = frozenset({INCOME_BENEFIT, LIVES_ALONE, "renting", "council_tenant",
                       "has_children", CHILD_AGED_TWO, "at_risk_homeless", "working",
                       UNDER_FOUR})  # the sample council's codes (catalogue/sample/)
DISABLED = "disabled"
CARER = "carer"  # the sample council's code for looking after someone
LOW_INCOME = "low_income"  # ... for a low income or Pension Credit (the pension-age scheme)
BENEFIT_OR_LOW_INCOME = "benefit_or_low_income"  # ... or either (the working-age scheme)
# someone else living with the writer ("yes but my 20 year old son lives with me")
_LIVES_WITH_ME = re.compile(
    r"\b(?:my|our) (?:(\d{1,2}) ?(?:year old|yr old|yo) |grown up |adult )?(son|daughter|"
    r"partner|husband|wife|boyfriend|girlfriend|mum|mam|mom|dad|brother|sister|lodger|friend|"
    r"nan|gran|grandad|grandson|granddaughter|kids|children)s? (?:(?:still |also )?(?:lives?|"
    r"living|stays?|staying) (?:with (?:me|us)|here|at home)|is (?:still )?(?:living|staying) "
    r"(?:with (?:me|us)|here)|(?:has )?moved (?:back )?in)\b")
_MAYBE_A_CHILD = frozenset({"son", "daughter", "grandson", "granddaughter", "kids", "children",
                            "brother", "sister"})


def another_adult_at_home(text: str) -> bool:
    """Whether the message says an adult lives with the writer ("yes but my 20 year old son
    lives with me", "my partner moved in"); not a child ("my 12 year old lives with me") nor
    a son or daughter of no age said."""
    found = _LIVES_WITH_ME.search(words(text))
    if found is None:
        return False
    if found.group(1):
        return int(found.group(1)) >= 18
    return found.group(2) not in _MAYBE_A_CHILD


# the questions a benefit's name answers ("i get pip": not sure, and why)
BENEFIT_QUESTIONS = frozenset({INCOME_BENEFIT, BENEFIT_OR_LOW_INCOME})
# what an answer of yes answers too: an income-related benefit or a low income is either
_ALSO = {INCOME_BENEFIT: BENEFIT_OR_LOW_INCOME, LOW_INCOME: BENEFIT_OR_LOW_INCOME}

_CHILDREN = {"son": "he", "daughter": "she", "boy": "he", "girl": "she", "lad": "he",
             "kid": "they", "kids": "they", "child": "they", "children": "they",
             "baby": "they", "toddler": "they", "teenager": "they", "grandson": "he",
             "granddaughter": "she", "grandchild": "they", "grandkids": "they",
             "stepson": "he", "stepdaughter": "she", "nephew": "he", "niece": "she",
             "grandchildren": "they", "twins": "they", "boys": "they", "girls": "they",
             "youngest": "they", "eldest": "they", "oldest": "they", "little one": "they"}
_ADULTS = {"mum": "she", "mom": "she", "mam": "she", "mother": "she", "dad": "he",
           "father": "he", "nan": "she", "nana": "she", "gran": "she", "grandma": "she",
           "granny": "she", "grandad": "he", "grandpa": "he", "grandmother": "she",
           "grandfather": "he", "partner": "they", "wife": "she", "husband": "he",
           "sister": "she", "brother": "he", "friend": "they", "neighbour": "they",
           "aunt": "she", "auntie": "she", "uncle": "he", "boyfriend": "he",
           "girlfriend": "she", "flatmate": "they", "carer": "they", "parents": "they"}
_SINGULAR = {"kids": "child", "children": "child", "grandkids": "grandchild",
             "youngest": "youngest child", "eldest": "eldest child", "oldest": "eldest child",
             "little one": "child",
             "grandchildren": "grandchild", "twins": "child", "boys": "child", "girls": "child"}
_MANY = frozenset(_SINGULAR) - {"youngest", "eldest", "oldest", "little one"}  # several
CHILDREN = "your children"  # who a check is for when several children's ages were given
_THE_CHILDREN = frozenset({CHILDREN, "your child", "your grandchild"})  # "my kids", no ages
_COUNT = r"(?:(?:[2-9]|two|three|four|five|six|seven|eight|nine)\s+)?"  # "my 3 kids"
_MANY_WORDS = r"(?:my|our)\s+" + _COUNT + "(?:" + "|".join(sorted(_MANY)) + r")\b"
_MANY_NAMED = re.compile(r"\b" + _MANY_WORDS)
_PARTNERS = frozenset({"partner", "wife", "husband", "boyfriend", "girlfriend"})
_RELATION = re.compile(r"\b(?:my|our)\s+" + _COUNT
                       + r"(?:(?:\d{1,2}|\w+)[- ](?:year|yr)[- ]old\s+)?("
                       + "|".join(sorted({*_CHILDREN, *_ADULTS}, key=len, reverse=True))
                       + r")\b")
_SOMEONE = re.compile(r"\b(?:someone else|somebody else|other person|for (?:him|her|them)|"
                      r"(?:he|she)(?:'s| is| gets| has)|hes|shes|(?:can|could|does|would) "
                      r"(?:he|she))\b")
_FOR_SELF = re.compile(r"\b(?:for me|for myself|myself|me|mine|my own|i|i'm|im|i am|we|us)\b")
# a parent named only for what the household gets or does ("my mum is on uc", "my dad
# works nights"), and a request in the writer's own name ("can i get ...")
_HOUSEHOLD_FACT = re.compile(
    r"\b(?:my|our)\s+(?:mum|mam|mom|mummy|dad|daddy|parents?|mother|father|step ?(?:mum|dad)"
    r"|carers?|family|household|nan|gran|grandparents?)\s+(?:is|are|gets?|receives?|claims?"
    r"|works?|has|have|(?:is|are) on|been)\b")
# the person the writer cares for, named as the one cared for ("i look after my husband
# who has dementia, can i get any help": the carer's own check)
_CARED_FOR = re.compile(  # an adult, or a child "who has" / "who is" (not "my kids", "my dog")
    r"\bi(?:'m| am|m)?\s+(?:(?:a |the )?(?:main |full time |unpaid )?carer (?:for|of|to)\s+"
    r"(?:my|our)\s+[a-z]+(?:\s+in\s+law)?\b|(?:look(?:ing)? after|car(?:e|ing) for|"
    r"help(?:ing)? (?:to )?look after)\s+(?:my|our)\s+(?:(?:disabled|elderly|poorly|sick|"
    r"frail|old|ill|autistic|blind|deaf)\s+)?(?:(?:husband|wife|partner|mum|mam|mom|mother|"
    r"dad|father|parents?|nan|nana|gran|granny|grandma|grandad|grandparents?|brother|sister|"
    r"aunt|auntie|uncle|friend|neighbour|fiance|fiancee)(?:\s+in\s+law)?\b|(?:(?:son|"
    r"daughter|child|boy|girl|grandson|granddaughter|grandchild)\s+(?:who|with|as he|as she)"
    r"|(?:disabled|autistic|poorly|sick|ill) (?:son|daughter|child|boy|girl|grandson|"
    r"granddaughter|grandchild))\b))")
# a parent named only as who said it ("my mum says we cant afford my school trip")
_REPORTED = re.compile(r"\b(?:my|our)\s+(?:mum|mam|mom|dad|parents?|mother|father|nan|gran)"
                       r"\s+(?:says?|said|thinks?|told me|reckons)\b")
_LOW_INCOME = re.compile(r"\b(?:cant|can not|cannot|struggling to|struggle to|unable to) "
                         r"(?:pay|afford)\b|\blow income\b|\bpension credit\b"
                         r"|\bonly (?:have|get) (?:my|the|a) (?:state )?pension\b"
                         r"|\bjust (?:my|the|a) (?:state )?pension\b")
_PREGNANT = re.compile(r"\b(?:im|i am|were|we are) (?:\d+ (?:weeks?|months?) |(?:nearly|almost|"
                       r"just) |\d{1,2} and )?pregnant\b"
                       r"|\b(?:im|i am|were|we are) expecting (?:a baby|twins|my first|our first)\b"
                       r"|\b(?:my|our) baby (?:is )?due\b"
                       r"|\bmy (?:baby|toddler) is (?:[1-9] (?:weeks?|months?)|[0-3]|one|two|"
                       r"three)\b")
# what a writer says of themselves that answers a check's question (the sample council's
# codes, catalogue/sample/sample-circumstances.csv)
_OWN_FACTS: tuple[tuple[str, bool, re.Pattern[str]], ...] = tuple(
    (code, value, re.compile(pattern)) for code, value, pattern in (
        ("working", True, r"\b(?:i|we) (?:both )?work\b(?! for myself)|\bwe both work\b|"
                          r"\b(?:im|i am) (?:in (?:paid )?work|working|employed|self employed)\b"
                          r"|\bi (?:have|got) a job\b|\bi work (?:full|part) ?time\b"),
        ("working", False, r"\b(?:im|i am) (?:not working|unemployed|out of work|on the dole)\b"
                           r"|\bi (?:dont|do not) work\b(?! (?:on |at )?(?:mon|tue|wed|thu|fri|"
                           r"sat|sun|weekend|evening|night|morning))|\blost my job\b"),
        (LIVES_ALONE, True, r"\bi (?:live|am living|m living|now live) (?:on my own|alone|by "
                              r"myself)\b|\bim the only adult\b|\bjust me and my (?:\d+ year old|"
                              r"son|daughter|kids?|children|baby|little one)\b"),
        ("care_leaver", True, r"\b(?:i'?m|i am|i was) (?:a )?care leaver\b|\bas a care leaver\b"
                              r"|\bi (?:was|grew up) in (?:foster )?care\b"),
        (INCOME_BENEFIT, False, r"\b(?:we|i) used to (?:get|be on|claim) (?:uc|universal credit|"
                                r"benefits?)\b(?=.*\b(?:not|no longer|anymore|stopped)\b)|"
                                r"\b(?:we|i) (?:dont|do not) (?:get|claim|receive) (?:any )?"
                                r"(?:benefits?|uc|universal credit)\b|\bnot on (?:any )?"
                                r"benefits\b|\bno benefits\b"),
        ("renting", True, r"\b(?:i|we) rent\b|\b(?:im|i am|were|we are) renting\b|\bmy landlord\b"
                          r"|\bprivate tenant\b|^rent(?:ing)? from\b"),
        ("council_tenant", True, r"\b(?:i|we) (?:live|am living|are living) in (?:a |our |my )?"
                                 r"(?:council|housing association) (?:house|flat|home|property)\b"
                                 r"|\bmy council (?:house|flat|home)\b|\b(?:council|housing "
                                 r"association) tenant\b|\brent(?:ing)? from (?:the council|a "
                                 r"housing association|housing association)\b"),
        (DISABLED, True, r"\b(?:im|i am) (?:registered )?(?:blind|deaf|partially sighted|a "
                         r"wheelchair user|in a wheelchair)\b|\bi use a wheelchair\b"),
    ))
# a fact wished for, asked about or past is not the writer's now ("we want to live in a
# council house", "can i work and still claim uc", "i used to live on my own")
_NOT_NOW = re.compile(r"\b(?:if|can i|could i|can we|would|want|wants|wanna|need|needs|like to|"
                      r"love to|hope|hoping|apply|applying|waiting|looking for|used to|"
                      r"how (?:do|can) (?:i|we)|soon|going to|gonna|will)\b")
_ASKS_FOR_THEM = re.compile(r"\b(?:can|could|does|do|would|will|is|are) (?:he|she|they)\b"
                            r"|\bfor (?:him|her|them)\b|\b(?:he|she) (?:needs|wants)\b")
_ASKS_FOR_SELF = re.compile(r"\b(?:can|could|do|would|will|am) i\b|\bi(?:'m| am|m)? "
                            r"(?:get|qualify|eligible|entitled)\b")
_STATEMENT_OF_BENEFIT = re.compile(  # "I get UC", "we're on universal credit", not "claim UC"
    r"\b(?:get|gets|getting|receive|receives|receiving|on|have|has)\s+(?:the\s+|some\s+)?"
    r"(?:uc|universal credit|income support|jsa|jobseekers?|esa|employment and support|pension "
    r"credit|housing benefit|tax credits?|child tax credit|working tax credit|benefits|the dole|"
    r"pip|dla|attendance allowance|personal independence|disability living|adp|adult disability)"
    r"\b")
_SAID_OF_THEM = re.compile(r"^(?:he|she|they|he'?s|she'?s|they'?re|theyre)\b")
# someone who does not live with the writer: what they get is not the household's
_ELSEWHERE = re.compile(r"\b(?:my |our |the )?(?:ex|exs|ex (?:partner|husband|wife|boyfriend|"
                        r"girlfriend)|former (?:partner|husband|wife)|(?:kids|childrens|sons|"
                        r"daughters) (?:dad|father|mum|mother)|baby (?:daddy|father))\b")
_ASKING = re.compile(r"^(?:can|could|how|what|am i|do i|does|is|will|would|where|should|"
                     r"which|are)\b")
_PRONOUN_AGE = re.compile(r"\b(she|he|they)(?:'s| is| are|s| turned| just turned"
                          r"|(?= ?\d{1,3} ?(?:years?|yrs?|y/?o)\b))\s*"  # "he 8 year"
                          r"(?:only |just |nearly |almost )?"
                          r"(\w+(?:[- ]\w+)?)(?:\b|$)")
_SELF_AGE = re.compile(r"\b(?:i'?m|im|i am|i'm aged|i am aged)\s+(?:only |just |"
                       r"nearly |almost )?(\w+(?:[- ]\w+)?)(?=\s+(?:years?|yrs?|y/?o|and|but|so|"
                       r"now|in|next|soon|on|at|i|can|could|how|what|do|does|will|would|need|want|is|are|am|"
                       r"looking|living|with|,)\b|\s*[,.!?]|\s*$|\s+years? old)")
_RELATION_AGE = re.compile(r"\bmy\s+(" + "|".join(sorted({*_CHILDREN, *_ADULTS}, key=len,
                           reverse=True))
                           + r")(?:'s|s\b|\s+(?:is|are|who is|who are|who's|aged|turned|"
                           r"just turned|,))\s+"
                           r"(?:only |just |nearly |almost |aged )?(\w+(?:[- ]\w+)?)")
_YEAR_OLD = re.compile(r"\bmy\s+(\w+(?:[- ]\w+)?)[- ](?:year|yr)[- ]old\b")
_INCOME = re.compile(r"\b(?:uc|universal credit|income support|jsa|jobseekers?(?:'s)? "
                     r"allowance|esa|employment and support allowance|pension credit|"
                     r"housing benefit|tax credits?|child tax credit|working tax credit|"
                     r"on benefits|get benefits|claim benefits|on the dole)\b")
_DISABILITY = re.compile(r"\b(?:pip|dla|attendance allowance|personal independence payment|"
                         r"disability living allowance|adp|adult disability payment)\b")
_PENDING = re.compile(r"\b(?:applied|applying|apply|reapplied|re-applied|reapplying|waiting|"
                      r"going to|gonna|will be|pending|put in a claim|made a claim|claim in)\b")
_CHILD_BENEFIT = re.compile(r"\bchild benefits?\b")
_SOME_BENEFIT = re.compile(r"\b(?:gets?|getting|on|claims?|claiming|receives?) (?:some|a|one|"
                           r"a few|some kind of|some sort of)? ?benefits?\b")
_NEGATED = re.compile(r"\b(?:not|don'?t|dont|doesn'?t|no longer|never|stopped|isn'?t|aren'?t|"
                      r"haven'?t|no)\b")
# a benefit that has ended: "we stopped getting uc", "came off universal credit"
_ENDED = re.compile(r"\b(?:stopped (?:getting|receiving|claiming|being on)|(?:came|come|coming|"
                    r"got taken|been taken) off|no longer (?:get|on|receive|claim)|(?:uc|credit|"
                    r"benefits?|it) (?:has |have |was |got |were )?(?:stopped|ended|been stopped|"
                    r"cut off))\b")
_NOT_OWN_WORDS = re.compile(r"\b(?:grand\w*|nephews?|nieces?)\b")
_NOT_OWN = frozenset({"your grandson", "your granddaughter", "your grandchild",
                      "your nephew", "your niece"})
_TWINS = re.compile(r"\b(?:my|our) twins\b")
_CLAUSES = re.compile(r"[,.;!?]+|\s+(?:and|but|because|cos)\s+")
_IS_DISABLED = re.compile(r"\b(i'?m|i am|im|he'?s|he is|hes|she'?s|she is|shes|they'?re|"
                          r"they are|theyre|(?:son|daughter|child|husband|wife|partner|mum|"
                          r"dad|mother|father|nan|grandad|brother|sister) is) (?:registered |"
                          r"severely |quite |very )?"
                          r"disabled\b"
                          # "i have copd", "my husband has dementia": a long-term condition
                          r"|(?<!\bif )\b(i|he|she|they|(?:son|daughter|child|husband|wife|"
                          r"partner|mum|dad|mother|father|nan|grandad|brother|sister)) "
                          r"(?:ha(?:ve|s)|ha(?:ve|s) got|got|suffers? (?:from|with)|lives? with|"
                          r"had(?= a stroke)) "
                          r"(?:a |an )?(?:copd|emphysema|dementia|alzheimers|parkinsons|mnd|"
                          r"ms(?=$|[,.!?]| and\b| so\b| since\b| which\b| but\b)|"
                          r"multiple sclerosis|motor neurone disease|arthritis|epilepsy|"
                          r"cerebral palsy|autism|adhd|a learning disability|learning "
                          r"disabilities|a disability|a long term (?:health )?condition|heart "
                          r"failure|a heart condition|sight loss|hearing loss|fibromyalgia|"
                          r"chronic fatigue|cfs|crohns|lupus|cancer|a stroke|kidney failure|"
                          r"spina bifida|downs syndrome|sickle cell)\b")
_NUMBERS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
            "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
            "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90, "hundred": 100}
# several ages in a row: "7 and 12", "3, 7 & 12", "4 and 5 and 17", "seven n nine"; not
# "2 and 3 bedroom flats", "2 and 3 miles", "3 and 6 months"
_AGE_ITEM = r"(?:\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"
_AGE_LIST = (rf"{_AGE_ITEM}(?:(?:\s*,\s*|,?\s+(?:and|&|n)\s+){_AGE_ITEM})+"
             r"\b(?!\s*(?:-\s*)?(?:bed|mile|min|hour|hr|day|week|month|mth|km|metre|meter|"
             r"pound|quid|percent|%|times|o'?clock|am\b|pm\b|kid|child|of\b))")
_THEY_ARE = r"they(?:'re|re| are| r)"
_SEVERAL_AGES = re.compile(  # "my kids are ...", and nobody else named on the way
    rf"\b{_MANY_WORDS}(?:(?!\b(?:my|our|and)\b)[^.?!]){{0,40}}?\b(?:are|aged|ages|r)"
    rf"\s+(?:aged\s+|only\s+|just\s+)?({_AGE_LIST})")
_THEY_AGES = re.compile(rf"\b{_THEY_ARE}\s+(?:aged\s+|only\s+|just\s+)?({_AGE_LIST})")
# the children named before their ages in an answer ("kids are 6 and 12")
_CHILDREN_ARE = re.compile(r"^(?:the |both )?(?:kids|children|boys|girls|twins|little ones|"
                           r"grandkids|grandchildren) (?:are|r|is)\s+")
_ONLY_AGES = re.compile(rf"(?:{_THEY_ARE}\s+|aged?\s+)?({_AGE_LIST})"
                        r"(?:\s*(?:years?|yrs?|y/?o)(?: old)?)?")


def number(text: str) -> int | None:
    """A whole number written in digits or words ("9", "nine", "twenty-one")."""
    said = text.strip().lower().replace("-", " ")
    if said.isdigit():
        return int(said)
    parts = said.split()
    if len(parts) == 1:
        return _NUMBERS.get(parts[0], _TENS.get(parts[0]))
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _NUMBERS:
        return _TENS[parts[0]] + _NUMBERS[parts[1]]
    return None


def _age(text: str) -> int | None:
    """An age from the start of `text` ("16", "nine", "twenty one"), within 0-120."""
    for take in (2, 1):
        found = number(" ".join(text.replace("-", " ").split()[:take]))
        if found is not None:
            return found if found <= 120 else None
    return None


# -- who the message is about -----------------------------------------------------------

def relation(text: str) -> tuple[str, str, bool] | None:
    """("your son", "he", is a child) when the message names someone ("my son", "my kids")."""
    said = words(text)
    found = next((m for m in _RELATION.finditer(said) if not _gone(said, m.group(1))), None)
    if found is None:
        return None
    word = found.group(1)
    pronoun = _CHILDREN.get(word) or _ADULTS[word]
    return f"your {_SINGULAR.get(word, word)}", pronoun, word in _CHILDREN


def _gone(said: str, word: str) -> bool:
    """"my husband passed away", "since my late wife", "I lost my mum": never a check (or
    a "For your husband" choice) for someone who has died, nor for a partner who has left
    ("my partner left", "since i split up with my husband")."""
    w = re.escape(word)
    return re.search(
        rf"\bmy (?:late|dear late) {w}\b|\blost my {w}\b|\bmy {w}(?: [A-Za-z]+)?(?:s| has| have| "
        rf"is| was)? (?:just |recently |sadly )?(?:passed(?! (?:his|her|their|the|an?|my|me|us|it)"
        rf"\b)|died|dead(?! (?:tired|set|keen|beat|good|right|easy|on|against)\b)|deceased)\b"
        rf"|\bmy {w}s? (?:death|funeral|passing)\b", said) is not None or (
        word in _PARTNERS and re.search(
            rf"\bmy {w} (?:has |have |had |just |recently )*(?:left|walked out|moved out)\b"
            rf"|\b(?:split|broke|broken) up with my {w}\b|\bmy {w} and i (?:split|broke)\b",
            said) is not None) or re.search(  # "my mum doesnt know": not whom it is for
        rf"\bmy {w} (?:doesnt|does not|dont|do not|wont|mustnt|must not) (?:know(?: about| that| "
        rf"im| i| yet|$)|find out)\b",
        said) is not None


def subject_of(text: str) -> Subject | None:
    """"other" when the message names someone or says "someone else"/"he"/"she", "you" when
    it speaks only of the writer ("for me", "can I get"), None when it does not say."""
    said = words(text)
    if re.match(r"^(?:its |it is )?(?:just )?(?:me|myself|for me)(?: and my\b| on my own\b|$)",
                said):
        return "you"  # "just me and my 12 year old": the writer's (a child is no adult)
    unnamed = relation(_CARED_FOR.sub(" ", _HOUSEHOLD_FACT.sub(" ", said))) is None
    if unnamed and _ASKS_FOR_SELF.search(said):
        return "you"  # "can i get free school meals my mum is on uc": the writer's check
    if unnamed and _CARED_FOR.search(said) and not _ASKS_FOR_THEM.search(said):
        return "you"  # "im 15 and i look after my mum shes got ms": the carer's
    if relation(said) and relation(unsaid := _REPORTED.sub(" ", said)) is None and \
            not _SOMEONE.search(unsaid) and _FOR_SELF.search(unsaid):
        return "you"  # "my mum says we cant afford my school trip": the writer's
    if relation(said) or _YEAR_OLD.search(said) or _SOMEONE.search(said):
        return "other"
    return "you" if _FOR_SELF.search(said) else None


def household_fact(text: str) -> bool:
    """"my mum gets uc", "my parents are on benefits": said of the household, whoever asks."""
    said = words(text)
    return _HOUSEHOLD_FACT.search(said) is not None and relation(
        _HOUSEHOLD_FACT.sub(" ", said)) is None and not _ELSEWHERE.search(said)


def note_subject(session: Session, text: str) -> None:
    """Remember who "someone else" is, from "my son", "my daughter is 9", "she's 9"."""
    found = relation(text)
    other = session.data.get("other") or {}
    if found is not None and _MANY_NAMED.search(words(text)) and other.get("who") != CHILDREN \
            and (ages := children_known(session)):
        for_children(session, ages)  # "my kids" again after one of them was spoken of
        return
    if found is not None:
        who, pronoun, child = found
        # "my kids" or "for my child" again: the child (or children) already spoken of
        again = other.get("child") and who == "your child"
        if other.get("who") != who and not again:
            other = {"who": who, "pronoun": pronoun, "child": child, "answers": {}}
        if _MANY_NAMED.search(words(text)):
            other["many"] = True  # "my kids", no ages yet: ask for each of them
    elif not other and _YEAR_OLD.search(words(text)):
        other = {"who": "your child", "pronoun": "they", "child": True, "answers": {}}
    elif not other:
        pronoun = next((p for p in ("she", "he") if re.search(rf"\b{p}\b", words(text))), "they")
        other = {"who": {"she": "she", "he": "he"}.get(pronoun, "they"), "pronoun": pronoun,
                 "child": False, "answers": {}}
    session.data["other"] = other


# -- facts stated in a message ------------------------------------------------------------

def note_facts(session: Session, text: str) -> list[str]:
    """Store ages and benefits the message states; returns what was learned, as
    "you:age", "other:age", "you:income_benefit"..."""
    said = words(text)
    learned: list[str] = []
    found = relation(said)
    several = several_ages(said)
    other_age = None if several else _other_age(said)
    if found is not None or other_age is not None:
        note_subject(session, said)
    if several is None and other_age is not None and _TWINS.search(said):
        several = [other_age, other_age]  # "my twins are 7": two children of 7
    if several and max(several) <= 120:
        for_children(session, several, said)
        learned.append("other:age")
    elif other_age is not None:
        _store(session, "other", AGE, other_age)
        learned.append("other:age")
        other = session.data["other"]
        if other.get("child") or other_age < 18:
            other["child"] = True
            _household_children(session, [other_age])
    self_age = _self_age(said)
    if self_age is None and (year := _IN_YEAR.search(said)):
        self_age = _youngest_in(int(year.group(1)))  # "im in yr 9": 13
    if self_age is not None:
        _store(session, "you", AGE, self_age)
        learned.append("you:age")
    if _CARED_FOR.search(said) is not None:  # "i look after my husband": asked no more
        _store(session, "you", CARER, True)
        learned.append(f"you:{CARER}")
    benefit_for: Subject = "other" if found is not None and not _FOR_SELF.search(said) \
        else "you"
    if _PREGNANT.search(said) and not re.search(r"\b(?:not|never|if)\b[^.,]*\bpregnant", said):
        _store(session, "you", UNDER_FOUR, True)  # "im 12 weeks pregnant"
        learned.append(f"you:{UNDER_FOUR}")
    for code, value, pattern in _OWN_FACTS:  # "we both work", "i live on my own", "im a
        if (fact := pattern.search(said)) is None:  # care leaver": not asked again
            continue
        clause, before = _clause_of(said, fact)  # "my son is renting": his; "can i work"
        if (value is not False and (_NOT_NOW.search(before + fact.group(0))
                                    or _NEGATED.search(clause))) or \
                relation(before) is not None or (
                code == INCOME_BENEFIT and _INCOME.search(said.replace(fact.group(0), " "))):
            continue  # "we dont claim uc we get tax credits": an income-related one
        _store(session, "you", code, value)
        learned.append(f"you:{code}")
    if (low := _LOW_INCOME.search(said)) and not _NEGATED.search(_clause_of(said, low)[0]):
        # "cant pay council tax"; "we dont get benefits but were on a low income"
        _store(session, benefit_for, LOW_INCOME, True)
        learned.append(f"{benefit_for}:{LOW_INCOME}")
    # each clause that states, not asks: "can my son get free school meals? we are on uc"
    for clause in _CLAUSES.split(said):
        clause = clause.strip()
        if _ASKING.match(clause) and (fact := _HOUSEHOLD_FACT.search(clause)) is not None:
            clause = clause[fact.start():]  # "can i get fsm my mum is on uc": she is on uc
        elif _ASKING.match(clause) and (cond := _IS_DISABLED.search(clause)) is not None \
                and cond.start() > 0:
            clause = clause[cond.start():]  # "can i get a blue badge i have copd"
        if not clause or _ASKING.match(clause) or _NEGATED.search(clause) or \
                "used to" in clause:  # "we used to get uc": not now
            continue
        stated = _STATEMENT_OF_BENEFIT.search(clause) and not _ELSEWHERE.match(clause)
        # "he gets pip", said of the one the check is for: his
        getter: Subject = "other" if session.data.get("other") and _SAID_OF_THEM.match(clause) \
            else benefit_for
        for code, pattern in ((INCOME_BENEFIT, _INCOME), (DISABLED, _DISABILITY)):
            if stated and pattern.search(clause):
                _store(session, getter, code, True)
                learned.append(f"{getter}:{code}")
        if (named := _IS_DISABLED.search(clause)) is not None:  # whoever the clause names:
            who = named.group(1) or named.group(2)
            whose: Subject = "you" if who.startswith("i") else "other"  # "my son
            if whose == "you" or session.data.get("other"):  # is disabled, can i ..." is his
                _store(session, whose, DISABLED, True)
                learned.append(f"{whose}:{DISABLED}")
    return list(dict.fromkeys(learned))


def several_ages(said: str, *, answer: bool = False) -> list[int] | None:
    """The ages of several children, from "my kids are 7 and 12" or "can my kids get it?
    they're 3, 7 and 12" (or, as the whole `answer` to "How old ...?", "7 and 12"); None
    for fewer than two."""
    only = _ONLY_AGES.fullmatch(_CHILDREN_ARE.sub("", said.strip(" .!?"))) if answer else None
    found = only or \
        _SEVERAL_AGES.search(said) or (_MANY_NAMED.search(said) and _THEY_AGES.search(said))
    if not found:
        return None
    ages = [number(part) for part in re.split(r"\s*(?:,|\band\b|&|\bn\b)\s*",
                                               found.group(1)) if part]
    known = [age for age in ages if age is not None]
    return known if len(known) > 1 and len(known) == len(ages) else None


def for_children(session: Session, ages: list[int], said: str = "") -> None:
    """A check about several children at once (`said`: the message that gives their ages):
    `who` says so and each age is kept, also apart (`children_known`), for when one child is
    spoken of and then all of them again.
    What was said about the children ("my kids", "your child") stays; answers about someone
    else ("your son", "your mum") are theirs alone, so the children's start afresh."""
    other = session.data.get("other") or {}
    answers = dict(other.get("answers") or {}) if other.get("who") in _THE_CHILDREN else {}
    session.data["other"] = {"who": CHILDREN, "pronoun": "they", "child": True,
                             "answers": {**answers, AGE: ages}}
    session.data["children"] = ages
    # "my grandkids are 2 and 5" (`said`, or earlier): their ages say nothing of this home
    if not _NOT_OWN_WORDS.search(words(said)) and other.get("who") not in _NOT_OWN:
        _household_children(session, ages)


def _household_children(session: Session, ages: list[int]) -> None:
    """What a child's age says of the writer's household: children, one aged 2, one under
    4 (not for a grandchild, nephew or niece, who may live elsewhere)."""
    if str((session.data.get("other") or {}).get("who")) in _NOT_OWN:
        return
    mine = session.data.setdefault("answers", {})
    mine.setdefault("has_children", True)
    if 2 in ages:
        mine.setdefault(CHILD_AGED_TWO, True)
    if any(age < 4 for age in ages):  # the sample's Healthy Start (catalogue/sample/)
        mine.setdefault(UNDER_FOUR, True)


def children_known(session: Session) -> list[int] | None:
    """The children's ages given together ("my kids are 7 and 12"), with the age of the one
    child spoken of since ("my son is 9") when it is not one of them; None when no ages
    were given together."""
    ages: list[int] = list(session.data.get("children") or [])
    other = session.data.get("other") or {}
    age = (other.get("answers") or {}).get(AGE)
    if ages and other.get("child") and isinstance(age, int) and age not in ages:
        ages.append(age)
    return ages or None


def other_age(text: str) -> int | None:
    """The age of someone the message names ("my daughter is 14")."""
    return _other_age(words(text))


def own_age(text: str) -> int | None:
    """The writer's own age, when the message states it ("im 78 and ...")."""
    return _self_age(words(text))


def without_own_age(said: str) -> str:
    """The words (`said`, plain lower case) without the writer's stated age ("hi i am 15 and
    where can i stay" -> "hi and where can i stay"): an age is no need to look up."""
    found = _SELF_AGE.search(said)
    if found is None or _an_age(said, found) is None:
        return said
    return re.sub(r"\s+", " ", said[:found.start()] + said[found.end():]).strip()


def names_benefit(said: str) -> bool:
    """Whether the words name an income-related benefit ("uc", "universal credit")."""
    return _INCOME.search(said) is not None


def stated_age(said: str) -> int | None:
    """An age given in answer to "how old ...?": "nine", "she's 9", "I'm 38", "9 years"."""
    whole = re.sub(r"\s*(?:and a half|n a half|\u00bd|1/2)(?=\s|$)", "", said.strip(" .!?"))
    whole = re.sub(r"\s*(?:years?|yrs?|y/?o)(?: old)?$", "", whole)  # "nine and a half"
    direct = _age(whole) if len(whole.split()) <= 2 else None
    if direct is not None and number(whole.replace("-", " ").split()[0]) is not None:
        return direct
    return _self_age(said) or _other_age(said) or _age_only(said)


# A number after "he's" or "I'm" that is no age: "he's 2 years behind at school", "she
# turned 3 weeks ago", "im 2 years older than him", "he's 5 minutes away"
_NOT_AN_AGE = re.compile(r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ])?"
                         r"\w+\s*(?:(?:years?|yrs?)\s+(?:behind|ahead|older|younger|"
                         r"late|early|ago|left|away|since|into|in a row|running|off)\b|"
                         r"(?:months?|weeks?|wks?|days?|hours?|hrs?|mins?|minutes?|times?|"
                         r"miles?|o'?clock|percent|quid|pounds?|stone|kg)\b|%)")


# An age still to come is a year less now: "nearly 16", "im 16 next week", "he'll be 5 in
# september", "turning 66 on my birthday".
_MONTHS = (r"(?:january|february|march|april|may|june|july|august|september|october|november|"
           r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)")
_SOON_BEFORE = re.compile(r"\b(?:nearly|almost|about to turn|turning|turns|will be|ll be|"
                          r"gonna be|going to be)\s+$")
_SOON_AFTER = re.compile(
    rf"\s+(?:next (?:week|month|year)|soon|in (?:a |an |\d+ |two |three |a few |few )?"
    rf"(?:days?|weeks?|months?)\b|in {_MONTHS}\b|on (?:my|his|her|their) (?:next )?birthday)")
_COMING = re.compile(r"(?<![\w-])(\w+)(?![\w-])")


def _an_age(said: str, found: re.Match[str] | None) -> int | None:
    """The age a pattern found (its last group), unless what follows makes it no age; a
    year less for one still to come ("nearly 16")."""
    if found is None or _NOT_AN_AGE.match(said, found.start(found.lastindex or 0)):
        return None
    group = found.lastindex or 0
    age = _age(found.group(group))
    first = found.start(group) + len(found.group(group).split()[0])  # "5" of "5 in june"
    if age and (_SOON_BEFORE.search(said[:found.start(group)])
                or any(_SOON_AFTER.match(said, end) for end in {first, found.end(group)})):
        return age - 1
    return age


# a school year for an age: the youngest in it, counted from 1 September (year 5 is 9)
_NOT_SCHOOL = r"(?! (?:at|of|in) (?:uni|university|college|my degree|my course)\b)"
_SCHOOL_YEAR = re.compile(r"^(?:(?:he|she|they|hes|shes|theyre|he is|she is|they are|im|i am) )?"
                          r"(?:in |starting |going into |just started |doing )?(?:(?:year|yr|y) "
                          r"?(\d{1,2})|(reception)|(nursery))" + _NOT_SCHOOL +
                          r"(?: (?:at|in|this|now|next)\b.*)?$")


_IN_YEAR = re.compile(rf"\b(?:i'?m|i am) in (?:year|yr|y) ?(\d{{1,2}})\b{_NOT_SCHOOL}")


def _youngest_in(year: int) -> int | None:
    """The age of the youngest in a school year (year 5: 9), None for no such year."""
    return year + 4 if 1 <= year <= 13 else None


def school_year_age(said: str) -> tuple[int, str] | None:
    """(age, the year as said) for "he is in year 5" (9), "reception" (4), "nursery" (3)."""
    found = _SCHOOL_YEAR.match(said.strip(" .!?"))
    if found is None:
        return None
    if found.group(1):
        year = int(found.group(1))
        age = _youngest_in(year)
        return None if age is None else (age, f"year {year}")
    return (4, "reception") if found.group(2) else (3, "nursery")


def age_to_come(said: str) -> int | None:
    """The age now from one still to come, alone or in a sentence ("nearly 16", "im 16 next
    week": 15), None when no age to come is said."""
    tokens = list(_COMING.finditer(said))
    for i, found in enumerate(tokens):
        spans = [(found.start(), tokens[i + 1].end())] if i + 1 < len(tokens) else []
        for start, end in [*spans, (found.start(), found.end())]:  # "twenty one" first
            age = number(said[start:end])
            if age is not None and age <= 120 and not _NOT_AN_AGE.match(said, start) and (
                    _SOON_BEFORE.search(said[:start]) or _SOON_AFTER.match(said, end)):
                return max(age - 1, 0)
    return None


def _age_only(said: str) -> int | None:
    found = re.fullmatch(r"(?:age|aged|just|only|nearly)\s+(\w+(?:[- ]\w+)?)", said)
    return _an_age(said, found) if found else None


# "i'm a care leaver, 20", "im a single mum, 24, on uc": the age after what they are
_NOT_WHAT = (r"(?!(?:year|yr|number|no|flat|floor|band|room|house|on|in|at|with|of|to|for|"
             r"from|and|living|about|over|under|nearly|almost)\b)")
_SELF_AGE_AFTER = re.compile(  # what they are, with "a": never "im paying 80"
    rf"\b(?:i'?m|im|i am) (?:a|an) {_NOT_WHAT}[a-z]+(?: {_NOT_WHAT}[a-z]+){{0,2}},? "
    r"(?:aged |age )?(\d{1,2})(?=\s*(?:,|and\b|yo\b|years?\b|yrs?\b|$))")


def _self_age(said: str) -> int | None:
    return _an_age(said, _SELF_AGE.search(said)) or _an_age(said, _SELF_AGE_AFTER.search(said))


# a child named with their school year in a sentence ("my daughter is in reception")
_IN_SCHOOL_YEAR = re.compile(r"\b(?:son|daughter|child|kid|boy|girl|he|she|hes|shes)(?: is|s)? "
                             r"(?:in|starting|just started) ((?:year|yr) ?\d{1,2}|reception|"
                             r"nursery)\b")


def _other_age(said: str) -> int | None:
    for pattern in (_RELATION_AGE, _PRONOUN_AGE):
        for found in pattern.finditer(said):
            if (age := _an_age(said, found)) is not None:
                return age
    if (year_old := _YEAR_OLD.search(said)) is not None:
        return _age(year_old.group(1))
    in_year = _IN_SCHOOL_YEAR.search(said)  # not with another number ("12: she is in year 7")
    counted = school_year_age(in_year.group(1)) if in_year and len(
        re.findall(r"\d+", said)) <= len(re.findall(r"\d+", in_year.group(1))) else None
    return counted[0] if counted else None


# why a benefit named in answer was put as it was (benefit_answer)
PENDING_NOTE = "Until it is paid, I've put \"not sure\"."
DISABILITY_NOTE = "PIP and DLA are not income-related on their own, so I've put \"not sure\"."
CHILD_BENEFIT_NOTE = "Child Benefit is not income-related, so I've put \"no\"."
ANOTHER_ADULT_NOTE = "Another adult living with you counts, so I've put \"no\"."
SOME_BENEFIT_NOTE = "Which benefit it is decides it, so I've put \"not sure\"."
ELSEWHERE_NOTE = ("What counts is a benefit of the home the check is about, so for someone "
                  "who lives elsewhere I've put \"not sure\".")


def benefit_answer(text: str) -> tuple[bool | None, str] | None:
    """A benefit named in answer to "do you get an income-related benefit?": (True, "") for
    Universal Credit and the like; (None, why) for PIP or DLA, which are not income-related
    on their own; None when no benefit is named."""
    said = words(text)
    if _INCOME.search(said) and _ENDED.search(said) and not _PENDING.search(said):
        return False, ""  # "we came off universal credit", "our uc stopped last month"
    if _NEGATED.search(said) and not re.search(r"\b(?:not sure|dunno|don'?t know)\b", said):
        return None
    if _INCOME.search(said) and _ELSEWHERE.match(said):  # "my ex gets uc"
        return None, ELSEWHERE_NOTE
    if _INCOME.search(said) and _PENDING.search(said):  # "ive applied for universal credit"
        return None, PENDING_NOTE
    if _INCOME.search(said):
        return True, ""
    if _DISABILITY.search(said):
        return None, DISABILITY_NOTE
    if _CHILD_BENEFIT.search(said):
        return False, CHILD_BENEFIT_NOTE
    if _SOME_BENEFIT.search(said):  # "mum gets some benefit": which one decides it
        return None, SOME_BENEFIT_NOTE
    return None


# -- answers for each person --------------------------------------------------------------

def _clause_of(said: str, found: re.Match[str]) -> tuple[str, str]:
    """The clause `found` is in (for a "not" in it), and its words before `found`."""
    starts = [0, *(b.end() for b in _CLAUSES.finditer(said) if b.end() <= found.start())]
    ends = [b.start() for b in _CLAUSES.finditer(said) if b.start() >= found.end()]
    return said[max(starts):min(ends, default=len(said))], said[max(starts):found.start()]


def _store(session: Session, subject: Subject, code: str, value: Any) -> None:
    if subject == "other" and not shared(session, code):
        other = session.data.setdefault("other", {"who": "they", "pronoun": "they",
                                                  "child": False, "answers": {}})
        other.setdefault("answers", {})[code] = value
    else:
        session.data.setdefault("answers", {})[code] = value


def shared(session: Session, code: str) -> bool:
    """A household circumstance of a child's home: the parent writing answers it."""
    return code in HOUSEHOLD and bool((session.data.get("other") or {}).get("child"))


def record(session: Session, subject: Subject, code: str, value: Any) -> None:
    """An answer given in a check: the subject's own, or the household's."""
    _store(session, subject, code, value)
    if code == AGE and subject == "other" and (session.data.get("other") or {}).get("child") \
            and value is not None:
        _household_children(session, value if isinstance(value, list) else [value])


def answers_for(session: Session, subject: Subject) -> dict[str, Any]:
    """What is known for a check about `subject`: the other person's own answers and the
    household's, never the writer's own age or circumstances."""
    mine: dict[str, Any] = session.data.get("answers") or {}
    if subject == "you":
        return _with_implied(dict(mine))
    theirs: dict[str, Any] = (session.data.get("other") or {}).get("answers") or {}
    household = {code: value for code, value in mine.items() if shared(session, code)}
    return _with_implied({**household, **theirs})


def _with_implied(answers: dict[str, Any]) -> dict[str, Any]:
    """`answers` with what a yes answers too (`_ALSO`), never stored: MY DATA counts only
    what the person said."""
    for code, also in _ALSO.items():
        if answers.get(code) is True and also not in answers:
            answers[also] = True
    return answers


def who(session: Session, subject: Subject) -> str:
    """"you", "your son", "she"."""
    if subject == "you":
        return "you"
    return str((session.data.get("other") or {}).get("who") or "they")


def whom(session: Session, subject: Subject) -> str:
    """"you", "your son", "her": `who` as the object of a sentence."""
    name = who(session, subject)
    return {"he": "him", "she": "her", "they": "them"}.get(name, name)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


_REPHRASE = (
    (re.compile(r"^Are you\b"), "Is {who}", "Are {who}"),
    (re.compile(r"^Were you\b"), "Was {who}", "Were {who}"),
    (re.compile(r"^Do you have\b"), "Does {who} have", "Do {who} have"),
    (re.compile(r"^Have you\b"), "Has {who}", "Have {who}"),
    (re.compile(r"^Do you\b"), "Does {who}", "Do {who}"),
    (re.compile(r"^Can you\b"), "Can {who}", "Can {who}"),
)


_OBJECT = {"he": "him", "she": "her", "they": "them"}
_THIRD_PERSON = {"live": "lives", "get": "gets", "have": "has", "are": "is", "rent": "rents",
                 "help": "helps", "need": "needs", "work": "works", "do": "does",
                 "were": "was", "look": "looks", "care": "cares", "go": "goes"}


# "(or your parents, if you live with them)" in a question: not for an adult asking
_PARENTS_ASIDE = re.compile(r" \((?:or|and) your parents?\b[^)]*\)")


def question_about(question: str, session: Session, subject: Subject, code: str) -> str:
    """A circumstance question put about the other person ("Is your son in full-time
    education?"); household questions and questions about the writer stay as they are."""
    if subject == "you" or shared(session, code):
        age = (session.data.get("answers") or {}).get(AGE)
        if subject != "you" or (isinstance(age, int) and age >= 18):  # an adult, or a parent
            return _PARENTS_ASIDE.sub("", question)  # for a child: not "(or your parents)"
        return question
    name = who(session, subject)
    pronoun = str((session.data.get("other") or {}).get("pronoun") or "they")
    for pattern, singular, many in _REPHRASE:
        if pattern.match(question):
            rest = pattern.sub("", question, count=1)
            rest = re.sub(r"\b(with|to|for|from|at|about|of) you\b",
                          lambda m: f"{m.group(1)} {_OBJECT.get(pronoun, 'them')}", rest)
            rest = re.sub(r"\byou\b", pronoun, rest)
            if pronoun in ("he", "she"):  # "if she lives with them", not "if she live"
                rest = re.sub(rf"\b{pronoun} ({'|'.join(_THIRD_PERSON)})\b",
                              lambda m: f"{pronoun} {_THIRD_PERSON[m.group(1)]}", rest)
            rest = re.sub(r"\byour\b", {"he": "his", "she": "her"}.get(pronoun, "their"), rest)
            several = "any of " + name if name.startswith(CHILDREN) else name
            lead = (many if plural(name) else singular).format(who=several)
            return lead + rest
    return f"About {name}: {question}"


def age_question(session: Session, subject: Subject) -> str:
    if subject == "you":
        return "How old are you? Reply with your age in years, or SKIP."
    name = who(session, subject)
    if (session.data.get("other") or {}).get("many") and name == "your child":
        return "How old are your children? Reply with their ages (like 7 and 12), or SKIP."
    verb = "are" if plural(name) else "is"
    return f"How old {verb} {name}? Reply with the age in years, or SKIP."


def person_answers(session: Session) -> dict[str, Any]:
    """Everything answered in this conversation, for MY DATA: the writer's and the other
    person's (prefixed "other:")."""
    theirs = (session.data.get("other") or {}).get("answers") or {}
    return {**(session.data.get("answers") or {}),
            **{f"other:{code}": value for code, value in theirs.items()}}
