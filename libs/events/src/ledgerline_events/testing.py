"""Test support for code built on the runtime: no fakes, only waiting on the real asynchronous
relays and consumers to catch up."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T]], timeout: float = 60.0,  # noqa: ASYNC109
                     interval: float = 0.1) -> T:
    """Poll `check` until it returns something truthy and return that; fail after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"condition not reached in {timeout:g} s")
        await asyncio.sleep(interval)
