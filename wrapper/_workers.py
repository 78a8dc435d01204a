"""The worker threads of ``client.aio``: where the sync client's blocking calls run, so that the
event loop never waits on a socket.

The async client adds no HTTP, retry or history code of its own: each awaited method runs the
sync method (request building, the transport with its retries, backoff and timeouts, the
stream readers, the chat's history) on one of these threads and hands the result back to the
loop. The pool is bounded (the async client makes it ``max_connections`` threads, as many as
the transport may open connections, so that no running call waits for a connection); calls
beyond that wait in the pool's queue, not on the loop.

A blocking read cannot be interrupted from another thread: a task cancelled while its call is
running stops waiting at once, but the call runs on to its end (for a stream: until the read
in progress returns), and the caller can say what then happens to its result
(:meth:`Workers.run`'s ``release``) or what runs next (:meth:`Workers.start`'s ``after``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from gemwire.errors import APIConnectionError

__all__ = ["Workers"]

T = TypeVar("T")

_here = threading.local()  # .worker is True on the pool's threads


def _mark_worker() -> None:
    _here.worker = True


class Workers:
    """A bounded pool of threads that runs blocking jobs for coroutines."""

    def __init__(self, size: int) -> None:
        self._executor = ThreadPoolExecutor(
            size, thread_name_prefix="gemwire-aio", initializer=_mark_worker
        )
        self._closed = False

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    async def run(self, job: Callable[[], T], *, release: Callable[[T], object] | None = None) -> T:
        """Run ``job`` on a worker; return what it returns, or raise what it raises.

        If the awaiting task is cancelled, ``job`` still runs to its end if it had started, and
        then what it returned goes to ``release`` (on a worker): a stream that nobody will read
        is closed that way.
        """
        future = self.start(job)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            if release is not None:
                self.start(lambda: _hand_over(future, release), after=future, cleanup=True)
            raise

    def start(
        self,
        job: Callable[[], T],
        *,
        after: Future[Any] | None = None,
        cleanup: bool = False,
    ) -> Future[T]:
        """Start ``job`` on a worker once ``after`` (if any) is done, however it ended; its future.

        Raises :class:`~gemwire.errors.APIConnectionError` once the pool is closed, unless the
        job is a ``cleanup`` (closing a stream), which then runs in the thread at hand; a
        cleanup's future cannot be cancelled, so it runs even if the task awaiting it is.
        """
        if self._closed and not cleanup:
            raise _closed_error()
        future: Future[T] = Future()
        if cleanup:
            future.set_running_or_notify_cancel()

        def go(_: object = None) -> None:
            if getattr(_here, "worker", False):  # ``after`` ended on a worker: go on there
                _settle(future, job)
                return
            try:
                self._executor.submit(_settle, future, job)
            except RuntimeError:  # the pool was shut down meanwhile
                if cleanup:
                    _settle(future, job)
                else:
                    future.set_exception(_closed_error())

        if after is None:
            go()
        else:
            after.add_done_callback(go)
        return future

    def close(self) -> None:
        """Refuse new work; the threads end once the jobs already handed to them are done."""
        self._closed = True
        self._executor.shutdown(wait=False)


def _settle(future: Future[T], job: Callable[[], T]) -> None:
    """Run ``job`` into ``future``, unless the future was cancelled before it started."""
    if not future.running() and not future.set_running_or_notify_cancel():
        return
    try:
        result = job()
    except BaseException as error:
        future.set_exception(error)
    else:
        future.set_result(result)


def _hand_over(future: Future[T], release: Callable[[T], object]) -> None:
    """Give the result of a finished ``future`` to ``release``, if it has one."""
    if not future.cancelled() and future.exception() is None:
        release(future.result())


def _closed_error() -> APIConnectionError:
    return APIConnectionError("the async client is closed (client.aio.aclose())")
