"""Head tags of a QuickTakes page, and their placement in a page the theme already rendered.

Themes print their own ``<title>``, description, author and canonical tags (Material prints
``page.meta.description`` unescaped), and other plugins or ``extrahead`` overrides may add Open
Graph tags or JSON-LD. Rather than depend on each theme's block names, the plugin removes every tag
of a kind it brings from the rendered ``<head>`` and inserts its own, escaped, exactly once.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from html import escape, unescape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

TITLE_FIELDS = ("title", "seo_title", "subject", "site_name")
"""Placeholders a ``title_format`` may use."""

ALWAYS_REPLACED = frozenset({"description", "keywords", "author"})
"""Kinds of tag removed from a page's head even when the plugin has no value for them: a theme's
site-wide description or author would be wrong on a page that has none of its own."""

_HEAD_START = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
# An attribute list as browsers read it: a quoted value may hold ">", and a quote starts a value
# only right after "=" (elsewhere it is part of a name). The alternatives never start alike, so a
# tag that does not match fails fast.
_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s>"'][^\s>]*)"""
_ATTRIBUTES = rf"(?:[^>=]|=\s*{_VALUE})*"
# Only whole tags are matched, and comments, scripts and styles are consumed whole, so text that
# merely looks like a tag (inside a script string or a comment) is never mistaken for one.
_HEAD_TOKEN = re.compile(
    rf"""
      <!--.*?(?:-->|\Z)
    | <(?P<raw>script|style|template|noscript|title)\b(?P<raw_attributes>{_ATTRIBUTES})>
      .*?(?:</(?P=raw)\s*>|\Z)
    | <(?P<void>meta|link)\b(?P<attributes>{_ATTRIBUTES})>
    | (?P<end></head\s*>)
    """,
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)
_ATTRIBUTE = re.compile(rf"([^\s/>=]+)(?:\s*=\s*({_VALUE}))?")
_JSON_IN_SCRIPT = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


@dataclass(frozen=True)
class HeadTags:
    """Plain-text values of the tags one page needs; empty values produce no tag."""

    title: str
    description: str = ""
    keywords: str = ""
    author: str = ""
    canonical: str = ""
    """Absolute url for ``<link rel="canonical">``."""
    properties: tuple[tuple[str, str], ...] = ()
    """``(property, content)`` pairs, in order: Open Graph and ``article:*`` tags are written with
    ``property=``, ``twitter:*`` ones with ``name=``, as each vocabulary specifies."""
    json_ld: Mapping[str, object] | None = None
    """The page's one JSON-LD document."""


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
    """The HTML of the tags, every value escaped for an attribute, text or a script."""
    lines = [f"<title>{escape(tags.title, quote=False)}</title>"] if tags.title else []
    for name in ("description", "keywords", "author"):
        value = getattr(tags, name)
        if value:
            lines.append(f'<meta name="{name}" content="{escape(value)}">')
    if tags.canonical:
        lines.append(f'<link rel="canonical" href="{escape(tags.canonical)}">')
    for key, value in tags.properties:
        attribute = "name" if key.startswith("twitter:") else "property"
        lines.append(f'<meta {attribute}="{escape(key)}" content="{escape(value)}">')
    if tags.json_ld is not None:
        lines.append(f'<script type="application/ld+json">{json_for_script(tags.json_ld)}</script>')
    return "".join(line + "\n" for line in lines)


