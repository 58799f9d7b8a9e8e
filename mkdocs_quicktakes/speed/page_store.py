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

Most pages need not even be copied. Before MkDocs empties ``site_dir`` for a rebuild,
:meth:`PageStore.set_aside` moves the folders holding the pages of the last build into a hidden
folder of ``site_dir`` (MkDocs leaves hidden files alone); :meth:`PageStore.place_all` moves
them back and removes every file in them but the pages wanted again whose file is exactly the
one the store checked at the end of the last build: same bytes as its kept copy then, and the same
device, inode, size and times now (see :mod:`mkdocs_quicktakes.speed.stamps`; a page written too
recently for its stamp to tell is compared with its kept copy again instead), so a page changed
since, in place or not, is copied from the store instead. Three renames and a walk replace a
folder, a copy and MkDocs' removal for each page.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mkdocs_quicktakes.speed.stamps import Stamp, file_stamp
from mkdocs_quicktakes.speed.temp_folders import owned_temp_folder

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
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
ASIDE = ".quicktakes-pages"
"""The hidden folder of ``site_dir`` holding the last build's pages while MkDocs empties it."""


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
        self._in_place: dict[str, tuple[str, Stamp | None]] = {}
        """The key and stamp of each page file left in ``site_dir``, by its path, as checked at
        the end of the last build."""
        self._aside: tuple[str, str] | None = None
        """``site_dir`` and its hidden folder, while the last build's pages are set aside."""

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
        """The note of the page kept under ``key``, if one is noted; marks it used.

        Whether its file is still kept, :meth:`place_all` finds out (a stat a page here would
        cost more than the rest of looking it up).
        """
        note = self._notes.get(key)
        if note is not None:
            self._used.add(key)
        return note

    def place(self, key: str, dest: str) -> bool:
        """Copy the page kept under ``key`` to ``dest``, making its folders; ``False``: none."""
        try:
            source = self.path(key)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(source, dest)
        except FileNotFoundError:
            return False
        return True

    def set_aside(self, site_dir: str) -> None:
        """Move the folders of ``site_dir`` holding pages of the last build to a hidden one.

        Called before MkDocs empties ``site_dir`` (which it does not do to hidden files); a
        folder that cannot be moved is emptied by MkDocs, and its pages are copied.
        """
        self.drop_aside()
        site_dir = os.path.normpath(site_dir)
        tops = {_top_folder(path, site_dir + os.sep) for path in self._in_place} - {""}
        if not tops:
            return
        aside = os.path.join(site_dir, ASIDE)
        shutil.rmtree(aside, ignore_errors=True)
        try:
            os.mkdir(aside)
        except OSError:
            return
        self._aside = (site_dir, aside)
        for top in tops:
            try:
                os.rename(os.path.join(site_dir, top), os.path.join(aside, top))
            except OSError:
                continue

    def place_all(self, pages: Mapping[str, str]) -> tuple[set[str], set[str]]:
        """Put each page ``path: key`` in place: left as it is when unchanged, else copied.

        Everything set aside that is not such a page is removed, as MkDocs would have.

        Returns:
            The paths of the pages left in place, and of those the store no longer holds (to
            be rendered).
        """
        wanted = {os.path.normpath(path): key for path, key in pages.items()}
        left = self._put_back(wanted) if self._aside else self._unchanged_in_place(wanted)
        missing = {path for path, key in wanted.items() if path not in left}
        missing = {path for path in missing if not self.place(wanted[path], path)}
        return left, missing

    def check_in_place(self, pages: Mapping[str, str], left: set[str]) -> None:
        """Note the pages ``path: key`` now in ``site_dir``, at the end of a build.

        A page ``left`` in place keeps its stamp; a page written or copied is first compared
        with its kept copy, so what another plugin changed in it is never left in place.
        """
        before, self._in_place = self._in_place, {}
        for path, key in pages.items():
            path = os.path.normpath(path)
            stamp = file_stamp(path)
            previous = before.get(path)
            if path in left and previous is not None and previous[1] is not None:
                unchanged = previous == (key, stamp)  # left as it was checked last time
            else:
                unchanged = _same_bytes(path, self.path(key))
            if unchanged:
                # Without a stamp (changed too recently to trust one), its bytes are compared
                # again when it is wanted.
                self._in_place[path] = (key, stamp)

    def drop_aside(self) -> None:
        """Remove what is still set aside (a build that did not take its pages back)."""
        if self._aside is not None:
            shutil.rmtree(self._aside[1], ignore_errors=True)
            self._aside = None

    def _unchanged_in_place(self, wanted: Mapping[str, str]) -> set[str]:
        """The pages of ``wanted`` unchanged where the last build left them (``--dirty``)."""
        return {path for path, key in wanted.items() if self._is_unchanged(path, key)}

    def _is_unchanged(self, path: str, key: str | None) -> bool:
        checked = self._in_place.get(path)
        if key is None or checked is None or checked[0] != key:
            return False
        if checked[1] is None:  # too recent for its stamp to tell: its bytes do
            return _same_bytes(path, self.path(key))
        return checked[1] == file_stamp(path)

    def _put_back(self, wanted: Mapping[str, str]) -> set[str]:
        """Move the folders set aside back; remove all in them but the unchanged pages wanted."""
        site_dir, aside = self._aside or ("", "")
        left: set[str] = set()
        for top in os.listdir(aside):
            target = os.path.join(site_dir, top)
            if os.path.lexists(target):
                continue  # something was written there since MkDocs emptied site_dir
            try:
                os.rename(os.path.join(aside, top), target)
            except OSError:
                continue
            left |= self._prune(target, wanted)
        self.drop_aside()
        return left

    def _prune(self, folder: str, wanted: Mapping[str, str]) -> set[str]:
        """Remove all under ``folder`` but the unchanged pages of ``wanted``; the pages left.

        Folders left empty are removed too, as a new build would not have them.
        """
        left: set[str] = set()
        removed: set[str] = set()
        for parent, folders, names in os.walk(folder, topdown=False):
            keep = False
            for name in folders:
                path = os.path.join(parent, name)
                if os.path.islink(path):
                    os.unlink(path)
                elif path not in removed:
                    keep = True
            for name in names:
                path = os.path.join(parent, name)
                if self._is_unchanged(path, wanted.get(path)):
                    left.add(path)
                    keep = True
                else:
                    os.unlink(path)
            if not keep:
                os.rmdir(parent)
                removed.add(parent)
        return left

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
        self.drop_aside()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._folder = None
        self._notes = {}
        self._used = set()
        self._in_place = {}


def _same_bytes(first: str | Path, second: str | Path) -> bool:
    """Whether two files hold the same bytes (``False`` if either cannot be read).

    Not ``filecmp.cmp``: it remembers its answers by size and modification time, which a page
    rewritten at once to the same size keeps, the very change this check is here to catch.
    """
    try:
        if os.path.getsize(first) != os.path.getsize(second):
            return False
        with open(first, "rb") as one, open(second, "rb") as other:
            return one.read() == other.read()
    except OSError:
        return False


def _top_folder(path: str, prefix: str) -> str:
    """The folder of ``site_dir`` that holds ``path`` (``""``: none, or not under it).

    ``prefix`` is ``site_dir`` with a separator; both paths are normalized.
    """
    if not path.startswith(prefix):
        return ""
    top, separator, _ = path[len(prefix) :].partition(os.sep)
    return top if separator else ""
