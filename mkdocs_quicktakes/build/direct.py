"""The ``direct`` pipeline: Q&A pages rendered by the plugin, outside MkDocs' page loop.

MkDocs builds its pages one after another in one process, running every plugin's page hooks
and MkDocs' search indexing for each. A QuickTakes page needs none of that serial work: its
answer is rendered while the files are read, and everything else it shows is known once the
nav is. With ``pipeline: direct`` the Q&A pages are taken out of MkDocs' page loop (their files
stop counting as documentation pages, so MkDocs neither reads nor writes them, but links to them
still resolve) and rendered here with the theme's own environment, context and templates, in
forked worker processes that each write their pages (see :mod:`mkdocs_quicktakes.forks`).

A page is rendered by the same steps as MkDocs' ``_build_page``, running the page hooks of this
plugin and of the search plugin (whose index entries come back to the build process, in page
order), so each page is byte for byte the page MkDocs would write. Other plugins' page hooks do
not run on these pages; the build says which (INFO). Pages the plugin cannot render alone stay
in MkDocs' loop: pages the user's ``nav`` lists, and answers that link to files of the site.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from mkdocs.commands.build import get_context
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.structure.toc import TableOfContents
from mkdocs.utils import write_file

from mkdocs_quicktakes.build.page_keys import page_key, site_signature
from mkdocs_quicktakes.build.pages import HubPage, QuickTakePage
from mkdocs_quicktakes.build.search import defer_index, entries_json, streams_index
from mkdocs_quicktakes.records.dates import sitemap_date
from mkdocs_quicktakes.speed.forks import ForkedWork, WorkerDied
from mkdocs_quicktakes.speed.page_store import PageStore, StoreNote
from mkdocs_quicktakes.speed.spill import append_to_spill
from mkdocs_quicktakes.speed.workers import available_cpus

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from mkdocs_quicktakes.records.model import Problem, QuickTake
    from mkdocs_quicktakes.records.report import Report
    from mkdocs_quicktakes.site.reading import ReadResult

PAGE_EVENTS = (
    "pre_page",
    "page_read_source",
    "page_markdown",
    "page_content",
    "page_context",
    "post_page",
)
"""MkDocs' events for one page, which MkDocs' page loop runs and the direct pipeline does not,
except for this plugin's own and the search plugin's."""
AUTO_DIRECT_PAGES = 500
"""With ``pipeline: auto`` (the default), the direct pipeline is used from this many Q&A pages on
(see docs/performance.md for the measurements behind it), at any size: at 100,000 pages it took
0.76 times the time of ``pipeline: mkdocs`` (197 s against 258) and a third of its memory (1.7
against 5.0 GiB in all processes)."""
MIN_PAGES_PER_WORKER = 100
"""With ``workers: 0``, a worker process is forked for each this many Q&A pages (up to one per
core): forking costs a few milliseconds, rendering a page about one."""

PAGES_PER_WORKER_PROCESS = 2000
"""A worker process renders at most this many pages; a fresh one is forked for the next. A
worker's memory grows by about 12 KB with each page it renders (the build process's objects it
touches are copied into it), so at 100,000 pages two workers that rendered half each held
0.7 GiB apiece; forking costs a few milliseconds."""

SearchEntries = dict[str, list[Any]]
"""The search index entries of one page, by the name of the search plugin that made them."""


class DirectFile(File):
    """The file of a Q&A page rendered by the plugin: not a documentation page to MkDocs.

    MkDocs' page loop, nav and ``pages`` list take only documentation pages, so this one is left
    out of all three; it stays in ``files``, so links to it resolve as before.
    """

    def is_documentation_page(self) -> bool:
        """Not to MkDocs: the plugin builds the page."""
        return False

    def copy_file(self, dirty: bool = False) -> None:
        """Nothing to copy: the plugin writes the page."""


@dataclass
class ShareResult:
    """What one worker reports of its pages; the pages themselves it has written."""

    entries: dict[str, SearchEntries] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    records: list[tuple[str, int, str]] = field(default_factory=list)
    """Log records ``(logger, level, message)``, for the build process to log."""
    failures: list[tuple[str, str]] = field(default_factory=list)
    """``(src_uri, error)`` of each page that could not be rendered."""
    written: list[str] = field(default_factory=list)
    """The ``src_uri`` of each page written."""


def direct_workers(requested: int, pages: int) -> int:
    """How many processes to fork for ``pages`` pages; ``0``: render in the build process.

    Args:
        requested: The option ``workers``: ``0`` for one per core (fewer for a small site),
            ``1`` for none.
        pages: How many Q&A pages are rendered directly.
    """
    if requested == 1:
        return 0
    if requested:
        return min(requested, pages)
    return min(available_cpus(), pages // MIN_PAGES_PER_WORKER)


def user_nav_paths(nav: object) -> set[str]:
    """Every file a ``nav:`` setting names (its sections included), as a docs-relative path."""
    if isinstance(nav, str):
        return {nav.lstrip("/")}
    values = nav.values() if isinstance(nav, dict) else nav if isinstance(nav, list) else ()
    return {path for value in values for path in user_nav_paths(value)}


def can_render(read: ReadResult) -> bool:
    """Whether the plugin has all of a page's answer: rendered ahead, no links to site files."""
    return read.rendered is not None and not read.rendered.local_links


