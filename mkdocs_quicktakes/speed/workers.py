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
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from mkdocs_quicktakes.records.source import read_bytes
from mkdocs_quicktakes.site.reading import FileReader, ReadResult, ReadSettings
from mkdocs_quicktakes.speed.cache import cache_shaping, content_key
from mkdocs_quicktakes.speed.spill import spilled

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from concurrent.futures import Future

Job = tuple[str, bytes, str]
"""One file to read: its ``src_uri``, its bytes and its cache key (see :func:`.content_key`), which
also names the bytes and settings a result read ahead was read from."""

MIN_FILES_PER_WORKER = 150
"""Below this many files per worker, reading them here is faster than starting workers."""

_CHUNK = 16  # files sent to a worker at once: few round trips, still an even spread

_reader: FileReader | None = None  # the worker process's reader, made once by _start_worker
_shaping: tuple[str] = ("",)  # the cache key's settings part, for files a worker reads itself
_spill_folder: str | None = None  # where the worker spills answers, if it does (spill.py)


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
    jobs: Sequence[Job], settings: ReadSettings, workers: int, spill: str | None = None
) -> tuple[list[ReadResult], str]:
    """Read every job, in order, in ``workers`` processes (here when fewer than two).

    With ``spill`` (a folder), each answer is written there rather than returned (spill.py).

    Returns:
        The results in the order of ``jobs``, and a note when workers were wanted but could
        not be used (the files are then read here; the result is the same).
    """
    ahead, note = ReadAhead.start(jobs, settings, workers, spill)
    if ahead is None:
        return _read_here(jobs, settings, spill), note
    with ahead:
        found = [ahead.result(src_uri, key) for src_uri, _, key in jobs]
    missing = [job for job, result in zip(jobs, found, strict=True) if result is None]
    read_now = iter(_read_here(missing, settings, spill))
    return [result or next(read_now) for result in found], ahead.note


class ReadAhead:
    """Files being read in worker processes while the build process gets on with other work.

    The plugin starts one before MkDocs cleans ``site_dir`` and collects the files, so reading
    overlaps both. A result is handed over only under the cache key it was read for, which
    covers the bytes and the settings: a file edited meanwhile, or a setting changed by a later
    plugin, is simply read again. Use it as a context manager, or call :meth:`close`: the
    workers stop there.
    """

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self.note = ""
        """Why some files could not be read ahead (a worker died), for an INFO line."""
        self._pool = pool
        # By src_uri: the key read for (not the bytes: a large site's would double in memory;
        # None: the worker read the file and says which key), the future of its chunk and its
        # place in it.
        self._pending: dict[str, tuple[str | None, Future[list[Any]], int]] = {}

    @classmethod
    def start(
        cls, jobs: Sequence[Job], settings: ReadSettings, workers: int, spill: str | None = None
    ) -> tuple[ReadAhead | None, str]:
        """Start reading ``jobs`` in ``workers`` processes; ``None`` for fewer than two.

        With ``spill`` (a folder), the workers write each answer there (spill.py).

        Returns:
            The read-ahead, or ``None`` and why workers could not be used (``""`` when they were
            not wanted).
        """
        return cls._start(jobs, settings, workers, spill, cls._submit)

    @classmethod
    def start_from_files(
        cls,
        files: Sequence[tuple[str, str]],
        settings: ReadSettings,
        workers: int,
        spill: str | None = None,
    ) -> tuple[ReadAhead | None, str]:
        """:meth:`start` for files named by ``(src_uri, path)``: the workers read their bytes.

        Each result then comes with the key of the bytes the worker read, so the build process
        never holds them, and an edit made meanwhile still gives another key.
        """
        return cls._start(files, settings, workers, spill, cls._submit_files)

    @classmethod
    def _start(
        cls,
        jobs: Sequence[Any],
        settings: ReadSettings,
        workers: int,
        spill: str | None,
        submit: Callable[[ReadAhead, Sequence[Any]], None],
    ) -> tuple[ReadAhead | None, str]:
        if workers < 2:
            return None, ""
        try:
            pickle.dumps(settings)
        except Exception as error:  # any object in mdx_configs may refuse to be pickled
            return None, f"read in one process: settings not picklable ({error})"
        context = multiprocessing.get_context(_start_method())
        pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(settings, spill)
        )
        ahead = cls(pool)
        try:
            for first in range(0, len(jobs), _CHUNK):
                submit(ahead, jobs[first : first + _CHUNK])
        except (BrokenProcessPool, OSError) as error:
            ahead.close()
            return None, _failed(error)
        return ahead, ""

    def _submit(self, chunk: Sequence[Job]) -> None:
        future = self._pool.submit(_read_in_worker, [(src, data) for src, data, _ in chunk])
        for index, (src_uri, _, key) in enumerate(chunk):
            self._pending[src_uri] = (key, future, index)

    def _submit_files(self, chunk: Sequence[tuple[str, str]]) -> None:
        future = self._pool.submit(_read_files_in_worker, list(chunk))
        for index, (src_uri, _) in enumerate(chunk):
            self._pending[src_uri] = (None, future, index)

    def result(self, src_uri: str, key: str) -> ReadResult | None:
        """The result of ``src_uri`` read for cache key ``key``, waiting for it if need be.

        ``None`` when the file was not read ahead, was read for another key (other bytes or
        settings), or its worker failed (then :attr:`note` says so): the caller reads it.
        """
        entry = self._pending.get(src_uri)
        if entry is None or entry[0] not in (key, None):
            return None
        read_for, future, index = entry
        try:
            found = future.result()[index]
        except (BrokenProcessPool, OSError) as error:
            self.note = _failed(error)
            return None
        if read_for is None:  # read by the worker from the file: (its key, the result)
            read_for, found = found
        return cast("ReadResult | None", found) if read_for == key else None

    def close(self) -> None:
        """Stop the workers; files not yet read are dropped."""
        self._pending.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _failed(error: BaseException) -> str:
    return f"read in one process: worker processes failed ({error})"


