"""A content-hash memo of each page's read result, kept across ``mkdocs serve`` rebuilds.

Reading a QuickTakes file (decoding, YAML, validation, mojibake repair, preparing the answer) is
about a fifth of a build. Under ``mkdocs serve`` most files are unchanged between rebuilds, so the
plugin keeps the result of each file here, under a key made of the file's bytes and everything
else the result depends on (the options that shape it and the plugin's version). A changed byte or
option gives a new key, so a stale result is never handed out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs_quicktakes import __version__

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mkdocs_quicktakes.answer import PreparedAnswer
    from mkdocs_quicktakes.model import QuickTake
    from mkdocs_quicktakes.source import CheckedFile


@dataclass(frozen=True)
class ReadResult:
    """What the build keeps of one read file.

    Attributes:
        checked: The file as validated, with its problems.
        take: The record the site uses (repaired when ``fix_mojibake`` is on), if usable.
        prepared: The answer prepared for Markdown, if the file is a usable QuickTake.
    """

    checked: CheckedFile
    take: QuickTake | None
    prepared: PreparedAnswer | None


def content_key(data: bytes, settings: Iterable[object]) -> str:
    """The cache key of one file: its bytes, the settings that shape its result, the version.

    Args:
        data: The file's bytes exactly as on disk.
        settings: Every option value the read result depends on, in a fixed order.
    """
    digest = hashlib.blake2b(data, digest_size=20)
    digest.update(repr((__version__, *settings)).encode("utf-8"))
    return digest.hexdigest()


class ReadCache:
    """The last read result of each file, by ``src_uri``, valid only for its content key.

    One entry per file: an edited file replaces its old entry, so the cache never outgrows the
    site. ``hits`` and ``misses`` count the lookups of the current build.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, ReadResult]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, src_uri: str, key: str) -> ReadResult | None:
        """The stored result of ``src_uri`` if it was stored under ``key``, else ``None``."""
        entry = self._entries.get(src_uri)
        if entry is not None and entry[0] == key:
            self.hits += 1
            return entry[1]
        self.misses += 1
        return None

    def put(self, src_uri: str, key: str, result: ReadResult) -> None:
        """Store the result of ``src_uri`` under ``key``, replacing any older one."""
        self._entries[src_uri] = (key, result)

    def start_build(self, src_uris: Iterable[str]) -> None:
        """Forget files that are gone from the site and reset the counters."""
        keep = set(src_uris)
        self._entries = {src: entry for src, entry in self._entries.items() if src in keep}
        self.hits = self.misses = 0
