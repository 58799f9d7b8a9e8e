"""The QuickTake record: front matter in, validated and normalised fields out.

Nothing here knows MkDocs, so the checker command and the tests use it directly.
"""

from __future__ import annotations

import math
import re
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from mkdocs_quicktakes.records.dates import DateValue, parse_date
from mkdocs_quicktakes.records.mojibake import repair_mojibake

Severity = Literal["error", "warning"]
FieldKind = Literal["text", "date", "number", "mapping", "keywords"]

DEFAULT_MAX_ANSWER_BYTES = 2 * 1024 * 1024
"""Default of the option ``max_answer_bytes``: the largest answer rendered (2 MiB)."""

# Up to six digits: a longer number is no related entry (and 5,000 digits are no int Python makes).
_RELATED_KEY = re.compile(r"related_article(\d{1,6})\Z")
MAX_QUOTED = 80
"""The most characters of a front-matter value a message quotes."""
# C0 control characters (and DEL) other than tab and line feed: invisible in a page, and in a
# terminal they ring bells and change colours.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel, _SHORT_REPR.maxdict, _SHORT_REPR.maxlist = 2, 3, 3
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = MAX_QUOTED
_SHORT_REPR.maxlong = 40
_RELATED_PATTERN = "related_articleN"


@dataclass(frozen=True)
class FieldSpec:
    """One front-matter key of a QuickTakes page: its type and how a problem words it."""

    key: str
    """Dotted for nested keys (``seo.title``); ``related_articleN`` stands for every number."""
    kind: FieldKind
    expected: str
    """What a problem says was expected, e.g. ``a number``."""
    required: bool = False
    """Part of every QuickTakes page: ``question`` marks one, and without a text ``answer`` the
    page cannot be used (a wrong-typed ``question`` falls back to the title)."""


SCHEMA: tuple[FieldSpec, ...] = (
    FieldSpec("question", "text", "the question as text", required=True),
    FieldSpec("answer", "text", "the answer as Markdown text", required=True),
    FieldSpec("title", "text", "text"),
    FieldSpec("article_title", "text", "text"),
    FieldSpec("id", "text", "text or a number"),
    FieldSpec("date", "date", "a date like 2025-01-28"),
    FieldSpec("date_format", "text", "text"),
    FieldSpec("post_on_text", "text", "text"),
    FieldSpec("author", "text", "text"),
    FieldSpec("subject", "text", "text"),
    FieldSpec("url", "text", "text"),
    FieldSpec("score", "number", "a number"),
    FieldSpec("seo", "mapping", "a mapping"),
    FieldSpec("seo.title", "text", "text"),
    FieldSpec("seo.page_description", "text", "text"),
    FieldSpec("seo.page_keywords", "keywords", "a comma-separated text or a list"),
    FieldSpec(_RELATED_PATTERN, "mapping", "a mapping"),
    FieldSpec(f"{_RELATED_PATTERN}.id", "text", "text or a number"),
    FieldSpec(f"{_RELATED_PATTERN}.title", "text", "the title of the related question"),
    FieldSpec(f"{_RELATED_PATTERN}.url", "text", "text"),
    FieldSpec(f"{_RELATED_PATTERN}.subject", "text", "text"),
)
"""Every key the plugin reads, with its type. Other keys are allowed and left alone."""

_SPECS = {spec.key: spec for spec in SCHEMA}


def field_spec(key: str) -> FieldSpec | None:
    """The schema entry of a dotted key; ``related_article7.url`` finds ``related_articleN.url``."""
    head, dot, rest = key.partition(".")
    if _RELATED_KEY.match(head):
        head = _RELATED_PATTERN
    return _SPECS.get(head + dot + rest)


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
    line: int | None = None
    """Line of the key in the file (1-based), when the YAML tells it."""

    def message(self) -> str:
        r"""The one-line text logged for this problem: ``file[:line]: 'key': expected …``.

        Control characters are shown escaped (``\\x1b``), never sent to the terminal.
        """
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        text = f"{where}: '{self.key}': expected {self.expected}, found {self.found}"
        return escape_controls(text)


