"""The Sphinx event handlers: each hands its document to the core and stores the result.

Per-document results live on the build environment (``env.quicktakes``), so they are pickled with
it, merged from parallel readers and purged with their document.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx.util import logging

from mkdocs_quicktakes.answer.render import formula_problems
from mkdocs_quicktakes.html.head import render_head_tags
from mkdocs_quicktakes.html.metadata import PageInfo, absolute_url
from mkdocs_quicktakes.html.page_head import question_head_tags
from mkdocs_quicktakes.html.views import build_view
from mkdocs_quicktakes.records.report import notice_page
from mkdocs_quicktakes.records.source import read_bytes
from mkdocs_quicktakes.site.reading import FileReader, ReadResult, unreadable
from mkdocs_quicktakes.sphinx import settings, site
from mkdocs_quicktakes.sphinx.article import RELATED, TEMPLATES_DIR, article_nodes, html, partial
from mkdocs_quicktakes.sphinx.search import PlacedDocnames

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.builders.dirhtml import DirectoryHTMLBuilder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

    from mkdocs_quicktakes.records.model import Problem

logger = logging.getLogger("mkdocs_quicktakes.sphinx")

PAGE_TEMPLATE = "quicktakes/sphinx-page.html"
SPHINX_TEMPLATES = Path(__file__).parent / "templates"
STYLESHEETS = (
    TEMPLATES_DIR / "quicktakes" / "quicktakes.css",
    TEMPLATES_DIR / "quicktakes" / "math.css",
)

_readers: dict[int, FileReader] = {}
_sites: dict[int, settings.Site] = {}


def reads(env: BuildEnvironment) -> dict[str, ReadResult]:
    """The read result of every QuickTakes document, by docname."""
    if not hasattr(env, "quicktakes"):
        env.quicktakes = {}  # type: ignore[attr-defined]
    return env.quicktakes  # type: ignore[attr-defined,no-any-return]


def on_config_inited(app: Sphinx, config: Config) -> None:
    """Check the options; make the extension's page template findable."""
    for problem in settings.check(config):
        logger.warning(problem, type="quicktakes", subtype="config")
    config.templates_path.append(str(SPHINX_TEMPLATES))
    warning = _site(app).warning
    if warning:
        logger.warning(warning.replace("option '", "config value 'quicktakes_"))


def _site(app: Sphinx) -> settings.Site:
    key = id(app.config)
    if key not in _sites:
        _sites[key] = settings.site(app.config)
    return _sites[key]


def _reader(app: Sphinx) -> FileReader:
    # One Markdown instance per process and build, re-used for every answer.
    key = id(app.config)
    if key not in _readers:
        _readers[key] = FileReader(settings.read_settings(app.config))
    return _readers[key]


def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """Read a Markdown document with the core; a QuickTakes page's source becomes empty.

    The page is built from the record (``doctree-read``), so MyST never turns the front matter
    into a field list. Other documents are left exactly as they are.
    """
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".md":
        return
    src_uri = path.relative_to(app.srcdir).as_posix()
    data, problem = read_bytes(path, src_uri)
    read = _reader(app).read(src_uri, data) if data is not None else unreadable(src_uri, problem)
    checked = read.checked
    if checked.take is None and checked.usable:
        return  # not a QuickTakes file
    _warn(checked.problems)
    if not checked.usable:
        # Shown as a notice naming the problems, as the MkDocs option invalid_files: notice.
        source[0] = notice_page(src_uri, checked.problems)
        app.env.metadata[docname]["orphan"] = True
        return
    if read.rendered is not None:
        _warn(formula_problems(src_uri, read.rendered.finished))
    # The prepared Markdown was only needed to render the answer: the environment (pickled
    # after every build) keeps the rendered answer and the record.
    reads(app.env)[docname] = replace(read, prepared=None)
    source[0] = ""


def _warn(problems: list[Problem] | tuple[Problem, ...]) -> None:
    # The MkDocs plugin's messages (file, line, key, expected, found); each is a Sphinx warning,
    # so `sphinx-build -W` fails on a bad file, as `mkdocs build --strict` does.
    for problem in problems:
        logger.warning(problem.message(), type="quicktakes", subtype=problem.key)


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Put the Q&A page in the (empty) doctree of a QuickTakes document."""
    read = reads(app.env).get(app.env.docname)
    if read is None or read.take is None or read.rendered is None:
        return
    site = _site(app)
    view, problems = build_view(read.take, locale=site.locale, labels=site.labels)
    _warn(problems)
    doctree[:] = [article_nodes(view, read.rendered)]
    # Q&A pages are reached through hubs, feeds and links, not through a toctree.
    app.env.metadata[app.env.docname]["orphan"] = True


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Link the related questions, resolved against the whole site in ``env-updated``."""
    read = reads(app.env).get(docname)
    if read is None or read.take is None:
        return
    for placeholder in list(doctree.findall(nodes.raw)):
        if not placeholder.get(RELATED):
            continue
        related = site_state(app.env).related.get(docname, ())
        view, _ = build_view(read.take, locale=_site(app).locale, labels=_site(app).labels)
        view = replace(view, related=related)
        placeholder.replace_self(html(partial("related", view)) if related else [])


