"""Head tags of a QuickTakes page, and their placement in a page the theme already rendered.

Themes print their own ``<title>``, description and author tags (Material prints
``page.meta.description`` unescaped). Rather than depend on each theme's block names, the plugin
removes those tags from the rendered ``<head>`` and inserts its own, escaped, exactly once.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

TITLE_FIELDS = ("title", "seo_title", "subject", "site_name")
"""Placeholders a ``title_format`` may use."""

_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_REPLACED_TAGS = re.compile(
    r"""
    [ \t]*(?:
        <title\b[^>]*>.*?</title\s*>
      | <meta\s[^>]*\bname\s*=\s*["']?(?:description|keywords|author)\b[^>]*>
    )[ \t]*\n?
    """,
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)
_HEAD_START = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(r"<meta\s+charset\s*=[^>]*>[ \t]*\n?", re.IGNORECASE)


@dataclass(frozen=True)
class HeadTags:
    """Plain-text values of the tags one page needs; empty values produce no tag."""

    title: str
    description: str = ""
    keywords: str = ""
    author: str = ""


def check_title_format(pattern: str) -> str | None:
    """Return an error message when ``pattern`` uses an unknown placeholder, else ``None``."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as error:
        return f"not a valid format string ({error})"
    unknown = sorted(names - set(TITLE_FIELDS))
    if unknown:
        return f"unknown placeholder {{{unknown[0]}}}; use {', '.join(TITLE_FIELDS)}"
    return None


def format_title(pattern: str, fields: Mapping[str, str]) -> str:
    """Fill a checked ``title_format`` with plain-text values."""
    return pattern.format_map({name: fields.get(name, "") for name in TITLE_FIELDS}).strip()


def render_head_tags(tags: HeadTags) -> str:
    """The HTML of the tags, every value escaped for an attribute or text."""
    lines = [f"<title>{escape(tags.title, quote=False)}</title>"]
    for name in ("description", "keywords", "author"):
        value = getattr(tags, name)
        if value:
            lines.append(f'<meta name="{name}" content="{escape(value)}">')
    return "\n".join(lines) + "\n"


def replace_head_tags(page_html: str, head_html: str) -> str:
    """Replace the theme's title, description, keywords and author tags by ``head_html``.

    Only the ``<head>`` is searched and rewritten, so the cost does not grow with the body, and a
    ``<title>`` inside an answer's SVG or code sample is never touched.
    """
    end = _HEAD_END.search(page_html)
    start = _HEAD_START.search(page_html, 0, end.start()) if end else None
    if end is None or start is None:
        return page_html
    head = _REPLACED_TAGS.sub("", page_html[start.end() : end.start()])
    charset = _CHARSET.search(head)
    at = charset.end() if charset else 0
    head = head[:at] + head_html + head[at:]
    return page_html[: start.end()] + head + page_html[end.start() :]
