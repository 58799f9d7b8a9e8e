"""What a page written by the direct pipeline depends on, as the keys of the page store.

Under ``mkdocs serve`` a page is taken from the store (:mod:`mkdocs_quicktakes.speed.page_store`)
only when its key is the one it was written under, so a key holds everything the page's bytes
depend on: the site's part, the same for every page (``mkdocs.yml`` as loaded, the theme's
files, the nav, the list of pages, the versions of the software that renders), and the page's
own (its record and answer, or what a hub shows, and what its links are made of).
"""

from __future__ import annotations

import os
from importlib import metadata
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from mkdocs_quicktakes.build.pages import HubPage, QuickTakePage
from mkdocs_quicktakes.speed.page_store import store_key

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File
    from mkdocs.structure.nav import Navigation

    from mkdocs_quicktakes.build.direct import DirectOptions


def page_key(site: str, file: File, config: MkDocsConfig, options: DirectOptions) -> str:
    """A direct page's store key: the site's part (:func:`site_signature`) and the page's.

    The page's part is everything its output depends on beyond the site's: for a hub, what it
    shows; for a question, its record, its answer and what its links are made of.
    """
    if isinstance(file.page, HubPage) and options.hub_inputs is not None:
        shown = repr(options.hub_inputs(file.page, config))
        return store_key((site, file.src_uri, file.dest_uri, file.url, shown))
    page = cast(QuickTakePage, file.page)
    read, take = page.read, page.read.take
    links = repr(options.site_links(take)) if take is not None else ""
    # The read result is the one the read cache holds for this file's bytes and settings:
    # its key stands for it (record and answer).
    read_key = options.read_key
    if read_key is not None and (key := read_key(file.src_uri, read)):
        return store_key((site, file.src_uri, file.dest_uri, file.url, key, links))
    finished = read.rendered.finished if read.rendered else None
    return store_key(
        (
            site,
            file.src_uri,
            file.dest_uri,
            file.url,
            repr(take),
            finished.html if finished else "",
            finished.text if finished else "",
            links,
        )
    )


def site_signature(config: MkDocsConfig, nav: Navigation, pages: Sequence[File]) -> str:
    """What every Q&A page's output depends on: config, templates, nav, pages and versions."""
    return store_key(
        (
            repr(_stable(dict(config.items()))),
            repr(_nav_signature(nav.items)),
            repr([(file.src_uri, file.url) for file in pages]),
            repr(_template_files(config.theme.dirs)),
            repr(_versions(config.theme.name or "")),
        )
    )


_SOFTWARE = ("mkdocs-quicktakes", "mkdocs", "markdown", "jinja2", "babel", "pymdown-extensions")


def _versions(theme: str) -> list[str]:
    """The versions of the software that renders a page (the theme's package too)."""
    found = []
    for name in (*_SOFTWARE, f"mkdocs-{theme}"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(name)
    return found


def _template_files(dirs: Sequence[str]) -> list[tuple[str, int, int]]:
    """Every file of the theme's folders (custom_dir first) with its size and change time."""
    found = []
    for folder in dirs:
        for parent, _, names in os.walk(folder):
            for name in names:
                stat = os.stat(os.path.join(parent, name))
                found.append((os.path.join(parent, name), stat.st_size, stat.st_mtime_ns))
    return found


def _nav_signature(items: Sequence[Any]) -> list[object]:
    """The nav as a theme prints it: each item's kind, title and url, with its children."""
    return [
        (
            type(item).__name__,
            item.title,
            getattr(item, "url", ""),
            _nav_signature(item.children or []) if getattr(item, "children", None) else [],
        )
        for item in items
    ]


def _stable(value: object, depth: int = 0) -> object:
    """``value`` as plain data whose ``repr`` changes exactly when the value does.

    Objects are named by their type and, where they have them, their options (plugins) or the
    file they come from (hook modules); an object printed with its address counts as its type,
    as its address changes every build.
    """
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if depth > 12:
        return type(value).__qualname__
    items = getattr(value, "items", None)
    if callable(items) and not isinstance(value, type):
        return [(str(key), _stable(item, depth + 1)) for key, item in items()]
    if isinstance(value, list | tuple):
        return [_stable(item, depth + 1) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(repr(_stable(item, depth + 1)) for item in value)
    if isinstance(value, ModuleType):
        path = getattr(value, "__file__", None) or ""
        return (value.__name__, path, os.stat(path).st_mtime_ns if os.path.isfile(path) else 0)
    options = getattr(value, "config", None)
    if options is not None and not callable(options):
        return (type(value).__qualname__, _stable(options, depth + 1))
    text = repr(value)
    return type(value).__qualname__ if " at 0x" in text else text
