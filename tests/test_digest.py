"""The weekly digest's figures and how they read: the ward first, then the whole council;
counts, trend, representative reasons without personal data, rare voices kept, web-chat
objections apart, feedback, unmet needs grouped (small talk and gibberish left out),
people by channel and under 19, answered items marked; the email's HTML has the chart
inline with alt text and the same figures as a table; a short Telegram summary."""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils
from conversation_kit import CIRCUMSTANCES, ENTRIES, WARDS
from digest_kit import WEEK, Activity, add_councillors

from bot.cli import main
from bot.digest.figures import build_figures
from bot.digest.render import CHART_CID, render_digest
from bot.store import open_store
from catalogue.store import save_catalogue
from conversations.councillors import send_response
from conversations.councillors.directory import councillors_for_ward
from conversations.records import save_wards

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LIBRARY = next(e for e in ENTRIES if e.id == "close-library")


def catalogue_and_wards(path: Path) -> sqlite_utils.Database:
    """A store with the test catalogue and wards, and no councillors."""
    db = open_store(path)
    save_catalogue(db, ENTRIES, CIRCUMSTANCES)
    save_wards(db, WARDS)
    return db


@pytest.fixture
def council(tmp_path: Path) -> sqlite_utils.Database:
    db = open_store(tmp_path / "digest.db")
    save_catalogue(db, ENTRIES, CIRCUMSTANCES)
    save_wards(db, WARDS)
    add_councillors(db, tmp_path, NOW)
    for weeks_ago, count in ((3, 1), (2, 2), (1, 4)):
        Activity(db, WEEK.previous(weeks_ago)).objection("close-library", "Riverside",
                                                         count=count)
    week = Activity(db, WEEK)
    week.objection("close-library", "Riverside", "We use the library every Saturday", count=4)
    week.objection("close-library", "Riverside", "My neighbour Mrs Jones (07700 900999) needs "
                   "it, email me at me@example.com")
    week.objection("close-library", "Riverside", "Saturday is the only day I can go")
    week.objection("close-library", "Hillside", "Bad for families", count=2)
    week.objection("car-park", "Hillside", "Keep the green", count=3)
    week.objection("car-park", "Riverside", "One lonely voice")
    week.objection("close-library", "Riverside", channel="web", count=5)
    week.feedback("fsm", "Riverside", helpful=True)
    week.feedback("fsm", "Riverside", helpful=True)
    week.feedback("fsm", "Hillside", helpful=False)
    week.feedback("youth", "Riverside", rating=4)
    week.feedback("youth", "Riverside", rating=5)
    week.unmet("how do I renew my bus pass", "Riverside", count=3)
    week.unmet("bus pass renewal", "Hillside")
    week.unmet("renew bus pass?", "Riverside")
    week.unmet("dog poo on the pavement", "Riverside", count=2)
    week.unmet("hi", "Riverside")
    week.unmet("thanks lol", "Riverside")
    week.unmet("asdfghjkl qwrtzp", "Riverside")
    for age in (15, 17, 40):
        week.person("telegram", "Riverside", age=age)
    return db


def test_the_figures_for_a_ward_and_the_council(council: sqlite_utils.Database) -> None:
    figures = build_figures(council, WEEK)
    riverside = figures.scope("Riverside")
    assert [(e.entry_id, e.count) for e in riverside.objections] == [
        ("close-library", 6), ("car-park", 1)]  # a single objection still appears
    library = riverside.objections[0]
    assert library.weekly == (0, 0, 1, 2, 4, 6) and library.standing == 13
    assert library.trend == "up from 4 the week before"
    assert riverside.web_objections == 5
    assert riverside.weekly_totals == (0, 0, 1, 2, 4, 7)
    assert [(f.entry_id, f.helpful, f.not_helpful, f.ratings, f.mean_rating)
            for f in riverside.feedback] == [("fsm", 2, 0, 0, 0.0), ("youth", 0, 0, 2, 4.5)]
    assert riverside.unmet == (("how do I renew my bus pass", 4), ("dog poo on the pavement", 2))
    council_scope = figures.council
    assert [(e.entry_id, e.count) for e in council_scope.objections] == [
        ("close-library", 8), ("car-park", 4)]
    assert council_scope.unmet[0] == ("how do I renew my bus pass", 5)
    assert figures.unmet_left_out == 3  # "hi", "thanks lol", "asdfghjkl qwrtzp"
    assert council_scope.unmet_total == 7
    assert riverside.people.gave_age == 3 and riverside.people.under_19 == 2


