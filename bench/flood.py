"""A flood: one phone number and one web client sending hundreds of messages, while other
people's replies are timed (bot/fairuse.py is what keeps them quick).

`flood` posts prepared requests with a few in flight. Run as a process
(`python -m bench.flood FILE`, used by tests/test_fairuse.py), its client work is not on
the event loop of the server it floods, as on the internet: it prints "ready", floods,
and prints the statuses as JSON.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

Post = tuple[bytes, dict[str, str]]


@dataclass(frozen=True)
class Flood:
    url: str
    posts: Sequence[Post]
    at_once: int = 4
    cookies: bool = False  # keep the cookie the first answer sets (a browser)
    rate: float = 0.0  # requests per second at most (0: as fast as the server answers)

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "at_once": self.at_once, "cookies": self.cookies,
                "rate": self.rate,
                "posts": [[base64.b64encode(body).decode(), headers]
                          for body, headers in self.posts]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Flood:
        return cls(data["url"], [(base64.b64decode(body), headers)
                                 for body, headers in data["posts"]],
                   data["at_once"], data["cookies"], data.get("rate", 0.0))


async def flood(one: Flood) -> list[int]:
    """POST every request, `at_once` in flight, request n not before n / `rate` seconds
    from the start; the statuses (0: no answer)."""
    jar: aiohttp.abc.AbstractCookieJar = aiohttp.CookieJar(unsafe=True) if one.cookies \
        else aiohttp.DummyCookieJar()
    statuses: list[int] = []
    queue = iter(one.posts)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async def post(body: bytes, headers: dict[str, str]) -> None:
            try:
                async with session.post(one.url, data=body, headers=headers) as response:
                    await response.read()
                    statuses.append(response.status)
            except aiohttp.ClientError:
                statuses.append(0)

        loop = asyncio.get_running_loop()
        start = loop.time()
        numbered = enumerate(queue)

        async def worker() -> None:
            for n, (body, headers) in numbered:
                if one.rate:
                    await asyncio.sleep(max(0.0, start + n / one.rate - loop.time()))
                await post(body, headers)

        if one.cookies:  # the first answer sets the visitor's cookie
            first = next(queue, None)
            if first is not None:
                await post(*first)
        await asyncio.gather(*(worker() for _ in range(one.at_once)))
    return statuses


async def flood_all(floods: Sequence[Flood]) -> list[list[int]]:
    return list(await asyncio.gather(*(flood(one) for one in floods)))


async def from_another_process(floods: Sequence[Flood], folder: Path) -> list[list[int]]:
    """`flood_all` in a process of its own (`python -m bench.flood`), so the flood's client
    work competes neither with the server's event loop nor with the client timing others."""
    plan = folder / "flood.json"
    plan.write_text(json.dumps([one.to_json() for one in floods]))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.flood", str(plan), cwd=Path(__file__).parent.parent,
        stdout=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    try:
        await asyncio.wait_for(process.stdout.readline(), 60)  # "ready"
        statuses: list[list[int]] = json.loads(await asyncio.wait_for(
            process.stdout.readline(), 600))
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
    return statuses


def main(argv: Sequence[str]) -> int:
    floods = [Flood.from_json(item) for item in json.loads(Path(argv[0]).read_text())]
    print("ready", flush=True)
    print(json.dumps(asyncio.run(flood_all(floods))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
