"""Bad input never breaks a build silently: each problem named once, the good pages built."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from typing import TYPE_CHECKING

import frontmatter
import markdown
import pytest
from bs4 import Tag
from conftest import CORPUS, PLUGIN_LOGGER, BuildSite, quicktake, shared_files
from mkdocs.exceptions import Abort

from mkdocs_quicktakes.answer.blocks import MAX_LIST_DEPTH
from mkdocs_quicktakes.answer.prepare import prepare_answer
from mkdocs_quicktakes.answer.sanitize import ALLOWED_TAGS, sanitize_html
from mkdocs_quicktakes.records.model import SCHEMA, field_spec, parse_quicktake
from mkdocs_quicktakes.records.report import LOUD_PROBLEMS, Report, notice_page, render_text
from mkdocs_quicktakes.records.source import check_source, parse_front_matter, read_source_file

if TYPE_CHECKING:
    from pathlib import Path

BASE = {"question": "Why?", "answer": "Because."}
NOT_UTF8 = b"---\nquestion: Caf\xe9?\nanswer: x\n---\n"
BROKEN_YAML = "---\nquestion: Why?\nanswer: [unclosed\n---\nbody text\n"


def concrete(key: str) -> str:
    return key.replace("related_articleN", "related_article1")


def put(meta: dict[str, object], key: str, value: object) -> dict[str, object]:
    """A copy of ``meta`` with the dotted ``key`` set to ``value``."""
    head, _, rest = key.partition(".")
    if not rest:
        return {**meta, head: value}
    inner = meta.get(head)
    return {**meta, head: put(dict(inner) if isinstance(inner, dict) else {}, rest, value)}


def wrong_value(kind: str) -> object:
    return ["a", "list"] if kind == "mapping" else {"a": "mapping"}


# --- the schema --------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", SCHEMA, ids=lambda spec: spec.key)
def test_a_wrong_typed_value_of_every_schema_key_is_named_with_what_was_expected(spec) -> None:  # type: ignore[no-untyped-def]
    base = {**BASE, "related_article1": {"title": "Other", "url": "/other"}}
    meta = put(base, concrete(spec.key), wrong_value(spec.kind))
    _, problems = parse_quicktake(meta, "sub/a.md")
    [problem] = [p for p in problems if p.key == concrete(spec.key)]
    assert problem.file == "sub/a.md"
    assert problem.expected == spec.expected
    assert problem.found.startswith("list" if spec.kind == "mapping" else "dict")
    assert problem.severity == ("error" if spec.key == "answer" else "warning")


def test_numbered_related_keys_share_one_schema_entry() -> None:
    spec = field_spec("related_article12.url")
    assert spec is not None
    assert spec.key == "related_articleN.url"
    assert field_spec("seo.nothing") is None


def test_unknown_keys_are_allowed_without_a_word() -> None:
    take, problems = parse_quicktake({**BASE, "layout": ["x"], "seo": {"robots": 1}}, "a.md")
    assert take is not None
    assert problems == []


def test_one_pass_names_every_problem_of_a_file() -> None:
    meta = {"question": "Why?", "answer": 3, "score": "high", "seo": "x"}
    take, problems = parse_quicktake(meta, "a.md")
    assert take is None
    assert sorted((p.key, p.severity) for p in problems) == [
        ("answer", "error"),
        ("score", "warning"),
        ("seo", "warning"),
    ]


def test_a_problem_names_the_line_of_its_key_even_nested() -> None:
    text = (
        "---\n"
        "question: Why?\n"
        "answer: Because.\n"
        "related_article1:\n"
        "  title: One\n"
        "related_article2:\n"
        "  url: /two\n"
        "  title: [not, text]\n"
        "score: high\n"
        "---\n"
    )
    checked = check_source(parse_front_matter(text, "a.md"))
    lines = {p.key: p.line for p in checked.problems}
    assert lines == {"related_article2.title": 8, "score": 9}
    assert "a.md:9: 'score': expected a number, found str 'high'" in [
        p.message() for p in checked.problems
    ]


def test_a_missing_key_is_placed_at_its_parent() -> None:
    text = "---\nquestion: Why?\nanswer: Because.\nrelated_article1:\n  url: /one\n---\n"
    [problem] = check_source(parse_front_matter(text, "a.md")).problems
    assert (problem.key, problem.line) == ("related_article1.title", 4)


def test_an_answer_over_the_size_limit_is_refused_with_its_size() -> None:
    source = parse_front_matter("---\nquestion: Q?\nanswer: " + "é" * 600 + "\n---\n", "a.md")
    checked = check_source(source, max_answer_bytes=1000)
    assert checked.take is None
    assert not checked.usable
    [problem] = checked.problems
    assert problem.message() == (
        "a.md:3: 'answer': expected at most 1,000 bytes (option max_answer_bytes), "
        "found 1,200 bytes"
    )
    assert check_source(source, max_answer_bytes=1200).take is not None
    assert check_source(source, max_answer_bytes=0).take is not None


def test_a_file_that_cannot_be_read_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "folder.md").mkdir()
    [problem] = read_source_file(tmp_path / "folder.md", "folder.md").problems
    assert (
        problem.message() == "folder.md: '(file)': expected a readable file, found Is a directory"
    )


# --- the report --------------------------------------------------------------------------------


def test_summary_groups_problems_by_kind() -> None:
    report = Report(unresolved_links=12)
    _, first = parse_quicktake({"question": "Q", "answer": None}, "a.md")
    _, second = parse_quicktake({**BASE, "score": "x", "date": "soon"}, "b.md")
    report.add([*first, *second, *first])  # a problem found twice counts once
    assert report.summary() == "1 file invalid, 2 warnings in 1 file, 12 related links unresolved"
    assert Report().summary() == "no problems"


def test_text_report_lists_problems_by_file_then_the_summary() -> None:
    report = Report(files_checked=2)
    report.add(parse_quicktake({**BASE, "score": "x"}, "b.md")[1])
    report.add(parse_quicktake({"question": "Q"}, "a.md")[1])
    assert render_text(report).splitlines() == [
        "ERROR   a.md: 'answer': expected the answer as Markdown text, found nothing "
        "(the key is missing or empty)",
        "WARNING b.md: 'score': expected a number, found str 'x'",
        "2 files checked: 1 file invalid, 1 warning in 1 file",
    ]


def test_notice_page_escapes_everything_from_the_broken_file() -> None:
    _, problems = parse_quicktake({"question": "Q", "answer": ["<script>x</script>"]}, "<b>.md")
    page = notice_page("<b>.md", problems)
    assert "<script>" not in page
    assert "<b>" not in page
    assert "&lt;script&gt;" in page


# --- real builds -------------------------------------------------------------------------------


def test_a_file_that_is_not_utf8_is_left_out_and_the_rest_is_built(
    build_site: BuildSite, tmp_path: Path
) -> None:
    (tmp_path / "latin1.md").write_bytes(NOT_UTF8)
    site = build_site(
        {"b.md": quicktake(url=None), "index.md": "# Home"},
        copy={"bad.md": tmp_path / "latin1.md"},
        strict=False,
    )
    errors = site.messages(logging.ERROR)
    assert (
        "mkdocs_quicktakes: bad.md:2: '(file)': expected UTF-8 text, found byte 0xe9 at offset 17"
        in errors
    )
    assert not (site.site_dir / "bad").exists()
    assert site.soup("b/index.html").find(id="answer") is not None
    assert errors[-1] == "mkdocs_quicktakes: 1 file invalid"


def test_broken_yaml_is_an_error_not_front_matter_printed_as_text(build_site: BuildSite) -> None:
    site = build_site(
        {"a.md": BROKEN_YAML, "plain.md": "---\ntitle: [x\n---\n# Plain\n", "b.md": quicktake()},
        strict=False,
    )
    errors = site.messages(logging.ERROR)
    assert any(
        m.endswith(
            "a.md:4: '(front matter)': expected valid YAML, found a syntax error: did not find "
            "expected ',' or ']' (column 1), while parsing a flow sequence from line 3"
        )
        for m in errors
    )
    assert any("plain.md:" in m and "valid YAML" in m for m in errors)
    assert not (site.site_dir / "a").exists()
    assert not (site.site_dir / "plain").exists()
    assert "mkdocs_quicktakes: 2 files invalid" in errors


@pytest.mark.parametrize(
    "page",
    [BROKEN_YAML, quicktake(answer=None), quicktake(answer={"not": "text"}), quicktake(score="x")],
    ids=["broken-yaml", "no-answer", "answer-not-text", "wrong-typed-score"],
)
def test_strict_build_fails_on_any_problem(build_site: BuildSite, page: str) -> None:
    with pytest.raises(Abort, match="strict"):
        build_site({"a.md": page})


def test_strict_build_fails_on_a_file_that_is_not_utf8(
    build_site: BuildSite, tmp_path: Path
) -> None:
    (tmp_path / "latin1.md").write_bytes(NOT_UTF8)
    with pytest.raises(Abort, match="strict"):
        build_site({"index.md": "# Home"}, copy={"bad.md": tmp_path / "latin1.md"})


def test_a_wrong_typed_optional_field_warns_and_the_page_is_built(build_site: BuildSite) -> None:
    site = build_site({"a.md": quicktake(url=None, author=["x", "y"])}, strict=False)
    assert site.messages() == [
        "mkdocs_quicktakes: a.md:11: 'author': expected text, found list ['x', 'y']",
        "mkdocs_quicktakes: 1 warning in 1 file",
    ]
    soup = site.soup("a/index.html")
    assert soup.find(id="answer") is not None
    assert soup.find("meta", attrs={"name": "author"}) is None


def test_bom_and_crlf_are_normal_input_for_a_strict_build(
    build_site: BuildSite, tmp_path: Path
) -> None:
    (tmp_path / "dos.md").write_bytes(
        b"\xef\xbb\xbf" + quicktake(url=None).replace("\n", "\r\n").encode()
    )
    site = build_site({"index.md": "# Home"}, copy={"a.md": tmp_path / "dos.md"})
    h1 = site.soup("a/index.html").find("h1")
    assert h1 is not None
    assert h1.get_text() == "What is a test?"


def test_notice_option_builds_each_unusable_file_as_a_visible_notice(
    build_site: BuildSite, tmp_path: Path
) -> None:
    (tmp_path / "latin1.md").write_bytes(NOT_UTF8)
    pages = {"a.md": BROKEN_YAML, "c.md": quicktake(url=None, answer=["<script>alert(1)</script>"])}
    site = build_site(
        pages,
        copy={"bad.md": tmp_path / "latin1.md"},
        plugin={"invalid_files": "notice"},
        strict=False,
    )
    for name, expected in [("a", "valid YAML"), ("bad", "UTF-8 text"), ("c", "the answer as")]:
        soup = site.soup(f"{name}/index.html")
        notice = soup.find(class_="qt-notice")
        assert notice is not None, name
        assert notice.get("role") == "alert"
        assert expected in notice.get_text()
        assert soup.find("title").get_text().startswith(f"Invalid page: {name}.md")
    assert "body text" not in site.text("a/index.html")  # broken front matter is not shown
    assert "<script>alert(1)" not in site.text("c/index.html")
    assert "&lt;script&gt;alert(1)" in site.text("c/index.html")


def test_many_problems_log_the_first_then_one_summary(
    build_site: BuildSite, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=PLUGIN_LOGGER)
    count = LOUD_PROBLEMS + 5
    pages = {f"p{n:02}.md": quicktake(url=None, id=n, score="high") for n in range(count)}
    site = build_site(pages, strict=False)
    warnings = [r.getMessage() for r in site.records if r.levelno == logging.WARNING]
    assert len(warnings) == LOUD_PROBLEMS + 1
    assert warnings[-1] == (
        f"mkdocs_quicktakes: {count} warnings in {count} files "
        "(5 not shown above: run with --verbose or set report_file)"
    )
    quiet = [r.getMessage() for r in site.records if r.levelno == logging.DEBUG]
    assert any("p24.md:15: 'score'" in m for m in quiet)


def test_report_file_lists_every_problem(build_site: BuildSite) -> None:
    count = LOUD_PROBLEMS + 3
    pages = {f"p{n:02}.md": quicktake(url=None, id=n, score="high") for n in range(count)}
    pages["bad.md"] = BROKEN_YAML
    site = build_site(pages, plugin={"report_file": "reports/quicktakes.json"}, strict=False)
    data = json.loads((site.root / "reports" / "quicktakes.json").read_text(encoding="utf-8"))
    assert data["summary"]["files_invalid"] == 1
    assert data["summary"]["warnings"] == count
    assert len(data["problems"]) == count + 1
    assert data["problems"][0]["file"] == "bad.md"
    assert data["problems"][0]["line"] == 4
    assert "see reports/quicktakes.json" in site.messages(logging.ERROR)[-1]


def test_unresolved_related_links_are_counted_in_the_summary_without_failing_strict(
    build_site: BuildSite,
) -> None:
    link = {"id": 99, "title": "Elsewhere", "url": "/learn/x/questions/elsewhere"}
    site = build_site({"a.md": quicktake(related_article1=link)})
    infos = [r.getMessage() for r in site.records if r.levelno == logging.INFO]
    assert "mkdocs_quicktakes: 1 related link unresolved" in infos


def test_an_answer_over_max_answer_bytes_is_left_out_with_a_clear_message(
    build_site: BuildSite,
) -> None:
    site = build_site(
        {"a.md": quicktake(url=None, answer="x" * 2000), "b.md": quicktake(url=None)},
        plugin={"max_answer_bytes": 1000},
        strict=False,
    )
    expected = "expected at most 1,000 bytes (option max_answer_bytes), found 2,000 bytes"
    assert site.messages(logging.ERROR)[0].endswith(f"a.md:13: 'answer': {expected}")
    assert not (site.site_dir / "a").exists()
    assert (site.site_dir / "b" / "index.html").is_file()


def test_a_negative_max_answer_bytes_is_a_config_error(
    build_site: BuildSite, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(Abort, match="configuration error"):
        build_site({"a.md": quicktake()}, plugin={"max_answer_bytes": -1})
    assert "option 'max_answer_bytes': expected a number of bytes (0 for no limit), found -1" in (
        caplog.text
    )


# --- hardened rendering ------------------------------------------------------------------------


def rendered_counts(raw: str) -> Counter[str]:
    prepared = prepare_answer(raw, nested_fences="fence", html_tags=ALLOWED_TAGS)
    html = markdown.Markdown(extensions=["tables", "fenced_code"]).convert(prepared.markdown)
    # Counted in the text: parsing 2 MB of HTML would take longer than rendering it.
    counts = Counter(re.findall(r"<(h2|h3|pre|li|table)\b", sanitize_html(html)))
    counts["math"] = len(prepared.math)
    return counts


@pytest.mark.slow
def test_a_2mb_answer_renders_every_part() -> None:
    # Every real answer in one: headings, lists, code, tables and math, repeated past 2 MB.
    raw = r"\n\n".join(str(frontmatter.load(path)["answer"]) for path in shared_files(CORPUS))
    copies = -(-2_000_000 // len(raw.encode()))
    once = rendered_counts(raw)
    assert once["math"] > 500
    assert rendered_counts(r"\n\n".join([raw] * copies)) == Counter(
        {name: count * copies for name, count in once.items()}
    )


@pytest.mark.parametrize(
    "answer",
    [
        r"\n".join("  " * level + f"- level {level}" for level in range(200)),
        r"\n".join("   " * level + f"{level + 1}. level {level}" for level in range(200)),
        "- " * 1000 + "deepest",
        "> " * 1000 + "quoted",
    ],
    ids=["bullets", "numbers", "markers-on-one-line", "quotes"],
)
def test_deeply_nested_answers_build_without_recursion_error(
    build_site: BuildSite, answer: str
) -> None:
    site = build_site({"a.md": quicktake(url=None, answer=answer)})
    text = site.soup("a/index.html").find(class_="qt-answer__text")
    assert isinstance(text, Tag)
    lists = text.find_all(["ul", "ol"])
    deepest = max((len(tag.find_parents(["ul", "ol"])) + 1 for tag in lists), default=0)
    assert deepest <= MAX_LIST_DEPTH
    words = text.get_text()
    if "level" in answer:
        assert all(f"level {level}" in words for level in range(200))
    else:
        assert "deepest" in words or "quoted" in words
