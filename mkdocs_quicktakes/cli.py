"""``mkdocs-quicktakes check DOCS_DIR``: validate every QuickTakes file without building the site.

It reads each Markdown file with the plugin's own functions (encoding, YAML, the front-matter
schema, the answer size, date formats, urls, related links), so a file it passes is a file the
build accepts. What it does not do is render: formulas are checked when the site is built.

Exit status: 0 when there is no problem (warnings allowed unless ``--strict``), 1 when there are
problems, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs_quicktakes.answer.budget import DEFAULT_TIME_LIMIT
from mkdocs_quicktakes.answer.render import RenderSettings
from mkdocs_quicktakes.html.views import format_byline_date
from mkdocs_quicktakes.records.dates import resolve_locale
from mkdocs_quicktakes.records.model import DEFAULT_MAX_ANSWER_BYTES
from mkdocs_quicktakes.records.report import Report, render_json, render_text
from mkdocs_quicktakes.records.source import read_bytes
from mkdocs_quicktakes.site.catalog import Catalog, Entry
from mkdocs_quicktakes.site.feeds import generated_outputs
from mkdocs_quicktakes.site.permalinks import Move, assign_dests, url_for_dest
from mkdocs_quicktakes.site.reading import FileReader, ReadSettings, unreadable
from mkdocs_quicktakes.site.walk import markdown_files

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from mkdocs_quicktakes.records.model import Problem, QuickTake
    from mkdocs_quicktakes.records.source import CheckedFile

MKDOCS_EXTENSIONS = ("toc", "tables", "fenced_code")
"""MkDocs' own Markdown extensions, which every site has: answers are rendered with them."""
THEME_PAGES = ("404.html", "sitemap.xml")
"""The pages MkDocs' built-in themes make from templates."""
_PLUGIN_THEME = Path(__file__).parent / "templates"

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def check_docs(
    docs_dir: Path,
    *,
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Report:
    """Validate every Markdown file under ``docs_dir`` and the links between them.

    Each file is read, checked and its answer rendered by the build's own reader
    (:class:`~mkdocs_quicktakes.site.reading.FileReader`), with MkDocs' default extensions.

    Args:
        docs_dir: The site's ``docs_dir``.
        max_answer_bytes: The plugin option of the same name.
        time_limit: The plugin option of the same name.

    Returns:
        The report: every problem, how many files were read, how many related links resolve
        to no page.
    """
    report = Report()
    checked: list[CheckedFile] = []
    render = RenderSettings(extensions=MKDOCS_EXTENSIONS)
    settings = ReadSettings(max_answer_bytes, render=render, time_limit=time_limit)
    reader = FileReader(settings)
    for path, src_uri in markdown_files(docs_dir):
        data, problem = read_bytes(path, src_uri)
        read = unreadable(src_uri, problem) if data is None else reader.read(src_uri, data)
        checked.append(read.checked)
        report.add(checked[-1].problems)
    report.files_checked = len(checked)
    takes = [c.take for c in checked if c.take is not None]
    report.add(_date_format_problems(takes))
    urls, url_problems = _page_urls(checked, takes)
    report.add(url_problems)
    catalog = Catalog(Entry(take, urls[take.src_uri]) for take in takes if take.src_uri in urls)
    report.add(catalog.slug_problems())
    report.unresolved_links = catalog.unresolved()[0]
    return report


def _date_format_problems(takes: Sequence[QuickTake]) -> Iterator[Problem]:
    locale = resolve_locale("en")  # unknown tokens are unknown in every locale
    for take in takes:
        _, problem = format_byline_date(take, locale)
        if problem is not None:
            yield problem


def _page_urls(
    checked: Sequence[CheckedFile], takes: Sequence[QuickTake]
) -> tuple[dict[str, str], list[Problem]]:
    """Where each page is published (directory urls), as the build places pages at their url.

    The paths the build writes besides pages are those of the default options and theme.
    """
    usable = [c for c in checked if c.usable]
    moving = [c.take for c in usable if c.take is not None and c.take.url]
    moving_src = {take.src_uri for take in moving}
    fixed = {_source_dest(c.source.src_uri): c.source.src_uri for c in usable}
    fixed = {dest: src for dest, src in fixed.items() if src not in moving_src}
    moves = [Move(t.src_uri, t.url, _source_dest(t.src_uri)) for t in moving]
    preview = Catalog(Entry(take, "") for take in takes)
    outputs = generated_outputs(preview, THEME_PAGES, hubs=True, feeds=True)
    outputs.update(_plugin_files())
    dests, problems = assign_dests(moves, fixed, directory_urls=True, reserved=outputs)
    dests.update({src: dest for dest, src in fixed.items()})
    return {src: url_for_dest(dest, directory_urls=True) for src, dest in dests.items()}, problems


def _plugin_files() -> dict[str, str]:
    """The files the plugin adds to every theme (its stylesheet): MkDocs copies them as they are."""
    return {
        path.relative_to(_PLUGIN_THEME).as_posix(): "the plugin's stylesheet"
        for path in _PLUGIN_THEME.rglob("*")
        if path.is_file() and path.suffix != ".html"
    }


def _source_dest(src_uri: str) -> str:
    """The output path MkDocs derives from a source path with directory urls."""
    folder, _, name = src_uri.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    parts = [folder] if folder else []
    if stem not in ("index", "README"):
        parts.append(stem)
    return "/".join([*parts, "index.html"])


def build_parser() -> argparse.ArgumentParser:
    """The command line: ``mkdocs-quicktakes check DOCS_DIR [--format text|json] [--strict]``."""
    parser = argparse.ArgumentParser(
        prog="mkdocs-quicktakes", description="Tools for QuickTakes sites built with MkDocs."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="validate every QuickTakes file of a docs folder without building the site",
        description="Validate every QuickTakes file of DOCS_DIR with the plugin's rules. "
        "Exit status: 0 clean, 1 problems, 2 usage error.",
    )
    check.add_argument("docs_dir", metavar="DOCS_DIR", type=Path, help="the site's docs_dir")
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (text)"
    )
    check.add_argument(
        "--strict", action="store_true", help="warnings are problems too, as in mkdocs --strict"
    )
    check.add_argument(
        "--max-answer-bytes",
        type=int,
        default=DEFAULT_MAX_ANSWER_BYTES,
        metavar="N",
        help=f"largest answer accepted, 0 for no limit ({DEFAULT_MAX_ANSWER_BYTES})",
    )
    check.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        metavar="SECONDS",
        help=f"CPU seconds one file may take, 0 for no limit ({DEFAULT_TIME_LIMIT:g})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    docs_dir: Path = args.docs_dir
    if not docs_dir.is_dir():
        parser.error(f"DOCS_DIR {str(docs_dir)!r} is not a folder")  # exits with status 2
    report = check_docs(
        docs_dir, max_answer_bytes=args.max_answer_bytes, time_limit=args.time_limit
    )
    sys.stdout.write(render_json(report) + "\n" if args.format == "json" else render_text(report))
    failing = report.has_errors or (args.strict and bool(report.warnings))
    return EXIT_PROBLEMS if failing else EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