def test_reasons_stand_for_many_and_carry_no_personal_data(
    council: sqlite_utils.Database
) -> None:
    library = build_figures(council, WEEK).scope("Riverside").objections[0]
    assert library.reasons[0] == ("We use the library every Saturday", 4)
    shown = " ".join(text for text, _ in library.reasons)
    assert "Jones" not in shown and "07700 900999" not in shown and "me@example.com" not in shown
    assert "My neighbour [name] ([phone]) needs it, email me at [email]" in shown


def test_names_and_addresses_are_hidden_in_reasons_and_unmet_needs(tmp_path: Path) -> None:
    db = catalogue_and_wards(tmp_path / "names.db")
    week = Activity(db, WEEK)
    week.objection("close-library", "Riverside", "my name is sarah connor and I go daily")
    week.objection("close-library", "Riverside", "I live at 14 Oak Road, it's my only library")
    week.unmet("can Mary Smith get help with her boiler", "Riverside", count=2)
    riverside = build_figures(db, WEEK).scope("Riverside")
    shown = " ".join(text for text, _ in riverside.objections[0].reasons)
    assert "connor" not in shown and "my name is [name] and I go daily" in shown
    assert "Oak Road" not in shown and "I live at [address]" in shown
    assert riverside.unmet == (("can [name] get help with her boiler", 2),)


def test_reasons_beyond_the_three_shown_are_counted(tmp_path: Path) -> None:
    db = catalogue_and_wards(tmp_path / "many.db")
    week = Activity(db, WEEK)
    for reason in ("It is the only green space", "Parking is fine as it is",
                   "Lorries will use Mill Lane", "My kids play football there",
                   "Bats roost in the hedges"):
        week.objection("car-park", "Hillside", reason)
    week.objection("car-park", "Hillside", "It is the only green space left", count=2)
    [line] = build_figures(db, WEEK).scope("Hillside").objections
    assert len(line.reasons) == 3 and line.reasons[0] == ("It is the only green space", 3)
    assert line.other_reasons == 2  # 7 reasons: 3 alike, then 1 and 1 shown, 2 not
    text = render_digest(build_figures(db, WEEK), "Hillside").text
    assert "   - and 2 other reasons" in text


def test_a_plan_removed_from_the_catalogue_is_named_as_removed(tmp_path: Path) -> None:
    db = catalogue_and_wards(tmp_path / "removed.db")
    Activity(db, WEEK).objection("car-park", "Hillside", "Keep the green", count=2)
    save_catalogue(db, [e for e in ENTRIES if e.id != "car-park"], CIRCUMSTANCES, replace=True)
    [line] = build_figures(db, WEEK).scope("Hillside").objections
    assert (line.entry_id, line.count) == ("car-park", 2)
    assert line.title == "New car park on Mill Lane (removed from the catalogue)"


