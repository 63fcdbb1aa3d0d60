"""Time-bank offers and requests, matches, and introductions through the assistant (both
sides agree; neither ever sees the other's number or chat id). See timebank.md."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from catalogue.normalise import stem
from conversations import timebank
from conversations import timebank_notices as notices
from conversations.flows.common import Context, ask, end_flow, flow_data
from conversations.outbox import iso
from conversations.timebank import Member
from conversations.types import Outbound, Session

ALIKE = 70  # rapidfuzz token_set_ratio: an offer and a need this alike match
MAX_MATCHES = 3
SHOWN_LISTINGS = 4  # MY OFFERS fits two texts; the rest are counted, and shown once some close


def post_listing(ctx: Context, me: Member, kind: str, text: str) -> list[Outbound]:
    ctx.db.execute(
        "INSERT INTO timebank_listings (member, channel, address, kind, text, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)", [me.id, me.channel, me.address, kind, text[:200],
                                      iso(ctx.now)])
    return [Outbound(f"Posted your {kind}: \"{text[:80]}\". Send MATCHES to see members "
                     "who may fit.")]


def open_listings(ctx: Context, me: Member) -> list[tuple[int, str, str]]:
    """(id, kind, text) of the member's offers and requests still open, oldest first."""
    return [(int(i), str(kind), str(text)) for i, kind, text in ctx.db.execute(
        "SELECT id, kind, text FROM timebank_listings WHERE member = ? AND closed_at IS NULL "
        "ORDER BY id", [me.id])]


def show_listings(ctx: Context, session: Session, me: Member) -> list[Outbound]:
    """MY OFFERS: the open ones numbered, so CLOSE 2 means what the member saw."""
    every = open_listings(ctx, me)
    if not every:
        return [Outbound("You have no open offers or requests. Post one with \"offer ...\" or "
                         "\"request ...\".")]
    listed = every[:SHOWN_LISTINGS]
    session.data["listings"] = [listing_id for listing_id, _, _ in listed]
    lines = [f"{n}. {kind}: {text[:60]}" for n, (_, kind, text) in enumerate(listed, 1)]
    if len(every) > len(listed):
        lines.append(f"(and {len(every) - len(listed)} more)")
    return [Outbound("Your open offers and requests:\n" + "\n".join(lines)
                     + "\nWhen one is done or no longer needed, send CLOSE and its number.")]


def close_listing(ctx: Context, session: Session, me: Member, number: int) -> list[Outbound]:
    """CLOSE N: the offer or request numbered N in the last MY OFFERS stops showing in
    matches (it is kept, closed, for the time bank's activity figures until FORGET ME)."""
    shown = session.data.get("listings")
    ids = [int(i) for i in shown] if isinstance(shown, list) else [
        listing_id for listing_id, _, _ in open_listings(ctx, me)[:SHOWN_LISTINGS]]
    if not 1 <= number <= len(ids):
        return [Outbound(f"I can't find number {number}. Send MY OFFERS to see yours numbered.")]
    row = ctx.db.execute("SELECT kind, text FROM timebank_listings WHERE id = ? AND member = ? "
                         "AND closed_at IS NULL", [ids[number - 1], me.id]).fetchone()
    if row is None:
        return [Outbound("That one is already closed. Send MY OFFERS to see what is open.")]
    ctx.db.execute("UPDATE timebank_listings SET closed_at = ? WHERE id = ?",
                   [iso(ctx.now), ids[number - 1]])
    return [Outbound(f"Closed your {row[0]}: \"{str(row[1])[:60]}\". It no longer shows in "
                     "matches.")]


def wishes(ctx: Context, member: Member, kind: str) -> list[str]:
    """What a member offers (kind "offer") or needs ("request"): their joining answers and
    their open listings."""
    profile = member.offers if kind == "offer" else member.needs
    listed = [row[0] for row in ctx.db.execute(
        "SELECT text FROM timebank_listings WHERE member = ? AND kind = ? AND closed_at IS NULL",
        [member.id, kind])]
    parts = [p.strip() for p in profile.replace(" and ", ",").split(",") if p.strip()]
    return parts + listed


COMMON = frozenset({"help", "with", "the", "my", "in", "some", "and", "for", "someone",
                    "need", "a", "an", "to", "of", "me", "can", "offer", "do", "any"})


