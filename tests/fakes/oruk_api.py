"""An Open Referral UK API stand-in on loopback: `GET /services?page=N&per_page=M` answers
pages of the services it is given, in the ORUK 1.0 or 3.0 page shape, and remembers the
pages asked for. It can answer one page with an error, or ignore `page` as some do."""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web


class FakeOrukApi:
    def __init__(self, services: list[dict[str, Any]], *, shape: str = "v3") -> None:
        self.services = services
        self.shape = shape
        self.asked: list[tuple[int, int]] = []  # (page, per_page)
        self.fail_page: int | None = None
        self.ignore_page = False
        self.url = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/api/services", self.page)
        return app

    async def page(self, request: web.Request) -> web.Response:
        number = int(request.query.get("page", "1"))
        size = int(request.query.get("per_page", "50"))
        self.asked.append((number, size))
        if number == self.fail_page:
            return web.Response(status=503, text="Service Unavailable")
        if self.ignore_page:
            number = 1
        pages = max(1, math.ceil(len(self.services) / size))
        chunk = self.services[(number - 1) * size: number * size]
        if self.shape == "v1":
            body: dict[str, Any] = {
                "totalElements": len(self.services), "totalPages": pages, "number": number,
                "size": size, "first": number == 1, "last": number >= pages,
                "empty": not chunk, "content": chunk}
        else:
            body = {"total_items": len(self.services), "total_pages": pages,
                    "page_number": number, "size": size, "first_page": number == 1,
                    "last_page": number >= pages, "empty": not chunk, "contents": chunk}
        return web.json_response(body)