def test_the_plain_text_puts_the_ward_first_and_marks_answered_items(
    council: sqlite_utils.Database
) -> None:
    send_response(council, LIBRARY, "Saturdays stay open until March.", NOW)
    [jo, _] = councillors_for_ward(council, "Riverside")
    queued = render_digest(build_figures(council, WEEK), "Riverside", jo).text
    assert "(to 15 people: 0 delivered so far)" in queued
    with council.conn:  # the outbox has sent them
        council.execute("UPDATE outbox SET state = 'sent' WHERE key LIKE 'response:%'")
    digest = render_digest(build_figures(council, WEEK), "Riverside", jo)
    text = digest.text
    assert text.index("RIVERSIDE\n=========") < text.index("THE WHOLE COUNCIL")
    assert "Week 2026-W48 (23 to 29 November 2026)" in text
    assert "For Jo Bloggs, Riverside councillor" in text
    assert ("1. Close Riverside library on Saturdays: 6 (up from 4 the week before; 13 in all)"
            in text)
    assert ('   Answered 30 Nov by an officer: "Saturdays stay open until March." (sent to 15 '
            "people)") in text
    assert '   - "We use the library every Saturday" (and 3 more like it)' in text
    assert "2. New car park on Mill Lane: 1 (new this week; 1 in all)" in text
    assert "(and 5 from the web chat, not counted: it has no sign-in)" in text
    assert "Objections a week: W43 0 | W44 0 | W45 1 | W46 2 | W47 4 | W48 7" in text
    assert "- Youth club: 0 helpful, 0 not helpful; 2 ratings, average 4.5 of 5" in text
    assert '- "how do I renew my bus pass" (4)' in text
    assert "Under 19: 2 of the 3 who gave their age." in text
    assert "Mrs Jones" not in text and "asdfgh" not in text


def test_the_html_has_the_chart_inline_and_the_same_figures_as_a_table(
    council: sqlite_utils.Database
) -> None:
    digest = render_digest(build_figures(council, WEEK), "Riverside")
    assert digest.chart is not None and digest.chart.png.startswith(b"\x89PNG")
    assert digest.chart.alt == ("Bar chart of objections a week in Riverside: week 43 0, week "
                                "44 0, week 45 1, week 46 2, week 47 4, week 48 7 (this week "
                                "last).")
    page = digest.html
    assert f'<img src="cid:{CHART_CID}" alt="{digest.chart.alt}"' in page
    assert page.count("<img ") == 1
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    row = "".join(f'<td style="padding:2px 8px;text-align:center{bold}">{n}</td>'
                  for n, bold in ((0, ""), (0, ""), (1, ""), (2, ""), (4, ""),
                                  (7, ";font-weight:bold")))
    assert row in page
    assert "My neighbour [name] ([phone])" in page and "Jones" not in page
    extra = digest.email_extra()
    assert [i["cid"] for i in extra["images"]] == [CHART_CID]  # type: ignore[attr-defined]


def test_the_telegram_summary_is_short_and_numbered(council: sqlite_utils.Database) -> None:
    digest = render_digest(build_figures(council, WEEK), "Riverside")
    assert digest.telegram.startswith("<b>Weekly digest: Riverside, 2026-W48</b>\n"
                                      "7 objections in Riverside (12 in the council); ")
    assert "1. Close Riverside library on Saturdays: 6\n2. New car park on Mill Lane: 1" in (
        digest.telegram)
    assert digest.items == ("close-library", "car-park")
    assert len(digest.telegram) < 1000
    assert "Reply to this message starting with an item number" in digest.telegram


def test_a_councillor_for_two_wards_reads_the_needs_of_both(council: sqlite_utils.Database
                                                            ) -> None:
    figures = build_figures(council, WEEK)
    assert "“how do I renew my bus pass” (1)" in render_digest(figures, "Hillside").telegram
    both = render_digest(figures, ("Hillside", "Riverside"))
    assert ("Most asked, not found: “how do I renew my bus pass” (5); “dog poo on the "
            "pavement” (2)") in both.telegram
    assert both.chart is not None and both.chart.alt.startswith(
        "Bar chart of objections a week in Hillside and Riverside: ")


