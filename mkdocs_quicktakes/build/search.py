"""Search at scale: Pagefind over the built site, and a lighter, plain-text MkDocs search index.

Pagefind (option ``search_engine: pagefind``) indexes the built HTML after the build and writes a
bundle the browser queries piece by piece: a query downloads the index chunks of its words and
the fragments of the results it shows, never the whole index. The Q&A templates mark what it
reads (``data-pagefind-*``); plain pages get their theme's content region marked here.

MkDocs' own ``search`` plugin (the default engine) gets, for each Q&A page and only while it
indexes the page, a plain-text title and, with ``search_text: summary``, a summary instead of the
whole answer (:func:`search_summary_html`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from mkdocs.contrib.search import SearchPlugin
from mkdocs.contrib.search import search_index as search_index_module
from mkdocs.contrib.search.search_index import ContentParser, ContentSection

from mkdocs_quicktakes.answer.search_text import IndexedHtml, index_sanitized_html
from mkdocs_quicktakes.site.reading import Spilled
from mkdocs_quicktakes.speed.spill import read_spilled

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import AnchorLink

    PageText = Callable[[Page], "IndexedText | None"]
    """What MkDocs' search indexes for a page; ``None``: the page as it is."""

PAGEFIND_FOLDER = "pagefind"
"""Where the Pagefind bundle is written, below ``site_dir``."""
SEARCH_SCRIPT = "quicktakes/search.js"
SEARCH_STYLE = "quicktakes/search.css"
MKDOCS_SEARCH_SCRIPT = "search/main.js"
"""The script of MkDocs' ``search`` plugin, which would also drive the theme's search box."""
MATERIAL_OVERRIDES = Path(__file__).parents[1] / "templates_pagefind" / "material"
"""Material's search partial for Pagefind, placed before the theme's own."""

# A theme shows its search box only when a plugin of this name is configured.
_SEARCH_PLUGIN_NAMES = {"material": "material/search"}
_DEFAULT_SEARCH_PLUGIN = "search"

# The element of a plain (not Q&A) page that holds its content, per theme: the mkdocs and
# readthedocs themes mark it role="main", Material uses the article `md-content__inner`.
_CONTENT_ELEMENT = re.compile(
    r'<(?:div|main|article)\b(?=[^>]*(?:\brole="main"|\bclass="md-content__inner\b))'
)
_BODY_ELEMENT = re.compile(r"<body\b")
_PAGEFIND_BODY = "data-pagefind-body"
_HTML_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)


class IndexedText(NamedTuple):
    """What MkDocs' search indexes of a page: a plain-text title and HTML.

    ``split``: that HTML split as the index reads it, when it was split already.
    """

    title: str
    html: str
    split: IndexedHtml | None = None


@dataclass(frozen=True)
class SearchSetup:
    """What :func:`configure_pagefind` changed, and the warning to give once, if any."""

    warning: str = ""


class SearchBoxStandIn:
    """Stands in for a search plugin that is not configured, so the theme shows its search box.

    The mkdocs and readthedocs themes show their box only when ``'search' in config.plugins``,
    Material when ``config.plugins["material/search"].config.enabled``. It handles no events.
    """

    def __init__(self) -> None:
        self.config = {"enabled": True}


def configure_pagefind(config: MkDocsConfig) -> SearchSetup:
    """Let the theme's search box query Pagefind: its script, style and, for Material, markup.

    Idempotent, as ``mkdocs serve`` may call it for each rebuild of the same config.
    """
    theme = config.theme.name or ""
    plugin_name = _SEARCH_PLUGIN_NAMES.get(theme, _DEFAULT_SEARCH_PLUGIN)
    warning = ""
    if plugin_name in config.plugins and not isinstance(
        config.plugins[plugin_name], SearchBoxStandIn
    ):
        warning = (
            f"option 'search_engine: pagefind': the '{plugin_name}' plugin is not needed and "
            "still writes its whole index; remove it from 'plugins' (Pagefind now serves the "
            "search box)"
        )
    else:
        config.plugins[plugin_name] = SearchBoxStandIn()  # type: ignore[assignment]
    # MkDocs' search script would answer the same box from search_index.json.
    config.extra_javascript[:] = [
        script for script in config.extra_javascript if str(script) != MKDOCS_SEARCH_SCRIPT
    ]
    _add_once(config.extra_javascript, SEARCH_SCRIPT)
    _add_once(config.extra_css, SEARCH_STYLE)
    if config.theme.get("include_search_page"):
        config.theme.static_templates.add("search.html")  # readthedocs' results page
    if theme == "material" and str(MATERIAL_OVERRIDES) not in config.theme.dirs:
        # After custom_dir, so a user's own partials/search.html still wins.
        position = 1 if config.theme.custom_dir else 0
        config.theme.dirs.insert(position, str(MATERIAL_OVERRIDES))
    return SearchSetup(warning)


