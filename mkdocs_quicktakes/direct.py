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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mkdocs.commands.build import get_context
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.utils import write_file

from mkdocs_quicktakes.dates import sitemap_date
from mkdocs_quicktakes.forks import ForkedWork, WorkerDied
from mkdocs_quicktakes.page import QuickTakePage
from mkdocs_quicktakes.workers import available_cpus

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from mkdocs_quicktakes.model import Problem
    from mkdocs_quicktakes.reading import ReadResult
    from mkdocs_quicktakes.report import Report

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
MIN_PAGES_PER_WORKER = 100
"""With ``workers: 0``, a worker process is forked for each this many Q&A pages (up to one per
core): forking costs a few milliseconds, rendering a page about one."""

log = get_plugin_logger(__name__)

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
    written: int = 0


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


class DirectPages:
    """The Q&A pages of one build that the plugin renders itself, from selection to the end.

    Life cycle: :meth:`take_out` (``on_files``), :meth:`start` (the end of ``on_env``),
    :meth:`finish` (``on_post_build``, before the search plugin writes its index), or
    :meth:`close` if the build fails.
    """

    def __init__(self, files: Files, config: MkDocsConfig, plugin: object, report: Report):
        self.files = files
        self.config = config
        self.direct: list[File] = [f for f in files if isinstance(f, DirectFile)]
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

    @classmethod
    def take_out(
        cls,
        files: Files,
        config: MkDocsConfig,
        reads: dict[str, ReadResult],
        *,
        plugin: object,
        report: Report,
    ) -> DirectPages:
        """Take every Q&A page the plugin can render alone out of MkDocs' page loop."""
        listed = user_nav_paths(config.nav)
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
        direct = cls(files, config, plugin, report)
        if direct.direct and (skipped := direct.skipped_hooks()):
            log.info(
                f"pipeline: direct: the page hooks of {', '.join(skipped)} do not run on the "
                f"{len(direct.direct)} Q&A pages the plugin renders itself (pipeline: mkdocs "
                "runs them)"
            )
        return direct

    def skipped_hooks(self) -> list[str]:
        """The enabled plugins with page hooks that will not run on the direct pages."""
        allowed = self._allowed()
        # MkDocs notes which plugin (or hooks file: its functions are no methods) each handler
        # came from, for its own debug log.
        origins: dict[object, str] = getattr(self.config.plugins, "_event_origins", {})
        found: list[str] = []
        for event in PAGE_EVENTS:
            for method in self.config.plugins.events[event]:
                name = origins.get(method, "") or type(getattr(method, "__self__", None)).__name__
                if getattr(method, "__self__", None) not in allowed and name not in found:
                    found.append(name)
        return found

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
        self._work = ForkedWork.start(self.direct, self._render_share, workers, "pages")
        self._workers = self._work.size if self._work is not None else 0
        if self._work is None:
            self._done = [self._render_share(self.direct)]

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
        entries: dict[str, SearchEntries] = {}
        written = sum(result.written for result in self._done)
        where = f"{self._workers} worker processes" if self._workers else "the build process"
        log.info(f"{written} Q&A pages written outside MkDocs' page loop, in {where}")
        for result in self._done:
            for name, level, message in result.records:
                logging.getLogger(name).log(level, message)
            self._report.log(log, result.problems)
            for src_uri, failure in result.failures:
                log.error(f"{src_uri}: the page could not be built: {failure}")
            entries.update(result.entries)
        self._done = []
        self._merge_search_entries(entries)

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
                if not isinstance(page, QuickTakePage):
                    continue
                marks = {name: len(entries) for name, entries in lists.items()}
                try:
                    self._render_page(page)
                    result.written += 1
                except Exception as error:  # one page's failure is told; the others are built
                    result.failures.append((file.src_uri, f"{type(error).__name__}: {error}"))
                finally:
                    _forget_page(page)
                found = {name: _cut(entries, marks[name]) for name, entries in lists.items()}
                if any(found.values()):
                    result.entries[file.src_uri] = found
        return result

    def _render_page(self, page: QuickTakePage) -> None:
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
        """This plugin and the search plugins: their page hooks run on the direct pages."""
        search = [
            plugin
            for plugin in self.config.plugins.values()
            if _search_entries_of(plugin) is not None
        ]
        return [self._plugin, *search]


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
    page.markdown = None


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
        self._report.log = lambda _log, found: problems.extend(found)  # type: ignore[method-assign,assignment]

    def __exit__(self, *exc_info: object) -> None:
        self._logger.handlers, self._logger.propagate = self._saved
        del self._report.log


class _ListHandler(logging.Handler):
    def __init__(self, records: list[tuple[str, int, str]]) -> None:
        super().__init__(logging.DEBUG)
        self._records = records

    def emit(self, record: logging.LogRecord) -> None:
        self._records.append((record.name, record.levelno, record.getMessage()))
