"""Work split over forked child processes that each do their share and write it out themselves.

The ``direct`` pipeline renders and writes thousands of pages. The items are cut into runs; a
spawner process, forked once with everything the build knows (the theme environment, the nav,
every page), forks a fresh child for each run, a few at a time. Each child does its run's work
(writing the pages is part of it) and leaves only a small result, pickled into an unlinked
temporary file, which the spawner passes on: the build process never holds what the children
wrote, and a child never waits for the build process, which meanwhile gets on with its own work.

A child that fails on one item records why and goes on with the next; a child that dies (killed,
out of memory) leaves no result, and :meth:`ForkedWork.results` says so instead of waiting or
pretending its items were done. The spawner ends with the build process, and the children with
the spawner, so none goes on writing after the process that wanted the work was killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import signal
import struct
import sys
import tempfile
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Generic, NoReturn, TypeVar, cast

from mkdocs_quicktakes.speed.workers import fork_is_safe

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

T = TypeVar("T")
R = TypeVar("R")


class WorkerDied(RuntimeError):
    """A child process ended without delivering its result; its items may be half done."""


_RECORD = struct.Struct("<iiq")
"""The head of each outcome the spawner passes on: run index, wait status, length."""
_NOT_FORKED = -1
"""The wait status recorded for a run no process could be forked for."""
_PR_SET_PDEATHSIG = 1
"""Linux's ``prctl`` option: the signal a process gets when its parent ends."""


@dataclass
class _Child:
    pid: int
    file: int


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


