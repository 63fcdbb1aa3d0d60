"""Volunteering sign-ups (table in conversations/volunteering_schema.py): record one and
email its organiser (the entry's `email`) through the outbox, withdraw one, the weekly list
for each organiser, and which roles fit a person's age, ward and availability.
Transport-free: called inside the caller's transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from catalogue.model import Entry
from catalogue.storage import migrate, write
from conversations.outbox import Message, enqueue, iso
from conversations.volunteering_schema import SCHEMA

TIMES = ("weekdays", "evenings", "weekends")
MIN_AGE = 13  # younger than this, nobody is signed up
PARENT_AGE = 16  # younger than this, the organiser needs a parent or carer's OK
KIND = "volunteering"


def ensure_volunteering(db: sqlite_utils.Database) -> None:
    migrate(db, [SCHEMA])


@dataclass(frozen=True)
class SignUp:
    id: int
    entry_id: str
    first_name: str
    age: int
    availability: str
    consent: bool
    contact: str
    created_at: str


_SIGNUP = ("SELECT id, entry_id, first_name, age, availability, consent, coalesce(contact, ''), "
           "created_at FROM volunteering_signups")


def signed_up(db: sqlite_utils.Database, channel: str, address: str) -> list[SignUp]:
    """The person's sign-ups not withdrawn, oldest first."""
    rows = db.execute(_SIGNUP + " WHERE channel = ? AND address = ? AND withdrawn_at IS NULL "
                      "ORDER BY id", [channel, address]).fetchall()
    return [signup_of(row) for row in rows]


def signup_of(row: Sequence[object]) -> SignUp:
    return SignUp(int(str(row[0])), str(row[1]), str(row[2]), int(str(row[3])), str(row[4]),
                  bool(row[5]), str(row[6]), str(row[7]))


def sign_up(db: sqlite_utils.Database, channel: str, address: str, entry: Entry,
            first_name: str, age: int, availability: str, contact: str, now: datetime
            ) -> SignUp | None:
    """Record the sign-up and queue the organiser's email; None when already signed up."""
    cursor = db.execute(
        "INSERT INTO volunteering_signups (channel, address, entry_id, first_name, age, "
        "availability, consent, contact, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [channel, address, entry.id, first_name, age, availability, int(bool(contact)),
         contact or None, iso(now)])
    if not cursor.rowcount:
        return None
    made = SignUp(int(cursor.lastrowid or 0), entry.id, first_name, age, availability,
                  bool(contact), contact, iso(now))
    if entry.email:
        enqueue(db, Message(f"signup:{made.id}:organiser", KIND, "email", entry.email,
                            organiser_email(entry, made), subject=f"New volunteer for "
                            f"{entry.title}"), now)
    return made


def organiser_email(entry: Entry, made: SignUp) -> str:
    lines = [f"{made.first_name} has signed up for {entry.title} through Local Support.",
             "", f"Age: {made.age}", f"Available: {made.availability}"]
    if made.contact:
        lines.append(f"How to reach them: {made.contact} (they agreed to you having this)")
    else:
        lines.append("They did not agree to share contact details; they have your details "
                     "and will get in touch.")
    if made.age < PARENT_AGE:
        lines += ["", "They are under 16: please get a parent or carer's consent and "
                  "contact details before they start."]
    lines += ["", f"Sign-up reference: {made.id}."]
    return "\n".join(lines)


