"""The speed machinery behind one object, with one life cycle: start, use, close.

The build asks :class:`Speed` for read results and page work; whether they come from the cache,
from workers that read ahead, from the look-ahead child or are computed on the spot is decided
here. Closing stops every child process, so a failed or finished build leaves none running.
The object lives as long as the plugin: under ``mkdocs serve`` its cache serves every rebuild.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from mkdocs_quicktakes.speed.cache import ReadCache, cache_shaping, content_key
from mkdocs_quicktakes.speed.lookahead import Lookahead
from mkdocs_quicktakes.speed.page_store import PageStore
from mkdocs_quicktakes.speed.spill import AnswerSpill
from mkdocs_quicktakes.speed.stamps import Stamp, file_stamp
from mkdocs_quicktakes.speed.workers import Job, ReadAhead, read_files, worker_count

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path

    from mkdocs_quicktakes.site.reading import ReadResult, ReadSettings

V = TypeVar("V")


class Speed(Generic[V]):
    """The read cache, read-ahead workers, look-ahead child and page store of one plugin."""

    def __init__(self) -> None:
        self.cache = ReadCache()
        self.pages = PageStore()
        """The pages ``pipeline: direct`` wrote under ``mkdocs serve``, for its rebuilds."""
        self._cache_folder: Path | None = None
        self._stamps: dict[str, tuple[Stamp, tuple[str], str]] = {}
        """By path: the stamp a file had when it was read, the settings and its cache key."""
        self._shaped: tuple[ReadSettings, tuple[str]] | None = None
        self._ahead: ReadAhead | None = None
        self._lookahead: Lookahead[str, V] | None = None
        self.spill: AnswerSpill | None = None
        """Where this build's answers are written while files are read, if they are."""

    # -- the cache ----------------------------------------------------------------------------

    def load_cache(self, folder: Path | None) -> str:
        """Use the cache file in ``folder`` (option ``cache_dir``); ``""`` or why it was not."""
        self._cache_folder = folder
        return self.cache.load(folder) if folder is not None else ""

    def save_cache(self) -> str:
        """Write the cache file, if there is a folder for it; ``""`` or the error."""
        return self.cache.save(self._cache_folder) if self._cache_folder is not None else ""

    # -- reading ------------------------------------------------------------------------------

    def unchanged(self, path: str, src_uri: str, settings: ReadSettings) -> ReadResult | None:
        """The cached result of a file unchanged since it was read, told without reading it.

        Unchanged: the same stamp (device, inode, size, modification and change times, see
        :mod:`~mkdocs_quicktakes.speed.stamps`) as when its bytes were read and keyed.
        """
        entry = self._stamps.get(path)
        if entry is None or entry[1] != self._shaping_of(settings) or file_stamp(path) != entry[0]:
            return None
        return self.cache.get(src_uri, entry[2])

    def _shaping_of(self, settings: ReadSettings) -> tuple[str]:
        """:func:`cache_shaping`, made once for the settings of a build, not once a file."""
        if self._shaped is None or self._shaped[0] is not settings:
            self._shaped = (settings, cache_shaping(settings))
        return self._shaped[1]

    def note_read(
        self, path: str, stamp: Stamp | None, src_uri: str, read: ReadResult, settings: ReadSettings
    ) -> None:
        """Note the stamp a file had before it was read into ``read``, its cached result."""
        self._stamps.pop(path, None)
        key = self.cache.key_of(src_uri, read)
        if stamp is not None and key is not None:
            self._stamps[path] = (stamp, self._shaping_of(settings), key)

    def spill_answers(self, spill: bool) -> None:
        """Write the answers of this build's files to disk as they are read, or keep them.

        Spilled answers are not kept in the cache: the spill folder goes with the build.
        """
        self.remove_spill()
        self.spill = AnswerSpill() if spill else None

    def remove_spill(self) -> None:
        """Delete the spill folder of the build, once no page is rendered from it."""
        if self.spill is not None:
            self.spill.remove()
            self.spill = None

    @property
    def _spill_folder(self) -> str | None:
        return self.spill.folder if self.spill is not None else None

    def read_ahead(self, jobs: Sequence[Job], settings: ReadSettings, workers: int) -> None:
        """Start reading ``jobs`` in worker processes (see :class:`ReadAhead`).

        ``workers`` is the option of that name (0: one per core).

        A note on failing workers is given by :meth:`read_all`, which reads the files anyway.
        """
        self.close()
        count = worker_count(workers, len(jobs))
        self._ahead, _ = ReadAhead.start(jobs, settings, count, self._spill_folder)

    def read_ahead_files(
        self, files: Sequence[tuple[str, str]], settings: ReadSettings, workers: int
    ) -> None:
        """Start reading files named by ``(src_uri, path)`` in workers that read their bytes.

        For a build whose cache is empty: the build process then never holds the bytes.
        """
        self.close()
        count = worker_count(workers, len(files))
        self._ahead, _ = ReadAhead.start_from_files(files, settings, count, self._spill_folder)

    def read_all(
        self, files: Iterable[tuple[str, bytes]], settings: ReadSettings, workers: int
    ) -> tuple[dict[str, ReadResult], str]:
        """Every file's read result: from the cache, from what was read ahead, or read now.

        Args:
            files: Each file's ``src_uri`` and bytes.
            settings: How files are read; part of every cache key.
            workers: The option ``workers`` (0: one per core).

        Returns:
            The results by ``src_uri``, and an INFO note when workers could not be used.
        """
        reads: dict[str, ReadResult] = {}
        todo: list[Job] = []
        shaping = self._shaping_of(settings)
        for src_uri, data in files:
            key = content_key(data, shaping)
            read = self.cache.get(src_uri, key)
            if read is None and self._ahead is not None:
                # File by file, so the bytes of a file read ahead are not kept.
                read = self._ahead.result(src_uri, key)
                if read is not None and read.spilled is None:
                    self.cache.put(src_uri, key, read)
            if read is None:
                todo.append((src_uri, data, key))
            else:
                reads[src_uri] = read
        ahead_note = self._ahead.note if self._ahead is not None else ""
        self.close()  # what was not read ahead by now is read below, with every core
        count = worker_count(workers, len(todo))
        results, note = read_files(todo, settings, count, self._spill_folder)
        notes = [message for message in (ahead_note, note) if message]
        for (src_uri, _, key), read in zip(todo, results, strict=True):
            if read.spilled is None:
                self.cache.put(src_uri, key, read)
            reads[src_uri] = read
        return reads, "; ".join(notes)

    def uncached(self, files: Iterable[tuple[str, bytes]], settings: ReadSettings) -> list[Job]:
        """The files the cache cannot answer, as jobs for :meth:`read_ahead`."""
        shaping = self._shaping_of(settings)
        jobs = []
        for src_uri, data in files:
            key = content_key(data, shaping)
            if not self.cache.holds(src_uri, key):
                jobs.append((src_uri, data, key))
        return jobs

    # -- page work ----------------------------------------------------------------------------

    def look_ahead(self, keys: Sequence[str], compute: Callable[[str], V]) -> None:
        """Compute ``compute(key)`` for each key in a forked child, in the order of the keys."""
        self.close()
        self._lookahead = Lookahead.start(keys, compute)

    def work(self, key: str, compute: Callable[[str], V]) -> V:
        """The value the child computed for ``key``, or ``compute(key)`` when it has none."""
        value = self._lookahead.get(key) if self._lookahead is not None else None
        return value if value is not None else compute(key)

    # -- life cycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the processes reading files or computing pages ahead, if any still run."""
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None
        if self._lookahead is not None:
            self._lookahead.close()
            self._lookahead = None
