"""Ranking catalogue entries against what a person wrote.

How a search works (the index is built once, in `Matcher.__init__`; see index.py):

1. The message is folded, spelling rules fix text-speak and misspellings, a word neither
   the catalogue nor the lexicon knows is mapped to a known word one edit away, and
   everything is stemmed (`normalise.py`, `lexicon.py`).
2. Lexicon rules add the council's words for what was written ("skint" -> financial
   hardship, debt). Each written word, or matched phrase, is a *concept*; its importance
   is the IDF of its rarest term, lowered for everyday words ("mum", "keeps").
3. The inverted index scores entries BM25F-style (title > keywords > summary >
   description); only entries sharing a term with the query are touched. In a story
   (more than SHORT_CONCEPTS concepts) each word of an n-word phrase the lexicon added
   weighs 1 / n ** SPREAD, so that a long phrase for one detail ("lived on her own" =>
   single person discount council tax) does not outweigh the need.
4. The best CANDIDATES are re-ranked by how much of each concept they cover (in title or
   keywords above all; an added phrase that keeps a written word, "library open" =>
   library facilities, covers it only with that word), by their BM25 score and by a
   rapidfuzz comparison with the title.
   BM25 sums every word of the message, so in a story (more than STORY_CONCEPTS concepts,
   most of them its details) it counts less and the concepts covered decide more. The
   entry naming each of the LEADING_CONCEPTS joins the candidates; an entry naming every
   word of its title gets WHOLE_TITLE more; one that is another candidate plus title words
   not asked ranks NARROWER lower (`_broad_first`).
5. `score` (0..100) is the importance-weighted share of the concepts the entry covers
   (in a long message, what is left uncovered counts less), lowered when only common
   words matched or when the lexicon marks a phrase as not about council services
   ("who won", "order a pizza"). Below `ANSWER_AT`, `answered` is false (but see 6).
6. An entry linked to the LGA's service list (its LGSL code, questions.py) gains LEARNED
   (LEARNED_SHORT for a short message) times the probability that residents' questions like
   this one were about its service; its SUGGESTIONS likeliest services join the candidates
   when that probability is SUGGESTED or more, and the likeliest not among the first two
   entries is moved up to third when it is SHOWN or more (SHOWN_SHORT in a short message;
   `_likeliest_shown`).
   For such an entry the classifier also has a say in `answered` (`_answers`): its service
   answers at TRUSTED or more even below ANSWER_AT, and nothing answers when questions
   like this one were NOTHING_FITS or more about something no council service covers (in
   a story; a short message's words are the rules' to judge). An entry answered on the
   classifier's word is given the score ANSWER_AT.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from catalogue.english import is_common
from catalogue.index import Index, phrase_key
from catalogue.lexicon import Lexicon
from catalogue.lgsl import entry_code
from catalogue.model import Entry, Kind
from catalogue.narrative import clauses, without_clocks
from catalogue.normalise import ACTIONS, EVERYDAY, FILLER, PARTICLES, STOPWORDS, WEAK, stem, tokens
from catalogue.questions import NOTHING, Likely, QuestionModel, default_model

# Query term weights: written, typo-corrected, added by the lexicon, weak, a number.
LITERAL, TYPO, EXPANDED, WEAK_WEIGHT, NUMBER_WEIGHT = 1.0, 0.85, 0.7, 0.2, 0.6
SPREAD = 0.5  # in a story, an added phrase of n words weighs each 1 / n ** SPREAD
EXPANDED_POSTINGS = 600  # an added term only looks at its best entries
LONG_QUERY = 12  # terms beyond which every term does (bounds the work on long messages)
NARROWER = 0.1  # rank lost by an entry that is another candidate plus words not asked
WHOLE_TITLE = 0.02  # rank added when the message has every word of an entry's title
WORD_FOR_WORD = 0.1  # ... when the message is one of its keywords (or its title), word for word
CANDIDATES = 15  # re-ranked with concept coverage and rapidfuzz
LEADING_CONCEPTS, LEADER_POSTINGS = 6, 50  # ... and the entry naming each leading concept
INCIDENTAL = 0.35  # importance of a word no title or keyword uses, or an everyday word
UNKNOWN = 0.7  # importance (share of the largest IDF) of a word nobody knows
ACTION = 0.5  # importance kept by a word for what to do ("appeal", "complain"): normalise.py
STORY = 0.25  # ... of an everyday English word the catalogue does not use ("sooner")
EXPANDED_SHARE = 0.95  # an entry matching all the added words nearly matches the concept
WEAK_FIELD = 0.35  # a term found only in summary or description counts this much
COVERED = 0.6  # share of a concept's terms at which it counts as fully covered
EVIDENCE = 0.5  # share of the largest IDF a confident answer must have matched
LONG = 2  # concepts beyond which uncovered ones weigh progressively less
OFF_TOPIC = 0.4  # confidence kept per "=> -" phrase in the message ("who won", "buy")
BACKOFFICE = 0.6  # rank and confidence of entries listed in data/backoffice.txt
STORY_CONCEPTS, STORY_BM25 = 8, 2  # concepts beyond which BM25 counts less, and how fast
RANK_CLAUSE = 1.0  # exponent of a concept's clause weight in its BM25 query weight
FIELD_SHARE = (0.0, WEAK_FIELD, 1.0)  # by Index.places: not there, elsewhere, title/keywords
SUGGESTED, SUGGESTIONS = 0.05, 3  # probability at which the classifier's likeliest services
# (this many) join the candidates
SHOWN, SHOWN_SHORT, SHOWN_AMONG = 0.05, 0.15, 3  # ... at which the likeliest not shown yet is
# moved up to place SHOWN_AMONG: in a story, in a short message (SHORT_CONCEPTS or fewer)
TRUSTED = 0.2  # ... at which its service answers even below ANSWER_AT
NOTHING_FITS = 0.5  # ... of "nothing in the list fits" at which an LGA entry does not answer
# (in a story: SHORT_CONCEPTS or fewer concepts leave the classifier too little to go on)
ALTERNATIVE = 0.6  # share of the first's score an entry needs to be offered beside it
# rank added per unit of residents' questions' probability (questions.py): less for a short
# message (SHORT_CONCEPTS or fewer concepts), whose words the rules read well, more for a story
LEARNED, LEARNED_SHORT, SHORT_CONCEPTS = 0.8, 0.3, 5
# (term, IDF weight) pairs, their total, and the written terms of which one must be found
# for the group to count (a lexicon target holding a written word: see `_weigh`)
Group = tuple[list[tuple[str, float]], float, frozenset[str]]


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float  # 0..100, calibrated: see ANSWER_AT


@dataclass(frozen=True)
class SearchResult:
    query: str
    answered: bool  # false: nothing really fits; matches are then "did you mean" suggestions
    matches: tuple[Match, ...]

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


@dataclass(frozen=True)
class Candidate:
    """An entry in the re-rank: its number, rank (the order), score (see Match), fit."""

    doc: int
    rank: float
    score: float
    fit: float  # importance-weighted share of the message's concepts it covers


@dataclass(frozen=True)
class Concept:
    """One thing the person asked about: its terms (stem -> weight) and how much it matters."""

    terms: dict[str, float]
    importance: float
    weak: bool = False  # "help", "apply", numbers: ranked on, not judged on
    literal: frozenset[str] = frozenset()  # the terms the person wrote (the rest were added)
    targets: tuple[frozenset[str], ...] = ()  # alternative sets of added terms
    clause: float = 1.0  # how much the part of the message it came from counts


class Matcher:
    """An index over the catalogue, built once; `search` is cheap and thread-safe."""

    ANSWER_AT = 36.0

    def __init__(self, entries: Sequence[Entry], lexicon: Lexicon | None = None,
                 questions: QuestionModel | None = None) -> None:
        self.entries = list(entries)
        self.lexicon = lexicon if lexicon is not None else Lexicon.default()
        self.index = Index(self.entries, self.lexicon)
        self.questions = questions if questions is not None else default_model()
        self.codes = [entry_code(entry) for entry in self.entries]
        self.docs_of_code: dict[str, list[int]] = {}  # a council may give one code to several
        for doc, code in enumerate(self.codes):
            if code is not None:
                self.docs_of_code.setdefault(code, []).append(doc)

    # -- understanding the message ----------------------------------------------------------

    def concepts(self, text: str) -> list[Concept]:
        """What the message asks about, after spelling, typo and lexicon rules."""
        stems: list[str] = []
        weights: list[float] = []
        stop: list[bool] = []
        counts: list[float] = []  # how much the clause of each word counts (narrative.py)
        everyday: set[str] = set()
        story: set[str] = set()
        actions: set[str] = set()
        for word, clause in self._words(text):
            if word in FILLER:
                continue
            weight, is_stop = LITERAL, word in STOPWORDS
            if not is_stop and not word.isdigit() and not self.index.knows(word):
                corrected = self.index.correct(word)
                if corrected is not None:
                    word, weight = corrected, TYPO
                elif is_common(word):
                    story.add(stem(word))
            elif not is_stop and is_common(word) and stem(word) not in self.index.idf:
                story.add(stem(word))  # known from the lexicon only: no entry has it
            if word in EVERYDAY:
                everyday.add(stem(word))
            if word in ACTIONS:
                actions.add(stem(word))
            stems.append(stem(word))
            weights.append(weight)
            stop.append(is_stop)
            counts.append(clause)
        covered = [False] * len(stems)
        found: list[Concept] = []
        for firing in self.lexicon.expand(stems):
            literal = {
                stems[i]: weights[i] for i in firing.positions
                if not stop[i] and stems[i] not in PARTICLES and stems[i] in self.index.idf
            }
            for i in firing.positions:
                covered[i] = True
            clause = max(counts[i] for i in firing.positions)
            scale = ACTION if literal and all(t in actions for t in literal) else 1.0
            written = [stems[i] for i in firing.positions
                       if not stop[i] and stems[i] not in PARTICLES]
            if firing.off_topic and not (len(written) > 1 and self.index.offers(written)):
                # never covered: weighs against any answer
                found.append(Concept({}, clause * UNKNOWN * self.index.max_idf))
                continue
            terms = {**dict.fromkeys(firing.adds, EXPANDED), **literal}
            targets = tuple(frozenset(t) for t in firing.targets)
            found.append(Concept(terms, scale * clause * self._importance(terms), False,
                                 frozenset(literal), targets, clause))
        # A word already read as part of a phrase counts once ("waiting list for an
        # allotment ... a 10 year wait" is not two needs about waiting).
        in_phrases = {t for concept in found for t in concept.literal}
        for i, term in enumerate(stems):
            if not (covered[i] or stop[i] or term in PARTICLES or term in in_phrases):
                concept = self._word_concept(term, weights[i], term in everyday, term in story)
                scale = counts[i] * (ACTION if term in actions else 1.0)
                found.append(replace(concept, importance=scale * concept.importance,
                                     clause=counts[i]))
        return _merge(found)

    def _words(self, text: str) -> Iterator[tuple[str, float]]:
        """The message's words after spelling rules, each with its clause's weight."""
        for part, clause in clauses(without_clocks(text)):
            for word in self.lexicon.rewrite(tokens(part)):
                yield word, clause

    def _word_concept(self, term: str, weight: float, everyday: bool, story: bool) -> Concept:
        weak = term in WEAK or term.isdigit()
        weight = NUMBER_WEIGHT if term.isdigit() else WEAK_WEIGHT if weak else weight
        importance = STORY * self.index.max_idf if story else self._importance({term: weight})
        if everyday or (term in self.index.idf and term not in self.index.topical):
            importance *= INCIDENTAL  # probably a detail, not what the message is about
        return Concept({term: weight}, importance, weak, frozenset((term,)))

    def _importance(self, terms: dict[str, float]) -> float:
        known = [self.index.idf[t] for t in terms if t in self.index.idf]
        return max(known) if known else UNKNOWN * self.index.max_idf

    # -- searching --------------------------------------------------------------------------

    def search(
        self, text: str, limit: int = 5, kinds: Collection[Kind] | None = None
    ) -> SearchResult:
        ranked, likely, story = self._rank(text, kinds)
        ranked, shown = self._likeliest_shown(ranked, likely, story)
        matches = tuple(Match(self.entries[c.doc], c.score) for c in ranked[:limit])
        answered = bool(matches) and self._answers(ranked[0], likely, story)
        if answered and matches[0].score < self.ANSWER_AT:
            # answered on the classifier's word: as confident as an answer must be, so the
            # alternatives shown beside it are judged against that (engine.alternatives)
            matches = (replace(matches[0], score=self.ANSWER_AT), *matches[1:])
        if shown is not None and shown < len(matches):
            # offered on the classifier's word: scored so that the chat offers it too
            least = math.ceil(ALTERNATIVE * matches[0].score * 10) / 10  # scores have 1 decimal
            if matches[shown].score < least:
                matches = (*matches[:shown], replace(matches[shown], score=least),
                           *matches[shown + 1:])
        return SearchResult(text, answered, matches)

    def _likeliest_shown(self, ranked: list[Candidate], likely: Likely, story: bool
                         ) -> tuple[list[Candidate], int | None]:
        """`ranked` with an entry of the likeliest service by the classifier that the first
        SHOWN_AMONG - 1 entries do not already give moved up to place SHOWN_AMONG (when the
        classifier gives it SHOWN or more), and that place (None when nothing moved). On
        real questions the classifier's own first three hold the right answer more often
        than the re-rank's (README.md, "Quality and speed")."""
        place = SHOWN_AMONG - 1
        first = {c.doc for c in ranked[:place]}
        for code, probability in self._services(likely, SUGGESTIONS):
            if probability < (SHOWN if story else SHOWN_SHORT):
                break
            docs = set(self.docs_of_code[code])
            if docs & first:
                continue
            at = next((i for i, c in enumerate(ranked) if c.doc in docs), None)
            if at is None or at <= place:
                break
            return [*ranked[:place], ranked[at], *ranked[place:at], *ranked[at + 1:]], place
        return ranked, None

    def _answers(self, best: Candidate, likely: Likely, story: bool) -> bool:
        """Whether the first entry answers the message: its score is ANSWER_AT or more, or
        residents' questions like this one were about its service (TRUSTED or more); and,
        for an entry linked to the LGA list in a story, such questions were not mostly about
        something no council service covers (NOTHING_FITS). A short message has too few
        words for that: the classifier gives most of them "nothing fits" when it has not
        seen their words, and the rules decline what they do not cover."""
        code = self.codes[best.doc]
        if code is None:
            return best.score >= self.ANSWER_AT
        return ((best.score >= self.ANSWER_AT or likely.get(code) >= TRUSTED)
                and not (story and likely.get(NOTHING) >= NOTHING_FITS))

    def rank(self, text: str, kinds: Collection[Kind] | None = None) -> list[Candidate]:
        """The leading CANDIDATES for `text`, best first, with what decided their order."""
        return self._rank(text, kinds)[0]

    def _rank(self, text: str, kinds: Collection[Kind] | None
              ) -> tuple[list[Candidate], Likely, bool]:
        concepts = self.concepts(text)
        query = _query(concepts)
        likely = self.questions.likely(query if self.docs_of_code else ())
        totals = self._accumulate(query)
        if kinds is not None:
            totals = {d: s for d, s in totals.items() if self.entries[d].kind in kinds}
        top = heapq.nlargest(CANDIDATES, totals, key=totals.__getitem__)
        if not top:
            return [], likely, False
        best_total = totals[top[0]]
        query_text = " ".join(query)
        judged = [self._weigh(c) for c in concepts if not c.weak]
        named = [d for d in self.index.phrases.get(
                     phrase_key([w for w, _ in self._words(text)]), ())
                 if kinds is None or self.entries[d].kind in kinds]
        top = list(dict.fromkeys([*top, *self._leaders(concepts, kinds),
                                  *self._suggested(likely, kinds), *named]))
        asked = list({term for _, groups in judged for parts, _, _ in groups
                      for term, _ in parts})
        ranked: list[Candidate] = []
        # BM25 sums every word of the message; in a story most words are not the need, so
        # there the share of the concepts covered (fit) decides more.
        bm25_share = 0.3 * min(1.0, STORY_CONCEPTS / max(1, len(judged))) ** STORY_BM25
        fit_share = 0.85 - bm25_share
        story = _is_story(concepts)
        learned = LEARNED if story else LEARNED_SHORT
        for doc in top:
            places = self.index.places(doc, asked)
            where = {term: FIELD_SHARE[place] for term, place in zip(asked, places, strict=True)}
            fit, confidence = self._coverage(judged, concepts, where)
            similarity = fuzz.token_set_ratio(query_text, self.index.titles[doc]) / 100
            bm25 = totals.get(doc, 0.0) / best_total
            rank = fit_share * fit + bm25_share * bm25 + 0.15 * similarity
            if all(t in query for t in self.index.titles[doc].split()):
                rank += WHOLE_TITLE  # the message has every word of its title
            if doc in named:
                rank += WORD_FOR_WORD  # "cant pay council tax" is how the council put it
            if (code := self.codes[doc]) is not None:
                rank += learned * likely.get(code)
            confidence *= 0.8 + 0.2 * similarity
            if self.index.backoffice[doc]:
                rank, confidence = rank * BACKOFFICE, confidence * BACKOFFICE
            ranked.append(Candidate(doc, rank, round(min(100.0, 100 * confidence), 1), fit))
        ranked.sort(key=lambda c: (-c.rank, c.doc))
        return self._broad_first(ranked, query), likely, story

    def _suggested(self, likely: Likely, kinds: Collection[Kind] | None) -> list[int]:
        """An entry of each of the SUGGESTIONS services residents' questions like this one
        were most often about, each given at least SUGGESTED by the classifier."""
        out: list[int] = []
        for code, probability in self._services(likely, SUGGESTIONS):
            if probability < SUGGESTED:
                break
            docs = self.docs_of_code[code]
            out += [d for d in docs if kinds is None or self.entries[d].kind in kinds][:1]
        return out

    def _services(self, likely: Likely, count: int) -> list[tuple[str, float]]:
        """The `count` services of the catalogue the classifier finds likeliest (not
        NOTHING), with their probabilities."""
        found = ((code, p) for code, p in likely.likeliest()
                 if code != NOTHING and code in self.docs_of_code)
        return list(itertools.islice(found, count))

    def terms(self, text: str) -> list[str]:
        """The terms a search for `text` looks up (what questions.py weighs)."""
        return list(_query(self.concepts(text)))

    def _broad_first(self, ranked: list[Candidate], query: dict[str, float]) -> list[Candidate]:
        """An entry whose title is another candidate's plus words the message does not have
        ("School transport - additional support" beside "School transport"), and which does
        not cover more of the message, ranks NARROWER lower: residents mean the broad one."""
        titles = {c.doc: frozenset(self.index.titles[c.doc].split()) for c in ranked}
        fits = {c.doc: c.fit for c in ranked}
        out = []
        for c in ranked:
            mine = titles[c.doc]
            narrower = any(other < mine and fits[d] >= c.fit
                           and not any(t in query for t in mine - other)
                           for d, other in titles.items() if d != c.doc and other)
            out.append(replace(c, rank=c.rank * (1 - NARROWER)) if narrower else c)
        out.sort(key=lambda c: (-c.rank, c.doc))
        return out

    def _leaders(self, concepts: list[Concept], kinds: Collection[Kind] | None) -> list[int]:
        """For each of the most important concepts, the entries that name it in their title or
        keywords (each set of words the lexicon added, or the word written), so that one need
        of a long story is re-ranked even when the story's other words fill the BM25
        candidates."""
        out: list[int] = []
        judged = [c for c in concepts if not c.weak and c.terms]
        for concept in heapq.nlargest(LEADING_CONCEPTS, judged, key=lambda c: c.importance):
            for words in concept.targets or (concept.literal,):
                doc = self.index.naming(sorted(words), LEADER_POSTINGS)
                if doc is not None and (kinds is None or self.entries[doc].kind in kinds):
                    out.append(doc)
        return out

    def _accumulate(self, query: dict[str, float]) -> dict[int, float]:
        """BM25F score of every entry sharing a term with the query (bounded per term)."""
        totals: dict[int, float] = {}
        get = totals.get
        long = len(query) > LONG_QUERY  # a story: each of its words looks at its best only
        for term, weight in query.items():
            limit = EXPANDED_POSTINGS if weight < LITERAL or long else len(self.entries)
            for doc, score in self.index.postings(term, limit):
                totals[doc] = get(doc, 0.0) + weight * score
        return totals

    def _weigh(self, concept: Concept) -> tuple[float, list[Group]]:
        """A concept ready for scoring entries: its importance, then its written terms and
        each alternative set of added terms as (term, IDF weight) groups with their total.
        The same for every entry, so worked out once a search."""
        def group(terms: Collection[str], weights: dict[str, float], scale: float,
                  needs: frozenset[str] = frozenset()) -> Group:
            parts = [(t, self.index.idf[t] * weights.get(t, 1.0)) for t in terms
                     if t in self.index.idf]
            return parts, sum(value for _, value in parts) / scale, needs

        # A target that keeps a written word ("library open" => library facilities) narrows
        # it: its added words alone ("facilities", in "Disabled Facilities Grant") are not it.
        return concept.importance, [
            group(concept.literal, concept.terms, 1.0),
            *(group(t, {}, EXPANDED_SHARE, t & concept.literal) for t in concept.targets)]

    def _coverage(
        self, judged: list[tuple[float, list[Group]]], concepts: list[Concept],
        where: dict[str, float],
    ) -> tuple[float, float]:
        """How much of what was asked one entry covers, weighted by importance.

        `judged` holds the non-weak concepts (see `_weigh`); `where` says, for each of their
        terms, how much the entry has it (FIELD_SHARE: title or keywords, elsewhere, not).
        Returns (fit, confidence), both 0..1: `fit` is the importance-weighted share of
        each concept's terms the entry has; `confidence` counts a concept as covered once
        COVERED of it is found, is lowered when the matched concepts are all common, and
        halves for each "=> -" (not about services) phrase in the message.
        """
        total = fit = covered = 0.0
        for importance, groups in judged:
            share = max((sum(value * where[term] for term, value in parts) / mass
                         for parts, mass, needs in groups
                         if mass and (not needs or any(where.get(t) for t in needs))),
                        default=0.0)
            total += importance
            fit += importance * share
            covered += importance * min(1.0, share / COVERED)
        if not total:
            return 0.0, 0.0
        evidence = max(0.3, min(1.0, covered / (EVIDENCE * self.index.max_idf)))
        # A long message carries context besides its need: what is left uncovered
        # counts less the more there is of it.
        leniency = min(1.0, LONG / len(judged))
        off_topic = OFF_TOPIC ** sum(1 for c in concepts if not c.terms)
        understood = covered / (covered + leniency * (total - covered))
        return fit / total, understood * evidence * off_topic


