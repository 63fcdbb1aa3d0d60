"""What every request goes through before and after its route: limits on size and time,
strict decoding of bodies, security headers, and a last resort for bugs.

- A body is read by `read_body` (a size limit, a time limit) and decoded strictly
  (`form_fields`, `json_body`): anything malformed is a 4xx with a short reason.
- Compressed bodies are refused (the server does not decompress: bot/app.py
  `handler_options`), so a zip bomb or deflate garbage costs nothing.
- `time_limit`: a request that takes longer than `request_timeout` gets 503 (a client
  trickling its body gets 408 from `read_body` first); a connection that never finishes
  its headers is closed after the same time (aiohttp's `keepalive_timeout`).
- `last_resort`: an unexpected exception is a 500 and ONE log line: its type, where it was
  raised and the route; never the body, never a traceback.
- `secure_headers`: no version in `Server`, `nosniff`, `Referrer-Policy`, no framing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.typedefs import Middleware
from multidict import MultiDict

log = logging.getLogger("localsupport.http")

SERVER = "localsupport"
NO_FRAMES_CSP = "default-src 'none'; frame-ancestors 'none'"
MAX_FIELDS = 200  # a Twilio form has about 20, plus 2 per picture
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class BadInput(ValueError):
    """A body that cannot be read; the message says why, in a few words."""


def too_large(limit: int) -> web.HTTPRequestEntityTooLarge:
    return web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=limit + 1,
                                         text=f"The body is larger than {limit} bytes.\n")


async def read_body(request: web.Request, limit: int) -> bytes:
    """The request's body, at most `limit` bytes (413 beyond). Raises 415 for a compressed
    body; a client too slow to send it is cut off by `time_limit` (408)."""
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise web.HTTPUnsupportedMediaType(text="Compressed bodies are not accepted: "
                                           "send it without Content-Encoding.\n")
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def form_type_problem(content_type: str, charset: str | None) -> str | None:
    """Why a body of this type is not a form we read (checked before reading it)."""
    if content_type != "application/x-www-form-urlencoded":
        return "send application/x-www-form-urlencoded"
    if charset is not None and charset.lower() not in ("utf-8", "utf8"):
        return "send the form in UTF-8"
    return None


def form_fields(body: bytes) -> MultiDict[str]:
    """An application/x-www-form-urlencoded body in UTF-8, every value of every field, as
    Twilio signs it. Anything else raises BadInput."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, encoding="utf-8",
                          errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise BadInput("the form is not valid UTF-8") from None
    except ValueError:
        raise BadInput(f"the form has more than {MAX_FIELDS} fields") from None
    return MultiDict(pairs)


def json_body(body: bytes) -> Any:
    """JSON in UTF-8, with no lone surrogates in its strings. Raises BadInput."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadInput("the body is not valid UTF-8") from None
    except RecursionError:
        raise BadInput("the JSON is nested too deeply") from None
    except ValueError:
        raise BadInput("the body is not JSON") from None
    if not encodable(data):
        raise BadInput("the JSON holds a lone surrogate (\\ud800-\\udfff)")
    return data


def encodable(data: Any) -> bool:
    """Every string in `data` (keys too) can be written as UTF-8; `data` is at most as deep
    as json.loads allowed."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


OUR_CODE = ("/bot/", "/catalogue/", "/conversations/", "/tests/")


def where(error: BaseException) -> str:
    """The file and line of our code an exception was raised in (else the innermost), for
    a one-line log."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    ours = [frame for frame in frames if any(part in frame.filename for part in OUR_CODE)]
    last = (ours or frames)[-1]
    return "/".join(last.filename.split("/")[-2:]) + f":{last.lineno}"


def route_of(request: web.Request) -> str:
    """The route's declared path, never the path as sent (it may hold anything)."""
    info = request.match_info
    route = getattr(info, "route", None)
    resource = getattr(route, "resource", None)
    return f"{request.method} {resource.canonical if resource is not None else '?'}"


def time_limit(seconds: float) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            async with asyncio.timeout(seconds):
                return await handler(request)
        except TimeoutError:
            if not request.content.is_eof():
                return web.Response(status=408, text="The request took too long to "
                                    "arrive.\n", headers={"Connection": "close"})
            return web.Response(status=503, text="Busy: please try again shortly.\n",
                                headers={"Retry-After": "5"})

    return middleware


@web.middleware
async def last_resort(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except (web.HTTPException, asyncio.CancelledError):
        raise
    except Exception as error:
        log.error("%s at %s on %s", type(error).__name__, where(error), route_of(request))
        return web.Response(status=500, text="Something went wrong on our side; please "
                            "try again later.\n")


async def secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: every response the application sends."""
    headers = response.headers
    headers["Server"] = SERVER
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers.setdefault("Content-Security-Policy", NO_FRAMES_CSP)


class OneLine(logging.Filter):
    """aiohttp's own log of a request it could not parse (garbage, a bad header) as one
    line with the error's type, at INFO: scanners send such things all day."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(error).__name__}"
            record.args, record.exc_info, record.exc_text = None, None, None
            if isinstance(error, HttpProcessingError):
                record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def protocol_log() -> logging.Logger:
    """The logger aiohttp's connection handler writes to (bot/app.py `handler_options`)."""
    logger = logging.getLogger("localsupport.http.protocol")
    if not any(isinstance(f, OneLine) for f in logger.filters):
        logger.addFilter(OneLine())
    return logger


def install(app: web.Application, request_timeout: float) -> None:
    """The middlewares (outermost first) and the headers, on `app`."""
    app.middlewares.extend([last_resort, time_limit(request_timeout)])
    app.on_response_prepare.append(secure_headers)
