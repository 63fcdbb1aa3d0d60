from __future__ import annotations

import logging

import pytest

from catalogue.lexicon import Lexicon, LexiconError, parse_rules
from catalogue.normalise import stem


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.default()


def test_the_shipped_rule_files_are_broad(lexicon: Lexicon) -> None:
    assert len(lexicon.spellings) > 300
    assert sum(len(b) for b in lexicon.rules.values()) > 1000


def test_spelling_rules_fix_text_speak_and_misspellings(lexicon: Lexicon) -> None:
    assert lexicon.rewrite(["cant", "afford", "skool", "dinners", "pls"]) == [
        "can", "not", "afford", "school", "dinners", "please"]
    assert lexicon.rewrite(["benifits"]) == ["benefits"]  # from GOV.UK's rules
    assert lexicon.rewrite(["my", "7yo"]) == ["my", "7", "year", "old"]


def test_phrases_match_across_small_words_and_word_endings(lexicon: Lexicon) -> None:
    stems = lexicon.phrase_stems("mum kicked me out")
    firings = lexicon.expand(stems)
    adds = {a for f in firings for a in f.adds}
    assert stem("homelessness") in adds


def test_acronyms_and_slang_add_council_words(lexicon: Lexicon) -> None:
    def adds(text: str) -> set[str]:
        return {a for f in lexicon.expand(lexicon.phrase_stems(text)) for a in f.adds}

    assert {stem("free"), stem("school"), stem("meals")} <= adds("fsm")
    assert stem("discretionary") in adds("dhp")
    assert stem("hardship") in adds("im skint")
    assert stem("maintenance") in adds("ema")


def test_commas_on_the_right_give_alternative_targets() -> None:
    lex = Lexicon.from_texts(lexicon="brown bin => garden waste, green waste collection")
    (firing,) = lex.expand(lex.phrase_stems("my brown bin"))
    waste, collection = stem("waste"), stem("collection")
    assert firing.targets == (("garden", waste), ("green", waste, collection))


def test_a_council_can_add_its_own_rules() -> None:
    lex = Lexicon.from_texts(spellings="gritbin => grit bin", lexicon="grit bin => salt bin")
    stems = lex.phrase_stems("where is the gritbin")
    assert [f.adds for f in lex.expand(stems)] == [("salt", "bin")]


def test_a_phrase_of_only_small_words_is_ignored() -> None:
    lex = Lexicon.from_texts(lexicon="on the => nothing")
    assert not lex.expand(lex.phrase_stems("on the bus"))


def test_a_bad_rule_line_names_the_file_and_line() -> None:
    with pytest.raises(LexiconError, match=r"lexicon\.txt line 2"):
        list(parse_rules("# ok\nno arrow here\n", "lexicon.txt"))
    with pytest.raises(LexiconError, match="line 1"):
        list(parse_rules("=> words\n", "lexicon.txt"))


def test_backoffice_titles_are_recognised(lexicon: Lexicon) -> None:
    assert lexicon.is_backoffice("Staff - workplace bullying")
    assert not lexicon.is_backoffice("School bullying and harassment policy")


# -- mistakes in the rule files: reported with file and line, never fatal ------------------

def test_the_shipped_rule_files_have_no_problems(lexicon: Lexicon) -> None:
    assert lexicon.problems == []


def test_a_phrase_that_shrinks_to_one_word_is_reported_with_its_line() -> None:
    lex = Lexicon.from_texts(lexicon="# comment\nbins => bin collection\na e, our block => x ray\n")
    assert len(lex.problems) == 2
    assert all(p.startswith("lexicon.txt line 3: ") for p in lex.problems)
    assert "'a e' shrinks to one word, 'e'" in lex.problems[0]
    assert "'our block' shrinks to one word, 'block'" in lex.problems[1]
    assert lex.expand(lex.phrase_stems("block"))  # still loaded: only reported


def test_a_phrase_of_only_small_words_is_reported_as_ignored() -> None:
    lex = Lexicon.from_texts(lexicon="on the => nothing", names=("s.txt", "mine.txt"))
    assert lex.problems == ["mine.txt line 1: 'on the' is only small words once normalised, "
                            "so it is ignored: write the words that matter"]


def test_the_same_phrase_with_other_words_is_reported_and_the_first_wins() -> None:
    lex = Lexicon.from_texts(
        lexicon="weed => grass cutting\ntraining => courses\nweeds, bins => verge\n"
                "train => rail\nweed => grass cutting\n")
    assert len(lex.problems) == 2, lex.problems
    assert lex.problems[0].startswith("lexicon.txt line 3: 'weeds' is the same as 'weed' on "
                                      "line 1")
    assert lex.problems[1].startswith("lexicon.txt line 4: 'train' is the same as 'training' "
                                      "on line 2")
    (firing,) = lex.expand(lex.phrase_stems("weeds"))
    assert firing.adds == ("grass", "cut")


def test_a_spelling_given_twice_is_reported_and_the_last_wins() -> None:
    lex = Lexicon.from_texts(spellings="ya => you\nr => are\nya => yes\nu => you\nu => you\n")
    assert len(lex.problems) == 1
    assert lex.problems[0].startswith("spellings.txt line 3: 'ya' is the same as 'ya' on line 1")
    assert lex.rewrite(["ya"]) == ["yes"]


def test_a_right_side_without_words_that_count_is_reported() -> None:
    lex = Lexicon.from_texts(lexicon="pizza => -\nbrown bin => the\n")
    assert len(lex.problems) == 1
    assert lex.problems[0].startswith("lexicon.txt line 2: the right side 'the' has no words")


def test_loading_logs_each_problem_as_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="localsupport.lexicon"):
        lex = Lexicon.from_texts(lexicon="a e => accident emergency\non the => nothing\n")
    assert [r.getMessage() for r in caplog.records] == lex.problems
    assert len(lex.problems) == 2
