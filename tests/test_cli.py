"""`mkdocs-quicktakes check DOCS_DIR`: the build's rules without the build, as text or JSON."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

import pytest
from conftest import CORPUS, build_pages, quicktake

from mkdocs_quicktakes import cli
from mkdocs_quicktakes.site.walk import markdown_files

if TYPE_CHECKING:
    from pathlib import Path

BROKEN = {
    "a.md": quicktake(url=None, score="high"),
    "sub/b.md": "---\nquestion: Why?\nanswer: [unclosed\n---\n",
    "c.md": quicktake(url=None, answer=None),
    "d.md": quicktake(url=None, date_format="q"),
}


def write(docs: Path, pages: dict[str, str]) -> Path:
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = cli.main(list(args))
    return status, capsys.readouterr().out


def test_a_clean_folder_exits_0_with_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = write(tmp_path, {"a.md": quicktake(url=None), "index.md": "# Home"})
    status, out = run(capsys, "check", str(docs))
    assert status == cli.EXIT_CLEAN
    assert out == "2 files checked: no problems\n"


def test_problems_are_listed_by_file_with_their_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(capsys, "check", str(write(tmp_path, BROKEN)))
    assert status == cli.EXIT_PROBLEMS
    assert out.splitlines() == [
        "WARNING a.md:15: 'score': expected a number, found str 'high'",
        "ERROR   c.md: 'answer': expected the answer as Markdown text, found nothing "
        "(the key is missing or empty)",
        "WARNING d.md: 'date_format': expected moment.js tokens (YYYY MM DD ...; literal text in "
        "[brackets]), found unknown token 'q' in 'q'",
        "ERROR   sub/b.md:4: '(front matter)': expected valid YAML, found a syntax error: "
        "did not find expected ',' or ']' (column 1), while parsing a flow sequence from line 3",
        "4 files checked: 2 files invalid, 2 warnings in 2 files",
    ]


def test_json_output_has_a_summary_and_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(capsys, "check", str(write(tmp_path, BROKEN)), "--format", "json")
    assert status == cli.EXIT_PROBLEMS
    data = json.loads(out)
    assert data["summary"] == {
        "text": "2 files invalid, 2 warnings in 2 files",
        "files_checked": 4,
        "files_invalid": 2,
        "errors": 2,
        "warnings": 2,
        "related_links_unresolved": 0,
    }
    first = data["problems"][0]
    assert first == {
        "file": "a.md",
        "key": "score",
        "expected": "a number",
        "found": "str 'high'",
        "severity": "warning",
        "line": 15,
        "message": "a.md:15: 'score': expected a number, found str 'high'",
    }


def test_warnings_fail_only_with_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = write(tmp_path, {"a.md": quicktake(url=None, score="high")})
    assert run(capsys, "check", str(docs))[0] == cli.EXIT_CLEAN
    assert run(capsys, "check", str(docs), "--strict")[0] == cli.EXIT_PROBLEMS


@pytest.mark.parametrize(
    "args",
    [[], ["check"], ["check", "missing-folder"], ["check", ".", "--format", "xml"], ["lint", "."]],
    ids=["nothing", "no-folder", "missing-folder", "bad-format", "unknown-command"],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(args)
    assert exit_info.value.code == cli.EXIT_USAGE
    assert "usage: mkdocs-quicktakes" in capsys.readouterr().err


def test_the_real_corpus_is_clean_apart_from_links_to_pages_it_lacks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out = run(capsys, "check", str(CORPUS))
    assert status == cli.EXIT_CLEAN
    assert out.startswith("80 files checked: ")
    assert out.endswith(" related links unresolved\n")


def test_files_mkdocs_ignores_are_not_checked(tmp_path: Path) -> None:
    broken = "---\nquestion: [\n---\n"
    write(
        tmp_path,
        {
            ".hidden.md": broken,
            ".git/x.md": broken,
            "templates/x.md": broken,
            "notes.txt": broken,
            "sub/templates/page.md": quicktake(url=None),
            "page.markdown": quicktake(url=None),
        },
    )
    found = [src for _, src in markdown_files(tmp_path)]
    assert found == ["page.markdown", "sub/templates/page.md"]


def test_the_checker_finds_what_the_build_logs(tmp_path: Path) -> None:
    pages = {
        **BROKEN,
        "e.md": quicktake(url="/learn/x/e", id=5),
        "f.md": quicktake(url="/learn/x/e"),
    }
    report = cli.check_docs(write(tmp_path / "docs", pages))
    site = build_pages(tmp_path / "site", pages, strict=False)
    logged = {m.removeprefix("mkdocs_quicktakes: ") for m in site.messages(logging.WARNING)}
    checked = {p.message() for p in report.problems}
    assert checked
    assert checked <= logged


def test_the_console_script_is_installed_and_runs(tmp_path: Path) -> None:
    [script] = entry_points(group="console_scripts", name="mkdocs-quicktakes")
    assert script.value == "mkdocs_quicktakes.cli:main"
    docs = write(tmp_path, {"c.md": quicktake(url=None, answer=None)})
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_quicktakes.cli", "check", str(docs), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == cli.EXIT_PROBLEMS
    assert json.loads(done.stdout)["summary"]["files_invalid"] == 1
