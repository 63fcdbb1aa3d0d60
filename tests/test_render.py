"""How replies look on each channel: GSM-7 SMS within two segments, Telegram HTML."""

from __future__ import annotations

import pytest

from bot.render import (
    GSM7_BASIC,
    GSM7_EXTENDED,
    choice_prompt,
    fit,
    render_plain,
    render_sms,
    render_sms_all,
    render_telegram,
    render_telegram_all,
    segments,
    septets,
    split_telegram,
    to_gsm7,
)
from catalogue.model import Entry
from conversations.types import Outbound

MEALS = Entry(
    id="fsm", kind="entitlement", title="Free school meals",
    summary="Children in families on Universal Credit can get a free lunch at school \u2013 "
            "ask the school office \u201cbefore term starts\u201d.",
    description="A long description " * 40, phone="01632 960001",
    url="https://sample-borough.example/fsm", how_to_apply="Apply online",
)


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("don\u2019t", "don't"),
        ("\u201cquoted\u201d", '"quoted"'),
        ("9am \u2013 5pm", "9am - 5pm"),
        ("caf\u00e9 cr\u00e8me", "caf\u00e9 cr\u00e8me"),  # both letters are in GSM-7
        ("na\u00efve \u0141\u00f3d\u017a", "naive Lodz"),
        ("thanks \U0001f600!", "thanks !"),
        ("wait\u2026", "wait..."),
    ],
)
def test_to_gsm7_straightens_and_drops_what_sms_cannot_carry(raw: str, expected: str) -> None:
    assert to_gsm7(raw) == expected
    assert is_gsm7(to_gsm7(raw))


def test_segments_count_extended_characters_twice() -> None:
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("a" * 306) == 2
    assert segments("a" * 307) == 3
    assert septets("[]") == 4
    assert segments("{" * 80) == 1
    assert segments("{" * 81) == 2


def test_fit_cuts_at_a_word_and_marks_the_cut() -> None:
    text = "word " * 100
    cut = fit(text, 50)
    assert septets(cut) <= 50
    assert cut.endswith("...")
    assert "wor..." not in cut
    assert fit("short", 50) == "short"


def test_sms_entry_card_is_gsm7_within_two_segments_with_a_contact() -> None:
    body = render_sms(Outbound(MEALS.summary * 3, entry=MEALS))
    assert is_gsm7(body)
    assert segments(body) <= 2
    assert body.startswith("Free school meals: ")
    assert body.endswith("Call 01632 960001")


def test_sms_choices_are_numbered_with_a_reply_prompt() -> None:
    body = render_sms(Outbound("Did you mean:", choices=("A", "B", "C")))
    assert body.splitlines() == ["Did you mean:", "1. A", "2. B", "3. C", "Reply 1, 2 or 3"]
    assert choice_prompt(2) == "Reply 1 or 2"
    assert choice_prompt(1) == "Reply 1"


def test_sms_replies_are_joined_into_one_body_of_two_segments_at_most() -> None:
    bodies = render_sms_all([Outbound("Hello."), Outbound("Pick one:", choices=("A", "B"))])
    assert bodies == ["Hello.\nPick one:\n1. A\n2. B\nReply 1 or 2"]
    long = render_sms_all([Outbound("x " * 150), Outbound("y " * 70)])
    assert len(long) == 1 and segments(long[0]) == 2
    assert long[0].endswith("y " * 69 + "y ")  # the shorter text is whole, the longer cut
    assert "x..." in long[0]


def test_an_entry_card_and_its_choices_fit_two_segments_choices_whole() -> None:
    question = Outbound("Was this helpful? If not, it might be one of these:",
                        choices=("Yes", "No", "Council Tax Reduction", "Household Support Fund",
                                 "Discretionary Housing Payment (DHP)"))
    bodies = render_sms_all([Outbound(MEALS.summary * 2, entry=MEALS), question])
    assert len(bodies) == 1 and segments(bodies[0]) <= 2
    assert bodies[0].startswith("Free school meals: Children in families")
    assert "Call 01632 960001\nWas this helpful?" in bodies[0]
    assert bodies[0].endswith("5. Discretionary Housing Payment (DHP)\nReply 1, 2, 3, 4 or 5")


def test_a_card_a_long_verdict_and_a_question_keep_the_reply_prompt_whole() -> None:
    """Their floors alone are over the budget: the texts are cut, never "Reply 1, 2 or 3"."""
    bus = Entry(id="bus", kind="entitlement", title="Free bus pass for older and disabled people",
                summary="Free off-peak bus travel in England once you reach State Pension age, "
                        "or if you are disabled. " * 2, phone="01632 960112")
    verdict = Outbound("Your mum is likely to be able to get Free bus pass for older and "
                       "disabled people. This is a guide, not a decision: the council decides "
                       "when you apply. How to apply: Apply online at the council website.")
    question = Outbound("Was this helpful? If not, it might be one of these:",
                        choices=("Yes", "No", "Blue badge"))
    [body] = render_sms_all([Outbound(bus.summary, entry=bus), verdict, question])
    assert segments(body) <= 2
    assert body.endswith("one of these:\n1. Yes\n2. No\n3. Blue badge\nReply 1, 2 or 3")
    assert body.startswith("Free bus pass for older and disabled people: Free off-peak")
    assert "Call 01632 960112\nYour mum" in body  # the card keeps its contact
    assert "\nYour mum is likely to be able to get" in body


