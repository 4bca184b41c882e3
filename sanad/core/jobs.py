"""Conventions for background jobs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import close_old_connections, connection

P = ParamSpec("P")
R = TypeVar("R")


def releases_db_connection(func: Callable[P, R]) -> Callable[P, R]:
    """Sync jobs run in the worker's threads; each such thread would otherwise keep its own Django
    connection open forever. Close it when the job ends, as Django does at the end of a request."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        # Called inside a transaction (a test, or a job run inline), the connection is not ours to close.
        owned = not connection.in_atomic_block
        if owned:
            close_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            if owned:
                connection.close()

    return wrapper
