"""Head tags of a QuickTakes page, and their placement in a page the theme already rendered.

Themes print their own ``<title>``, description, author and canonical tags (Material prints
``page.meta.description`` unescaped), and other plugins or ``extrahead`` overrides may add Open
Graph tags or JSON-LD. Rather than depend on each theme's block names, the plugin removes every tag
of a kind it brings from the rendered ``<head>`` and inserts its own, escaped, exactly once.
"""

from __future__ import annotations

import functools
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


def _value(group: str) -> str:
    """An attribute value; an unquoted one is taken whole, as browsers read it.

    Python 3.10 has no possessive quantifier, so a lookahead captures the longest unquoted value
    and a backreference consumes exactly that. Without it, an unclosed tag of many ``=`` made the
    regex try every way of splitting them (seconds for a few dozen).
    """
    return rf"""(?:"[^"]*"|'[^']*'|(?=(?P<{group}>[^\s>"'][^\s>]*))(?P={group}))"""


def _attribute_list(group: str) -> str:
    """An attribute list as browsers read it.

    A quoted value may hold ">", and a quote starts a value only right after "=" (elsewhere it is
    part of a name). Written as runs of plain characters between "=value" parts, which never start
    alike: a tag that does not match fails fast, and runs are matched at once rather than one
    character per repetition.
    """
    return rf"[^>=]*(?:=\s*{_value(group)}[^>=]*)*"


# An element's content up to its end tag (or the end of the text), in runs up to each "<".
_RAW_CONTENT = r"[^<]*(?:<(?!/(?P=raw)\s*>)[^<]*)*(?:</(?P=raw)\s*>)?"
# Only whole tags are matched, and comments, scripts and styles are consumed whole, so text that
# merely looks like a tag (inside a script string or a comment) is never mistaken for one.
_HEAD_TOKEN = re.compile(
    rf"""
      <!--.*?(?:-->|\Z)
    | <(?P<raw>script|style|template|noscript|title)\b(?P<raw_attributes>{_attribute_list("rv")})>
      {_RAW_CONTENT}
    | <(?P<void>meta|link)\b(?P<attributes>{_attribute_list("vv")})>
    | (?P<end></head\s*>)
    """,
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)
_ATTRIBUTE = re.compile(rf"([^\s/>=]+)(?:\s*=\s*({_value('v')}))?")
# One encoder for every page: json.dumps builds a new one on each call with these options.
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
# Pairs for str.replace, which is faster than str.translate on text this long. No replacement
# holds a character that another one replaces, so the order does not matter.
_JSON_IN_SCRIPT = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
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
    lines += [f'{_meta_start(key)}{escape(value)}">' for key, value in tags.properties]
    if tags.json_ld is not None:
        lines.append(f'<script type="application/ld+json">{json_for_script(tags.json_ld)}</script>')
    return "".join(line + "\n" for line in lines)


# Cached: a page has some twenty such tags, of the same few properties on every page.
@functools.lru_cache(maxsize=256)
def _meta_start(key: str) -> str:
    """A property's ``<meta>`` tag up to its content value: ``name=`` for ``twitter:*`` ones."""
    attribute = "name" if key.startswith("twitter:") else "property"
    return f'<meta {attribute}="{escape(key)}" content="'


def json_for_script(data: Mapping[str, object]) -> str:
    r"""JSON that no text can end or break out of inside ``<script>``.

    ``<``, ``>`` and ``&`` are written as ``\u`` escapes, so neither ``</script>`` nor ``<!--``
    can appear, and so are U+2028 and U+2029, which end a line in older JavaScript. The JSON means
    exactly the same to every JSON parser.
    """
    text = _JSON_ENCODER.encode(data)
    for unsafe, escaped in _JSON_IN_SCRIPT:
        text = text.replace(unsafe, escaped)
    return text


