"""The Sphinx event handlers: each hands its document to the core and stores the result.

Per-document results live on the build environment (``env.quicktakes``), so they are pickled with
it, merged from parallel readers and purged with their document.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from mkdocs_quicktakes.head import render_head_tags
from mkdocs_quicktakes.page_head import question_head_tags
from mkdocs_quicktakes.reading import FileReader, ReadResult, unreadable
from mkdocs_quicktakes.render import formula_problems
from mkdocs_quicktakes.report import notice_page
from mkdocs_quicktakes.seo import PageInfo, absolute_url
from mkdocs_quicktakes.source import read_bytes
from mkdocs_quicktakes.sphinx import settings
from mkdocs_quicktakes.sphinx.article import TEMPLATES_DIR, article_nodes
from mkdocs_quicktakes.view import build_view

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

    from mkdocs_quicktakes.model import Problem

logger = logging.getLogger("mkdocs_quicktakes.sphinx")

PAGE_TEMPLATE = "quicktakes/sphinx-page.html"
SPHINX_TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES_DIR / "quicktakes" / "quicktakes.css"

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
    reads(app.env)[docname] = read
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
    """Nothing yet: related questions are linked here once every document is known."""


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
    # The theme's own meta tags (from `.. meta::` or html_meta) would repeat the page's.
    context["metatags"] = ""
    return PAGE_TEMPLATE


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    """Copy the stylesheet the Q&A pages link to."""
    if exception is not None or app.builder.format != "html" or not reads(app.env):
        return
    target = Path(app.outdir, "_static", "quicktakes")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STYLESHEET, target / STYLESHEET.name)
