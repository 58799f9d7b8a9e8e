"""A content-hash memo of each page's read result, kept across ``mkdocs serve`` rebuilds.

Reading a QuickTakes file (decoding, YAML, validation, mojibake repair, preparing and rendering
the answer) is most of a build. Under ``mkdocs serve`` most files are unchanged between rebuilds,
so the plugin keeps the result of each file here, under a key made of the file's bytes and all
else the result depends on (the options that shape it and the plugin's version). A changed byte or
option gives a new key, so a stale result is never handed out.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from typing import TYPE_CHECKING

from mkdocs_quicktakes import __version__

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from mkdocs_quicktakes.site.reading import ReadResult


def content_key(data: bytes, settings: Iterable[object]) -> str:
    """The cache key of one file: its bytes, the settings that shape its result, the version.

    Args:
        data: The file's bytes exactly as on disk.
        settings: Every option value the read result depends on, in a fixed order.
    """
    digest = hashlib.blake2b(data, digest_size=20)
    digest.update(repr((__version__, *settings)).encode("utf-8"))
    return digest.hexdigest()


def cache_shaping(settings: object) -> tuple[str]:
    """What besides its bytes a file's cache key holds: the settings, as text made once."""
    return (repr(settings),)


class ReadCache:
    """The last read result of each file, by ``src_uri``, valid only for its content key.

    One entry per file: an edited file replaces its old entry, so the cache never outgrows the
    site. ``hits`` and ``misses`` count the lookups of the current build. With the option
    ``cache_dir`` the entries also live in a file there (:meth:`load`, :meth:`save`), so a new
    process (``mkdocs build`` in CI with a restored cache folder) starts warm.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, ReadResult]] = {}
        self.hits = 0
        self.misses = 0
        self._changed = False

    def __len__(self) -> int:
        """How many files have a stored result."""
        return len(self._entries)

    def get(self, src_uri: str, key: str) -> ReadResult | None:
        """The stored result of ``src_uri`` if it was stored under ``key``, else ``None``."""
        entry = self._entries.get(src_uri)
        if entry is not None and entry[0] == key:
            self.hits += 1
            return entry[1]
        self.misses += 1
        return None

    def holds(self, src_uri: str, key: str) -> bool:
        """Whether :meth:`get` would find ``src_uri`` under ``key``; counts nothing."""
        entry = self._entries.get(src_uri)
        return entry is not None and entry[0] == key

    def key_of(self, src_uri: str, result: ReadResult) -> str | None:
        """The key ``result`` is stored under for ``src_uri``, if it is the result stored."""
        entry = self._entries.get(src_uri)
        return entry[0] if entry is not None and entry[1] is result else None

    def put(self, src_uri: str, key: str, result: ReadResult) -> None:
        """Store the result of ``src_uri`` under ``key``, replacing any older one."""
        self._entries[src_uri] = (key, result)
        self._changed = True

    def forget(self, src_uri: str) -> None:
        """Drop the result of ``src_uri`` (a build that needs it no more frees its memory)."""
        self._entries.pop(src_uri, None)

    def start_build(self, src_uris: Iterable[str]) -> None:
        """Forget files that are gone from the site and reset the counters."""
        keep = set(src_uris)
        entries = {src: entry for src, entry in self._entries.items() if src in keep}
        self._changed = self._changed or len(entries) != len(self._entries)
        self._entries = entries
        self.hits = self.misses = 0

    def load(self, folder: Path) -> str:
        """Take the entries saved in ``folder`` when this cache has none yet.

        Returns:
            ``""``, or why a cache file there could not be used (the build then reads every
            file; a file of another plugin version is simply not looked at).
        """
        path = folder / _CACHE_FILE
        if self._entries or not path.is_file():
            return ""
        try:
            with path.open("rb") as stream:
                # The site's own folder, trusted as its docs are.
                entries = pickle.load(stream)
        except Exception as error:  # a truncated or foreign file: any unpickling error
            return f"the cache file {path} could not be read ({error!r}); reading every file"
        if not isinstance(entries, dict):
            return f"the cache file {path} holds no cache; reading every file"
        self._entries, self._changed = entries, False
        return ""

    def save(self, folder: Path) -> str:
        """Write the entries to ``folder`` if they changed since loading or saving.

        Returns:
            ``""``, or the error that kept the file from being written.
        """
        if not self._changed:
            return ""
        path = folder / _CACHE_FILE
        partial = path.with_suffix(f".{os.getpid()}.partial")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as stream:
                pickle.dump(self._entries, stream, protocol=pickle.HIGHEST_PROTOCOL)
            # Whole or not at all: a build killed while writing leaves the old file.
            partial.replace(path)
        except OSError as error:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            return f"{path}: {error.strerror or error}"
        self._changed = False
        return ""


# The version is in the name: another version's results are never read, and its file is left.
_CACHE_FILE = f"read-cache-{__version__}.pickle"