def _add_once(entries: list[Any], path: str) -> None:
    if all(str(entry) != path for entry in entries):
        entries.append(path)


def mark_plain_page(html: str) -> str:
    """Mark a plain page's content region for Pagefind; the whole body when none is known."""
    found = _CONTENT_ELEMENT.search(html) or _BODY_ELEMENT.search(html)
    if found is None or _PAGEFIND_BODY in html:
        return html
    end = found.end()
    return f"{html[:end]} {_PAGEFIND_BODY}{html[end:]}"


def build_pagefind_index(site_dir: str) -> int:
    """Index the built site with Pagefind and write its bundle; return the HTML files read.

    Raises:
        OSError: the Pagefind binary could not be found or started.
        RuntimeError: Pagefind reported an error.
    """
    # In a thread of its own: the build may run inside an event loop (a notebook, a test driving
    # a browser), where asyncio.run() is refused.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, _index_site(Path(site_dir).resolve())).result()


async def _index_site(site_dir: Path) -> int:
    # Imported here: only sites with `search_engine: pagefind` start the Pagefind binary.
    from pagefind.service import PagefindService

    output = site_dir / PAGEFIND_FOLDER
    # Into an empty folder: no file of an earlier bundle (a --dirty build) is left or rewritten.
    shutil.rmtree(output, ignore_errors=True)
    try:
        # The service, not `PagefindIndex` as a context: that writes the files on leaving and
        # stops the binary at once, which cut a file of the bundle short in about 1 build in 20.
        async with PagefindService() as service:
            index = await service.create_index({"output_path": str(output)})
            done = await index.add_directory(str(site_dir), glob="**/*.html")
            await index.write_files()
            await wait_until_written(output)
            return int(done["page_count"])
    except FileNotFoundError as error:
        raise OSError(f"the Pagefind binary was not found ({error})") from error
    except Exception as error:  # the Pagefind service reports errors as bare Exceptions
        if isinstance(error, OSError):
            raise
        raise RuntimeError(str(error)) from error


def site_pages_digest(site_dir: str) -> str:
    """A digest of every HTML file Pagefind reads in ``site_dir``: paths and bytes.

    HTML comments are left out: Pagefind reads none, and the ``mkdocs`` and ``readthedocs``
    themes end every page with one holding the build's time.
    """
    root = Path(site_dir)
    digest = hashlib.blake2b(digest_size=20)
    for path in sorted(root.glob("**/*.html")):
        relative = path.relative_to(root)
        if relative.parts[0] == PAGEFIND_FOLDER:
            continue
        content = _HTML_COMMENT.sub(b"", path.read_bytes())
        name = relative.as_posix().encode("utf-8", "surrogateescape")
        digest.update(b"%d %d %s\0" % (len(name), len(content), name))
        digest.update(content)
    return digest.hexdigest()


class KeptPagefindBundle:
    """The last Pagefind bundle of a ``mkdocs serve`` session and the pages it was made from.

    Pagefind cannot update part of its index, and MkDocs empties ``site_dir`` before each
    rebuild: a rebuild whose HTML pages are byte for byte those of the last indexed build (an
    edited stylesheet or image, a file saved unchanged) gets the kept bundle back instead of a
    new run of Pagefind.
    """

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._digest = ""

    def restore(self, site_dir: str, digest: str) -> bool:
        """Put the kept bundle into ``site_dir`` if it was made from the same pages."""
        if self._folder is None or digest != self._digest:
            return False
        target = Path(site_dir) / PAGEFIND_FOLDER
        shutil.rmtree(target, ignore_errors=True)  # what a --dirty rebuild left
        _link_tree(Path(self._folder.name) / PAGEFIND_FOLDER, target)
        return True

    def keep(self, site_dir: str, digest: str) -> None:
        """Keep the bundle just written, made from the pages of ``digest``."""
        self.close()
        # Beside site_dir, so the kept files can be hard links on the same file system.
        try:
            folder = tempfile.TemporaryDirectory(
                prefix="quicktakes-pagefind-", dir=Path(site_dir).resolve().parent
            )
        except OSError:
            folder = tempfile.TemporaryDirectory(prefix="quicktakes-pagefind-")
        _link_tree(Path(site_dir) / PAGEFIND_FOLDER, Path(folder.name) / PAGEFIND_FOLDER)
        self._folder, self._digest = folder, digest

    def close(self) -> None:
        """Remove the kept copy (when ``mkdocs serve`` stops)."""
        if self._folder is not None:
            self._folder.cleanup()
            self._folder, self._digest = None, ""