def _read_here(jobs: Sequence[Job], settings: ReadSettings, spill: str | None) -> list[ReadResult]:
    reader = FileReader(settings)
    return [_read(reader, src_uri, data, spill) for src_uri, data, _ in jobs]


def _read(reader: FileReader, src_uri: str, data: bytes, spill: str | None) -> ReadResult:
    read = reader.read(src_uri, data)
    return read if spill is None else spilled(read, spill)


def _start_method() -> str:
    """How to start workers: ``fork`` where it is safe, else ``spawn``.

    A forked worker starts at once, with every module loaded, and never runs the program's main
    script again (``spawn`` does, which a build script without ``if __name__ == "__main__"``
    does not survive). Forking is safe on Linux in a process with one thread; ``mkdocs serve``
    runs threads (its web server), and the ``mkdocs`` command guards its main script.
    """
    return "fork" if fork_is_safe() else "spawn"


def fork_is_safe() -> bool:
    """Whether this process may fork: on Linux, while it runs no thread but the main one."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _start_worker(settings: ReadSettings, spill: str | None) -> None:
    global _reader, _spill_folder, _shaping  # one reader per worker process, made once
    _reader = FileReader(settings)
    _spill_folder = spill
    _shaping = cache_shaping(settings)


def _worker_reader() -> FileReader:
    if _reader is None:
        raise RuntimeError("quicktakes: a worker process was started without settings")
    return _reader


def _read_in_worker(chunk: Sequence[tuple[str, bytes]]) -> list[ReadResult]:
    reader = _worker_reader()
    return [_read(reader, src_uri, data, _spill_folder) for src_uri, data in chunk]


def _read_files_in_worker(chunk: Sequence[tuple[str, str]]) -> list[tuple[str, ReadResult | None]]:
    """Read each file of ``chunk``; with each result, the key of the bytes read."""
    reader = _worker_reader()
    found: list[tuple[str, ReadResult | None]] = []
    for src_uri, path in chunk:
        data = read_bytes(Path(path), src_uri)[0]
        if data is None:  # the build process reads it again and reports why it cannot
            found.append(("", None))
        else:
            found.append((content_key(data, _shaping), _read(reader, src_uri, data, _spill_folder)))
    return found