@dataclass(frozen=True)
class DirectOptions:
    """What the build lends the direct pages besides its files, config and report.

    Attributes:
        store: The pages of earlier builds (``mkdocs serve``), to take unchanged pages from.
        site_links: ``site_links(take)``: what the links to other pages a page shows are made
            of, part of a page's store key.
        hub_inputs: ``hub_inputs(page, config)``: what a hub shows (its view and head tags), the
            inputs of its store key.
        read_key: ``read_key(src_uri, read)``: the read cache's key of a page's read result,
            which stands for it in the page key.
        index_folder: Where the workers put the entries for MkDocs' search index (a spill
            folder), if not in memory.
    """

    store: PageStore | None = None
    site_links: Callable[[QuickTake], object] = repr
    hub_inputs: Callable[[HubPage, MkDocsConfig], object] | None = None
    read_key: Callable[[str, ReadResult], str | None] | None = None
    index_folder: str | None = None


class DirectPages:
    """The Q&A pages of one build that the plugin renders itself, from selection to the end.

    Life cycle: :meth:`take_out` (``on_files``), :meth:`start` (the end of ``on_env``),
    :meth:`finish` (``on_post_build``, before the search plugin writes its index), or
    :meth:`close` if the build fails.
    """

    def __init__(
        self,
        files: Files,
        config: MkDocsConfig,
        plugin: object,
        report: Report,
        options: DirectOptions | None = None,
    ):
        self.files = files
        self.config = config
        self.direct: list[File] = [f for f in files if isinstance(f, DirectFile)]
        """The pages rendered here: Q&A pages and, under ``mkdocs serve``, hubs."""
        self.hubs = [f for f in self.direct if isinstance(f.page, HubPage)]
        self.pages = _all_pages(files)
        """Every documentation page as MkDocs would list them with the Q&A pages: the
        ``pages`` of the templates (the sitemap lists these)."""
        self.nav: Navigation | None = None
        self._plugin = plugin
        self._report = report
        self._work: ForkedWork[ShareResult] | None = None
        self._done: list[ShareResult] = []
        self._workers = 0
        self._starts: dict[str, dict[str, int]] = {}
        """Where each page of MkDocs' loop starts in each search index, by plugin and page."""
        self._options = options or DirectOptions()
        self._keys: dict[str, str] = {}
        """The store key of each direct page, by ``src_uri`` (with a store only)."""
        self._reused: list[tuple[str, StoreNote]] = []
        self._left: set[str] = set()
        """The pages the store left in place in ``site_dir``, unchanged since the last build."""

    @classmethod
    def take_out(
        cls,
        files: Files,
        config: MkDocsConfig,
        reads: dict[str, ReadResult],
        *,
        plugin: object,
        report: Report,
        options: DirectOptions | None = None,
    ) -> DirectPages:
        """Take every Q&A page the plugin can render alone out of MkDocs' page loop.

        With ``options.store`` (``mkdocs serve``), a page whose inputs are unchanged since it
        was last written is taken from it, and the hubs are taken out of the loop too, unless
        other plugins have page hooks (see :class:`DirectOptions`).
        """
        options = options or DirectOptions()
        listed = user_nav_paths(config.nav)
        skipped = other_page_hooks(config, plugin)
        if options.store is not None and not skipped:
            for file in files:
                if isinstance(file.page, HubPage):
                    file.__class__ = DirectFile
        for src_uri, read in reads.items():
            file = files.src_uris[src_uri]
            page = file.page
            if src_uri in listed or not can_render(read) or not isinstance(page, QuickTakePage):
                continue
            # The same object, so every reference to it (files, the page, the catalog) holds.
            file.__class__ = DirectFile
            take = page.read.take
            if take is not None and take.date is not None and (lastmod := sitemap_date(take.date)):
                page.update_date = lastmod  # the sitemap's lastmod, as on_page_markdown sets
        direct = cls(files, config, plugin, report, options)
        if direct.direct and skipped:
            report.note(
                f"pipeline: direct: the page hooks of {', '.join(skipped)} do not run on the "
                f"{len(direct.direct)} Q&A pages the plugin renders itself (pipeline: mkdocs "
                "runs them)"
            )
        return direct

    # -- the build process --------------------------------------------------------------------

    def note_page_start(self, page: Page) -> None:
        """Note where a page of MkDocs' loop starts in each search index (before it adds any)."""
        for name, entries in _search_lists(self.config).items():
            self._starts.setdefault(name, {})[page.file.src_uri] = len(entries)

    def start(self, env: Environment, workers: int) -> None:
        """Render and write every direct page: in ``workers`` forked processes, or here."""
        if not self.direct:
            return
        self._check_anchor_links()
        self._env = env
        todo = self._take_from_store() if self._options.store is not None else self.direct
        self._work = ForkedWork.start(
            todo, self._render_share, workers, "pages", PAGES_PER_WORKER_PROCESS
        )
        self._workers = self._work.size if self._work is not None else 0
        if self._work is None:
            self._done = [self._render_share(todo)]

    def _take_from_store(self) -> list[File]:
        """Copy every page the store holds into place; the pages left to render."""
        store = cast("PageStore", self._options.store)
        site = site_signature(self.config, self._nav, self.pages)
        todo, wanted, reused = [], {}, []
        for file in self.direct:
            key = self._keys[file.src_uri] = page_key(site, file, self.config, self._options)
            note = store.note(key)
            if note is None:
                todo.append(file)
            else:
                wanted[file.abs_dest_path] = key
                reused.append((file, note))
        self._left, missing = store.place_all(wanted)
        for file, note in reused:
            if os.path.normpath(file.abs_dest_path) in missing:
                todo.append(file)
            else:
                self._reused.append((file.src_uri, note))
        store.folder  # noqa: B018 - made here, before the workers fork, who keep pages in it
        return todo

    def finish(self) -> None:
        """Wait for the workers; log what they found; put their search entries in place.

        Raises:
            PluginError: a worker died, so pages may be missing: the build must not succeed.
        """
        if self._work is not None:
            work, self._work = self._work, None
            try:
                self._done = work.results()
            except WorkerDied as error:
                raise PluginError(
                    f"quicktakes: option 'pipeline: direct': {error}; the site is incomplete"
                ) from error
        if not self.direct:
            return
        entries: dict[str, SearchEntries] = {}
        hubs = {file.src_uri for file in self.hubs}
        written = sum(len(set(result.written) - hubs) for result in self._done)
        where = f"{self._workers} worker processes" if self._workers else "the build process"
        self._report.note(
            f"{written} Q&A pages written outside MkDocs' page loop, in {where}"
            + self._reuse_note(hubs)
        )
        for src_uri, note in self._reused:
            self._report.log(note.problems)
            entries[src_uri] = note.entries
        placed = [src_uri for src_uri, _ in self._reused]
        for result in self._done:
            for name, level, message in result.records:
                logging.getLogger(name).log(level, message)
            self._report.log(result.problems)
            for src_uri, failure in result.failures:
                self._report.error(f"{src_uri}: the page could not be built: {failure}")
            entries.update(result.entries)
            self._remember(result)
            placed += result.written
        self._done, self._reused = [], []
        if self._options.store is not None:
            self._options.store.prune()
            paths = {self.files.src_uris[src].abs_dest_path: self._keys[src] for src in placed}
            self._options.store.check_in_place(paths, self._left)
        self._merge_search_entries(entries)
        if self._options.index_folder is not None:
            defer_index(self.config)  # search.write_streamed_index writes it

    def _reuse_note(self, hubs: set[str]) -> str:
        """How many pages came from the store, for :meth:`finish`'s note (``hubs``: by src_uri)."""
        if self._options.store is None:
            return ""
        taken = len([src_uri for src_uri, _ in self._reused if src_uri not in hubs])
        left = {self.files.src_uris[src_uri].abs_dest_path for src_uri in hubs}
        note = (
            f", {taken} taken unchanged from the store ({len(self._left - left)} of them left "
            "in place)"
        )
        if self.hubs:
            hubs_taken = len(self._reused) - taken
            note += f"; hub pages: {len(self.hubs)}, {hubs_taken} of them from the store"
        return note

    def _remember(self, result: ShareResult) -> None:
        """Note in the store what each page written reported, beside the page kept there."""
        if self._options.store is None:
            return
        problems: dict[str, list[Problem]] = {}
        for problem in result.problems:
            problems.setdefault(problem.file, []).append(problem)
        for src_uri in result.written:
            note = StoreNote(result.entries.get(src_uri, {}), tuple(problems.get(src_uri, ())))
            self._options.store.remember(self._keys[src_uri], note)

    def close(self) -> None:
        """Stop the workers, if any still run."""
        if self._work is not None:
            self._work.close()
            self._work = None

    def _merge_search_entries(self, direct: dict[str, SearchEntries]) -> None:
        """Put the direct pages' entries among the others, in the order of the pages."""
        for name, entries in _search_lists(self.config).items():
            starts = sorted(self._starts.get(name, {}).items(), key=lambda item: item[1])
            ends = [start for _, start in starts[1:]] + [len(entries)]
            spans = {src: (start, end) for (src, start), end in zip(starts, ends, strict=True)}
            merged = entries[: starts[0][1]] if starts else list(entries)
            for file in self.pages:
                if file.src_uri in direct:
                    merged.extend(direct[file.src_uri].get(name, []))
                elif (span := spans.pop(file.src_uri, None)) is not None:
                    merged.extend(entries[span[0] : span[1]])
            for start, end in sorted(spans.values()):  # pages MkDocs built but did not list
                merged.extend(entries[start:end])
            entries[:] = merged

    def _check_anchor_links(self) -> None:
        """Give links to anchors of direct pages what MkDocs' anchor check reads of a page."""
        for file in self.pages:
            page = file.page
            if page is None or isinstance(file, DirectFile):
                continue
            for target in page.links_to_anchors or {}:
                if isinstance(target, DirectFile) and isinstance(target.page, QuickTakePage):
                    rendered = target.page.read.rendered
                    target.page.present_anchor_ids = set(rendered.anchor_ids if rendered else ())

    # -- the workers --------------------------------------------------------------------------

    def _render_share(self, share: Sequence[File]) -> ShareResult:
        """Render and write ``share``'s pages; runs in a worker (or here, without workers)."""
        result = ShareResult()
        lists = _search_lists(self.config)
        with _collected(result, self._report):
            for file in share:
                page = file.page
                if not isinstance(page, QuickTakePage | HubPage):
                    continue
                marks = {name: len(entries) for name, entries in lists.items()}
                # Without its answer, when the answers were spilled to disk (hubs have none).
                slim = page.read if isinstance(page, QuickTakePage) else None
                try:
                    self._render_page(page)
                    self._keep(file)
                    result.written.append(file.src_uri)
                except Exception as error:  # one page's failure is told; the others are built
                    result.failures.append((file.src_uri, f"{type(error).__name__}: {error}"))
                finally:
                    _forget_page(page)
                    if isinstance(page, QuickTakePage) and slim is not None:
                        page.read = slim
                found = {name: _cut(entries, marks[name]) for name, entries in lists.items()}
                if self._options.index_folder is not None:
                    self._spill_index_entries(found, self._options.index_folder)
                if any(found.values()):
                    result.entries[file.src_uri] = found
        return result

    def _spill_index_entries(self, found: SearchEntries, folder: str) -> None:
        """Put a page's entries for MkDocs' search into a spill file, as the JSON of its index.

        The worker then holds no entry, and neither does the build process: it writes the
        index from the spill files (search.py), in place of the search plugin.
        """
        for name, entries in found.items():
            if entries and streams_index(self.config.plugins[name]):
                try:
                    found[name] = [append_to_spill(folder, "search", entries_json(entries))]
                except OSError:  # a full disk: the entries go to the build process as they are
                    continue

    def _render_page(self, page: QuickTakePage | HubPage) -> None:
        """MkDocs' ``_populate_page`` and ``_build_page``, with the hooks of :meth:`_allowed`."""
        config, files = self.config, self.files
        config._current_page = page
        try:
            page.read_own_meta()
            page.markdown = self._run("page_markdown", "", page=page, config=config, files=files)
            page.render(config, files)
            page.content = self._run(
                "page_content", page.content, page=page, config=config, files=files
            )
            page.active = True
            context = get_context(self._nav, self.pages, config, page)
            template = self._env.get_template(page.meta.get("template", "main.html"))
            context = self._run("page_context", context, page=page, config=config, nav=self._nav)
            output = template.render(context)
            output = self._run("post_page", output, page=page, config=config)
            if output.strip():
                path = page.file.abs_dest_path
                write_file(output.encode("utf-8", errors="xmlcharrefreplace"), path)
        finally:
            page.active = False
            config._current_page = None

    def _keep(self, file: File) -> None:
        """Keep a copy of the page just written in the store, if there is one."""
        key, store = self._keys.get(file.src_uri), self._options.store
        if store is not None and key is not None and os.path.isfile(file.abs_dest_path):
            store.keep_file(key, file.abs_dest_path)

    @property
    def _nav(self) -> Navigation:
        if self.nav is None:
            raise RuntimeError("quicktakes: the direct pipeline started without the nav")
        return self.nav

    def _run(self, event: str, item: Any, **kwargs: Any) -> Any:
        """``PluginCollection.run_event`` for the plugins whose hooks run on direct pages."""
        allowed = self._allowed()
        for method in self.config.plugins.events[event]:
            if getattr(method, "__self__", None) in allowed:
                result = method(item, **kwargs)
                item = item if result is None else result
        return item

    def _allowed(self) -> list[object]:
        return _hooks_run(self.config, self._plugin)


