from __future__ import annotations

from catalogue.english import is_common
from catalogue.narrative import ASIDE, ASKED, FIRST, POINTING, TOLD, clauses, sentences


def weights(text: str) -> list[tuple[str, float]]:
    return [(part.strip(" ,."), weight) for part, weight in clauses(text)]


def test_a_short_message_is_one_clause_read_in_full() -> None:
    assert weights("help with council tax") == [("help with council tax", FIRST)]
    assert weights("my son needs an ehcp") == [("my son needs an ehcp", FIRST)]


def test_a_story_counts_less_than_its_first_sentence_and_its_question() -> None:
    text = ("The street light outside has been out for weeks. I reported it online. "
            "Who fixes it?")
    assert weights(text) == [("The street light outside has been out for weeks", FIRST),
                             ("I reported it online", TOLD), ("Who fixes it?", POINTING)]


def test_a_short_question_pointing_back_at_the_story_counts_less_than_one_with_its_own_need(
) -> None:
    story = "The council charged my in-laws £69 to remove a hornets nest. "
    assert weights(story + "Is that right?")[-1] == ("Is that right?", POINTING)
    assert weights(story + "Who removes wasps nests?")[-1] == ("Who removes wasps nests?", ASKED)
    assert weights("Is that right?") == [("Is that right?", ASKED)]  # nothing to point back at
    assert POINTING < TOLD < ASKED


def test_what_follows_because_or_who_is_background() -> None:
    text = ("The bin men stopped collecting our bin because they won't walk through "
            "the garden full of dog mess. What can I do?")
    assert weights(text)[:2] == [
        ("The bin men stopped collecting our bin", FIRST),
        ("because they won't walk through the garden full of dog mess", ASIDE)]
    assert weights("My son who is autistic got excluded")[1] == ("who is autistic got excluded",
                                                                  ASIDE)


def test_a_leading_if_part_and_later_commas_count_less() -> None:
    text = "If it rains again, the roof leaks into the bedroom"
    assert weights(text) == [("If it rains again", ASIDE),
                             ("the roof leaks into the bedroom", FIRST)]
    text = "One of the lights on our street is out, I saw a neighbour push her bin in the dark"
    assert [w for _, w in clauses(text)] == [FIRST, TOLD]


def test_a_question_is_kept_whole_even_with_when_or_where() -> None:
    assert weights("what benefits can i get when i start a new job") == [
        ("what benefits can i get when i start a new job", ASKED)]
    assert weights("I don't know who to ask about the potholes") == [
        ("I don't know who to ask about the potholes", FIRST)]


def test_sentences_split_at_full_stops_but_not_inside_numbers() -> None:
    assert sentences("Google says 2.9 miles walking. How can we appeal?") == [
        "Google says 2.9 miles walking.", "How can we appeal?"]
    assert sentences("rent arrears - help!\nwhat now") == ["rent arrears", "help!", "what now"]


def test_everyday_english_is_told_apart_from_words_nobody_uses() -> None:
    assert all(is_common(w) for w in ("sooner", "online", "decades", "tips"))
    assert not any(is_common(w) for w in ("trussell", "fortnite", "ehcp", "xyzzy"))


def test_times_of_day_are_dropped_and_ordinals_kept_as_numbers() -> None:
    from catalogue.narrative import without_clocks

    text = "It started at 8.15 pm and again at 2am; we were 3rd, it cost £8.50"
    assert without_clocks(text) == "It started at   and again  at night ; we were 3, it cost £8.50"
    assert without_clocks("music from 11pm till 4.30am, open 12pm") == (
        "music from  at night  till  at night , open  ")
    assert len(clauses(without_clocks("It started at 8.15 pm and went on."))) == 1
    assert without_clocks("my son is 5 am i entitled to free meals") == (
        "my son is 5 am i entitled to free meals")  # an age, then a question
