"""Work split over forked child processes that each do their share and write it out themselves.

The ``direct`` pipeline renders and writes thousands of pages. Each child is forked once, with
everything the build knows (the theme environment, the nav, every page), takes its share of the
items, does the work (writing the pages is part of it) and leaves only a small result, pickled
into an unlinked temporary file: the build process never holds what the children wrote, and a
child never waits for the build process, which meanwhile gets on with its own work.

A child that fails on one item records why and goes on with the next; a child that dies (killed,
out of memory) leaves no result, and :meth:`ForkedWork.results` says so instead of waiting or
pretending its items were done.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, NoReturn, TypeVar, cast

from mkdocs_quicktakes.speed.workers import fork_is_safe

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

T = TypeVar("T")
R = TypeVar("R")


class WorkerDied(RuntimeError):
    """A child process ended without delivering its result; its items may be half done."""


@dataclass
class _Child:
    pid: int
    file: int
    items: str
    """How many items, for messages: ``2 pages``."""


def shares(items: Sequence[T], parts: int) -> list[Sequence[T]]:
    """``items`` cut into ``parts`` contiguous runs of nearly equal length (none empty)."""
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    runs, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        runs.append(items[start:end])
        start = end
    return runs


class ForkedWork(Generic[R]):
    """``work(share)`` for each share of the items, each in a forked child, all at once.

    Call :meth:`results` once (it waits for every child), or :meth:`close` to stop them.
    """

    def __init__(self, children: list[_Child]) -> None:
        self._children = children

    @classmethod
    def start(
        cls, items: Sequence[T], work: Callable[[Sequence[T]], R], workers: int, noun: str = "items"
    ) -> ForkedWork[R] | None:
        """Fork up to ``workers`` children; ``None`` where forking is unsafe or impossible.

        ``noun`` names the items in messages. ``work`` runs in the children only; it must not
        log (the caller's logging is not the child's to use) but return what the parent should
        know, which must pickle.
        """
        if not fork_is_safe() or workers < 1 or not items:
            return None
        children: list[_Child] = []
        for share in shares(items, workers):
            child = _fork(share, work, noun)
            if child is None:
                break
            children.append(child)
        if len(children) < len(shares(items, workers)):
            cls(children).close()
            return None
        return cls(children)

    @property
    def size(self) -> int:
        """How many children work."""
        return len(self._children)

    def results(self) -> list[R]:
        """Every child's result, in the order of the items; waits for all children.

        Raises:
            WorkerDied: a child ended without a result (killed, crashed); the message says how
                many items it had and how it ended.
        """
        results: list[R] = []
        failures = []
        for child in self._children:
            _, status = os.waitpid(child.pid, 0)
            outcome = _read_outcome(child.file) if status == 0 else None
            os.close(child.file)
            if outcome is None:
                failures.append(f"{child.items} ({_how_it_ended(status)})")
            elif not outcome[0]:
                failures.append(f"{child.items} ({outcome[1]})")
            else:
                results.append(cast("R", outcome[1]))
        self._children = []
        if failures:
            raise WorkerDied("a worker process stopped before finishing: " + "; ".join(failures))
        return results

    def close(self) -> None:
        """Stop every child that still runs and reap it; their results are dropped."""
        for child in self._children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)
            os.close(child.file)
        self._children = []


def fork_with_file(child: Callable[[int], object]) -> tuple[int, int] | None:
    """Fork a process that runs ``child`` on an unlinked temporary file, then exits.

    ``child`` gets the file's descriptor and writes its results there, and ends with
    ``os._exit``: status 0 when ``child`` returned, 1 when it raised. Every object the child
    inherits is frozen (``gc.freeze``): the child's garbage collector never visits them, so their
    pages of memory stay shared, and collects only what the child makes (a child rendering
    thousands of pages would otherwise keep every reference cycle it made).

    Returns:
        The child's pid and the caller's own descriptor of the file (to close when done), or
        ``None`` when no process could be forked.
    """
    with tempfile.TemporaryFile() as file:
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: the caller does the work itself
            gc.unfreeze()
            return None
        if pid == 0:
            _run_and_exit(child, file.fileno())  # frozen for good
        gc.unfreeze()
        return pid, os.dup(file.fileno())


def _run_and_exit(child: Callable[[int], object], file: int) -> NoReturn:
    # os._exit, whatever happens: the child must never run the build's cleanup, atexit handlers
    # or exception reporting.
    status = 1
    try:
        child(file)
        status = 0
    finally:
        os._exit(status)


def _fork(share: Sequence[T], work: Callable[[Sequence[T]], R], noun: str) -> _Child | None:
    forked = fork_with_file(lambda file: _write_outcome(share, work, file))
    return None if forked is None else _Child(*forked, f"{len(share)} {noun}")


def _write_outcome(share: Sequence[T], work: Callable[[Sequence[T]], R], file: int) -> None:
    # Without an outcome in the file the parent reports that the child failed.
    try:
        outcome: tuple[bool, object] = (True, work(share))
    except Exception as error:  # told to the parent, which fails the build with it
        outcome = (False, f"{type(error).__name__}: {error}")
    os.pwrite(file, pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL), 0)


def _read_outcome(file: int) -> tuple[bool, object] | None:
    size = os.fstat(file).st_size
    if size == 0:
        return None
    outcome: tuple[bool, object] = pickle.loads(os.pread(file, size, 0))
    return outcome


def _how_it_ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"killed by signal {number} ({signal.Signals(number).name})"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
