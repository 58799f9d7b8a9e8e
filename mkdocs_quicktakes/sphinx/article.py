"""The docutils nodes of one Q&A page, from what the core made of its file.

The page title is a real section title (Sphinx's ``<h1>``, the document title in toctrees and
search); the answer's headings become nested sections, so they appear in Sphinx's local table of
contents; everything else is the core's finished, sanitized HTML, placed as raw HTML nodes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape as _escape
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from docutils import nodes

import mkdocs_quicktakes

if TYPE_CHECKING:
    from mkdocs_quicktakes.answer.render import RenderedAnswer, TocHeading
    from mkdocs_quicktakes.html.views import QuickTakeView

RELATED = "quicktakes_related"
"""The attribute of the node that the related questions replace."""
TEMPLATES_DIR = Path(mkdocs_quicktakes.__file__).parent / "templates"


@lru_cache(maxsize=1)
def _partials() -> jinja2.Environment:
    # The MkDocs layout's own partials (byline, related), so both hosts print the same markup.
    # Like the MkDocs theme environment, no autoescape: the partials escape with | e.
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=False)


def partial(name: str, view: QuickTakeView) -> str:
    """One partial of the Q&A layout (``byline``, ``related``) rendered for ``view``."""
    return _partials().get_template(f"quicktakes/partials/{name}.html").render(quicktake=view)


def html(text: str) -> nodes.raw:
    """A raw HTML node (HTML builders only; other builders skip it)."""
    return nodes.raw("", text, format="html")


def article_nodes(view: QuickTakeView, rendered: RenderedAnswer) -> nodes.section:
    """The page's one top-level section: title, question, byline, answer, related questions."""
    section = nodes.section(ids=["qt-page"], classes=["qt"])
    section += nodes.title(view.title, view.title)
    header = ""
    if view.question != view.title:
        header = f'<p class="qt-header__question">{_escape(view.question)}</p>\n'
    # The title is Sphinx's own section heading, so the header holds what follows it.
    section += html(f'<header class="qt-header">{header}{partial("byline", view)}</header>')
    label = _escape(view.labels.answer)
    section += html(
        f'<div class="qt-answer" id="answer" role="region" aria-label="{label}">'
        '<div class="qt-answer__text">'
    )
    _add_answer(section, rendered.finished.html, rendered.toc)
    section += html("</div></div>")
    # Linked once every document's url is known (``doctree-resolved``).
    section += nodes.raw("", "", format="html", **{RELATED: True})
    return section


def _flatten(toc: tuple[TocHeading, ...], depth: int = 0) -> list[tuple[TocHeading, int]]:
    found: list[tuple[TocHeading, int]] = []
    for heading in toc:
        found.append((heading, depth))
        found.extend(_flatten(heading.children, depth + 1))
    return found


def _add_answer(parent: nodes.Element, answer: str, toc: tuple[TocHeading, ...]) -> None:
    """Add the answer under ``parent``: its headings as nested sections, the rest as raw HTML.

    The raw HTML between two headings always closes what it opens (headings Markdown writes at
    the top level of the answer); a heading Markdown nested in a list or quote stays raw.
    """
    stack: list[nodes.Element] = [parent]
    position = 0
    for heading, depth in _flatten(toc):
        match = _heading(heading.id).search(answer, position)
        if match is None or not _top_level(answer[position : match.start()]):
            continue
        if match.start() > position:
            stack[-1] += html(answer[position : match.start()])
        del stack[depth + 1 :]
        section = nodes.section(ids=[heading.id], names=[nodes.fully_normalize_name(heading.name)])
        inner = match.group("inner")
        title = nodes.title(heading.name, "")
        title += nodes.Text(unescape(inner)) if "<" not in inner else _inline_html(inner)
        section += title
        stack[-1] += section
        stack.append(section)
        position = match.end()
    if position < len(answer):
        stack[-1] += html(answer[position:])


def _inline_html(inner: str) -> nodes.raw:
    return nodes.raw("", inner, format="html")


@lru_cache(maxsize=512)
def _heading(anchor: str) -> re.Pattern[str]:
    return re.compile(
        rf'<h(?P<level>[1-6])\b[^>]*\bid="{re.escape(anchor)}"[^>]*>(?P<inner>.*?)</h(?P=level)>',
        re.DOTALL,
    )


_OPEN = re.compile(r"<(/?)(ul|ol|blockquote|div|table|details|li)\b", re.IGNORECASE)


def _top_level(chunk: str) -> bool:
    """Whether ``chunk`` closes every block it opens (so a heading after it is at the top)."""
    depth = 0
    for match in _OPEN.finditer(chunk):
        depth += -1 if match.group(1) else 1
    return depth == 0
