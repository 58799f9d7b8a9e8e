"""The QuickTake record: front matter in, validated and normalised fields out.

Nothing here knows MkDocs, so the checker command and the tests use it directly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from mkdocs_quicktakes.dates import DateValue, parse_date

Severity = Literal["error", "warning"]

_RELATED_KEY = re.compile(r"related_article(\d+)\Z")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, worded so its author can fix it without a traceback."""

    file: str
    """Path of the file relative to ``docs_dir``."""
    key: str
    """The front-matter key, dotted for nested keys (``seo.page_keywords``)."""
    expected: str
    found: str
    severity: Severity = "warning"

    def message(self) -> str:
        """The one-line text logged for this problem."""
        return f"{self.file}: '{self.key}': expected {self.expected}, found {self.found}"


@dataclass(frozen=True)
class RelatedLink:
    """One ``related_articleN`` entry, as written in the front matter."""

    title: str
    url: str
    id: str = ""
    subject: str = ""


@dataclass(frozen=True)
class QuickTake:
    """A validated QuickTakes page. Text fields are plain text, never HTML."""

    src_uri: str
    title: str
    question: str
    answer: str
    """The raw answer: Markdown on one line with literal ``\\n`` escapes, not yet decoded."""
    id: str = ""
    date: DateValue | None = None
    date_format: str = "YYYY-MM-DD"
    post_on_text: str = ""
    seo_title: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()
    author: str = ""
    subject: str = ""
    url: str = ""
    score: float | None = None
    related: tuple[RelatedLink, ...] = field(default=())


def is_quicktake(meta: Mapping[str, object]) -> bool:
    """A page is a QuickTakes page when its front matter has both ``question`` and ``answer``."""
    return "question" in meta and "answer" in meta


def describe(value: object) -> str:
    """Name a found value for a message: its type and a short repr."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


class _Reader:
    """Reads typed values out of a front-matter mapping, collecting problems instead of raising."""

    def __init__(self, src_uri: str) -> None:
        self.src_uri = src_uri
        self.problems: list[Problem] = []

    def problem(self, key: str, expected: str, value: object, severity: Severity) -> None:
        self.problems.append(Problem(self.src_uri, key, expected, describe(value), severity))

    def text(self, meta: Mapping[str, object], key: str, prefix: str = "") -> str:
        """Return a scalar as stripped text; numbers are fine (YAML reads ``2024`` as an int)."""
        value = meta.get(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        self.problem(prefix + key, "text", value, "warning")
        return ""

    def keywords(self, seo: Mapping[str, object]) -> tuple[str, ...]:
        value = seo.get("page_keywords")
        if value is None:
            return ()
        if isinstance(value, str):
            items: list[object] = list(value.split(","))
        elif isinstance(value, list):
            items = list(value)
        else:
            self.problem("seo.page_keywords", "a comma-separated text or a list", value, "warning")
            return ()
        words = (str(item).strip() for item in items if isinstance(item, (str, int, float)))
        return tuple(dict.fromkeys(word for word in words if word))

    def mapping(self, meta: Mapping[str, object], key: str) -> Mapping[str, object]:
        value = meta.get(key)
        if value is None:
            return {}
        if isinstance(value, Mapping):
            return value
        self.problem(key, "a mapping", value, "warning")
        return {}

    def date(self, meta: Mapping[str, object]) -> DateValue | None:
        value = meta.get("date")
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.problem("date", "a date like 2025-01-28", value, "warning")
            return None

    def score(self, meta: Mapping[str, object]) -> float | None:
        value = meta.get("score")
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        self.problem("score", "a number", value, "warning")
        return None

    def related(self, meta: Mapping[str, object]) -> tuple[RelatedLink, ...]:
        numbered = sorted(
            (int(match.group(1)), key)
            for key in meta
            if (match := _RELATED_KEY.match(key)) is not None
        )
        links: dict[tuple[str, str], RelatedLink] = {}
        for _, key in numbered:
            link = self._related_link(meta, key)
            if link is not None:
                # A repeated entry (same id, or same url when there is no id) is shown once.
                links.setdefault((link.id, link.url if not link.id else ""), link)
        return tuple(links.values())

    def _related_link(self, meta: Mapping[str, object], key: str) -> RelatedLink | None:
        entry = self.mapping(meta, key)
        if not entry:
            return None
        title = self.text(entry, "title", f"{key}.")
        url = self.text(entry, "url", f"{key}.")
        if not title:
            self.problem(f"{key}.title", "the title of the related question", None, "warning")
            return None
        return RelatedLink(
            title=title,
            url=url,
            id=self.text(entry, "id", f"{key}."),
            subject=self.text(entry, "subject", f"{key}."),
        )


def parse_quicktake(
    meta: Mapping[str, object], src_uri: str
) -> tuple[QuickTake | None, list[Problem]]:
    """Validate the front matter of one QuickTakes page.

    Args:
        meta: The page's front matter, as YAML loaded it.
        src_uri: The file's path relative to ``docs_dir``, used in every problem.

    Returns:
        The record, or ``None`` when the page cannot be used (its ``answer`` is not text), and the
        problems found. Optional fields of the wrong type fall back to a default with a warning.
    """
    read = _Reader(src_uri)
    answer = meta.get("answer")
    if not isinstance(answer, str) or not answer.strip():
        read.problem("answer", "the answer as Markdown text", answer, "error")
        return None, read.problems
    question = read.text(meta, "question")
    title = read.text(meta, "title") or read.text(meta, "article_title") or question
    if not title:
        read.problem("title", "a title, an article_title or a question", None, "error")
        return None, read.problems
    seo = read.mapping(meta, "seo")
    take = QuickTake(
        src_uri=src_uri,
        title=title,
        question=question or title,
        answer=answer,
        id=read.text(meta, "id"),
        date=read.date(meta),
        date_format=read.text(meta, "date_format") or "YYYY-MM-DD",
        post_on_text=read.text(meta, "post_on_text"),
        seo_title=read.text(seo, "title", "seo."),
        description=read.text(seo, "page_description", "seo."),
        keywords=read.keywords(seo),
        author=read.text(meta, "author"),
        subject=read.text(meta, "subject"),
        url=read.text(meta, "url"),
        score=read.score(meta),
        related=read.related(meta),
    )
    return take, read.problems