def escape_controls(text: str) -> str:
    r"""``text`` with C0 control characters (but tab and line feed) written as ``\\xNN``."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shorten(text: str, limit: int = MAX_QUOTED) -> str:
    """At most ``limit`` characters of ``text``, ending in ``...`` when cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
    """A page is a QuickTakes page when its front matter has a ``question``.

    One without an ``answer`` is a broken QuickTakes page (an error), not an ordinary page.
    """
    return "question" in meta


def describe(value: object) -> str:
    """Name a found value for a message: its type and a short repr."""
    if value is None:
        return "nothing (the key is missing or empty)"
    # reprlib stops early, so a huge value (an alias bomb, 10^5 digits) costs nothing to name.
    if isinstance(value, int) and value.bit_length() > 128:
        text = f"of about {int(value.bit_length() * 0.30103)} digits"
    else:
        text = shorten(_SHORT_REPR.repr(value))
    return f"{type(value).__name__} {text}"


class _Reader:
    """Reads typed values out of a front-matter mapping, collecting problems instead of raising.

    Each value is read at its dotted path; its :data:`SCHEMA` entry words the problem.
    """

    def __init__(self, src_uri: str, *, controls: bool = True) -> None:
        self.src_uri = src_uri
        self.problems: list[Problem] = []
        self.controls = controls

    def problem(self, path: str, value: object, severity: Severity = "warning") -> None:
        spec = field_spec(path)
        expected = spec.expected if spec is not None else "a value"
        self.problems.append(Problem(self.src_uri, path, expected, describe(value), severity))

    def text(self, meta: Mapping[str, object], path: str) -> str:
        """Return a scalar as stripped text; numbers are fine (YAML reads ``2024`` as an int)."""
        value = meta.get(_name(path))
        if value is None:
            return ""
        if isinstance(value, str):
            if self.controls and _CONTROL.search(value):
                value = self._without_controls(path, value)
            return value.strip()
        if _is_number(value):
            return _number_text(value) if type(value) is int else str(value)
        self.problem(path, value)
        return ""

    def _without_controls(self, path: str, value: str) -> str:
        """``value`` without control characters; a warning names them."""
        found = f"{describe(value)}; control characters removed"
        self.problems.append(Problem(self.src_uri, path, "text without control characters", found))
        return _CONTROL.sub("", value)

    def keywords(self, seo: Mapping[str, object]) -> tuple[str, ...]:
        value = seo.get("page_keywords")
        if value is None:
            return ()
        if isinstance(value, str):
            items: list[object] = list(value.split(","))
        elif isinstance(value, list):
            items = list(value)
        else:
            self.problem("seo.page_keywords", value)
            return ()
        words = (str(item).strip() for item in items if isinstance(item, (str, int, float)))
        return tuple(dict.fromkeys(word for word in words if word))

    def mapping(self, meta: Mapping[str, object], path: str) -> Mapping[str, object]:
        value = meta.get(_name(path))
        if value is None:
            return {}
        if isinstance(value, Mapping):
            return value
        self.problem(path, value)
        return {}

    def date(self, meta: Mapping[str, object]) -> DateValue | None:
        value = meta.get("date")
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.problem("date", value)
            return None

    def score(self, meta: Mapping[str, object]) -> float | None:
        value = meta.get("score")
        if value is None:
            return None
        # NaN and infinity are numbers to YAML (.nan, .inf) but not scores anything can sort by.
        if _is_number(value) and isinstance(value, (int, float)):
            try:
                score = float(value)
            except OverflowError:  # an int of more than 308 digits
                score = math.inf
            if math.isfinite(score):
                return score
        self.problem("score", value)
        return None

    def answer(self, meta: Mapping[str, object]) -> str:
        """The raw answer, or ``""`` with an error: a page without one cannot be used."""
        answer = meta.get("answer")
        if isinstance(answer, str) and answer.strip():
            if self.controls and _CONTROL.search(answer):
                return self._without_controls("answer", answer)
            return answer
        self.problem("answer", answer, "error")
        return ""

    def related(self, meta: Mapping[str, object]) -> tuple[RelatedLink, ...]:
        numbered = sorted(
            (int(match.group(1)), key)
            for key in meta
            if isinstance(key, str) and (match := _RELATED_KEY.match(key)) is not None
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
        written_title = entry.get("title")
        title = self.text(entry, f"{key}.title")
        url = self.text(entry, f"{key}.url")
        link_id = self.text(entry, f"{key}.id")
        subject = self.text(entry, f"{key}.subject")
        if not title:
            if written_title is None or isinstance(written_title, str):  # else already named
                self.problem(f"{key}.title", written_title)
            return None
        return RelatedLink(title=title, url=url, id=link_id, subject=subject)


def _name(path: str) -> str:
    """The last part of a dotted path: the key inside its mapping."""
    return path.rpartition(".")[2]


def _number_text(value: object) -> str:
    """A number as text; an int too long for Python's ``str`` is named by its size."""
    if isinstance(value, int) and value.bit_length() > 10_000:
        return ""
    return str(value)


def _is_number(value: object) -> bool:
    # YAML reads `yes`/`no` as booleans, which are ints to Python but never what was meant.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_quicktake(
    meta: Mapping[str, object], src_uri: str, *, controls: bool = True
) -> tuple[QuickTake | None, list[Problem]]:
    """Validate the front matter of one QuickTakes page against :data:`SCHEMA`.

    Every key is checked, so one pass names every problem of the file.

    Args:
        meta: The page's front matter, as YAML loaded it.
        src_uri: The file's path relative to ``docs_dir``, used in every problem.
        controls: Whether a value may hold control characters; ``False`` when the YAML had no
            double-quoted text, the only kind that can, and the values need no search.

    Returns:
        The record, or ``None`` when the page cannot be used (its ``answer`` is missing or not
        text, or it has no title at all), and the problems found. Optional fields of the wrong
        type fall back to a default with a warning.
    """
    read = _Reader(src_uri, controls=controls)
    answer = read.answer(meta)
    question = read.text(meta, "question")
    title = read.text(meta, "title")
    article_title = read.text(meta, "article_title")
    title = title or article_title or question
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
        seo_title=read.text(seo, "seo.title"),
        description=read.text(seo, "seo.page_description"),
        keywords=read.keywords(seo),
        author=read.text(meta, "author"),
        subject=read.text(meta, "subject"),
        url=read.text(meta, "url"),
        score=read.score(meta),
        related=read.related(meta),
    )
    if answer and not title:
        read.problems.append(
            Problem(src_uri, "title", "a title, an article_title or a question", "nothing", "error")
        )
    if not answer or not title:
        return None, read.problems
    return take, read.problems


