"""Memory for one request or one export: a dashboard asks for the same labels and settings for
each of its panels; inside ``memoised()`` each is read once. Outside, nothing is kept (a later
request sees renamed institutions at once)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("sanad_statistics_memo", default=None)


@contextmanager
def memoised() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def peek(key: Hashable) -> Any:
    """What ``cached`` holds for ``key`` in this request, or None."""
    memo = _memo.get()
    return None if memo is None else memo.get(key)