def withdraw(db: sqlite_utils.Database, channel: str, address: str, signup_id: int,
             entries: dict[str, Entry], now: datetime) -> tuple[SignUp, bool] | None:
    """Withdraw one of the person's sign-ups; (it, whether its organiser is told). An email
    about them not sent yet is called back (`_call_back`): the organiser never gets their
    details, nor a withdrawal notice for a sign-up they never heard of; an organiser who
    was sent it is told. None when it is not one of theirs still standing."""
    mine = [s for s in signed_up(db, channel, address) if s.id == signup_id]
    if not mine:
        return None
    db.execute("UPDATE volunteering_signups SET withdrawn_at = ? WHERE id = ?",
               [iso(now), signup_id])
    told = _call_back(db, mine[0], erase=False)
    entry = entries.get(mine[0].entry_id)
    if entry is None or not entry.email or not told:
        return mine[0], False
    enqueue(db, Message(f"signup:{signup_id}:withdrawn", KIND, "email", entry.email,
                        f"{mine[0].first_name} (sign-up {signup_id}) has withdrawn from "
                        f"{entry.title}. No need to contact them.",
                        subject=f"Volunteer withdrawn: {entry.title}"), now)
    return mine[0], True


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_lists(db: sqlite_utils.Database, entries: Iterable[Entry], now: datetime) -> int:
    """Queue each organiser the list of last full week's sign-ups still standing (once a
    week: the key names the week). Returns how many lists were queued."""
    monday = (now - timedelta(days=now.weekday() + 7)).replace(hour=0, minute=0, second=0,
                                                                microsecond=0)
    week, queued = iso_week(monday), 0
    for entry in entries:
        if entry.kind != "volunteering" or not entry.email:
            continue
        rows = db.execute(_SIGNUP + " WHERE entry_id = ? AND withdrawn_at IS NULL AND "
                          "created_at >= ? AND created_at < ? ORDER BY id",
                          [entry.id, iso(monday), iso(monday + timedelta(days=7))]).fetchall()
        if not rows:
            continue
        lines = [f"Sign-ups for {entry.title} in {week}:", ""]
        lines += [_list_line(signup_of(row)) for row in rows]
        queued += enqueue(db, Message(f"signup-week:{entry.id}:{week}", KIND, "email",
                                      entry.email, "\n".join(lines),
                                      subject=f"Volunteers for {entry.title}, {week}"), now)
    return queued


def _list_line(made: SignUp) -> str:
    return (f"- {made.first_name}, {made.age}, {made.availability}: "
            f"{made.contact or 'contact not shared'}")


UNSENT = ("queued", "failed")  # not delivered: a failed one could still be sent again


def _call_back(db: sqlite_utils.Database, made: SignUp, erase: bool) -> set[str]:
    """The organisers' emails about a sign-up that are not sent yet are cancelled (a weekly
    list still waiting loses its line, and is cancelled when no line is left); with `erase`
    (FORGET ME), the copies the outbox keeps of those sent lose their details too. Returns
    the addresses that were already sent (or are being sent) something about them."""
    told: set[str] = set()
    line = _list_line(made)
    for key, to, body, state in db.execute(
            "SELECT key, address, body, state FROM outbox WHERE key IN (?, ?) OR "
            "key LIKE ?", [f"signup:{made.id}:organiser", f"signup:{made.id}:withdrawn",
                           f"signup-week:{made.entry_id}:%"]).fetchall():
        kept = ""  # the sign-up's own emails are all about them; a weekly list, a line
        if key.startswith("signup-week:"):
            if line not in body:
                continue
            kept = body.replace(line + "\n", "").replace(line, "")
        gone = state in ("sent", "sending")  # sending: it may have gone already
        if gone:
            told.add(to)
        elif state in UNSENT and "\n- " not in kept:
            state = "cancelled"
        if erase or not gone:  # what was sent stays as it was sent, unless erased
            db.execute("UPDATE outbox SET body = ?, state = ? WHERE key = ?",
                       [kept, state, key])
    return told


def forget(db: sqlite_utils.Database, channel: str, address: str, now: datetime) -> None:
    """Before FORGET ME deletes a person's sign-ups: no email about them still waiting goes
    out, the organisers' emails the outbox keeps lose their details, and an organiser who
    was sent them is asked, by sign-up reference alone, to delete their copy."""
    rows = db.execute(_SIGNUP + " WHERE channel = ? AND address = ? ORDER BY id",
                      [channel, address]).fetchall()
    for made in map(signup_of, rows):
        for to in sorted(_call_back(db, made, erase=True)):
            enqueue(db, Message(
                f"signup:{made.id}:erased:{to}", KIND, "email", to,
                f"The volunteer of sign-up reference {made.id} has asked Local Support to "
                "delete their details. Please delete what we sent you about them. There is "
                "no need to contact them.",
                subject=f"Volunteer sign-up {made.id}: please delete their details"), now)


