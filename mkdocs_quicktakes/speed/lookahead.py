"""Values computed in a forked process, ahead of the build process that asks for them in order.

MkDocs builds pages one after another in one process, so on a machine with more than one core the
others wait. The plugin's own work for a page (its template view and head tags) depends only on
what the build knows before the first page is built, so a child forked at that moment can compute
it for every page in build order while MkDocs builds. A value the child could not deliver (it
failed, or was never asked for) is ``None``, and the caller computes it itself, with the same
result.

The child writes its values to an unlinked temporary file and sends only their place in it
through a pipe, so it never waits for the build process and ends within seconds. A forked child
holds a private copy of every page of memory that either process changes while it lives; one
that lived as long as the build would come to hold most of the build's memory.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from typing import TYPE_CHECKING, Generic, TypeVar

from mkdocs_quicktakes.speed.forks import fork_with_file
from mkdocs_quicktakes.speed.workers import fork_is_safe

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from multiprocessing.connection import Connection

K = TypeVar("K")
V = TypeVar("V")

_NOTICES = 500
"""About how many place notices the child sends: far fewer than fill a pipe, so it never waits."""


class Lookahead(Generic[K, V]):
    """``compute(key)`` for each key, computed in a forked child in the order of the keys.

    Use it as a context manager or call :meth:`close`, which stops and reaps the child and
    drops the file.
    """

    def __init__(self, pid: int, notices: Connection, file: int, keys: frozenset[K]) -> None:
        self._pid = pid
        self._notices = notices
        self._file = file
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

        def child(file: int) -> None:
            reader.close()
            _compute(keys, compute, writer, file)

        forked = fork_with_file(child)  # which freezes what the child inherits
        writer.close()
        if forked is None:  # no process to spare: the build computes everything itself
            reader.close()
            return None
        pid, file = forked
        return cls(pid, reader, file, frozenset(keys))

    @property
    def pid(self) -> int:
        """The process id of the child (reaped by :meth:`close`)."""
        return self._pid

    def get(self, key: K) -> V | None:
        """The value of ``key``, waiting for the child if need be; ``None`` if it has none."""
        if key not in self._keys:
            return None
        while key not in self._ready and self._open:
            try:
                offset, length = self._notices.recv()
            except (EOFError, OSError):  # the child failed or was stopped: the rest is None
                self._open = False
                break
            self._ready.update(pickle.loads(os.pread(self._file, length, offset)))
        return self._ready.pop(key, None)

    def close(self) -> None:
        """Stop the child (it ends at its next notice, if it still runs), reap it, drop the file."""
        self._open = False
        self._ready.clear()
        self._notices.close()
        os.waitpid(self._pid, 0)
        os.close(self._file)

    def __enter__(self) -> Lookahead[K, V]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _compute(keys: Sequence[K], compute: Callable[[K], V], notices: Connection, file: int) -> None:
    """In the child: the values of ``keys``, written in batches, each place sent as a notice.

    An error ends the stream early; the parent computes the rest.
    """
    size = max(1, -(-len(keys) // _NOTICES))
    offset = 0
    for first in range(0, len(keys), size):
        data = pickle.dumps(
            [(key, compute(key)) for key in keys[first : first + size]],
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        os.pwrite(file, data, offset)
        notices.send((offset, len(data)))
        offset += len(data)
