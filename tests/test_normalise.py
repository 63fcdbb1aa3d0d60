from __future__ import annotations

import pytest

from catalogue.normalise import FILLER, PARTICLES, STOPWORDS, fold, split_digits, stem, tokens


def test_fold_lowercases_and_drops_punctuation_and_apostrophes() -> None:
    assert fold("Can't   pay my COUNCIL-tax!!") == "cant pay my council tax"
    assert fold("Children\u2019s centre") == "childrens centre"
    assert fold("Café & crèche") == "cafe and creche"


def test_tokens_splits_on_anything_not_a_letter_or_digit() -> None:
    assert tokens("16-19 bursary/EMA?") == ["16", "19", "bursary", "ema"]
    assert tokens("   ") == []


def test_split_digits_separates_numbers_from_letters() -> None:
    assert split_digits("7yo") == ["7", "yo"]
    assert split_digits("b4") == ["b", "4"]
    assert split_digits("school") == ["school"]


@pytest.mark.parametrize(("a", "b"), [
    ("housing", "houses"), ("meals", "meal"), ("disabled", "disability"),
    ("adaptations", "adaptation"), ("councillors", "councillor"), ("repairs", "repair"),
    ("collected", "collection"), ("bus", "buses"), ("activities", "activity"),
])
def test_stem_merges_forms_of_a_word(a: str, b: str) -> None:
    assert stem(a) == stem(b)


@pytest.mark.parametrize(("a", "b"), [
    ("parking", "parks"), ("care", "car"), ("university", "universal"), ("news", "new"),
])
def test_stem_keeps_apart_words_porter_would_merge(a: str, b: str) -> None:
    assert stem(a) != stem(b)


def test_short_words_and_numbers_are_not_stemmed() -> None:
    assert stem("bin") == "bin"
    assert stem("2019") == "2019"


def test_word_lists_do_not_overlap_where_it_would_break_phrases() -> None:
    assert not PARTICLES & STOPWORDS  # "kicked out" needs "out"
    assert STOPWORDS | {"pls"} >= FILLER
    assert "own" not in STOPWORDS  # "on my own"


def test_a_pronoun_contraction_keeps_only_the_pronoun() -> None:
    # without its apostrophe "she'd" would be "shed", "we'll" "well", "we're" "were"
    said = "She'd been promised, we'll see, we\u2019re ill"
    assert fold(said) == "she been promised we see we ill"
    assert fold("the dog's shed, can't") == "the dogs shed cant"