def uses_direct(option: str, pages: int, config: MkDocsConfig, plugin: object) -> tuple[bool, str]:
    """Whether the option ``pipeline`` means the direct pipeline for this build, and why not.

    ``auto`` means it from :data:`AUTO_DIRECT_PAGES` Q&A pages on, unless another enabled plugin
    has page hooks, which would not run on those pages.

    Returns:
        The answer, and a note for the INFO level when ``auto`` keeps a site of
        :data:`AUTO_DIRECT_PAGES` pages or more in MkDocs' page loop (else ``""``).
    """
    if option != "auto":
        return option == "direct", ""
    if pages < AUTO_DIRECT_PAGES:
        return False, ""
    if hooks := other_page_hooks(config, plugin):
        return False, (
            f"pipeline: auto: the Q&A pages go through MkDocs' page loop, as the page hooks of "
            f"{', '.join(hooks)} must run on them; pipeline: direct builds them faster without"
        )
    return True, ""


def other_page_hooks(config: MkDocsConfig, plugin: object) -> list[str]:
    """The enabled plugins (and hooks files) whose page hooks do not run on direct pages."""
    allowed = _hooks_run(config, plugin)
    # MkDocs notes which plugin (or hooks file: its functions are no methods) each handler
    # came from, for its own debug log.
    origins: dict[object, str] = getattr(config.plugins, "_event_origins", {})
    found: list[str] = []
    for event in PAGE_EVENTS:
        for method in config.plugins.events[event]:
            name = origins.get(method, "") or type(getattr(method, "__self__", None)).__name__
            if getattr(method, "__self__", None) not in allowed and name not in found:
                found.append(name)
    return found


