"""The one owner of the SQLite connection: a single worker thread.

The event loop never touches the database. Each `call` runs a function with the state
built on that thread (the assistant and its connection), one call after another, so
SQLite sees one writer and the loop stays free (STYLE habit 3).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

S = TypeVar("S")
R = TypeVar("R")


class DbThread(Generic[S]):
    def __init__(self, open_state: Callable[[], S], close_state: Callable[[S], None]) -> None:
        self._open_state = open_state
        self._close_state = close_state
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._state: S | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._state = await loop.run_in_executor(self._executor, self._open_state)

    async def call(self, fn: Callable[[S], R]) -> R:
        """Run `fn(state)` on the database thread and wait for its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._apply, fn)

    def _apply(self, fn: Callable[[S], R]) -> R:
        if self._state is None:
            raise RuntimeError("the database thread is not started")
        return fn(self._state)

    async def stop(self) -> None:
        """Close the state on its own thread, after every call already queued."""
        loop = asyncio.get_running_loop()
        if self._state is not None:
            state, self._state = self._state, None
            await loop.run_in_executor(self._executor, self._close_state, state)
        self._executor.shutdown(wait=True)
