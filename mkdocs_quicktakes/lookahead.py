"""Values computed in a forked process, ahead of the build process that asks for them in order.

MkDocs builds pages one after another in one process, so on a machine with more than one core the
others wait. The plugin's own work for a page (its template view and head tags) depends only on
what the build knows before the first page is built, so a child forked at that moment can compute
it for every page in build order while MkDocs builds: the build process receives each result just
before it needs it. A value the child could not deliver (it failed, or was never asked for) is
``None``, and the caller computes it itself, with the same result.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import TYPE_CHECKING, Generic, TypeVar

from mkdocs_quicktakes.workers import fork_is_safe

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from multiprocessing.connection import Connection

K = TypeVar("K")
V = TypeVar("V")

_BATCH = 16  # values sent at once: few pipe round trips, and the child stays only just ahead


class Lookahead(Generic[K, V]):
    """``compute(key)`` for each key, computed in a forked child in the order of the keys.

    The pipe's buffer keeps the child only a few batches ahead of :meth:`get`. Use it as a
    context manager or call :meth:`close`, which stops and reaps the child.
    """

    def __init__(self, pid: int, connection: Connection, keys: frozenset[K]) -> None:
        self._pid = pid
        self._connection = connection
        self._keys = keys
        self._ready: dict[K, V] = {}
        self._open = True

    @classmethod
    def start(cls, keys: Sequence[K], compute: Callable[[K], V]) -> Lookahead[K, V] | None:
        """Fork a child computing the values of ``keys``; ``None`` where forking is unsafe.

        ``compute`` must not log or write: the child shares the build's output streams.
        """
        if not fork_is_safe():
            return None
        reader, writer = multiprocessing.Pipe(duplex=False)
        pid = os.fork()
        if pid == 0:  # the child
            reader.close()
            _compute_and_exit(keys, compute, writer)
        writer.close()
        return cls(pid, reader, frozenset(keys))

    def get(self, key: K) -> V | None:
        """The value of ``key``, waiting for the child if need be; ``None`` if it has none."""
        if key not in self._keys:
            return None
        while key not in self._ready and self._open:
            try:
                batch: list[tuple[K, V]] = self._connection.recv()
            except (EOFError, OSError):  # the child failed or was stopped: the rest is None
                self._open = False
                break
            self._ready.update(batch)
        return self._ready.pop(key, None)

    def close(self) -> None:
        """Stop the child (it ends at its next write) and reap it."""
        self._open = False
        self._ready.clear()
        self._connection.close()
        os.waitpid(self._pid, 0)

    def __enter__(self) -> Lookahead[K, V]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _compute_and_exit(keys: Sequence[K], compute: Callable[[K], V], writer: Connection) -> None:
    # os._exit, whatever happens: the child must never run the build's cleanup, atexit handlers
    # or exception reporting. An error ends the stream early; the parent computes the rest.
    status = 1
    try:
        batch: list[tuple[K, V]] = []
        for key in keys:
            batch.append((key, compute(key)))
            if len(batch) == _BATCH:
                writer.send(batch)
                batch = []
        writer.send(batch)
        status = 0
    finally:
        os._exit(status)
