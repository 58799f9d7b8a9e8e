"""Rendered pages kept by content key across ``mkdocs serve`` rebuilds.

Without ``--dirty``, every rebuild of ``mkdocs serve`` empties ``site_dir`` and builds every page
again, though an edit changes one file. With ``pipeline: direct`` the plugin writes the Q&A pages
itself, so it can keep each page it wrote under a key made of everything the page depends on
(its record and answer, the titles and urls it links to, the templates, the options, the theme
and the versions of the software that renders it) and copy the kept page into place when the key
comes again. A change to any of those gives a new key, so a kept page is never stale; what a
page's rendering reported besides its HTML (its search entries, its problems) is kept with it.

Kept pages are copied, not linked: a plugin that rewrites built pages in place would otherwise
change the kept copy too. The folder is removed when ``mkdocs serve`` stops or its process exits;
one left by a killed process is removed by the next store made.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mkdocs_quicktakes.speed.temp_folders import owned_temp_folder

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from mkdocs_quicktakes.records.model import Problem


@dataclass(frozen=True)
class StoreNote:
    """What rendering a page reported besides its HTML, kept with it in the store.

    Attributes:
        entries: The page's search index entries, by the name of the search plugin.
        problems: The problems found while rendering it, logged again when it is re-used.
    """

    entries: dict[str, list[Any]]
    problems: tuple[Problem, ...]


_PREFIX = "quicktakes-pages-"


def store_key(parts: Iterable[str | bytes]) -> str:
    """A key for the values ``parts``, in order (each one delimited, so none runs into the next)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


class PageStore:
    """Page files by key in a private folder, each with a note of what its rendering reported.

    The folder is made on first use and removed by :meth:`close`. :meth:`prune` drops every
    page not asked for or added since the last prune, so the store holds one site's pages.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._notes: dict[str, StoreNote] = {}
        self._used: set[str] = set()

    @property
    def folder(self) -> Path:
        """The store's folder, made on first use (and removed when the process exits)."""
        if self._folder is None:
            self._folder = owned_temp_folder(_PREFIX)
        return self._folder

    def path(self, key: str) -> Path:
        """Where the page of ``key`` is kept (it may not be there yet)."""
        return self.folder / key[:2] / key[2:]

    def note(self, key: str) -> StoreNote | None:
        """The note of the page kept under ``key``, if one is kept; marks it used."""
        note = self._notes.get(key)
        if note is not None and self.path(key).is_file():
            self._used.add(key)
            return note
        return None

    def place(self, key: str, dest: str) -> None:
        """Copy the page kept under ``key`` to ``dest``, making its folders."""
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(self.path(key), dest)

    def keep_file(self, key: str, source: str) -> None:
        """Keep a copy of the page file ``source`` under ``key``; safe to call from a worker."""
        target = self.path(key)
        target.parent.mkdir(exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}")
        shutil.copyfile(source, partial)
        partial.replace(target)  # whole or absent, never half written

    def remember(self, key: str, note: StoreNote) -> None:
        """Note what the page kept under ``key`` reported (in the build process)."""
        self._notes[key] = note
        self._used.add(key)

    def prune(self) -> None:
        """Drop the pages neither asked for nor added since the last prune."""
        for key in [key for key in self._notes if key not in self._used]:
            del self._notes[key]
            self.path(key).unlink(missing_ok=True)
        self._used = set()

    def close(self) -> None:
        """Remove the folder and forget every page."""
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._folder = None
        self._notes = {}
        self._used = set()
