"""Real-shaped Open Referral UK feeds for the tests, built from the published examples in
tests/data/oruk-examples/ (ORUK 3.0 UK profile and HSDS 3.0; CC BY-SA 4.0, see the LICENSE
files there) and the v1 page in tests/data/oruk-sample.json, plus what real council feeds
hold besides: a blank placeholder service, two different services sharing an id, one
service listed twice, HTML with CKEditor comments, entities, headings, lists and
non-breaking spaces, and a defunct service."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
EXAMPLES = DATA / "oruk-examples"
SCHEMAS = DATA / "oruk-schemas"
JSON = dict[str, Any]

HTML_DESCRIPTION = (
    '<h2>Christmas Cheer</h2><!--{cke_protected}%3Cmeta%20charset%3D%22utf-8%22%2F%3E-->'
    "<p>Food&nbsp;parcels &amp; gifts for families who are struggling this winter.</p>"
    "<p>We also offer:</p><ul><li>Warm clothes</li><li>Toys&#160;for under&#8209;5s</li></ul>"
    "<script>track()</script>"
)


def example(name: str, profile: str = "v3-uk-profile") -> Any:
    return json.loads((EXAMPLES / profile / name).read_text(encoding="utf-8"))


def v1_services() -> list[JSON]:
    page = json.loads((DATA / "oruk-sample.json").read_text(encoding="utf-8"))
    return list(page["content"])


def counselling(number: int) -> JSON:
    """The UK profile's full example service, made into the number-th of a council's."""
    service: JSON = copy.deepcopy(example("service_full.json"))
    service["id"] = str(uuid.UUID(int=number))
    service["name"] = f"Community Counselling {number}"
    return service


def messy_feed() -> list[JSON]:
    """Ten good services and the troubles of real feeds, in a v3 page's "contents"."""
    services = [counselling(n) for n in range(1, 11)]
    placeholder = {"id": "oruk-placeholder-1", "name": "", "description": "", "status": "active"}
    clash = counselling(3) | {"name": "Debt Advice Drop-in", "description": "Money advice."}
    html = counselling(11) | {"name": "Christmas Cheer", "description": HTML_DESCRIPTION}
    defunct = counselling(12) | {"status": "defunct"}
    return [*services[:5], placeholder, clash, copy.deepcopy(services[1]), html, defunct,
            *services[5:]]


def page(services: list[JSON], number: int = 1, pages: int = 1) -> JSON:
    """An ORUK 3.0 page of /services."""
    return {"total_items": len(services), "total_pages": pages, "page_number": number,
            "size": len(services), "first_page": number == 1, "last_page": number == pages,
            "empty": not services, "contents": services}


def write_feed(path: Path, services: list[JSON]) -> Path:
    path.write_text(json.dumps(page(services)), encoding="utf-8")
    return path
