"""Every problem of one build or check, told once: a few lines, one summary, the rest on request.

A corpus of 10,000 generated pages can repeat one mistake in thousands of files. Logging each
would bury everything else, so the first problems are logged as they come, the others only at
debug level, and the end of the build says in one line how many of each kind there were. The
full list goes to a report file on request. Nothing here knows MkDocs: the checker command
prints the same report.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from html import escape
from typing import TYPE_CHECKING, Protocol

import yaml

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from mkdocs_quicktakes.records.model import Problem

LOUD_PROBLEMS = 20
"""How many problems a build logs at their own level before the rest go to debug level."""


class Logger(Protocol):
    """The part of a ``logging.Logger`` (or MkDocs' plugin logger) the report writes to."""

    def debug(self, msg: str) -> None:
        """Log a detail."""

    def info(self, msg: str) -> None:
        """Log a note."""

    def warning(self, msg: str) -> None:
        """Log something the author must fix."""

    def error(self, msg: str) -> None:
        """Log something that left a page out."""


@dataclass
class Report:
    """The problems of one build (or one run of the checker), in the order they were found."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    unresolved_links: int = 0
    """Related links that point to no page of the site (the catalog counts them)."""
    logger: Logger | None = field(default=None, repr=False, compare=False)
    """Where :meth:`log`, :meth:`warn`, :meth:`note` and :meth:`log_summary` write; ``None``
    records only (the checker prints the report itself)."""
    _seen: set[Problem] = field(default_factory=set, repr=False)

    def add(self, problems: Iterable[Problem]) -> list[Problem]:
        """Record problems; return the new ones (a problem found twice is recorded once)."""
        new = [p for p in problems if p not in self._seen]
        self._seen.update(new)
        self.problems.extend(new)
        return new

    @property
    def invalid_files(self) -> list[str]:
        """Files with an error: they could not be used and are left out of the site."""
        return sorted({p.file for p in self.problems if p.severity == "error"})

    @property
    def warnings(self) -> list[Problem]:
        """Problems that left the page built, with a fallback."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def has_errors(self) -> bool:
        """Whether any file could not be used."""
        return any(p.severity == "error" for p in self.problems)

    def summary(self) -> str:
        """One line for the end of a build: ``3 files invalid, 12 related links unresolved``."""
        parts = []
        if invalid := self.invalid_files:
            parts.append(_count(len(invalid), "file") + " invalid")
        if warnings := self.warnings:
            files = len({p.file for p in warnings})
            parts.append(f"{_count(len(warnings), 'warning')} in {_count(files, 'file')}")
        if self.unresolved_links:
            parts.append(_count(self.unresolved_links, "related link") + " unresolved")
        return ", ".join(parts) if parts else "no problems"

    def log(self, problems: Iterable[Problem]) -> None:
        """Record ``problems``; log new ones at their level, or at debug level past the first."""
        new = self.add(problems)
        logger = self.logger
        if logger is None:
            return
        first = len(self.problems) - len(new)  # how many were recorded before these
        for number, problem in enumerate(new, start=first + 1):
            if number > LOUD_PROBLEMS:
                logger.debug(problem.message())
            elif problem.severity == "error":
                logger.error(problem.message())
            else:
                logger.warning(problem.message())

    def warn(self, message: str) -> None:
        """Log a problem of the site rather than of one file (an option, a clash of outputs)."""
        if self.logger is not None:
            self.logger.warning(message)

    def note(self, message: str) -> None:
        """Log what is worth knowing and needs no fix (INFO)."""
        if self.logger is not None:
            self.logger.info(message)

    def log_summary(self, *, report_file: str = "") -> None:
        """Log the summary at the level of the worst problem; nothing when there is nothing."""
        logger = self.logger
        if logger is None or (not self.problems and not self.unresolved_links):
            return
        quiet = len(self.problems) - LOUD_PROBLEMS
        where = f"see {report_file}" if report_file else "run with --verbose or set report_file"
        more = f" ({quiet} not shown above: {where})" if quiet > 0 else ""
        message = f"{self.summary()}{more}"
        if self.has_errors:
            logger.error(message)
        elif self.problems:
            logger.warning(message)
        else:
            logger.info(message)  # unresolved links alone are normal for a partial set of pages


def render_text(report: Report) -> str:
    """The report as lines: each problem, file by file, then the summary."""
    lines = [
        f"{p.severity.upper():<7} {p.message()}"
        for p in sorted(report.problems, key=lambda p: (p.file, p.line or 0))
    ]
    checked = f"{_count(report.files_checked, 'file')} checked: " if report.files_checked else ""
    lines.append(f"{checked}{report.summary()}")
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    """The report as JSON: a summary object and every problem with its fields and message."""
    problems = [
        {**asdict(p), "message": p.message()}
        for p in sorted(report.problems, key=lambda p: (p.file, p.line or 0))
    ]
    summary = {
        "text": report.summary(),
        "files_checked": report.files_checked,
        "files_invalid": len(report.invalid_files),
        "errors": sum(p.severity == "error" for p in report.problems),
        "warnings": len(report.warnings),
        "related_links_unresolved": report.unresolved_links,
    }
    return json.dumps({"summary": summary, "problems": problems}, indent=2, ensure_ascii=False)


def render_report(report: Report, path: str) -> str:
    """The report in the format its file name asks for: JSON for ``*.json``, else text."""
    return render_json(report) + "\n" if path.lower().endswith(".json") else render_text(report)


def write_report(report: Report, path: Path) -> str | None:
    """Write the report to ``path``; return why it could not be written instead of raising.

    An unchanged report is not written again, so a report inside a watched folder does not
    make ``mkdocs serve`` rebuild for ever.
    """
    text = render_report(report, path.name)
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return f"{path}: {error.strerror if isinstance(error, OSError) else error}"
    return None


def notice_page(src_uri: str, problems: Iterable[Problem]) -> str:
    """A Markdown page shown in place of a file that could not be used.

    Every problem is HTML-escaped, in a raw HTML block that Markdown leaves as it is, so nothing
    from the broken file can become markup.
    """
    items = "\n".join(
        f"<li><code>{escape(' '.join(p.message().split()))}</code></li>" for p in problems
    )
    front = yaml.safe_dump({"title": escape(f"Invalid page: {src_uri}")}, allow_unicode=True)
    return (
        f"---\n{front}---\n\n"
        '<div class="qt-notice" role="alert" '
        'style="border: 2px solid #c62828; padding: 0 1em; margin: 1em 0">\n'
        f"<p><strong>This page could not be built.</strong> {escape(src_uri)} has problems:</p>\n"
        f"<ul>\n{items}\n</ul>\n"
        "</div>\n"
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'s' if number != 1 else ''}"