def runs_for(items: int, workers: int, run_size: int) -> int:
    """How many runs to cut ``items`` into: a multiple of ``workers``, each at most ``run_size``.

    A multiple, so that the workers end together rather than one doing the last run alone.
    """
    rounds = -(-items // max(1, workers * run_size))
    return max(1, workers * rounds)


class ForkedWork(Generic[R]):
    """``work(run)`` for each run of the items, each in a forked child, ``workers`` at a time.

    The items are cut into runs of at most ``run_size``. A spawner process, forked once, forks a
    fresh child for each run and keeps ``workers`` of them at work: a child's memory grows with
    every item it does (each object of the build process it touches is copied, as the pages of
    memory that hold it are written), and ends with the child, after ``run_size`` items. The
    spawner itself touches next to nothing, so each child starts from the memory the build
    process had when the spawner was forked, shared. Until :meth:`results` or :meth:`close`,
    the build process keeps what it had then frozen, for the same reason: its collector would
    write to every one of those pages.

    Call :meth:`results` once (it waits for every child), or :meth:`close` to stop them.
    """

    def __init__(self, spawner: _Child, runs: list[int], noun: str, workers: int) -> None:
        self._spawner: _Child | None = spawner
        self._runs = runs
        """Each run's size, in the order of the items, for messages (``2 pages``)."""
        self._noun = noun
        self.size = workers
        """How many children work at once."""

    @classmethod
    def start(
        cls,
        items: Sequence[T],
        work: Callable[[Sequence[T]], R],
        workers: int,
        noun: str = "items",
        run_size: int = sys.maxsize,
    ) -> ForkedWork[R] | None:
        """Fork the spawner of up to ``workers`` children; ``None`` where forking is unsafe.

        ``noun`` names the items in messages. ``work`` runs in the children only; it must not
        log (the caller's logging is not the child's to use) but return what the parent should
        know, which must pickle.
        """
        if not fork_is_safe() or workers < 1 or not items:
            return None
        runs = shares(items, runs_for(len(items), workers, run_size))
        workers = min(workers, len(runs))
        build = os.getpid()
        forked = fork_with_file(
            lambda file: _spawn(runs, work, workers, file, build), stay_frozen=True
        )
        if forked is None:
            return None
        return cls(_Child(*forked), [len(run) for run in runs], noun, workers)

    def results(self) -> list[R]:
        """Every run's result, in the order of the items; waits for all children.

        Raises:
            WorkerDied: a child ended without a result (killed, crashed), or the spawner did
                before forking it; the message says how many items it had and how it ended.
        """
        spawner, self._spawner = self._spawner, None
        if spawner is None:
            return []
        _, status = os.waitpid(spawner.pid, 0)
        gc.unfreeze()  # frozen by start, while the children shared the build process's memory
        outcomes = _read_records(spawner.file)
        os.close(spawner.file)
        results: list[R] = []
        failures, lost = [], 0
        for index, size in enumerate(self._runs):
            if index not in outcomes:
                lost += size
                continue
            child_status, outcome = outcomes[index]
            if outcome is None:
                failures.append(f"{size} {self._noun} ({_how_it_ended(child_status)})")
            elif not outcome[0]:
                failures.append(f"{size} {self._noun} ({outcome[1]})")
            else:
                results.append(cast("R", outcome[1]))
        if lost:
            failures.append(
                f"{lost} {self._noun} (the process that forks the workers ended before they were"
                f" done: {_how_it_ended(status)})"
            )
        if failures:
            raise WorkerDied("a worker process stopped before finishing: " + "; ".join(failures))
        return results

    def close(self) -> None:
        """Stop the spawner and every child that still runs; their results are dropped."""
        spawner, self._spawner = self._spawner, None
        if spawner is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(spawner.pid, signal.SIGTERM)  # it kills its children, then itself
        os.waitpid(spawner.pid, 0)
        gc.unfreeze()
        os.close(spawner.file)


def fork_with_file(
    child: Callable[[int], object], stay_frozen: bool = False
) -> tuple[int, int] | None:
    """Fork a process that runs ``child`` on an unlinked temporary file, then exits.

    ``child`` gets the file's descriptor and writes its results there, and ends with
    ``os._exit``: status 0 when ``child`` returned, 1 when it raised. Every object the child
    inherits is frozen (``gc.freeze``): the child's garbage collector never visits them, so their
    pages of memory stay shared, and collects only what the child makes (a child rendering
    thousands of pages would otherwise keep every reference cycle it made).

    With ``stay_frozen``, the caller's objects stay frozen too, until it calls ``gc.unfreeze``
    when the child is done: its own collector, visiting every object, would otherwise write to
    every page of memory it shares with the child, and each page written is copied.

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
        if not stay_frozen:
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


def _spawn(
    runs: Sequence[Sequence[T]],
    work: Callable[[Sequence[T]], R],
    workers: int,
    file: int,
    parent: int,
) -> None:
    """The spawner: fork a child for each run, ``workers`` at a time; pass each outcome on.

    Each outcome goes to ``file`` as it comes, behind its run's index and the child's wait
    status. Told to stop (SIGTERM, from :meth:`ForkedWork.close`, or from the kernel when
    ``parent``, the build process, ends), it kills its children first.
    Everything it inherited stays frozen, as in the build process, so its collector never
    visits (and writes to) the memory it shares with the build process and the children.
    """
    running: dict[int, tuple[int, int]] = {}  # pid: (run index, the child's outcome file)
    signal.signal(signal.SIGTERM, lambda *_: _stop_children(running))
    _end_with(parent, signal.SIGTERM)
    spawner = os.getpid()
    offset, started = 0, 0
    while started < len(runs) or running:
        while started < len(runs) and len(running) < workers:
            # SIGTERM waits while a child is forked and noted, so none escapes the stop.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
            child = partial(_run_in_child, runs[started], work, spawner)
            forked = fork_with_file(child, stay_frozen=True)
            if forked is not None:
                running[forked[0]] = (started, forked[1])
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
            if forked is None and running:
                break  # no process to spare now: try again when a child ends
            if forked is None:
                offset = _write_record(file, offset, started, _NOT_FORKED, b"")
            started += 1
        if running:
            pid, status = os.wait()
            index, outcome = running.pop(pid)
            data = _read_all(outcome) if status == 0 else b""
            os.close(outcome)
            offset = _write_record(file, offset, index, status, data)


def _stop_children(running: dict[int, tuple[int, int]]) -> NoReturn:
    for pid in running:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os._exit(1)


def _run_in_child(
    run: Sequence[T], work: Callable[[Sequence[T]], R], spawner: int, file: int
) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the spawner's way of stopping is not theirs
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    _end_with(spawner, signal.SIGKILL)
    _write_outcome(run, work, file)


def _end_with(parent: int, stop: signal.Signals) -> None:
    """Have the kernel send ``stop`` to this process when ``parent`` ends (Linux's prctl).

    So no worker goes on writing pages after the build process that wanted them was killed, or
    after the spawner that would have passed its outcome on. A parent gone already: exit now.
    """
    with contextlib.suppress(OSError, AttributeError):  # no prctl: they end when their run does
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(stop))
    if os.getppid() != parent:
        os._exit(1)


def _write_outcome(share: Sequence[T], work: Callable[[Sequence[T]], R], file: int) -> None:
    # Without an outcome in the file the parent reports that the child failed.
    try:
        outcome: tuple[bool, object] = (True, work(share))
    except Exception as error:  # told to the parent, which fails the build with it
        outcome = (False, f"{type(error).__name__}: {error}")
    os.pwrite(file, pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL), 0)


def _read_all(file: int) -> bytes:
    return os.pread(file, os.fstat(file).st_size, 0)


def _write_record(file: int, offset: int, index: int, status: int, data: bytes) -> int:
    """Append one outcome at ``offset`` of the spawner's file; the offset after it."""
    record = _RECORD.pack(index, status, len(data)) + data
    os.pwrite(file, record, offset)
    return offset + len(record)


def _read_records(file: int) -> dict[int, tuple[int, tuple[bool, object] | None]]:
    """Each run's wait status and outcome (``None``: none was written), by run index."""
    records: dict[int, tuple[int, tuple[bool, object] | None]] = {}
    offset, size = 0, os.fstat(file).st_size
    while offset + _RECORD.size <= size:
        index, status, length = _RECORD.unpack(os.pread(file, _RECORD.size, offset))
        data = os.pread(file, length, offset + _RECORD.size) if length else b""
        if len(data) < length:
            break  # the spawner died while writing it
        records[index] = (status, pickle.loads(data) if data else None)
        offset += _RECORD.size + length
    return records


def _how_it_ended(status: int) -> str:
    if status == _NOT_FORKED:
        return "no process could be forked"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"killed by signal {number} ({signal.Signals(number).name})"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
