"""Hostile inputs for QuickTakes files, and the checks that a built page resists them.

Written for this project (tests/test_security.py and tests/test_security_properties.py). The
checks read the parsed output, as a browser would: an attacker wins when an element carries an
event handler, a script runs that the theme did not write, a link or source is a script URL, or
an element that loads or submits things appears.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from bs4 import BeautifulSoup, Tag

FRAGMENTS = (
    # HTML and attribute breakers
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)' x='",
    '" autofocus onfocus="alert(1)',
    "<svg onload=alert(1)>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<iframe src=//evil.example></iframe>",
    "<object data=x.swf></object>",
    "<embed src=x.swf>",
    "<form action=javascript:alert(1)><button formaction=javascript:alert(1)>go</button></form>",
    "<base href=//evil.example/>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    "</script><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea></noscript></style>",
    "<!--",
    "-->",
    "]]>",
    "<b>bold",
    "a<b",
    # URLs
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    # entities
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#106;avascript:alert(1)",
    "&quot; onerror=&quot;alert(1)",
    "&amp;",
    # Markdown that reaches attributes or files
    '{onclick="alert(1)"}',
    '{: onmouseover="alert(1)" }',
    '--8<-- "mkdocs.yml"',
    # placeholders, old and new
    "QTMATH0QT",
    "\ue100\ue010\ue01f",
    "\ue010\ue01f",
    # Jinja
    "{{ config }}",
    "{% include 'mkdocs.yml' %}",
    "{# x",
    # control and odd characters
    "\x01\x1b[31m",
    "\u2028\u2029",
    "\u202e",
    "\ufeff",
)
"""Pieces of hostile text; the property test joins a few of them with harmless text."""

URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    '$" onerror="alert(1)$',
    '$" onmouseover="alert(1)$',
    '" onmouseover="alert(1)',
    "x onerror=alert(1)",
    "https://example.org/ok",
)
"""Targets of links and images in answers."""

SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "background")
LOADERS = ("iframe", "object", "embed", "form", "base", "frame", "frameset", "applet")
# A string literal of JavaScript or JSON: what a theme's inline script may hold from a page.
_STRING_LITERAL = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")
_JSON_TYPES = ("application/ld+json", "application/json")


@dataclass
class ThemeBaseline:
    """What a theme itself puts in pages built from harmless files."""

    script_sources: set[str] = field(default_factory=set)
    script_shapes: set[str] = field(default_factory=set)
    """Inline scripts with their string literals emptied: page values may differ, code not."""
    loaders: Counter[str] = field(default_factory=Counter)
    """The most of each loading element (the search form) one page has."""

    def learn(self, soup: BeautifulSoup) -> None:
        for script in soup.find_all("script"):
            if script.get("src"):
                self.script_sources.add(str(script["src"]))
            elif script.get("type") not in _JSON_TYPES:
                self.script_shapes.add(script_shape(script))
        for name, count in loader_counts(soup).items():
            self.loaders[name] = max(self.loaders[name], count)


def script_shape(script: Tag) -> str:
    return _STRING_LITERAL.sub('""', script.get_text())


def loader_counts(soup: BeautifulSoup) -> Counter[str]:
    counts = Counter(tag.name for tag in soup.find_all(LOADERS))
    counts["meta http-equiv"] = len(soup.find_all("meta", attrs={"http-equiv": True}))
    return counts


def _url_is_script(value: str) -> bool:
    # Browsers drop ASCII whitespace and control characters inside the scheme.
    squeezed = "".join(ch for ch in value if ord(ch) > 0x20).lower()
    return squeezed.startswith(SCRIPT_SCHEMES)


def unsafe_markup(soup: BeautifulSoup, baseline: ThemeBaseline) -> list[str]:
    """Everything in a parsed page that a file could have used to run script or load things."""
    found = []
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            values = value if isinstance(value, list) else [value]
            if name.lower().startswith("on"):
                found.append(f"<{tag.name} {name}=...>")
            if name.lower() in URL_ATTRIBUTES and any(_url_is_script(str(v)) for v in values):
                found.append(f"<{tag.name} {name}={value!r}>")
    for script in soup.find_all("script"):
        kind = script.get("type")
        if script.get("src"):
            if str(script["src"]) not in baseline.script_sources:
                found.append(f"<script src={script['src']!r}>")
        elif kind in _JSON_TYPES:
            try:
                json.loads(script.get_text())
            except ValueError:
                found.append(f"<script type={kind}> that is not JSON")
        elif script_shape(script) not in baseline.script_shapes:
            found.append(f"<script> not from the theme: {script.get_text()[:80]!r}")
    for name, count in loader_counts(soup).items():
        if count > baseline.loaders[name]:
            found.append(f"{count} <{name}> (the theme has {baseline.loaders[name]})")
    return found


def visible(text: str) -> str:
    """Text as a reader compares it: no control or format characters, whitespace collapsed."""
    kept = "".join(
        ch for ch in text if ch in "\t\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Co")
    )
    return " ".join(kept.split())


def html_pages(site_dir: Path) -> Iterable[Path]:
    """Every HTML page of a built site but the theme's 404 page."""
    return (path for path in sorted(site_dir.rglob("*.html")) if path.name != "404.html")
