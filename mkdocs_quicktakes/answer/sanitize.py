"""Keep an answer's HTML to an allowlist: no scripts, no event handlers, no ``javascript:`` links.

Answers come from a generator or from authors the site owner may not control. Their Markdown is
rendered with the site's own extensions, so unsafe markup can come from raw HTML in the answer,
from a Markdown link such as ``[x](javascript:alert(1))``, or from ``attr_list`` attributes such
as ``{onclick="…"}``. The rendered answer is therefore cleaned as a whole (with nh3, a binding of
the Rust ``ammonia`` sanitizer) as the last step, after the plugin has put its formulas in: the
MathML the converter emits is on the allowlist
(:func:`mkdocs_quicktakes.answer.math.mathml_allowlist`),
anything else in a formula is removed like any other markup.

The allowlist keeps what Python-Markdown and the usual extensions produce (tables with their
alignment, footnotes, task lists, admonitions, tabs, highlighted code, Material's SVG icons).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import nh3

from mkdocs_quicktakes.answer.math import MATHML_STYLE_PROPERTIES, mathml_allowlist

AnswerHtml = Literal["sanitize", "trust"]

ALLOWED_TAGS: frozenset[str] = frozenset(
    nh3.ALLOWED_TAGS | {"input", "label", "tfoot", "svg", "path", "g"}
)
"""Tags an answer may hold; raw HTML with other tags is shown as text."""

_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    # Markdown's own: line-number anchors, image sizes, ordered list starts.
    "a": {"href", "hreflang", "name"},
    "img": {"src", "alt", "width", "height", "align", "loading"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "input": {"checked", "disabled", "name"},
    "label": {"for"},
    "svg": {"xmlns", "viewBox", "width", "height", "fill"},
    "path": {"d", "fill", "fill-rule", "clip-rule"},
    # Every element: anchors, styling hooks, tooltips, languages, table cell alignment.
    "*": {"id", "class", "title", "lang", "dir", "style"},
}
# pymdownx.tasklist and pymdownx.tabbed draw checkboxes and radio buttons; no other input.
_ATTRIBUTE_VALUES = {"input": {"type": {"checkbox", "radio"}}}
# Python-Markdown aligns table cells with style="text-align: …"; math-core sets the alignment,
# padding and rules of its table cells and the colour of \color as inline styles, which
# mathml.check_mathml holds to these properties with plain values. No other property is kept.
_STYLE_PROPERTIES = {"text-align", *MATHML_STYLE_PROPERTIES}
# http(s), mailto and the like; never javascript:, vbscript: or data:.
_URL_SCHEMES = nh3.ALLOWED_URL_SCHEMES - {"data"}


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    math_elements, math_attributes = mathml_allowlist()
    attributes = {**_ATTRIBUTES, **{name: set(math_attributes) for name in math_elements}}
    attributes["math"] = {*attributes.get("math", ()), "xmlns"}
    return nh3.Cleaner(
        tags=ALLOWED_TAGS | math_elements,
        attributes=attributes,
        tag_attribute_values=_ATTRIBUTE_VALUES,
        filter_style_properties=_STYLE_PROPERTIES,
        generic_attribute_prefixes={"data-", "aria-"},
        url_schemes=_URL_SCHEMES,
        # Links stay as written: no rel="noopener noreferrer" added to every internal link.
        link_rel=None,
        strip_comments=True,
    )


def sanitize_html(html: str) -> str:
    """Remove from rendered HTML every tag, attribute and URL outside the allowlist.

    ``<script>`` and ``<style>`` go with their content; other unknown tags go and their text
    stays. Event handler attributes (``onerror``) and ``javascript:``/``data:`` URLs are removed.
    The converter's MathML is kept.

    Args:
        html: An answer as Markdown rendered it, formulas filled in.

    Returns:
        The same HTML with only allowed markup.
    """
    # A style attribute whose every property was removed is left empty; drop it.
    return _cleaner().clean(html).replace(' style=""', "")


def sanitize_text(html_text: str) -> str:
    """Keep only the text of an HTML fragment, escaped: for TOC titles, which themes print raw.

    Python-Markdown gives a title as escaped text already; this also holds for titles that an
    extension or another plugin made, so that no tag from a file reaches the table of contents.
    Quotes stay as Python-Markdown leaves them: themes print TOC titles as text, never inside an
    attribute (Material's ``aria-label`` strips and escapes the title itself).
    """
    return _text_cleaner().clean(html_text)


@lru_cache(maxsize=1)
def _text_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(tags=set(), attributes={}, strip_comments=True)


def raw_html_tags(mode: AnswerHtml) -> frozenset[str] | None:
    """The tags raw HTML in an answer may use: the allowlist, or ``None`` (any) when trusted."""
    return None if mode == "trust" else ALLOWED_TAGS