def stems(text: str) -> set[str]:
    """Words that say what it is, as stems ("gardening", "garden" -> "garden"; "cook a
    meal", "cooking" -> "cook"; catalogue/normalise.py) and as their first five letters
    ("painter", "paint" -> "paint")."""
    found = [word for word in re.findall(r"[a-z]+", text.lower())
             if word not in COMMON and len(word) > 2]  # and the first five letters, which
    return {stem(word) for word in found} | {word[:5] for word in found}  # "painter", "paint"


def alike(want: str, offer: str) -> bool:
    return bool(stems(want) & stems(offer)) or fuzz.token_set_ratio(
        want.lower(), offer.lower()) >= ALIKE


def _fits(wanted: list[str], offered: list[str]) -> tuple[str, str] | None:
    """(the thing wanted, the thing offered alike it), the first such pair, or None."""
    for want in wanted:
        for offer in offered:
            if alike(want, offer):
                return want, offer
    return None


def matches(ctx: Context, session: Session, me: Member) -> list[Outbound]:
    """Members who offer what I need (then who need what I offer), my ward first, and
    those who said no to an introduction last."""
    needs, offers = wishes(ctx, me, "request"), wishes(ctx, me, "offer")
    found: list[tuple[bool, Member, str, str, str]] = []  # ..., shown, verb, what it's about
    for other in timebank.members(ctx.db):
        if other.id == me.id:
            continue
        if pair := _fits(needs, wishes(ctx, other, "offer")):  # about what I asked for
            found.append((other.ward != me.ward, other, pair[1], "offers", pair[0]))
        elif pair := _fits(offers, wishes(ctx, other, "request")):  # about what they need
            found.append((other.ward != me.ward, other, pair[1], "needs", pair[1]))
    declined = {row[0] for row in ctx.db.execute(  # "no sorry too busy": offered last
        "SELECT asked FROM timebank_introductions WHERE asker = ? AND state = 'declined'",
        [me.id])}
    found.sort(key=lambda item: (item[1].id in declined, item[3] != "offers", item[0],
                                 item[1].id))
    if not found:
        end_flow(session)
        return [Outbound("No matches yet. Post what you need with \"request ...\" (or what you "
                         "can do with \"offer ...\") and ask again later.")]
    shown = found[:MAX_MATCHES]
    choices = [(f"{m.name} ({m.ward or 'no ward'}) {verb} {thing[:30]}", f"answer:intro:{m.id}")
               for _, m, thing, verb, _ in shown]
    session.data["flow"] = {"kind": "timebank",
                            "about": {str(m.id): about for _, m, _, _, about in shown}}
    return [ask(session, "timebank:matches", "These members may fit. Pick one and I'll ask "
                "them to get in touch; numbers stay private.", choices)]


ABOUT = 50  # characters of what an introduction is about


def ask_introduction(ctx: Context, session: Session, me: Member, value: str
                     ) -> list[Outbound] | None:
    other = timebank.member(ctx.db, int(value)) if value.isdigit() else None
    picked = (flow_data(session).get("about") or {}).get(value)  # what the match was about
    end_flow(session)
    if other is None or other.first_name is None:
        return [Outbound("That member has left the time bank.")]
    about = picked or ", ".join(wishes(ctx, me, "request")[:1])
    if len(about) > ABOUT:  # a listing may be long: what it is about, in a few words
        about = about[:ABOUT].rsplit(" ", 1)[0] + "..."
    cursor = ctx.db.execute(
        "INSERT INTO timebank_introductions (asker, asked, about, state, created_at) "
        "VALUES (?, ?, ?, 'asked', ?) ON CONFLICT (asker, asked) DO NOTHING",
        [me.id, other.id, about or None, iso(ctx.now)])
    if not cursor.rowcount:
        state = ctx.db.execute("SELECT state FROM timebank_introductions WHERE asker = ? AND "
                               "asked = ?", [me.id, other.id]).fetchone()[0]
        return [Outbound({
            "accepted": f"You're already in touch with {other.name}: send \"to {other.name}: "
                        "your message\".",
            "declined": f"{other.name} couldn't help this time. Send MATCHES to see others.",
        }.get(state, f"I've already asked {other.name}. I'll tell you when they answer."))]
    notices.introduce(ctx.db, int(cursor.lastrowid or 0), me, other, about, ctx.now)
    return [Outbound(f"I've asked {other.name} if they'd like to be put in touch. I'll tell "
                     "you what they say.")]