def test_crisis_contacts_stand_first_and_whole_outside_the_budget() -> None:
    crisis = Outbound("Call 999 now. " * 20, urgent=True)
    bodies = render_sms_all([crisis, Outbound("x " * 200)])
    assert bodies[0] == to_gsm7(crisis.text)
    assert segments(bodies[1]) <= 2


def test_a_paged_list_ends_reply_more() -> None:
    body = render_sms(Outbound("Plans:", choices=("A", "B", "C", "More")))
    assert body.splitlines() == ["Plans:", "1. A", "2. B", "3. C", "Reply 1, 2 or 3, or MORE"]


def test_telegram_card_is_html_escaped_and_richer_than_sms() -> None:
    entry = Entry(id="x", kind="service", title="Tom & Jerry's <club>", summary="Fun & games",
                  phone="01632 960002", opening_hours="Mon-Fri 4pm-8pm")
    text = render_telegram(Outbound(entry.summary, entry=entry))
    assert text.startswith("<b>Tom &amp; Jerry's &lt;club&gt;</b>")
    assert "Open: Mon-Fri 4pm-8pm" in text
    assert "Phone: 01632 960002" in text


def test_split_telegram_keeps_every_character_under_the_limit() -> None:
    text = "\n".join(f"line {n} " + "z" * 50 for n in range(200))
    pieces = split_telegram(text)
    assert all(len(p) <= 4096 for p in pieces)
    assert len(pieces) > 1
    assert "".join("".join(pieces).split()) == "".join(text.split())
    assert all(p.startswith("line ") for p in pieces)  # cut at line breaks, not mid-line


def test_plain_rendering_follows_the_channel() -> None:
    reply = Outbound(MEALS.summary, entry=MEALS)
    assert render_plain(reply, "sms") == render_sms(reply)
    telegram = render_plain(reply, "telegram")
    assert "<b>" not in telegram
    assert "Free school meals" in telegram
    assert "How to apply: Apply online" in telegram


def test_telegram_joins_an_answer_and_its_question_into_one_message() -> None:
    card = Outbound(MEALS.summary, entry=MEALS)
    question = Outbound("Was this helpful?", choices=("Yes", "No"))
    crisis = Outbound("Call 999 & more", urgent=True)
    messages = render_telegram_all([crisis, card, question])
    assert len(messages) == 2
    assert messages[0] == ("Call 999 &amp; more", ())  # crisis contacts stand alone, first
    text, choices = messages[1]
    assert text.startswith("<b>Free school meals</b>")
    assert text.endswith("\n\nWas this helpful?")
    assert choices == ("Yes", "No")
    # a reply with buttons is never joined to what follows; nothing over the limit is joined
    assert len(render_telegram_all([question, card])) == 2
    long = Outbound("x" * 4090)
    assert len(render_telegram_all([long, question])) == 2


def test_a_question_too_long_for_two_texts_is_cut_not_its_choices() -> None:
    verdict = Outbound("It looks like your son can't get the 16 to 19 Bursary Fund, because "
                       + "it is for ages 16 to 19 and you said your son is 14. " * 5
                       + "This is a guide, not a decision.",
                       choices=("Free school meals", "Free swimming for under 16s",
                                "Holiday Activities and Food (HAF)"))
    [body] = render_sms_all([Outbound("OK."), verdict])
    assert segments(body) <= 2
    lines = body.split("\n")  # labels shorten first (LABEL_LIMITS), then the text is cut
    assert lines[-4:-1] == ["1. Free school meals", "2. Free swimming for...",
                            "3. Holiday Activities..."] and lines[-1] == "Reply 1, 2 or 3"
    assert body.startswith("OK.\nIt looks like your son can't get")


def test_a_text_too_long_to_go_whole_loses_its_last_sentences_not_half_of_one() -> None:
    verdict = Outbound("Your son is likely to be able to get Free school meals. This is a guide, "
                       "not a decision: the council decides when you apply. How to apply: Apply "
                       "online at the council website or call the schools team. You need your "
                       "National Insurance number.")
    [body] = render_sms_all([Outbound("OK, I've changed that answer to Yes."), verdict,
                             Outbound("Was this helpful?", choices=("Yes", "No"))])
    assert segments(body) <= 2 and "..." not in body
    assert "or call the schools team.\nWas this helpful?" in body
    assert body.endswith("1. Yes\n2. No\nReply 1 or 2")


def test_an_explanation_before_a_verdict_with_choices_is_never_cut_mid_sentence() -> None:
    why = Outbound('Child Benefit is not income-related, so I\'ve put "no".')
    verdict = Outbound('It looks like your children can\'t get Free school meals, because you '
                       'answered No to "Do you get Universal Credit or another income-related '
                       'benefit?". You might try this. This is a guide, not a decision: the '
                       'council decides when you apply.', choices=("Free swimming for under 16s",))
    [body] = render_sms_all([why, verdict])
    text, _, choices = body.partition("\n1. ")
    assert segments(body) <= 2 and "..." not in text
    assert text.startswith(why.text + "\nIt looks like your children can't get Free school meals")
    # every verdict keeps "This is a guide" (README.md): "You might try this." goes instead
    assert text.endswith("benefit?\". This is a guide, not a decision: the council decides when "
                         "you apply.")
    assert choices.startswith("Free swimming") and choices.endswith("\nReply 1")
