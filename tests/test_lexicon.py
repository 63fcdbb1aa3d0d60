from __future__ import annotations

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