def json_for_script(data: Mapping[str, object]) -> str:
    r"""JSON that no text can end or break out of inside ``<script>``.

    ``<``, ``>`` and ``&`` are written as ``\u`` escapes, so neither ``</script>`` nor ``<!--``
    can appear, and so are U+2028 and U+2029, which end a line in older JavaScript. The JSON means
    exactly the same to every JSON parser.
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.translate(_JSON_IN_SCRIPT)


def replace_head_tags(page_html: str, head_html: str) -> str:
    """Replace the tags of ``page_html``'s ``<head>`` that ``head_html`` brings, by ``head_html``.

    Every tag of a kind ``head_html`` has is removed: ``<title>``, ``<link rel="canonical">``,
    JSON-LD scripts, and ``<meta>`` tags of the same ``name`` or ``property`` (``og:image`` also
    removes ``og:image:width``, which described the old image). Description, keywords and author
    tags are always removed. The new tags go right after ``<meta charset>``, which browsers need
    early.

    Only the ``<head>`` is searched and rewritten, so the cost does not grow with the body, and a
    ``<title>`` inside an answer's SVG or code sample is never touched.
    """
    start = _HEAD_START.search(page_html)
    if start is None:
        return page_html
    edits = _head_edits(page_html, start.end(), ALWAYS_REPLACED | _kinds_in(head_html))
    if edits is None:
        return page_html
    cuts, insert_at = edits
    return _apply(page_html, [*((a, b, "") for a, b in cuts), (insert_at, insert_at, head_html)])


def _head_edits(
    page_html: str, start: int, replaced: frozenset[str]
) -> tuple[list[tuple[int, int]], int] | None:
    """The spans of replaced tags (with their indentation and line end) and the insertion point.

    ``None`` when the head never ends, as in a fragment that is not a page.
    """
    cuts: list[tuple[int, int]] = []
    insert_at = start
    for token in _HEAD_TOKEN.finditer(page_html, start):
        if token["end"]:
            return cuts, insert_at
        kinds = _kinds(token)
        if "charset" in kinds and insert_at == start:
            insert_at = _line_end(page_html, token.end())
        if _is_replaced(kinds, replaced):
            cuts.append(_tag_span(page_html, token))
    return None


def _kinds_in(html: str) -> frozenset[str]:
    return frozenset(kind for token in _HEAD_TOKEN.finditer(html) for kind in _kinds(token))


def _kinds(token: re.Match[str]) -> frozenset[str]:
    """What a head tag is, in the terms replacement is decided by.

    Tags are named ``<title>``, ``<link canonical>`` and ``<script ld+json>``; a ``<meta>`` by its
    ``name`` and ``property`` values (lowercased), plus ``charset`` when it declares one.
    """
    if token["void"]:
        attributes = _attributes(token["attributes"])
        if token["void"].lower() == "link":
            rel = attributes.get("rel", "").lower().split()
            return frozenset({"<link canonical>"}) if "canonical" in rel else frozenset()
        names = {attributes.get(key, "").strip().lower() for key in ("name", "property")}
        if "charset" in attributes:
            names.add("charset")
        return frozenset(names - {""})
    raw = (token["raw"] or "").lower()
    if raw == "title":
        return frozenset({"<title>"})
    script_type = _attributes(token["raw_attributes"] or "").get("type", "").strip().lower()
    if raw == "script" and script_type == "application/ld+json":
        return frozenset({"<script ld+json>"})
    return frozenset()


def _attributes(text: str) -> dict[str, str]:
    """Attribute names (lowercased) and unescaped values; the first of a repeated name wins."""
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        value = match[2] or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        found.setdefault(match[1].lower(), unescape(value))
    return found


def _is_replaced(kinds: frozenset[str], replaced: frozenset[str]) -> bool:
    """Whether a kind, or a kind it extends (``og:image`` for ``og:image:width``), is replaced."""
    for kind in kinds:
        parts = kind.split(":")
        if any(":".join(parts[:count]) in replaced for count in range(1, len(parts) + 1)):
            return True
    return False


def _tag_span(text: str, token: re.Match[str]) -> tuple[int, int]:
    """A tag to remove, with its indentation and line break when it stands on a line of its own."""
    start = _line_start(text, token.start())
    if start == 0 or text[start - 1] == "\n":
        return start, _line_end(text, token.end())
    return token.start(), token.end()


def _line_start(text: str, at: int) -> int:
    while at > 0 and text[at - 1] in " \t":
        at -= 1
    return at


def _line_end(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t":
        at += 1
    return at + 1 if text.startswith("\n", at) else at


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace each ``(start, end, new)`` span; overlapping spans are merged, in order."""
    out: list[str] = []
    at = 0
    for start, end, new in sorted(edits, key=lambda edit: edit[0]):
        start = max(start, at)
        out += (text[at:start], new)
        at = max(at, end)
    out.append(text[at:])
    return "".join(out)