def described(db: sqlite_utils.Database, channel: str, address: str) -> str:
    """MY DATA's words for the person's sign-ups: "your volunteering sign-up for X;
    withdrawn: Y (kept a year)"; "" when there are none."""
    rows = db.execute(
        "SELECT coalesce(e.title, s.entry_id), s.withdrawn_at IS NOT NULL "
        "FROM volunteering_signups s LEFT JOIN entries e ON e.id = s.entry_id "
        "WHERE s.channel = ? AND s.address = ? ORDER BY s.id", [channel, address]).fetchall()
    standing = [str(title) for title, gone in rows if not gone]
    withdrawn = [str(title) for title, gone in rows if gone]
    parts = []
    if standing:
        parts.append("your volunteering sign-up for " + ", ".join(standing))
    if withdrawn:
        parts.append(("your " if not standing else "") + "withdrawn sign-up for "
                     + ", ".join(withdrawn) + " (kept a year)")
    return "; ".join(parts)


def queue_weekly_lists(db: sqlite_utils.Database, now: datetime) -> int:
    """The scheduler's weekly job (bot/scheduler.py): every organiser's list, once."""
    from catalogue.store import load_entries

    with write(db):
        return weekly_lists(db, load_entries(db), now)


# -- which roles fit ---------------------------------------------------------------------------

_WEEKEND = re.compile(r"\b(?:sat|saturdays?|sun|sundays?|weekends?)\b", re.IGNORECASE)
_EVENING = re.compile(r"\b(?:evenings?|(?:[5-9]|1[01])(?:[.:]\d\d)?\s*pm|night)\b", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|mondays?|tuesdays?|"
                      r"wednesdays?|thursdays?|fridays?|weekdays?|term time|mornings?|"
                      r"afternoons?)\b", re.IGNORECASE)


def times_of(entry: Entry) -> set[str]:
    """When a role happens, from its opening hours; empty = not said (fits anyone)."""
    hours = entry.opening_hours
    found = {name for name, pattern in (("weekends", _WEEKEND), ("evenings", _EVENING),
                                        ("weekdays", _WEEKDAY)) if pattern.search(hours)}
    return found


def fits(entry: Entry, age: int | None, ward: str | None, times: Sequence[str]) -> bool:
    if entry.kind != "volunteering":
        return False
    if age is not None and ((entry.min_age or MIN_AGE) > age
                            or (entry.max_age is not None and entry.max_age < age)):
        return False
    if ward and entry.wards and ward.lower() not in {w.lower() for w in entry.wards}:
        return False
    when = times_of(entry)
    return not when or not times or bool(when & set(times))


_NOT = "(?:not|no|except|apart from|but not)"  # a time that does not suit


def availability_said(text: str) -> list[str]:
    """["evenings", "weekends"] for "evenings and weekends"; all three for "any time"."""
    said = text.lower()
    refused = {t for t in TIMES  # "not weekends", "any time except evenings"
               if re.search(rf"\b{_NOT} (?:on |at )?{t[:-1]}s?\b", said)}
    if re.search(r"\b(?:any ?time|anytime|all of them|whenever|flexible)\b", said):
        return [t for t in TIMES if t not in refused]
    found = [t for t in TIMES if re.search(rf"\b{t[:-1]}s?\b", said)]
    if re.search(r"\b(?:sat|sun|saturdays?|sundays?)\b", said) and "weekends" not in found:
        found.append("weekends")
    if re.search(r"\b(?:after school|after work|nights?)\b", said) and "evenings" not in found:
        found.append("evenings")
    if re.search(r"\b(?:mon|mondays?|tue|tues|tuesdays?|wed|weds|wednesdays?|thu|thur|thurs|"
                 r"thursdays?|fri|fridays?|daytimes?|during the day|mornings?|afternoons?|"
                 r"school hours|(?:when|while) (?:the|my) (?:kids|children) (?:are|is) at school|"
                 r"school time)\b", said) and "weekdays" not in found and \
            not re.search(rf"\b{_NOT}\b", said):
        found.append("weekdays")  # "mondays only", "when the kids are at school"
    return [t for t in TIMES if t in found and t not in refused]