def _link_tree(source: Path, target: Path) -> None:
    """Hard links at ``target`` to the files of ``source``; copies where links are refused.

    Links are safe: no bundle file is ever written twice, as Pagefind writes each bundle into an
    emptied folder (:func:`build_pagefind_index`) and MkDocs empties ``site_dir`` (unlinks, not
    truncates) before a rebuild.
    """

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)


async def wait_until_written(folder: Path, *, quiet: float = 0.2, limit: float = 30.0) -> None:
    """Wait until no file in ``folder`` has grown, appeared or gone for ``quiet`` seconds.

    Pagefind answers "files written" while its last writes may still be on their way to the
    disk; stopping it then leaves a file cut short. Gives up (the files as they are) after
    ``limit`` seconds.
    """
    step = quiet / 4
    last, still, waited = _sizes(folder), 0.0, 0.0
    while still < quiet and waited < limit:
        await asyncio.sleep(step)
        waited += step
        sizes = _sizes(folder)
        still = still + step if sizes == last else 0.0
        last = sizes


def _sizes(folder: Path) -> dict[str, int]:
    return {str(path): path.stat().st_size for path in folder.rglob("*") if path.is_file()}


@dataclass(frozen=True)
class _IndexedHeading:
    """What MkDocs' search index reads of a table-of-contents entry, its title as plain text."""

    id: str
    title: str
    url: str
    children: list[_IndexedHeading]


@dataclass(frozen=True)
class _IndexedPage:
    """What MkDocs' search index reads of a page (``SearchIndex.add_entry_from_context``)."""

    title: str
    content: str
    url: str
    toc: list[_IndexedHeading]


def _plain_headings(items: Iterable[AnchorLink]) -> list[_IndexedHeading]:
    # The table of contents holds HTML-escaped titles (themes print them as HTML).
    return [
        _IndexedHeading(item.id, unescape(item.title), item.url, _plain_headings(item.children))
        for item in items
    ]


def feed_mkdocs_search(
    config: MkDocsConfig, indexed_text: PageText, *, sanitized: bool = False
) -> None:
    """Make MkDocs' ``search`` plugin index ``indexed_text(page)`` instead of the page as built.

    The page itself is not changed: its template still prints the escaped title and the whole
    answer. Call after the plugins' ``on_pre_build``, where the search plugin makes its index.
    With ``sanitized`` (the answers' HTML is the sanitizer's), that HTML is split into the
    search plugin's text and sections by :class:`SanitizedContentParser`, several times faster
    than the plugin's own parser, with the same result.
    """
    plugin = config.plugins.get("search")
    index = getattr(plugin, "search_index", None) if isinstance(plugin, SearchPlugin) else None
    if index is None or getattr(index, "_quicktakes_fed", False):
        return
    add_entry = index.add_entry_from_context

    def add_entry_from_context(page: Page) -> None:
        found = indexed_text(page)
        if found is None:
            add_entry(page)
            return
        indexed = _IndexedPage(found.title, found.html, page.url, _plain_headings(page.toc))
        if not sanitized and found.split is None:
            add_entry(indexed)
            return
        # The index makes its parser by this module-level name; one page at a time.
        split = found.split
        parser = lambda: SanitizedContentParser(split)  # noqa: E731 - MkDocs calls it bare
        search_index_module.ContentParser = parser  # type: ignore[assignment,misc]
        try:
            add_entry(indexed)
        finally:
            search_index_module.ContentParser = ContentParser  # type: ignore[misc]

    index.add_entry_from_context = add_entry_from_context
    index._quicktakes_fed = True


