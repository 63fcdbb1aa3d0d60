"""The time bank's ledger (conversations/timebank.py) on a real database: double entry,
pending counts in no balance, one decision an exchange, the limit, statements, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store import open_store
from conversations import timebank
from conversations import timebank_notices as notices
from conversations.erasure import erase_person, export_person
from conversations.timebank import LedgerError, Policy

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
POLICY = Policy()


@pytest.fixture
def store(tmp_path: Path) -> sqlite_utils.Database:
    return open_store(tmp_path / "timebank.db")


def join(db: sqlite_utils.Database, name: str, n: int) -> int:
    member = timebank.join(db, "sms", f"+4477009000{n:02d}", name, "Riverside", "gardening",
                           "", NOW, POLICY)
    return member.id


def test_an_exchange_is_two_postings_that_count_only_once_confirmed(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    exchange = timebank.record(store, sam, priya, 120, "garden", f"member:{sam}", NOW, POLICY)
    postings = store.execute("SELECT member, minutes FROM timebank_postings WHERE exchange = ?",
                             [exchange.id]).fetchall()
    assert sorted(postings) == [(sam, 120), (priya, -120)]
    assert exchange.state == "pending"
    assert (timebank.balance(store, sam), timebank.balance(store, priya)) == (0, 0)
    assert [e.id for e in timebank.awaiting(store, priya)] == [exchange.id]
    assert timebank.awaiting(store, sam) == []
    assert timebank.confirm(store, exchange.id, f"member:{priya}", NOW, POLICY) == "confirmed"
    assert timebank.confirm(store, exchange.id, f"member:{priya}", NOW, POLICY) == "already"
    assert (timebank.balance(store, sam), timebank.balance(store, priya)) == (120, -120)
    assert timebank.decline(store, exchange.id, f"member:{priya}", NOW) == "already"


def test_a_declined_exchange_counts_in_no_balance(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    exchange = timebank.record(store, sam, priya, 60, "", f"member:{sam}", NOW, POLICY)
    assert timebank.decline(store, exchange.id, f"member:{priya}", NOW) == "declined"
    assert timebank.confirm(store, exchange.id, f"member:{priya}", NOW, POLICY) == "already"
    assert timebank.balance(store, priya) == 0
    assert timebank.exchange(store, exchange.id).state == "declined"


def test_receiving_help_needs_no_credit_until_the_limit(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    first = timebank.record(store, sam, priya, 540, "", "coordinator", NOW, POLICY,
                            confirmed=True)
    assert first.state == "confirmed" and timebank.balance(store, priya) == -540
    hour = timebank.record(store, sam, priya, 60, "", f"member:{priya}", NOW, POLICY)
    assert timebank.confirm(store, hour.id, f"member:{sam}", NOW, POLICY) == "confirmed"
    with pytest.raises(LedgerError, match="Priya more than 10 hours below zero"):
        timebank.record(store, sam, priya, 15, "", f"member:{priya}", NOW, POLICY)
    assert store.execute("SELECT count(*) FROM timebank_exchanges").fetchone()[0] == 2
    # recorded by the giver, who must not learn Priya's standing: kept, and the limit is
    # checked when she confirms
    given = timebank.record(store, sam, priya, 15, "", f"member:{sam}", NOW, POLICY)
    assert given.state == "pending"
    assert timebank.confirm(store, given.id, f"member:{priya}", NOW, POLICY) == "over_limit"


def test_the_limit_is_checked_again_when_confirming(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    pending = timebank.record(store, sam, priya, 60, "", f"member:{sam}", NOW, POLICY)
    tight = Policy(min_balance_minutes=-30)
    assert timebank.confirm(store, pending.id, "member:2", NOW, tight) == "over_limit"
    assert timebank.exchange(store, pending.id).state == "pending"


def test_postings_cannot_be_changed_or_deleted(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    timebank.record(store, sam, priya, 60, "", "coordinator", NOW, POLICY, confirmed=True)
    with pytest.raises(Exception, match="append-only"):
        store.execute("UPDATE timebank_postings SET minutes = 1")
    with pytest.raises(Exception, match="append-only"):
        store.execute("DELETE FROM timebank_postings")
    with pytest.raises(Exception, match="append-only"):
        store.execute("UPDATE timebank_exchanges SET minutes = 1")


def test_a_correction_is_a_reversing_exchange(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    wrong = timebank.record(store, sam, priya, 90, "", "coordinator", NOW, POLICY,
                            confirmed=True)
    timebank.reverse(store, wrong.id, "coordinator", NOW)
    assert (timebank.balance(store, sam), timebank.balance(store, priya)) == (0, 0)
    assert store.execute("SELECT count(*) FROM timebank_postings").fetchone()[0] == 4


def test_statement_by_year_and_all_time(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    timebank.record(store, sam, priya, 60, "garden", "coordinator", NOW, POLICY, confirmed=True)
    later = NOW + timedelta(days=365)
    timebank.record(store, priya, sam, 30, "lift", "coordinator", later, POLICY, confirmed=True)
    timebank.record(store, sam, priya, 45, "", f"member:{sam}", later, POLICY)
    whole = timebank.statement(store, sam)
    assert (whole.given, whole.received, whole.pending) == (60, 30, 1)
    assert [line.other for line in whole.lines] == ["Priya", "Priya"]
    year = timebank.statement(store, sam, 2027)
    assert (year.given, year.received) == (0, 30)


def test_forget_me_keeps_the_ledger_balanced_and_others_statements_true(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    timebank.record(store, sam, priya, 60, "Priya's garden", "coordinator", NOW, POLICY,
                    confirmed=True)
    erase_person(store, "sms", "+447700900002")
    gone = timebank.member(store, priya)
    assert gone is not None and gone.first_name is None and gone.address is None
    assert timebank.balance(store, priya) == -60 and timebank.total(store) == 0
    lines = timebank.statement(store, sam).lines
    assert [(line.other, line.minutes, line.exchange.note) for line in lines] == [
        (timebank.FORMER, 60, "")]
    assert timebank.named(store, "Priya") == []


def test_export_user_shows_a_members_exchanges_with_their_notes(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    timebank.record(store, sam, priya, 60, "Priya's garden", "coordinator", NOW, POLICY,
                    confirmed=True)
    timebank.record(store, priya, sam, 30, "lift to the clinic", f"member:{priya}",
                    NOW + timedelta(days=1), POLICY)
    exchanges = export_person(store, "sms", "+447700900002")["tables"]["timebank_exchanges"]
    assert [(e["direction"], e["minutes"], e["with_member"], e["state"], e["note"])
            for e in exchanges] == [
        ("received", 60, "Sam", "confirmed", "Priya's garden"),
        ("gave", 30, "Sam", "pending", "lift to the clinic")]
    store.execute("INSERT INTO timebank_introductions (asker, asked, about, state, created_at) "
                  "VALUES (?, ?, 'a lift', 'asked', ?)", [priya, sam, NOW.isoformat()])
    asked = export_person(store, "sms", "+447700900002")["tables"]["timebank_introductions"]
    assert [(i["direction"], i["with_member"], i["about"]) for i in asked] == [
        ("you asked", "Sam", "a lift")]
    erase_person(store, "sms", "+447700900001")
    exchanges = export_person(store, "sms", "+447700900002")["tables"]["timebank_exchanges"]
    assert [(e["with_member"], e["state"], e["note"]) for e in exchanges] == [
        (timebank.FORMER, "confirmed", None), (timebank.FORMER, "declined", None)]
    assert "timebank_exchanges" not in export_person(store, "sms", "+447700900001")["tables"]
    assert "timebank_introductions" not in export_person(store, "sms", "+447700900002")[
        "tables"]  # deleted with Sam


@pytest.mark.parametrize(("minutes", "text", "signed"), [
    (120, "2 hours", "+2"), (60, "1 hour", "+1"), (30, "30 minutes", "+0.5"),
    (90, "1.5 hours", "+1.5"), (-20, "-20 minutes", "-0.33"), (-90, "-1.5 hours", "-1.5")])
def test_hours_as_people_read_them(minutes: int, text: str, signed: str) -> None:
    assert timebank.hours_text(minutes) == text
    assert timebank.signed_hours(minutes) == signed


# -- the property: whatever happens, the books balance ---------------------------------------

ACTIONS = st.lists(st.one_of(
    st.tuples(st.just("join")),
    st.tuples(st.just("record"), st.integers(0, 5), st.integers(0, 5), st.integers(1, 900)),
    st.tuples(st.just("coordinator"), st.integers(0, 5), st.integers(0, 5),
              st.integers(1, 300)),
    st.tuples(st.just("confirm"), st.integers(0, 20)),
    st.tuples(st.just("confirm_twice"), st.integers(0, 20)),
    st.tuples(st.just("decline"), st.integers(0, 20)),
    st.tuples(st.just("forget"), st.integers(0, 5)),
), max_size=40)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_any_history_leaves_the_books_balanced(tmp_path_factory, actions) -> None:
    path = tmp_path_factory.mktemp("ledger") / "ledger.db"
    db, other = open_store(path), open_store(path)  # a second connection confirms too
    people: list[int] = []
    confirmed: set[int] = set()
    now = NOW
    try:
        for action in actions:
            now += timedelta(minutes=1)
            run(db, other, action, people, confirmed, now)
            assert_balanced(db, confirmed)
    finally:
        db.close()
        other.close()


def run(db, other, action, people, confirmed, now) -> None:
    kind = action[0]
    exchanges = [row[0] for row in db.execute("SELECT id FROM timebank_exchanges ORDER BY id")]
    if kind == "join":
        people.append(join(db, f"P{len(people)}", len(people)))
    elif kind in ("record", "coordinator") and people:
        giver, receiver = people[action[1] % len(people)], people[action[2] % len(people)]
        try:
            made = timebank.record(db, giver, receiver, action[3], "", f"member:{giver}", now,
                                   POLICY, confirmed=kind == "coordinator")
        except LedgerError:
            return
        if made.state == "confirmed":
            confirmed.add(made.id)
    elif kind.startswith("confirm") and exchanges:
        chosen = exchanges[action[1] % len(exchanges)]
        outcomes = [timebank.confirm(db, chosen, "member:x", now, POLICY)]
        if kind == "confirm_twice":
            outcomes.append(timebank.confirm(other, chosen, "member:y", now, POLICY))
        assert outcomes.count("confirmed") <= 1
        if "confirmed" in outcomes:
            assert chosen not in confirmed
            confirmed.add(chosen)
    elif kind == "decline" and exchanges:
        chosen = exchanges[action[1] % len(exchanges)]
        if timebank.decline(db, chosen, "member:x", now) == "declined":
            assert chosen not in confirmed
    elif kind == "forget" and people:
        gone = people[action[1] % len(people)]
        erase_person(db, "sms", f"+4477009000{people.index(gone):02d}")


def assert_balanced(db, confirmed: set[int]) -> None:
    members = [row[0] for row in db.execute("SELECT id FROM timebank_members")]
    assert sum(timebank.balance(db, m) for m in members) == 0
    assert timebank.total(db) == 0
    counted = {row[0]: row[1] for row in db.execute(
        "SELECT d.exchange, count(*) FROM timebank_decisions d JOIN timebank_postings p "
        "ON p.exchange = d.exchange WHERE d.state = 'confirmed' GROUP BY d.exchange")}
    assert set(counted) == confirmed and set(counted.values()) <= {2}
    for m in members:
        by_hand = db.execute(
            "SELECT coalesce(sum(p.minutes), 0) FROM timebank_postings p WHERE p.member = ? "
            "AND p.exchange IN (SELECT exchange FROM timebank_decisions "
            "WHERE state = 'confirmed')", [m]).fetchone()[0]
        assert timebank.balance(db, m) == by_hand  # no pending or declined posting counts
        assert timebank.balance(db, m) >= POLICY.min_balance_minutes


def test_confirmations_racing_on_two_connections_decide_once(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "race.db"
    db = open_store(path)
    sam, priya = join(db, "Sam", 1), join(db, "Priya", 2)
    made = [timebank.record(db, sam, priya, 30, "", f"member:{sam}", NOW, POLICY).id
            for _ in range(20)]
    outcomes: list[str] = []

    def confirm_all() -> None:
        conn = open_store(path)
        for exchange_id in made:
            outcomes.append(timebank.confirm(conn, exchange_id, "member:2", NOW, POLICY))
        conn.close()

    threads = [threading.Thread(target=confirm_all) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("confirmed") == 20 and outcomes.count("already") == 40
    assert timebank.balance(db, sam) == 600 and timebank.total(db) == 0


def test_forgetting_a_member_declines_what_waits_on_them(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    waiting = timebank.record(store, sam, priya, 60, "", f"member:{sam}", NOW, POLICY)
    erase_person(store, "sms", "+447700900002")
    assert timebank.exchange(store, waiting.id).state == "declined"
    assert timebank.awaiting(store, priya) == []
    assert timebank.statement(store, sam).pending == 0


def test_the_other_member_is_told_when_a_member_leaves_with_an_exchange_waiting(store) -> None:
    sam, priya, ada = join(store, "Sam", 1), join(store, "Priya", 2), join(store, "Ada", 3)
    mine = timebank.record(store, sam, priya, 120, "her garden", f"member:{sam}", NOW, POLICY)
    theirs = timebank.record(store, priya, ada, 60, "a lift", f"member:{priya}", NOW, POLICY)
    unheard = timebank.record(store, priya, sam, 30, "", f"member:{priya}", NOW, POLICY)
    for exchange in (theirs, unheard):
        notices.ask_to_confirm(store, exchange, timebank.member(store, priya),
                               timebank.member(store, exchange.receiver), NOW)
    store.execute("UPDATE outbox SET state = 'sent' WHERE key = ?",
                  [f"timebank-confirm:{theirs.id}"])  # Ada has been asked; Sam not yet
    erase_person(store, "sms", "+447700900002", NOW)  # Priya
    told = {row["key"]: row for row in store.table("outbox").rows_where("state = 'queued'")}
    to_sam, to_ada = told[f"timebank-left:{mine.id}"], told[f"timebank-left:{theirs.id}"]
    assert to_sam["address"] == "+447700900001" and to_ada["address"] == "+447700900003"
    assert "the 2 hours with her garden you recorded has left the time bank" in to_sam["body"]
    assert "the 1 hour with a lift you were asked to confirm" in to_ada["body"]
    assert "Priya" not in to_sam["body"] + to_ada["body"]
    assert f"timebank-left:{unheard.id}" not in told  # his question was cancelled unsent
    assert {timebank.exchange(store, e.id).state for e in (mine, theirs)} == {"declined"}
    assert timebank.balance(store, sam) == timebank.balance(store, ada) == 0


@pytest.mark.parametrize(("said", "minutes", "what"), [
    ("I helped Priya with forms for forty five minutes", 45, "forms"),
    ("I helped Priya with the garden for 1 1/2 hours", 90, "the garden"),
    ("I helped Priya with shopping for 3/4 hour", 45, "shopping"),
    ("I helped Priya with the garden for an hour and a quarter", 75, "the garden"),
    ("I helped Priya with homework for a quarter of an hour", 15, "homework"),
    ("I helped Priya with the ironing for three quarters of an hour", 45, "the ironing"),
    ("I helped Jo move boxes 1hr 30", 90, "move boxes"),
    ("I helped Jo move boxes 2h15", 135, "move boxes"),
    ("I helped Priya with her cat for half hour", 30, "her cat"),
    ("I helped Priya with her cat for twenty minutes", 20, "her cat"),
    ("Priya helped me with shopping for an hour and a half", 90, "shopping"),
    ("I helped Priya with her garden for 2 hours", 120, "her garden"),
    ("I helped Jo with boxes for 1 hour 30 minutes", 90, "boxes"),
    ("I helped Priya with her garden for an hour 2 days ago", 60, "her garden 2 days ago"),
    ("I helped Jo move boxes 1 hour 20 miles away", 60, "move boxes 20 miles away"),
    ("I helped Priya with her forms on 3/4 for 2 hours", 120, "her forms on 3/4"),
    ("I helped Priya with the two dogs for an hour", 60, "the two dogs"),
    # told another way round: the time first, or without "I"
    ("gave priya an hour yesterday doing her shopping", 60, "doing her shopping"),
    ("i did an hour of shopping for priya", 60, "shopping"),
    ("i did 2 hours gardening for priya", 120, "gardening"),
    ("i did 2hrs gardening for priya", 120, "gardening"),
    ("gave 2 hours to priya", 120, ""),
    ("just helped priya for an hour", 60, ""),
])
def test_a_time_in_everyday_words_is_read_whole_and_left_out_of_the_note(
    said: str, minutes: int, what: str
) -> None:
    from conversations.timebank_words import exchange_said

    found = exchange_said(said)
    assert found is not None and (found.minutes, found.what) == (minutes, what)
    assert found.other in ("Priya", "Jo")


@pytest.mark.parametrize("said", ["gave up smoking", "visited nan in hospital", "walked home",
                                  "did my homework", "just visited nan"])
def test_everyday_news_without_i_and_a_time_is_no_exchange(said: str) -> None:
    from conversations.timebank_words import exchange_said

    assert exchange_said(said) is None


@pytest.mark.parametrize("said", ["spent 2 hours on the phone to universal credit",
                                  "did 2 hours for tesco", "gave an hour to oxfam",
                                  "i did homework for 2 hours", "i taught maths for an hour"])
def test_an_hour_told_without_i_or_time_first_names_a_member_or_is_none(said: str) -> None:
    """Told this way, or with a verb more often of a thing ("did homework", "taught maths"),
    the name may be anyone's ("tesco"): the time bank takes it up only for a member of that
    name (conversations/flows/timebank.py)."""
    from conversations.timebank_words import exchange_said

    found = exchange_said(said)
    assert found is not None and not found.certain
    assert exchange_said("I helped Priya for an hour").certain  # type: ignore[union-attr]


@pytest.mark.parametrize(("name", "owner"), [("Priyas", "Priya"), ("Priya's", "Priya"),
                                             ("James'", "James"), ("Priya", None)])
def test_the_owner_a_possessive_names(name: str, owner: str | None) -> None:
    from conversations.timebank_words import owner_of

    assert owner_of(name) == owner


def test_only_its_recorder_takes_back_an_exchange_and_only_while_it_waits(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    exchange = timebank.record(store, sam, priya, 60, "", f"member:{sam}", NOW, POLICY)
    assert timebank.take_back(store, exchange.id, f"member:{priya}", NOW) == "unknown"
    assert timebank.take_back(store, exchange.id, f"member:{sam}", NOW) == "declined"
    assert timebank.take_back(store, exchange.id, f"member:{sam}", NOW) == "already"
    assert timebank.awaiting(store, priya) == [] and timebank.pending_count(store, sam) == 0


def test_a_correction_replaces_a_waiting_exchange_both_or_neither(store) -> None:
    sam, priya = join(store, "Sam", 1), join(store, "Priya", 2)
    first = timebank.record(store, sam, priya, 120, "garden", f"member:{sam}", NOW, POLICY)
    with pytest.raises(LedgerError, match="between 1 minute and 24 hours"):
        timebank.correct(store, first.id, 25 * 60, f"member:{sam}", NOW, POLICY)
    assert timebank.exchange(store, first.id).state == "pending"  # nothing half-written
    made = timebank.correct(store, first.id, 180, f"member:{sam}", NOW, POLICY)
    assert (made.giver, made.receiver, made.minutes, made.note) == (sam, priya, 180, "garden")
    assert timebank.exchange(store, first.id).state == "declined"
    assert [e.id for e in timebank.awaiting(store, priya)] == [made.id]
    with pytest.raises(LedgerError, match="already been answered"):
        timebank.correct(store, first.id, 60, f"member:{sam}", NOW, POLICY)
    assert timebank.confirm(store, made.id, f"member:{priya}", NOW, POLICY) == "confirmed"
    assert (timebank.balance(store, sam), timebank.total(store)) == (180, 0)
