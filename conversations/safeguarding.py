"""Spotting a person in danger, so crisis contacts come first whatever else they asked.

PLACEHOLDER: the detector lands with the conversations work.
"""

from __future__ import annotations

CRISIS_TEXT = (
    "If you are in danger now, call 999. You can talk to someone any time: "
    "Childline 0800 1111 (under 19s), Samaritans 116 123, or text SHOUT to 85258."
)


def in_danger(text: str) -> bool:
    """True when the message signals danger to the person (self-harm, abuse, being hurt)."""
    return False