def search_summary_html(
    question: str, description: str, keywords: Iterable[str], headings: Iterable[tuple[str, str]]
) -> str:
    """The HTML MkDocs' search indexes for a Q&A page with ``search_text: summary``.

    The question, the description and the keywords, then each heading of the answer (``(id,
    title)``, the title as the page's table of contents holds it) with nothing under it.
    """
    parts = [f"<p>{escape(text)}</p>" for text in (question, description) if text]
    words = ", ".join(word for word in keywords if word)
    if words:
        parts.append(f"<p>{escape(words)}</p>")
    parts.extend(f'<h2 id="{escape(anchor)}">{title}</h2>' for anchor, title in headings)
    return "\n".join(parts)


class SanitizedContentParser:
    """What MkDocs' search ``ContentParser`` makes of sanitized HTML, made without HTMLParser.

    The HTML is split by :func:`index_sanitized_html` (tests compare both parsers on every page
    of the real corpus and on hostile answers), or taken split already (``indexed``: the answer's,
    split when it was rendered). Only the parser's interface the search index reads is here:
    ``feed``, ``close``, ``data`` (a section per heading) and ``stripped_html``.
    """

    def __init__(self, indexed: IndexedHtml | None = None) -> None:
        self.data: list[ContentSection] = []
        self.stripped_html = ""
        self._html = ""
        self._indexed = indexed

    def feed(self, html: str) -> None:
        """Take the HTML; it is split by :meth:`close`."""
        self._html += html

    def close(self) -> None:
        """Split the HTML into sections and text, as ContentParser's handlers do."""
        indexed = self._indexed or index_sanitized_html(self._html)
        self.stripped_html = indexed.stripped
        self.data = [
            ContentSection(text=list(section.text), id_=section.id, title=section.title)
            for section in indexed.sections
        ]


# -- MkDocs' search index, written from entries kept on disk -----------------------------------

_INDEX_JSON: dict[str, Any] = {"sort_keys": True, "separators": (",", ":"), "default": str}
"""How MkDocs' ``SearchIndex.generate_search_index`` writes its JSON."""


def streams_index(plugin: object) -> bool:
    """Whether ``plugin`` is MkDocs' search plugin writing its index as plain JSON.

    Then the entries of pages rendered elsewhere may stay on disk until the index is written
    (:func:`write_streamed_index`); an index to pre-build (with lunr) needs them all in memory.
    """
    return isinstance(plugin, SearchPlugin) and not plugin.config.prebuild_index


def entries_json(entries: list[Any]) -> bytes:
    """The JSON of ``entries`` as MkDocs' index writes them in its list, without the brackets."""
    return ",".join(json.dumps(entry, **_INDEX_JSON) for entry in entries).encode("utf-8")


def _streamed_index(config: MkDocsConfig) -> Any:
    """The index of MkDocs' search plugin, if it writes plain JSON (:func:`streams_index`)."""
    plugin = config.plugins.get("search")
    return getattr(plugin, "search_index", None) if streams_index(plugin) else None


def defer_index(config: MkDocsConfig) -> None:
    """Keep MkDocs' search plugin from writing its index: :func:`write_streamed_index` will."""
    index = _streamed_index(config)
    if index is not None:
        index.generate_search_index = lambda: ""  # written over once the plugin is done
        index._quicktakes_deferred = True


def write_streamed_index(config: MkDocsConfig) -> bool:
    """Write MkDocs' search index, whose entries may be pieces of JSON kept on disk.

    The same bytes as ``generate_search_index``, written piece by piece, so no process holds
    the whole index of a large site. Call after the search plugin's ``on_post_build``.

    Returns:
        Whether there was such an index to write (:func:`defer_index` was called).
    """
    index = _streamed_index(config)
    if index is None or not getattr(index, "_quicktakes_deferred", False):
        return False
    entries: list[Any] = index._entries
    path = Path(config.site_dir) / "search" / "search_index.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.write(b'{"config":' + json.dumps(index.config, **_INDEX_JSON).encode() + b',"docs":[')
        for number, entry in enumerate(entries):
            if number:
                out.write(b",")
            spilled = isinstance(entry, Spilled)
            out.write(read_spilled(entry) if spilled else json.dumps(entry, **_INDEX_JSON).encode())
        out.write(b"]}")
    return True