def site_state(env: BuildEnvironment) -> site.SiteState:
    """What the extension knows about the whole site this build (made in ``env-updated``)."""
    if not hasattr(env, "quicktakes_site"):
        env.quicktakes_site = site.SiteState()  # type: ignore[attr-defined]
    return env.quicktakes_site  # type: ignore[attr-defined,no-any-return]


def on_builder_inited(app: Sphinx) -> None:
    """Under dirhtml, write each Q&A page at its ``url`` (the option ``permalinks``)."""
    if not site.directory_urls(app):
        return
    builder = cast("DirectoryHTMLBuilder", app.builder)
    target_uri = builder.get_target_uri
    # Sphinx 8.2 writes a page at get_output_path(), 8.1 at get_outfilename() (a str).
    method = "get_output_path" if hasattr(builder, "get_output_path") else "get_outfilename"
    output_path = getattr(builder, method)

    def get_target_uri(docname: str, typ: str | None = None) -> str:
        dest = site_state(app.env).dests.get(docname)
        return site.placed_url(dest) if dest else target_uri(docname, typ)

    def get_output_path(pagename: str, /) -> Any:
        dest = site_state(app.env).dests.get(pagename)
        if not dest:
            return output_path(pagename)
        path = Path(builder.outdir, dest)
        return path if method == "get_output_path" else str(path)

    builder.get_target_uri = get_target_uri  # type: ignore[method-assign]
    setattr(builder, method, get_output_path)
    # Search results link to the page's url, not to the docname's folder.
    builder.indexer_format = PlacedDocnames(
        builder.indexer_format, lambda: site.search_names(site_state(app.env).dests)
    )


def on_env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Note which documents this build reads again (added or changed)."""
    _changed[id(env)] = set(docnames)


_changed: dict[int, set[str]] = {}


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Place, catalogue and list the whole site; the Q&A pages to write again though unchanged.

    A Q&A page shows of the rest of the site only where it is written and its related links
    (title and url of the questions it names, or text): a page is written again when one of
    those changed, say because a question it names moved or was removed. Hubs and feeds are
    written on every build.
    """
    known = reads(env)
    previous = site_state(env)
    state = site.SiteState()
    found = set(env.found_docs)
    state.dests, problems = site.place(app, known, found)
    env.quicktakes_site = state  # type: ignore[attr-defined]
    _warn(problems)
    state.catalog = site.build_catalog(app, known, _site(app))
    as_text = settings.option(app.config, "unresolved_related") == "text"
    state.related = site.related_by_page(app, known, state.catalog, unresolved_as_text=as_text)
    state.excerpts = {read.take.src_uri: read.excerpt for read in known.values() if read.take}
    state.hubs, warnings = site.hub_pages(app, state, found)
    for warning in warnings:
        logger.warning(warning, type="quicktakes", subtype="hub")
    state.feeds = site.feeds(app, state, _site(app))
    site.remove_stale(app, previous, state)
    changed = _changed.pop(id(env), set())
    return sorted(site.shown_changed(previous, state, set(known) - changed))


def on_html_collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """The hub pages: each subject's (paginated, newest first) and the subjects index."""
    state = site_state(app.env)
    for pagename, hub in site.iter_hubs(state):
        yield pagename, site.hub_context(app, state, _site(app), hub), PAGE_TEMPLATE


def on_env_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """Forget a document that is read again or removed."""
    reads(env).pop(docname, None)


def on_env_merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    """Take over what a parallel reader found."""
    theirs = reads(other)
    reads(env).update({name: theirs[name] for name in docnames if name in theirs})


def on_html_page_context(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> str | None:
    """Give a Q&A page the core's head tags, in the extension's page template."""
    read = reads(app.env).get(pagename)
    if read is None or read.take is None or read.rendered is None:
        return None
    site = _site(app)
    url = absolute_url(site.info.url, app.builder.get_target_uri(pagename)) if site.info.url else ""
    page = PageInfo(url, read.rendered.finished.text)
    tags = question_head_tags(read.take, site.head, site.info, page)
    context["quicktakes_head"] = render_head_tags(tags)
    # As under MkDocs, the formulas' stylesheet is linked from pages that hold MathML only.
    context["quicktakes_math"] = "<math" in read.rendered.finished.html
    # The theme's own meta tags (from `.. meta::` or html_meta) and canonical link (from
    # html_baseurl) would repeat the page's.
    context["metatags"] = ""
    context["pageurl"] = None
    return PAGE_TEMPLATE


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    """Write the feeds; copy the stylesheets the Q&A pages link to."""
    if exception is not None or app.builder.format != "html" or not reads(app.env):
        return
    for path, xml in site_state(app.env).feeds.items():
        target = Path(app.outdir, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(xml, encoding="utf-8")
    target = Path(app.outdir, "_static", "quicktakes")
    target.mkdir(parents=True, exist_ok=True)
    for stylesheet in STYLESHEETS:
        shutil.copyfile(stylesheet, target / stylesheet.name)
