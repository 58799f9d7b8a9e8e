"""Reading many files across all CPU cores.

Reading a QuickTakes file (YAML, validation, preparing and rendering the answer) is the larger part
of a build and needs nothing but the file's bytes and the settings, so a large batch is spread over
worker processes, each with its own re-used Markdown instance. A small batch is read here: starting
a worker costs about as much as reading a few hundred files.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from mkdocs_quicktakes.reading import FileReader, ReadResult, ReadSettings

if TYPE_CHECKING:
    from collections.abc import Sequence

Job = tuple[str, bytes]
"""One file to read: its ``src_uri`` and its bytes."""

MIN_FILES_PER_WORKER = 150
"""Below this many files per worker, reading them here is faster than starting workers."""

_CHUNK = 16  # files sent to a worker at once: few round trips, still an even spread

_reader: FileReader | None = None  # the worker process's reader, made once by _start_worker


def available_cpus() -> int:
    """The CPU cores this process may run on (its affinity, not the machine's total)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def worker_count(requested: int, files: int) -> int:
    """How many worker processes to read ``files`` files with; ``0`` or ``1`` means none.

    Args:
        requested: The option ``workers``: ``0`` for one per available core.
        files: How many files need reading.
    """
    wanted = requested or available_cpus()
    return max(0, min(wanted, files // MIN_FILES_PER_WORKER))


def read_files(
    jobs: Sequence[Job], settings: ReadSettings, workers: int
) -> tuple[list[ReadResult], str]:
    """Read every job, in order, in ``workers`` processes (here when fewer than two).

    Returns:
        The results in the order of ``jobs``, and a note when workers were wanted but could
        not be used (the files are then read here; the result is the same).
    """
    if workers < 2:
        return _read_here(jobs, settings), ""
    try:
        pickle.dumps(settings)
    except Exception as error:  # any object in mdx_configs may refuse to be pickled
        return _read_here(jobs, settings), f"read in one process: settings not picklable ({error})"
    try:
        return _read_in_workers(jobs, settings, workers), ""
    except (BrokenProcessPool, OSError) as error:
        return _read_here(jobs, settings), f"read in one process: worker processes failed ({error})"


def _read_here(jobs: Sequence[Job], settings: ReadSettings) -> list[ReadResult]:
    reader = FileReader(settings)
    return [reader.read(src_uri, data) for src_uri, data in jobs]


def _read_in_workers(jobs: Sequence[Job], settings: ReadSettings, workers: int) -> list[ReadResult]:
    context = multiprocessing.get_context(_start_method())
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(settings,)
    ) as pool:
        return list(pool.map(_read_in_worker, jobs, chunksize=_CHUNK))


def _start_method() -> str:
    """How to start workers: ``fork`` where it is safe, else ``spawn``.

    A forked worker starts at once, with every module loaded, and never runs the program's main
    script again (``spawn`` does, which a build script without ``if __name__ == "__main__"``
    does not survive). Forking is safe on Linux in a process with one thread; ``mkdocs serve``
    runs threads (its web server), and the ``mkdocs`` command guards its main script.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _start_worker(settings: ReadSettings) -> None:
    global _reader  # one reader per worker process, made once
    _reader = FileReader(settings)


def _read_in_worker(job: Job) -> ReadResult:
    if _reader is None:
        raise RuntimeError("quicktakes: a worker process was started without settings")
    return _reader.read(*job)