def _is_story(concepts: list[Concept]) -> bool:
    """More than SHORT_CONCEPTS concepts that are judged (not weak): a story, not a short
    message."""
    return sum(1 for c in concepts if not c.weak) > SHORT_CONCEPTS


def _query(concepts: list[Concept]) -> dict[str, float]:
    """Each term of the concepts with its weight, scaled by how much its clause counts."""
    story = _is_story(concepts)
    query: dict[str, float] = {}
    for concept in concepts:
        spread: dict[str, float] = {}
        if story:
            for target in concept.targets:
                for t in target - concept.literal:
                    spread[t] = max(spread.get(t, 0.0), EXPANDED / len(target) ** SPREAD)
        for term, weight in concept.terms.items():
            weight = spread.get(term, weight)
            query[term] = max(query.get(term, 0.0), weight * concept.clause ** RANK_CLAUSE)
    return query


def _merge(concepts: list[Concept]) -> list[Concept]:
    """Drop repeated concepts ("bin bin bin"), keeping the one with most written words."""
    seen: dict[tuple[str, ...], int] = {}
    out: list[Concept] = []
    for concept in concepts:
        key = tuple(sorted(concept.terms))
        if key and key in seen:
            kept = seen[key]
            if len(concept.literal) > len(out[kept].literal):
                out[kept] = concept
            continue
        seen[key] = len(out)
        out.append(concept)
    return out
