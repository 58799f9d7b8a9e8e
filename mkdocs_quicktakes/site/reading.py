"""Reading one file completely: front matter, validation, the prepared and the rendered answer.

Everything the build needs of a file, computed from its bytes alone, so that it can run in a
worker process (see :mod:`mkdocs_quicktakes.speed.workers`) and be kept across ``mkdocs serve``
rebuilds (see :mod:`mkdocs_quicktakes.speed.cache`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from mkdocs_quicktakes.answer.blocks import NestedFences
from mkdocs_quicktakes.answer.placeholders import PreparedAnswer
from mkdocs_quicktakes.answer.prepare import prepare_answer
from mkdocs_quicktakes.answer.budget import DEFAULT_TIME_LIMIT, OverBudget, time_budget
from mkdocs_quicktakes.answer.text import answer_excerpt
from mkdocs_quicktakes.records.model import Problem, repair_text, shorten
from mkdocs_quicktakes.answer.render import AnswerRenderer, RenderedAnswer, RenderSettings
from mkdocs_quicktakes.answer.sanitize import raw_html_tags
from mkdocs_quicktakes.records.source import CheckedFile, check_source, failed_source, parse_source

if TYPE_CHECKING:
    from mkdocs_quicktakes.records.model import QuickTake


@dataclass(frozen=True)
class ReadSettings:
    """Every option a file's read result depends on.

    Attributes:
        max_answer_bytes: The option ``max_answer_bytes``.
        fix_mojibake: The option ``fix_mojibake``.
        nested_fences: How fences inside list items are written for the site's extensions.
        render: How answers are rendered and finished.
        render_ahead: Render answers while reading; off, MkDocs renders them.
        time_limit: The option ``time_limit``: CPU seconds one file may take, ``0`` for no limit.
    """

    max_answer_bytes: int = 0
    fix_mojibake: bool = True
    nested_fences: NestedFences = "indented"
    render: RenderSettings = field(default_factory=RenderSettings)
    render_ahead: bool = True
    time_limit: float = DEFAULT_TIME_LIMIT

    @property
    def answer_tags(self) -> frozenset[str] | None:
        """The raw HTML tags an answer may use."""
        return raw_html_tags(self.render.answer_html)


@dataclass(frozen=True)
class Spilled:
    """Where a read result's answer lies in a spill file (see ``speed/spill.py``)."""

    path: str
    offset: int
    length: int


@dataclass(frozen=True)
class ReadResult:
    """What the build keeps of one read file.

    Attributes:
        checked: The file as validated, with its problems.
        take: The record the site uses (repaired when ``fix_mojibake`` is on), if usable.
        prepared: The answer prepared for Markdown, if the file is a usable QuickTake.
        rendered: The answer rendered ahead of MkDocs, when rendering ahead is on.
        excerpt: The opening words of the answer, for hubs and feeds.
        spilled: Where the answer's Markdown and HTML were written when they were spilled to
            disk; ``prepared.markdown`` and ``rendered.finished`` are then empty until restored.
    """

    checked: CheckedFile
    take: QuickTake | None = None
    prepared: PreparedAnswer | None = None
    rendered: RenderedAnswer | None = None
    excerpt: str = ""
    spilled: Spilled | None = None


def unreadable(src_uri: str, problem: Problem | None) -> ReadResult:
    """The result of a file whose bytes could not be read."""
    return ReadResult(check_source(failed_source(src_uri, problem)))


class FileReader:
    """Reads files with one build's settings; re-uses one Markdown instance for all of them."""

    def __init__(self, settings: ReadSettings) -> None:
        self.settings = settings
        self._renderer = AnswerRenderer(settings.render) if settings.render_ahead else None

    def read(self, src_uri: str, data: bytes) -> ReadResult:
        """Parse, check, prepare and render one file's bytes, within the time limit.

        Whatever goes wrong with one file (an exception of any kind, or running past the time
        limit) becomes an error naming the file, and the next file is read as usual.
        """
        try:
            with time_budget(self.settings.time_limit):
                return self._read(src_uri, data)
        except OverBudget:
            problem = _over_budget(src_uri, self.settings.time_limit)
        except (Exception, RecursionError) as error:
            problem = _failed(src_uri, error)
        # Python-Markdown may be left half-way through a document: start a fresh one.
        self._renderer = AnswerRenderer(self.settings.render) if self._renderer else None
        return unreadable(src_uri, problem)

    def _read(self, src_uri: str, data: bytes) -> ReadResult:
        settings = self.settings
        checked = check_source(
            parse_source(data, src_uri), max_answer_bytes=settings.max_answer_bytes
        )
        # The YAML text was only needed to give problems their lines; that is done.
        checked = replace(checked, source=replace(checked.source, front_matter=""))
        take = checked.take
        if take is None or not checked.usable:
            return ReadResult(checked, take)
        prepared = prepare_answer(
            take.answer,
            fix_mojibake=settings.fix_mojibake,
            nested_fences=settings.nested_fences,
            html_tags=settings.answer_tags,
        )
        take = repair_text(take) if settings.fix_mojibake else take
        rendered = self._renderer.render(prepared) if self._renderer else None
        checked, take = _without_raw_answer(checked, take)
        return ReadResult(checked, take, prepared, rendered, answer_excerpt(prepared))


def _over_budget(src_uri: str, seconds: float) -> Problem:
    expected = f"a file read and rendered within {seconds:g} s (option time_limit)"
    found = "a file that takes longer; page not built"
    return Problem(src_uri, "(file)", expected, found, "error")


def _failed(src_uri: str, error: BaseException) -> Problem:
    """An exception while reading a file, named by its type and a short message."""
    reason = str(error).splitlines()[0] if str(error) else ""
    found = type(error).__name__ + (f" ({shorten(reason)})" if reason else "")
    expected = "a file the plugin can read"
    return Problem(src_uri, "(file)", expected, f"{found}; page not built", "error")


def _without_raw_answer(checked: CheckedFile, take: QuickTake) -> tuple[CheckedFile, QuickTake]:
    r"""The file and its record without the raw ``answer`` and front matter, once both are used.

    The raw text (literal ``\n`` escapes and all) is needed only to prepare the answer; from then
    on the page's Markdown and HTML are the answer. The front matter as parsed was needed only
    to check it and make the record, which holds every value the site uses. A site of 10,000
    pages would keep some 40 MB of answers and, in Python objects, as much again of front matter.
    """
    take = replace(take, answer="")
    return replace(checked, source=replace(checked.source, meta={}), take=take), take
