"""Reasons as councillors read them: names hidden wherever they stand, at the start of a
sentence and in a sign-off too, while an ordinary reason keeps every word."""

from __future__ import annotations

import pytest
from conversation_kit import ENTRIES, WARDS

from conversations.councillors.reasons import known_words, redact_reason, representative

KNOWN = known_words([*(e.title for e in ENTRIES), *WARDS.values()])


@pytest.mark.parametrize(("said", "shown"), [
    ("Sarah here, my kids use it every Saturday", "[name] here, my kids use it every Saturday"),
    ("Sarah and I go every week", "[name] and I go every week"),
    ("Aisha here. We need it", "[name] here. We need it"),
    ("Priya walks her mum there daily", "[name] walks her mum there daily"),
    ("It is the only one we have. Okafor family have used it for years",
     "It is the only one we have. [name] family have used it for years"),
    ("Signed, J. Okafor", "Signed, [name]"),
    ("We go every week. Yours sincerely, J.K. Rowling",
     "We go every week. Yours sincerely, [name]"),
    ("It's our only library. Thanks! Sarah", "It's our only library. Thanks! [name]"),
    ("We go every week. Cheers.\nTom", "We go every week. Cheers.\n[name]"),
    ("Regards, Tom Baker", "Regards, [name]"),
    ("From Aisha", "From [name]"),
    ("my son Will goes there after school", "my son [name] goes there after school"),
    # surnames that are also conditions' names
    ("Tom Addison's shop needs the parking", "Tom [name] shop needs the parking"),
    ("I go with Jo Bell's mum", "I go with [name] mum"),
    ("Harry Lyme walks there daily", "Harry [name] walks there daily"),
    ("Sue Parkinson's kids play there every day", "Sue [name] kids play there every day"),
])
def test_names_are_hidden_wherever_they_stand(said: str, shown: str) -> None:
    assert redact_reason(said, KNOWN) == shown


@pytest.mark.parametrize("reason", [
    "The library is the only warm place my mum can go in winter",
    "We use it every week for the toddler group and the kids' homework club",
    "My kids go to the Saturday reading club there and love it",
    "Closing it is wrong. Older people rely on the computers there",
    "Saturday is the only day working parents can take their children",
    "There's nowhere else in walking distance. Buses are every hour at best",
    "Dont close it, its the heart of the community",
    "Theres no other library for miles. Pensioners need it",
    "Parking here is already a nightmare. Traffic past the school will get worse",
    "It'll kill the shops. Families here have used the green for decades",
    "You and I both know the car park will bring more traffic",
    "Honestly, the centre is well-used. Behaviour on the estate will get worse without it",
    "Favourite place for my grandchildren. Neighbours say the same",
    "Kids here, like mine, have nowhere else to go",
    "Volunteers run the book club. Without them it would close. Thanks from Riverside",
    "From Monday the car park on Mill Lane would fill the green. Thank you",
    "I have Crohn's and the toilets there are the only ones I can reach",
    "My husband has Parkinson\u2019s and cannot walk to the new stop. Down's syndrome too",
    "My daughter has Down's Syndrome and Bell's palsy, the toilets there are accessible",
    "my son has Down's and uses the centre every week",
])
def test_an_ordinary_reason_keeps_every_word(reason: str) -> None:
    assert redact_reason(reason, KNOWN) == reason


def test_representatives_count_every_reason_not_only_the_most_recent() -> None:
    alike = "Keep the library open please"
    reasons = [alike if n % 3 == 0 else f"{'abcdefghij'[n % 10]}{n} xq{n * 7} zv{n * 13}"
               for n in range(300)]  # newest first; 100 alike, spread over the week
    assert representative(reasons, 3)[0] == (alike, 100)  # not the 67 of the newest 200
