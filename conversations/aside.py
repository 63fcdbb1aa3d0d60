"""A check or an objection a new question interrupted, kept so that CARRY ON can take it up
again (conversations/engine.py calls these; the answers themselves stay in the session)."""

from __future__ import annotations

from conversations.flows.common import offer
from conversations.types import Outbound, Session
from conversations.wording import NOTHING_TO_RESUME, RESUMABLE

OFFERS = ("entitlement:offer", "objection:offer")  # "Would you like to check...?" and the like


def set_aside(session: Session) -> None:
    """Keep a check's or an objection's place (its state, question and choices) so that
    CARRY ON can take it up again; the answers themselves stay in the session anyway."""
    if not session.state.startswith(RESUMABLE) or not session.data.get("asked"):
        return
    session.data["set_aside"] = {
        "state": session.state, "flow": session.data.get("flow"),
        "asked": session.data["asked"], "choices": session.data.get("choices"),
        "labels": session.data.get("labels")}


def forget_set_aside_if_taken_up(session: Session) -> None:
    """A check or objection set aside and then started afresh (the person is in that kind
    of flow again) is not brought back by a later CARRY ON."""
    kept = session.data.get("set_aside")
    if session.state in OFFERS:
        return  # only offered a check or an objection ("whats the bus pass"): not taken up
    if isinstance(kept, dict) and session.state.partition(":")[0] == str(
            kept.get("state", "")).partition(":")[0]:
        session.data.pop("set_aside")


def resume(session: Session) -> list[Outbound]:
    """CARRY ON: the set-aside check or objection, its question put again."""
    kept = session.data.pop("set_aside", None)
    if not isinstance(kept, dict):
        return [Outbound(NOTHING_TO_RESUME)]
    session.state = str(kept["state"])
    if kept.get("flow") is not None:
        session.data["flow"] = kept["flow"]
    else:
        session.data.pop("flow", None)
    offer(session, list(zip(kept.get("labels") or [], kept.get("choices") or [], strict=False)))
    session.data["asked"] = kept["asked"]
    return [Outbound(str(kept["asked"]), choices=tuple(kept.get("labels") or ()))]