def replace_head_tags(page_html: str, tags: HeadTags) -> str:
    """Replace the tags of ``page_html``'s ``<head>`` of the kinds ``tags`` has by ``tags``.

    Every tag of a kind ``tags`` has is removed: ``<title>``, ``<link rel="canonical">``,
    JSON-LD scripts, and ``<meta>`` tags of the same ``name`` or ``property`` (``og:image`` also
    removes ``og:image:width``, which described the old image). Description, keywords and author
    tags are always removed. The new tags (:func:`render_head_tags`) go right after
    ``<meta charset>``, which browsers need early.

    Only the ``<head>`` is searched and rewritten, so the cost does not grow with the body, and a
    ``<title>`` inside an answer's SVG or code sample is never touched.
    """
    return place_head_tags(page_html, prepare_head_tags(tags))


@dataclass(frozen=True)
class PreparedHead:
    """Head tags written out, with the kinds of tag they replace; made before the page exists."""

    html: str
    kinds: frozenset[str]


def prepare_head_tags(tags: HeadTags) -> PreparedHead:
    """The part of :func:`replace_head_tags` that needs only the tags, not the page."""
    return PreparedHead(render_head_tags(tags), ALWAYS_REPLACED | _kinds_of(tags))


def place_head_tags(page_html: str, head: PreparedHead) -> str:
    """The part of :func:`replace_head_tags` that edits the page."""
    start = _HEAD_START.search(page_html)
    if start is None:
        return page_html
    edits = _head_edits(page_html, start.end(), head.kinds)
    if edits is None:
        return page_html
    cuts, insert_at = edits
    return _apply(page_html, [*((a, b, "") for a, b in cuts), (insert_at, insert_at, head.html)])


def _kinds_of(tags: HeadTags) -> frozenset[str]:
    """The kinds (as :func:`_tag_kinds` names them) of the tags :func:`render_head_tags` writes.

    Taken from the values, not by parsing the written tags again: that parse, mostly of the
    JSON-LD, cost more than the rest of the replacement.
    """
    kinds = {key.strip().lower() for key, _ in tags.properties}
    kinds.update(name for name in ("description", "keywords", "author") if getattr(tags, name))
    if tags.title:
        kinds.add("<title>")
    if tags.canonical:
        kinds.add("<link canonical>")
    if tags.json_ld is not None:
        kinds.add("<script ld+json>")
    return frozenset(kinds - {""})


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
        if not kinds:
            continue
        if "charset" in kinds and insert_at == start:
            insert_at = _line_end(page_html, token.end())
        if _is_replaced(kinds, replaced):
            cuts.append(_tag_span(page_html, token))
    return None


def _kinds(token: re.Match[str]) -> frozenset[str]:
    """What a head tag is, in the terms replacement is decided by (see :func:`_tag_kinds`)."""
    if token["void"]:
        return _tag_kinds(token["void"], token["attributes"])
    return _tag_kinds(token["raw"] or "", token["raw_attributes"] or "")


# Cached by the tag's text: a theme writes the same tags on every page (or one set per folder
# depth), and parsing their attributes was most of the time spent on a head.
@functools.lru_cache(maxsize=1024)
def _tag_kinds(name: str, attribute_text: str) -> frozenset[str]:
    """What the tag ``name`` with these attributes is; ``""`` names a comment.

    Tags are named ``<title>``, ``<link canonical>`` and ``<script ld+json>``; a ``<meta>`` by its
    ``name`` and ``property`` values (lowercased), plus ``charset`` when it declares one.
    """
    name = name.lower()
    if name == "title":
        return frozenset({"<title>"})
    if name not in ("meta", "link", "script"):
        return frozenset()
    attributes = _attributes(attribute_text)
    if name == "link":
        rel = attributes.get("rel", "").lower().split()
        return frozenset({"<link canonical>"}) if "canonical" in rel else frozenset()
    if name == "script":
        script_type = attributes.get("type", "").strip().lower()
        return frozenset({"<script ld+json>"} if script_type == "application/ld+json" else ())
    names = {attributes.get(key, "").strip().lower() for key in ("name", "property")}
    if "charset" in attributes:
        names.add("charset")
    return frozenset(names - {""})


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