def _hooks_run(config: MkDocsConfig, plugin: object) -> list[object]:
    """This plugin and the search plugins: their page hooks run on the direct pages."""
    search = [item for item in config.plugins.values() if _search_entries_of(item) is not None]
    return [plugin, *search]


def _all_pages(files: Files) -> list[File]:
    return [
        file
        for file in files
        if (file.is_documentation_page() or isinstance(file, DirectFile))
        and file.inclusion.is_included()
    ]


def _search_lists(config: MkDocsConfig) -> dict[str, list[Any]]:
    """The entry list of each enabled search plugin's index, by the plugin's name."""
    lists = {}
    for name, plugin in config.plugins.items():
        entries = _search_entries_of(plugin)
        if entries is not None:
            lists[name] = entries
    return lists


def _search_entries_of(plugin: object) -> list[Any] | None:
    """The entries of MkDocs' or Material's search index, if ``plugin`` is one of those."""
    module = type(plugin).__module__
    if not module.startswith(("mkdocs.contrib.search", "material.plugins.search")):
        return None
    options = getattr(plugin, "config", None)
    if options is not None and not getattr(options, "enabled", True):
        return None
    index = getattr(plugin, "search_index", None)
    entries = getattr(index, "_entries", getattr(index, "entries", None))
    return entries if isinstance(entries, list) else None