def answer_size_problem(take: QuickTake, max_bytes: int) -> Problem | None:
    """An error when the answer is larger than ``max_bytes`` (UTF-8); ``0`` means no limit.

    Args:
        take: A validated page.
        max_bytes: The option ``max_answer_bytes``.

    Returns:
        The problem, or ``None`` when the answer is small enough to render.
    """
    if max_bytes <= 0 or len(take.answer) <= max_bytes // 4:
        return None  # at most 4 bytes a character: small enough without encoding it
    size = len(take.answer.encode("utf-8", "surrogatepass"))
    if size <= max_bytes:
        return None
    expected = f"at most {max_bytes:,} bytes (option max_answer_bytes)"
    return Problem(take.src_uri, "answer", expected, f"{size:,} bytes", "error")


def repair_text(take: QuickTake) -> QuickTake:
    """The record with mojibake repaired in every field a reader sees.

    The answer is left as written:
    :func:`~mkdocs_quicktakes.answer.prepare.prepare_answer` repairs it.
    """
    fix = repair_mojibake
    repaired: dict[str, Any] = {
        "title": fix(take.title),
        "question": fix(take.question),
        "post_on_text": fix(take.post_on_text),
        "seo_title": fix(take.seo_title),
        "description": fix(take.description),
        "keywords": tuple(fix(word) for word in take.keywords),
        "author": fix(take.author),
        "subject": fix(take.subject),
        "related": tuple(_repaired_link(link) for link in take.related),
    }
    if all(getattr(take, name) == value for name, value in repaired.items()):
        return take  # as nearly every record is: copying it would only cost time
    return replace(take, **repaired)


def _repaired_link(link: RelatedLink) -> RelatedLink:
    title = repair_mojibake(link.title)
    return link if title == link.title else replace(link, title=title)
