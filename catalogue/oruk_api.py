"""Reading a live Open Referral UK API: every page of `/services`.

`localsupport catalogue import https://.../services` and the daily re-import of
`CATALOGUE_URL` (bot/scheduler.py) read the pages one after another with `page` and
`per_page` (both ORUK 1.0 and 3.0 name them so), until the page the API calls the last
(`last` / `last_page`, or `totalPages` / `total_pages` reached), an empty page, or a page
holding nothing new (an API that ignores `page`). A page that cannot be had (no answer,
an HTTP error, not JSON) stops the read with a CatalogueError naming the page and URL:
a feed is imported whole or not at all, service by service (catalogue/oruk.py).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp

from catalogue.oruk import gathered, page_records
from catalogue.problems import CatalogueError, Problem

PER_PAGE = 100
MAX_PAGES = 2_000  # 200,000 services: far past any council's directory
PAGE_TIMEOUT_S = 60
HEADERS = {"Accept": "application/json", "User-Agent": "localsupport (Open Referral UK reader)"}


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def page_url(url: str, page: int, per_page: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("page", "per_page")]
    query += [("page", str(page)), ("per_page", str(per_page))]
    return urlunsplit(parts._replace(query=urlencode(query)))


def failed(url: str, page: int, why: str) -> CatalogueError:
    return CatalogueError([Problem(None, None, f"page {page} of {url}: {why}")], url)


async def fetch_page(session: aiohttp.ClientSession, url: str, page: int,
                     per_page: int) -> Any:
    address = page_url(url, page, per_page)
    try:
        async with session.get(address, headers=HEADERS) as response:
            if response.status != 200:
                raise failed(url, page, f"the API answered {response.status} {response.reason}")
            body = await response.read()
    except (TimeoutError, aiohttp.ClientError) as error:
        raise failed(url, page, f"no answer ({error.__class__.__name__}: {error})") from None
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise failed(url, page, f"the answer is not JSON ({error})") from None


def is_last(data: Any, page: int) -> bool:
    if not isinstance(data, dict):
        return True  # a plain list is the whole feed
    if data.get("last") is True or data.get("last_page") is True:
        return True
    total = data.get("totalPages", data.get("total_pages"))
    return isinstance(total, int) and page >= total


async def fetch_services(url: str, *, per_page: int = PER_PAGE,
                         session: aiohttp.ClientSession | None = None) -> list[Any]:
    """Every service record the API lists, page after page."""
    timeout = aiohttp.ClientTimeout(total=PAGE_TIMEOUT_S)
    own = session is None
    client = session or aiohttp.ClientSession(timeout=timeout)
    records: list[Any] = []
    seen: set[str] = set()
    try:
        for page in range(1, MAX_PAGES + 1):
            data = await fetch_page(client, url, page, per_page)
            found = page_records(data, url)
            ids = {json.dumps(r, sort_keys=True) for r in found}
            if not found or ids <= seen:
                break
            seen |= ids
            records += found
            if is_last(data, page):
                break
    finally:
        if own:
            await client.close()
    return gathered(records)


def read_feed(url: str, per_page: int = PER_PAGE) -> list[Any]:
    """`fetch_services` for the command line (no event loop running)."""
    return asyncio.run(fetch_services(url, per_page=per_page))
