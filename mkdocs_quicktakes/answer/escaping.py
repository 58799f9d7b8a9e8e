"""Raw HTML in an answer's text: tags outside the allowed set are shown as text."""

from __future__ import annotations

import re

# "<" that would open an HTML tag, comment or declaration (not an autolink).
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])(?![A-Za-z][A-Za-z0-9+.-]*:)")
# The name of the tag a "<" opens, when it is followed by what may follow a tag name.
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|\Z)")


def escape_tags(text: str, allowed: frozenset[str] | None) -> str:
    """Escape the ``<`` of every tag-like text whose tag is not in ``allowed`` (``None``: all)."""
    if allowed is None or "<" not in text:
        return text
    if not allowed:
        return _TAG_START.sub("&lt;", text)

    def keep_allowed(match: re.Match[str]) -> str:
        name = _TAG_NAME.match(text, match.start())
        return "<" if name is not None and name.group(1).lower() in allowed else "&lt;"

    return _TAG_START.sub(keep_allowed, text)