def test_two_wards_needs_add_up_beyond_each_wards_first_ten(tmp_path: Path) -> None:
    db = open_store(tmp_path / "needs.db")
    save_catalogue(db, ENTRIES, CIRCUMSTANCES)
    save_wards(db, WARDS)
    week = Activity(db, WEEK)
    for text in ("dog fouling on the green", "graffiti on the railway bridge",
                 "broken bench in the park", "bus shelter glass smashed", "noisy pub at night",
                 "rats in the back alley", "leaking drain on the corner", "abandoned car",
                 "overgrown hedge blocking the path", "flooded underpass", "fireworks late"):
        week.unmet(text, "Hillside", count=2)
    week.unmet("a skate park for teenagers", "Hillside")  # twelfth in Hillside
    week.unmet("a skate park for teenagers", "Riverside", count=2)
    both = render_digest(build_figures(db, WEEK), ("Hillside", "Riverside")).telegram
    assert "Most asked, not found: “a skate park for teenagers” (3)" in both


def test_preview_prints_a_ward_or_names_the_wards(
    council: sqlite_utils.Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "digest.db")
    assert main(["digest", "preview", "--ward", "riverside", "--week", "2026-W48",
                 "--db", path]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Local Support: weekly digest for Riverside\n")
    assert main(["digest", "preview", "--ward", "Rivrside", "--db", path]) == 1
    assert ('"Rivrside" is not a ward (did you mean "riverside"?); the wards are: Hillside, '
            "Riverside") in capsys.readouterr().err
    assert main(["digest", "preview", "--week", "2026-W99", "--db", path]) == 1
    assert "2026 has no week 99" in capsys.readouterr().err


def test_one_of_anything_reads_in_the_singular(tmp_path: Path) -> None:
    db = catalogue_and_wards(tmp_path / "one.db")
    week = Activity(db, WEEK)
    week.objection("car-park", "Hillside", "Keep the green")
    for reason in ("It is the only library for miles", "Parking is fine as it is",
                   "Bats roost in the hedges", "My kids do their homework there"):
        week.objection("close-library", "Riverside", reason)
    for n in range(9):  # nine entries' feedback: eight shown, "and 1 more entry"
        week.feedback(f"entry-{n}", None, helpful=True)
    week.feedback("entry-0", None, rating=4)
    digest = render_digest(build_figures(db, WEEK), "Hillside")
    assert "   - and 1 other reason\n" in digest.text
    assert "- and 1 more entry\n" in digest.text
    assert "; 1 rating, average 4.0 of 5" in digest.text
    assert "and 1 other reason</li>" in digest.html and "and 1 more entry</p>" in digest.html
    assert digest.telegram.splitlines()[1] == (
        "1 objection in Hillside (5 in the council); 1 person wrote.")
    assert digest.sms.startswith("Local Support digest 2026-W48, Hillside: 1 objection "
                                 "(most: New car park on Mill Lane, 1); 1 person wrote.")
    for part in (digest.text, digest.html, digest.telegram, digest.sms):
        assert "1 people" not in part and "1 objections" not in part
        assert "1 more entries" not in part and "1 ratings" not in part


def made_up_reasons(count: int) -> list[str]:
    """`count` reasons no two alike: three made-up words each (seeded)."""
    rng = random.Random(48)
    return [" ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(6))
                     for _ in range(3)) for _ in range(count)]


def test_the_most_repeated_reason_leads_however_many_came_after_it(tmp_path: Path) -> None:
    db = catalogue_and_wards(tmp_path / "alike.db")
    week = Activity(db, WEEK)
    week.objection("close-library", "Riverside", "Keep the library open, my kids use it",
                   count=64)  # early in the week: the oldest rows
    for reason in made_up_reasons(200):  # then 200 reasons, each given once
        week.objection("close-library", "Riverside", reason)
    [line] = build_figures(db, WEEK).scope("Riverside").objections
    assert line.reasons[0] == ("Keep the library open, my kids use it", 64)
    assert [n for _, n in line.reasons[1:]] == [1, 1]
    assert line.other_reasons == 198  # 264 given: 64 alike and two shown; 198 others
    text = render_digest(build_figures(db, WEEK), "Riverside").text
    assert '   - "Keep the library open, my kids use it" (and 63 more like it)' in text
    assert "   - and 198 other reasons" in text
