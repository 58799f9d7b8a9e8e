"""Reading one file completely: front matter, validation, the prepared and the rendered answer.

Everything the build needs of a file, computed from its bytes alone, so that it can run in a
worker process (see :mod:`mkdocs_quicktakes.workers`) and be kept across ``mkdocs serve``
rebuilds (see :mod:`mkdocs_quicktakes.cache`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from mkdocs_quicktakes.answer import NestedFences, PreparedAnswer, prepare_answer
from mkdocs_quicktakes.hubs import answer_excerpt
from mkdocs_quicktakes.model import repair_text
from mkdocs_quicktakes.render import AnswerRenderer, RenderedAnswer, RenderSettings
from mkdocs_quicktakes.sanitize import raw_html_tags
from mkdocs_quicktakes.source import CheckedFile, check_source, failed_source, parse_source

if TYPE_CHECKING:
    from mkdocs_quicktakes.model import Problem, QuickTake


@dataclass(frozen=True)
class ReadSettings:
    """Every option a file's read result depends on.

    Attributes:
        max_answer_bytes: The option ``max_answer_bytes``.
        fix_mojibake: The option ``fix_mojibake``.
        nested_fences: How fences inside list items are written for the site's extensions.
        render: How answers are rendered and finished.
        render_ahead: Render answers while reading; off, MkDocs renders them.
    """

    max_answer_bytes: int = 0
    fix_mojibake: bool = True
    nested_fences: NestedFences = "indented"
    render: RenderSettings = field(default_factory=RenderSettings)
    render_ahead: bool = True

    @property
    def answer_tags(self) -> frozenset[str] | None:
        """The raw HTML tags an answer may use."""
        return raw_html_tags(self.render.answer_html)


@dataclass(frozen=True)
class ReadResult:
    """What the build keeps of one read file.

    Attributes:
        checked: The file as validated, with its problems.
        take: The record the site uses (repaired when ``fix_mojibake`` is on), if usable.
        prepared: The answer prepared for Markdown, if the file is a usable QuickTake.
        rendered: The answer rendered ahead of MkDocs, when rendering ahead is on.
        excerpt: The opening words of the answer, for hubs and feeds.
    """

    checked: CheckedFile
    take: QuickTake | None = None
    prepared: PreparedAnswer | None = None
    rendered: RenderedAnswer | None = None
    excerpt: str = ""


def unreadable(src_uri: str, problem: Problem | None) -> ReadResult:
    """The result of a file whose bytes could not be read."""
    return ReadResult(check_source(failed_source(src_uri, problem)))


class FileReader:
    """Reads files with one build's settings; re-uses one Markdown instance for all of them."""

    def __init__(self, settings: ReadSettings) -> None:
        self.settings = settings
        self._renderer = AnswerRenderer(settings.render) if settings.render_ahead else None

    def read(self, src_uri: str, data: bytes) -> ReadResult:
        """Parse, check, prepare and render one file's bytes."""
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


def _without_raw_answer(checked: CheckedFile, take: QuickTake) -> tuple[CheckedFile, QuickTake]:
    r"""The file and its record without the raw ``answer``, once the answer is prepared.

    The raw text (literal ``\n`` escapes and all) is needed only to prepare it; from then on the
    page's Markdown and HTML are the answer. A site of 10,000 pages would keep some 40 MB of it.
    """
    take = replace(take, answer="")
    meta = {key: value for key, value in checked.source.meta.items() if key != "answer"}
    return replace(checked, source=replace(checked.source, meta=meta), take=take), take