def waiting_intros(ctx: Context, me: Member) -> list[tuple[int, Member]]:
    """Introductions other members asked of me that I have not answered, oldest first."""
    rows = ctx.db.execute("SELECT id, asker FROM timebank_introductions WHERE asked = ? "
                          "AND state = 'asked' ORDER BY id", [me.id]).fetchall()
    found = [(int(i), timebank.member(ctx.db, int(asker))) for i, asker in rows]
    return [(i, asker) for i, asker in found if asker is not None]


def answer_intros(ctx: Context, session: Session, me: Member, yes: bool,
                  intro_id: int | None = None) -> list[Outbound] | None:
    """A YES or NO to an introduction: the one asked about, the only one waiting, or
    which one (several waiting); None when none waits."""
    waiting = waiting_intros(ctx, me)
    if intro_id is not None and len(waiting) <= 1:
        return intro_answer(ctx, session, me, intro_id, yes)
    if len(waiting) == 1:
        return intro_answer(ctx, session, me, waiting[0][0], yes)
    if not waiting:
        return None
    session.data["flow"] = {"kind": "timebank", "yes": yes}
    word = "agree to" if yes else "say no to"
    return [ask(session, "timebank:pick_intro", f"{len(waiting)} members asked to be put in "
                f"touch. Which one do you {word}?",
                [(asker.described, f"answer:intro:{i}") for i, asker in waiting[:4]])]


def intro_answer(ctx: Context, session: Session, me: Member, intro_id: int, yes: bool
                 ) -> list[Outbound]:
    end_flow(session)
    row = ctx.db.execute("SELECT asker FROM timebank_introductions WHERE id = ? AND asked = ? "
                         "AND state = 'asked'", [intro_id, me.id]).fetchone()
    asker = timebank.member(ctx.db, int(row[0])) if row else None
    if asker is None:
        return [Outbound("That request has already been answered.")]
    ctx.db.execute("UPDATE timebank_introductions SET state = ? WHERE id = ?",
                   ["accepted" if yes else "declined", intro_id])
    notices.introduced(ctx.db, intro_id, asker, me, yes, ctx.now)
    if yes:
        return [Outbound(f"Thanks! Send \"to {asker.name}: your message\" and I'll pass it "
                         "on. Your number stays private.")]
    return [Outbound(f"OK, I'll tell {asker.name} you can't this time.")]


def in_touch(ctx: Context, me: Member, name: str) -> list[Member]:
    """The members called `name` I was introduced to (either way round), oldest first."""
    return [other for _, other_id in timebank.contacts(ctx.db, me.id)
            if (other := timebank.member(ctx.db, other_id)) is not None
            and (other.first_name or "").lower() == name.lower()]


def relay(ctx: Context, me: Member, name: str, where: str, text: str) -> list[Outbound]:
    """Pass a message to a member I was introduced to (either way round); `where`, their
    ward, tells two of one name apart, who are otherwise asked about, never guessed."""
    named = in_touch(ctx, me, name)
    in_ward = [m for m in named if (m.ward or "").lower().startswith(where.lower())]
    if where and named and not in_ward:
        wards = ", ".join(f"{m.name} ({m.ward or 'no ward'})" for m in named)
        return [Outbound(f"You're in touch with {wards}, not one in \"{where}\". To send it, "
                         f"write \"to {named[0].name}: ...\". Nothing was passed on.")]
    if where:
        named = in_ward
    if len(named) == 1:
        notices.relay(ctx.db, me, named[0], text, ctx.now)
        return [Outbound(f"Passed on to {named[0].name}.")]
    if named:
        ways = " or ".join(f'"to {m.name} in {m.ward}: ..."' for m in named if m.ward)
        return [Outbound(f"You're in touch with {len(named)} members called {named[0].name}. "
                         f"Say which: {ways}. Nothing was passed on.")]
    return [Outbound(f"You're not in touch with a member called {name.capitalize()} yet. Send "
                     "MATCHES to find members, and I'll ask them first.")]