def _cut(entries: list[Any], mark: int) -> list[Any]:
    """Take the entries from ``mark`` on out of the list (a worker's index stays small)."""
    found = entries[mark:]
    del entries[mark:]
    return found


def _forget_page(page: Page) -> None:
    """Drop what rendering gave the page: a worker keeps nothing of the pages it wrote."""
    page.content = None
    page.toc = TableOfContents([])
    if isinstance(page, HubPage):  # its title (meta and markdown) is in the nav of other pages
        return
    page.markdown = None
    page.meta = {}
    page.present_anchor_ids = None


class _collected:
    """Collect the log records and problems of rendering, to hand to the build process.

    A worker must not log (the build process counts warnings for ``--strict`` and keeps the
    report); rendered here, the records are held back too, so both ways log the same.
    """

    def __init__(self, result: ShareResult, report: Report) -> None:
        self._result = result
        self._report = report
        self._logger = logging.getLogger("mkdocs")
        self._saved: tuple[list[logging.Handler], bool] = ([], True)

    def __enter__(self) -> None:
        handler = _ListHandler(self._result.records)
        self._saved = (self._logger.handlers, self._logger.propagate)
        self._logger.handlers, self._logger.propagate = [handler], False
        problems = self._result.problems
        # The plugin logs each page's problems through its report: kept for the build process.
        self._report.log = problems.extend  # type: ignore[method-assign,assignment]

    def __exit__(self, *exc_info: object) -> None:
        self._logger.handlers, self._logger.propagate = self._saved
        del self._report.log


class _ListHandler(logging.Handler):
    def __init__(self, records: list[tuple[str, int, str]]) -> None:
        super().__init__(logging.DEBUG)
        self._records = records

    def emit(self, record: logging.LogRecord) -> None:
        self._records.append((record.name, record.levelno, record.getMessage()))
