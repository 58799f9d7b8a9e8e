"""One odd file never sinks, stalls or silently garbles a build (issue 13).

Each example of the issue is built for real in a site with two good pages: the build ends, the
good pages are there, the odd file is named (or built as a person would expect), ``--strict``
fails on a named problem, and ``mkdocs-quicktakes check`` finds the same problem.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import threading
import time
from typing import TYPE_CHECKING

import math_core
import pytest
from conftest import BuildSite, Site, quicktake
from mkdocs.exceptions import Abort

from mkdocs_quicktakes.answer.budget import OverBudget, time_budget
from mkdocs_quicktakes.answer.decode import latex_command_known
from mkdocs_quicktakes.answer.prepare import prepare_answer
from mkdocs_quicktakes.answer.text import answer_excerpt
from mkdocs_quicktakes.cli import check_docs
from mkdocs_quicktakes.cli import main as check_main
from mkdocs_quicktakes.records.dates import _RENDERERS, format_date, resolve_locale
from mkdocs_quicktakes.records.source import MAX_EXPANDED_VALUES, parse_front_matter
from mkdocs_quicktakes.site.reading import ReadSettings
from mkdocs_quicktakes.speed.workers import read_files

if TYPE_CHECKING:
    from pathlib import Path

    from mkdocs_quicktakes.records.report import Report

GOOD = {
    "good1.md": quicktake(title="Good one", url="/learn/testing/questions/good-one"),
    "good2.md": quicktake(title="Good two", url="/learn/testing/questions/good-two"),
}
GOOD_PAGES = (
    "learn/testing/questions/good-one/index.html",
    "learn/testing/questions/good-two/index.html",
)
BAD_PAGE = "learn/testing/questions/what-is-a-test/index.html"
"""Where :func:`quicktake`'s default url puts the odd file's page when it is built."""
FAST = {"time_limit": 0.5}
"""A short time limit, so a file that runs past it costs a test half a second."""


def with_good(bad: str, name: str = "bad.md") -> dict[str, str]:
    return {**GOOD, name: bad}


def build(build_site: BuildSite, bad: str, **options: object) -> Site:
    """Build the odd file beside the two good pages; the good pages must be built."""
    site = build_site(with_good(bad), strict=False, **options)
    for page in GOOD_PAGES:
        assert (site.site_dir / page).is_file(), page
    return site


def named(site: Site, key: str, name: str = "bad.md") -> str:
    """The one message about ``key`` of the odd file."""
    [message] = [m for m in site.messages() if f"{name}" in m and f"'{key}'" in m]
    return message


def check(tmp_path: Path, pages: dict[str, str]) -> Report:
    docs = tmp_path / "check-docs"
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    return check_docs(docs, time_limit=0.5)


def checked_messages(report: Report) -> list[str]:
    return [problem.message() for problem in report.problems]


# --- aborts ------------------------------------------------------------------------------------


def test_an_impossible_yaml_timestamp_is_named_and_the_page_built(
    build_site: BuildSite, tmp_path: Path
) -> None:
    bad = quicktake().replace("date: '2025-01-28'", "date: 2025-13-45")
    assert "date: 2025-13-45" in bad
    site = build(build_site, bad)
    assert "'2025-13-45'" in named(site, "date")
    assert (site.site_dir / BAD_PAGE).is_file()
    assert any("'date'" in m for m in checked_messages(check(tmp_path, with_good(bad))))


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("score", "score: " + "9" * 300),
        ("score", "score: " + "9" * 400),
        ("score", "score: " + "9" * 5000),
        ("other", "other: " + "9" * 5000),
        ("related", "related_article" + "7" * 1000 + ":\n  title: Other\n  url: /x"),
    ],
    ids=["300-digits", "400-digits", "5000-digits", "5000-digits-elsewhere", "1000-digit-key"],
)
def test_huge_numbers_never_abort_the_build(
    build_site: BuildSite, tmp_path: Path, key: str, text: str
) -> None:
    bad = quicktake(score=None) + "\n"
    bad = bad.replace("---\n\n&nbsp;", text + "\n---\n\n&nbsp;")
    site = build(build_site, bad)
    assert (site.site_dir / BAD_PAGE).is_file()
    messages = [m for m in site.messages() if "bad.md" in m]
    for message in messages:
        assert len(message) < 400  # a value is quoted short, never in full
    if text.startswith("score: " + "9" * 400):
        assert "'score'" in named(site, "score")
    check(tmp_path, with_good(bad))  # no exception


@pytest.mark.parametrize(
    "date", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00Z"]
)
def test_dates_at_the_ends_of_the_calendar_sort_and_format(
    build_site: BuildSite, date: str
) -> None:
    bad = quicktake().replace("date: '2025-01-28'", f"date: {date}")
    site = build(build_site, bad, plugin={"hub_sort": "date"})
    page = site.soup(BAD_PAGE)
    time = page.find("time")
    assert time is not None
    assert time["datetime"].startswith(date[:10])
    hub = site.text("learn/testing/index.html")
    assert "Good one" in hub
    assert "What is a test?" in hub


# The paths of the plugin's own outputs and the theme's; each url is refused with its reason.
COLLIDING_URLS = [
    ("/sitemap.xml", "mkdocs"),
    ("/rss.xml", "mkdocs"),
    ("/atom.xml", "mkdocs"),
    ("/learn/testing/rss.xml", "mkdocs"),
    ("/learn/testing", "mkdocs"),
    ("/learn", "mkdocs"),
    ("/quicktakes/quicktakes.css", "mkdocs"),
    ("/css/theme.css", "readthedocs"),
    ("/search/search_index.json", "mkdocs"),
    ("/404.html", "mkdocs"),
]


@pytest.mark.parametrize(("url", "theme"), COLLIDING_URLS)
def test_a_url_that_the_build_itself_writes_is_refused(
    build_site: BuildSite, url: str, theme: str
) -> None:
    bad = quicktake(url=url, title="Odd page")
    site = build(build_site, bad, theme=theme)
    assert url in named(site, "url")
    # The page keeps the path of its source file; the file the build writes is intact.
    assert (site.site_dir / "bad/index.html").is_file()
    if url == "/404.html":
        assert "Odd page" not in site.text("404.html")
    with pytest.raises(Abort, match="strict"):
        build_site(with_good(bad), theme=theme)


@pytest.mark.parametrize(
    "url", [url for url, theme in COLLIDING_URLS if theme == "mkdocs" and "css" not in url]
)
def test_check_refuses_the_same_urls(tmp_path: Path, url: str) -> None:
    report = check(tmp_path, with_good(quicktake(url=url)))
    assert any("bad.md" in m and "'url'" in m for m in checked_messages(report)), url


def test_long_url_segments_and_subjects_never_abort(build_site: BuildSite) -> None:
    long_url = quicktake(url="/" + "a" * 300, title="Long url")
    long_subject = quicktake(url="/long/subject", subject="Sübject " * 60, title="Long subject")
    site = build_site({**GOOD, "bad.md": long_url, "subject.md": long_subject}, strict=False)
    assert "longer than 250 bytes" in named(site, "url")
    assert (site.site_dir / "bad/index.html").is_file()
    assert (site.site_dir / "long/subject/index.html").is_file()
    hubs = [p for p in (site.site_dir / "learn").iterdir() if p.name.startswith("sübject")]
    [hub] = hubs
    assert len(hub.name.encode()) <= 255
    assert "Long subject" in (hub / "index.html").read_text("utf-8")


NESTED_EMPHASIS = "*a " * 1000 + " a*" * 1000


def test_nested_emphasis_is_named_and_left_out(build_site: BuildSite, tmp_path: Path) -> None:
    site = build(build_site, quicktake(answer=NESTED_EMPHASIS))
    assert "RecursionError" in named(site, "(file)")
    assert not (site.site_dir / BAD_PAGE).exists()
    report = check(tmp_path, with_good(quicktake(answer=NESTED_EMPHASIS)))
    assert any("RecursionError" in m for m in checked_messages(report))


def test_worker_processes_isolate_a_failing_file() -> None:
    jobs = [(f"q{n}.md", quicktake(title=f"Q{n}").encode(), str(n)) for n in range(6)]
    jobs.insert(3, ("bad.md", quicktake(answer=NESTED_EMPHASIS).encode(), "bad"))
    settings = ReadSettings(render=ReadSettings().render.__class__(extensions=("toc",)))
    results, note = read_files(jobs, settings, workers=2)
    assert note == ""
    bad = results[3]
    assert bad.take is None
    assert "RecursionError" in bad.checked.problems[0].found
    assert [r.take.title for r in results if r.take is not None] == [f"Q{n}" for n in range(6)]


# --- stalls ------------------------------------------------------------------------------------


def alias_bomb(key: str) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 8)]
    lines.append(f"{key}: [{', '.join(['*a7'] * 10)}]")
    return "\n".join(lines)


@pytest.mark.parametrize("key", ["title", "answer"])
def test_a_yaml_alias_bomb_is_refused(build_site: BuildSite, tmp_path: Path, key: str) -> None:
    body = alias_bomb(key)
    bad = f"---\nquestion: Q?\nanswer: A.\n{body}\n---\n".replace("answer: A.\nanswer", "answer")
    assert len(bad) < 700
    site = build(build_site, bad)
    assert f"{MAX_EXPANDED_VALUES:,} values" in named(site, "(front matter)")
    assert any("aliases" in m for m in checked_messages(check(tmp_path, with_good(bad))))


def test_aliases_that_expand_a_little_are_fine() -> None:
    source = parse_front_matter("---\nq: &q [1, 2]\nquestion: *q\nanswer: A\n---\n", "a.md")
    assert source.problems == ()
    assert source.meta["question"] == [1, 2]


def test_the_hub_excerpt_of_a_run_of_angle_brackets_is_its_text() -> None:
    prepared = prepare_answer("<" * 300_000)
    excerpt = answer_excerpt(prepared)
    assert excerpt == "<" * 200 + "…"


# CPU time each takes to render without the budget, on the 2-core development machine: more
# than 120 s, 11.2 s and 4.7 s (one-line nested lists cost Python-Markdown about 0.5 ms a line).
SLOW_ANSWERS = {
    "unclosed-brackets": "[" * 50_000,
    "unclosed-link-text": "[a" * 8_000,
    "one-line-nested-lists": "\\n".join(["- - - - - - - - a"] * 10_000),
}


@pytest.mark.parametrize("answer", SLOW_ANSWERS.values(), ids=SLOW_ANSWERS.keys())
def test_a_pathological_answer_runs_out_of_time(build_site: BuildSite, answer: str) -> None:
    site = build(build_site, quicktake(answer=answer), plugin=FAST)
    assert "within 0.5 s (option time_limit)" in named(site, "(file)")
    assert not (site.site_dir / BAD_PAGE).exists()


def test_an_answer_out_of_time_fails_a_strict_build(build_site: BuildSite) -> None:
    with pytest.raises(Abort, match="strict"):
        build_site(with_good(quicktake(answer=SLOW_ANSWERS["unclosed-link-text"])), plugin=FAST)


def test_ten_thousand_lines_of_nested_lists_build_within_the_default_limit(
    build_site: BuildSite,
) -> None:
    # The generator's shape: numbered steps with indented bullets (about 0.5 s of the 2 s).
    answer = "\\n".join("1. **Step**: text\\n   - sub item\\n   - sub item" for _ in range(3_334))
    site = build(build_site, quicktake(answer=answer))
    assert not [m for m in site.messages() if "bad.md" in m]
    page = site.soup(BAD_PAGE)
    assert len(page.select("ol > li > strong")) == 3_334
    assert len(page.select("ol > li > ul > li")) == 2 * 3_334


# --- silent garbling or loss -------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["$ 5 for kids and $ 10 for adults", "$ 1.000 o $ 2.000"])
def test_prices_are_not_formulas(build_site: BuildSite, answer: str) -> None:
    site = build(build_site, quicktake(answer=answer))
    page = site.soup(BAD_PAGE)
    assert page.find("math") is None
    assert answer in " ".join(page.get_text().split())


def test_spaced_formulas_still_are_formulas(build_site: BuildSite) -> None:
    site = build(build_site, quicktake(answer="Solve $ x + 1 $ for $ x $."))
    assert len(site.soup(BAD_PAGE).find_all("math")) == 2


@pytest.mark.parametrize("command", ["nequiv", "newcommand", "neq", "nu", "nexists"])
def test_backslash_n_commands_the_converter_knows_survive(command: str) -> None:
    prepared = prepare_answer(f"$a \\{command} b$")
    [span] = prepared.math
    assert f"\\{command}" in span.source


@pytest.mark.parametrize("name", ["nequiv", "napprox", "nsimeq", "nx", "nope", "nabla", "not"])
def test_the_converter_decides_what_is_a_command(name: str) -> None:
    try:
        math_core.LatexToMathML(fancy_error=False).convert_with_local_state(
            f"\\{name}", displaystyle=False
        )
        known = True
    except math_core.LatexError as error:
        known = "Unknown command" not in str(error)
    assert latex_command_known(name) is known


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("nequiv", True),  # known to math-core
        ("nabla", True),
        ("napprox", True),  # unknown, but "n" then a command math-core knows (\approx)
        ("nsimeq", True),
        ("nsin", True),
        ("nx", False),  # a line break, then the variable x
        ("nope", False),  # a line break, then the letters o, p, e
        ("nab", False),
    ],
)
def test_backslash_n_inside_math_is_a_command_or_a_line_break(name: str, kept: bool) -> None:
    prepared = prepare_answer(f"$$a \\{name} b$$")
    [span] = prepared.math
    assert (f"\\{name}" in span.source) is kept
    assert ("\n" in span.source) is not kept


@pytest.mark.parametrize("formula", ["$a \\napprox b$", "$$x \\nsimeq y$$"])
def test_a_negation_math_core_does_not_know_is_shown_as_source_with_a_warning(
    build_site: BuildSite, formula: str
) -> None:
    site = build(build_site, quicktake(answer=f"Is {formula} true?"))
    page = site.soup(BAD_PAGE)
    code = page.find("code", class_="qt-math-error")
    assert code is not None
    assert code.get_text() == formula  # the TeX as written: no line break, no lost backslash
    assert page.find("math") is None
    assert "true?" in page.get_text()
    [warning] = [m for m in site.messages() if "bad.md" in m]
    assert "Unknown command" in warning
    assert formula in warning


def test_a_negation_declared_in_math_macros_is_drawn(build_site: BuildSite) -> None:
    macros = {"napprox": "\\not\\approx"}
    site = build(
        build_site, quicktake(answer="Is $a \\napprox b$ true?"), plugin={"math_macros": macros}
    )
    formula = site.soup(BAD_PAGE).find("math")
    assert formula is not None
    assert "≉" in formula.get_text()
    assert not [m for m in site.messages() if "bad.md" in m]


def test_nequiv_renders_as_a_formula(build_site: BuildSite) -> None:
    site = build(build_site, quicktake(answer="$a \\nequiv b$"))
    formula = site.soup(BAD_PAGE).find("math")
    assert formula is not None
    assert "≢" in formula.get_text()


def subject_page(subject: str, n: int) -> str:
    return quicktake(subject=subject, title=f"{subject} question", url=f"/q/{n}", id=n)


def test_subjects_whose_slugs_collide_get_a_hub_and_a_feed_each(build_site: BuildSite) -> None:
    subjects = ["C", "C++", "C#", "F", "F#"]
    pages = {f"s{n}.md": subject_page(subject, n) for n, subject in enumerate(subjects)}
    site = build_site(pages)
    folders = {"c": "C", "c-plus-plus": "C++", "c-sharp": "C#", "f": "F", "f-sharp": "F#"}
    for folder, subject in folders.items():
        hub = site.soup(f"learn/{folder}/index.html")
        assert f"{subject} question" in hub.get_text(), folder
        rss = site.text(f"learn/{folder}/rss.xml")
        titles = [t for s in subjects if (t := f"{s} question") in rss]
        assert titles == [f"{subject} question"], folder
    index = site.soup("learn/index.html")
    hrefs = {a.get_text(strip=True): a["href"] for a in index.find_all("a", href=True)}
    assert hrefs["C++"].rstrip("/").endswith("c-plus-plus")
    crumbs = site.soup("q/2/index.html").find("nav", attrs={"aria-label": True})
    assert crumbs is not None
    assert any(a["href"].rstrip("/").endswith("c-sharp") for a in crumbs.find_all("a", href=True))


@pytest.mark.parametrize("subject", ["???", "🎉🎉"])
def test_a_subject_that_slugs_to_nothing_is_reported(
    build_site: BuildSite, tmp_path: Path, subject: str
) -> None:
    site = build(build_site, quicktake(subject=subject))
    assert "no hub" in named(site, "subject")
    report = check(tmp_path, with_good(quicktake(subject=subject)))
    assert any("'subject'" in m and "bad.md" in m for m in checked_messages(report))


UNCLOSED = "---\nquestion: Why?\nanswer: Because.\ntitle: Unclosed\n\n&nbsp;\n"


def test_a_front_matter_that_never_closes_is_an_error(
    build_site: BuildSite, tmp_path: Path
) -> None:
    site = build(build_site, UNCLOSED)
    assert "a closing --- line" in named(site, "(front matter)")
    assert not (site.site_dir / "bad/index.html").exists()
    with pytest.raises(Abort, match="strict"):
        build_site(with_good(UNCLOSED))
    assert check(tmp_path, with_good(UNCLOSED)).has_errors


def test_a_page_that_starts_with_a_rule_is_an_ordinary_page(build_site: BuildSite) -> None:
    site = build(build_site, "---\n\nJust a rule, then text.\n")
    assert "Just a rule" in site.text("bad/index.html")


def test_toml_front_matter_is_read(build_site: BuildSite) -> None:
    bad = '+++\nquestion = "What is TOML?"\nanswer = "A *format*."\ntitle = "TOML page"\n+++\n'
    site = build(build_site, bad)
    page = site.soup("bad/index.html")
    assert page.title is not None
    assert "TOML page" in page.title.get_text()
    assert page.find("em") is not None
    assert "+++" not in page.get_text()


def test_json_front_matter_is_read(build_site: BuildSite) -> None:
    meta = {"question": "What is JSON?", "answer": "A *format*.", "title": "JSON page"}
    bad = "{\n" + json.dumps(meta)[1:-1] + "\n}\n&nbsp;\n"
    site = build(build_site, bad)
    assert "JSON page" in site.text("bad/index.html")


def test_a_duplicate_key_is_named_with_its_line(build_site: BuildSite, tmp_path: Path) -> None:
    bad = "---\nquestion: Q?\nanswer: First.\nanswer: Second.\n---\n"
    site = build(build_site, bad)
    message = named(site, "answer")
    assert "bad.md:4:" in message
    assert "each key once" in message
    assert any("each key once" in m for m in checked_messages(check(tmp_path, with_good(bad))))


def test_control_characters_are_removed_and_never_logged_raw(build_site: BuildSite) -> None:
    bad = quicktake(title="Bell\x07 and escape\x1b[31m red", answer="Text\x00 here.")
    site = build(build_site, bad)
    html = site.text(BAD_PAGE)
    assert "\x07" not in html
    assert "\x1b" not in html
    assert "\x00" not in html
    assert "Bell and escape[31m red" in html
    messages = [m for m in site.messages() if "bad.md" in m]
    assert any("\\x1b" in m for m in messages)
    assert not any("\x1b" in m or "\x07" in m for m in messages)


def test_urls_that_differ_only_by_case_are_reported(build_site: BuildSite) -> None:
    pages = {
        **GOOD,
        "bad.md": quicktake(url="/learn/testing/questions/Good-One", title="Case"),
    }
    site = build_site(pages, strict=False)
    assert "differs only by case" in named(site, "url")


@pytest.mark.parametrize("url", ["/learn/CON", "/learn/nul.txt", "/learn/trailing.", "/LPT1"])
def test_names_windows_reserves_are_refused(build_site: BuildSite, url: str) -> None:
    site = build(build_site, quicktake(url=url))
    assert "Windows" in named(site, "url")
    assert (site.site_dir / "bad/index.html").is_file()


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names must be UTF-8")
def test_check_prints_a_file_name_that_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.md").write_text(quicktake(url=None), encoding="utf-8")
    name = os.fsencode(docs) + b"/caf\xe9.md"
    with open(name, "w", encoding="utf-8") as file:
        file.write(quicktake(url=None, answer=["not", "text"]))
    status = check_main(["check", str(docs)])
    out = capsys.readouterr().out
    assert status == 1
    assert "caf\\xe9.md" in out
    out.encode("utf-8")  # printable on any UTF-8 terminal


# --- dates -------------------------------------------------------------------------------------

EN = resolve_locale("en")
TWELVE_HOURS = datetime.timedelta(hours=12)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        # 2025-01-28 is the Tuesday of ISO week 5 (weeks start on Monday 2024-12-30).
        ("W", "5"),
        ("WW", "05"),
        ("Wo", "5th"),
        ("GGGG", "2025"),
        ("E", "2"),
        ("Q", "1"),
        ("DDD", "28"),
        ("DDDD", "028"),
        ("DDDo", "28th"),
        ("Mo", "1st"),
        ("do", "2nd"),
        ("X", "1738022400"),
        ("x", "1738022400000"),
        ("k", "24"),
        ("ZZ", "+0000"),
        ("LL", "January 28, 2025"),
        ("ll", "Jan 28, 2025"),
        ("L", "01/28/2025"),
        ("l", "1/28/2025"),
        ("NNNN", "Anno Domini"),
        ("SSS", "000"),
    ],
)
def test_moment_tokens_render_as_moment_renders_them(fmt: str, expected: str) -> None:
    assert format_date(datetime.date(2025, 1, 28), fmt, EN) == expected


def test_iso_weeks_cross_the_year() -> None:
    # 2021-01-01 is a Friday in ISO week 53 of 2020.
    assert format_date(datetime.date(2021, 1, 1), "W GGGG", EN) == "53 2020"


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=14))),
        datetime.datetime(
            9999, 12, 31, 23, 59, tzinfo=datetime.timezone(-datetime.timedelta(hours=12))
        ),
        datetime.date(1, 1, 1),
        datetime.date(9999, 12, 31),
    ],
)
@pytest.mark.parametrize("locale", ["en", "de", "ja"])
def test_every_token_renders_at_the_ends_of_the_calendar(value: datetime.date, locale: str) -> None:
    fmt = " ".join(f"[{token}]{token}" for token in _RENDERERS)
    text = format_date(value, fmt, resolve_locale(locale))
    assert f"[YYYY]{value.year:04d}" not in text  # brackets are literal text
    assert f"YYYY{value.year:04d}" in text


# --- the time budget ---------------------------------------------------------------------------


def busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_the_budget_stops_a_busy_file_in_the_main_thread() -> None:
    with pytest.raises(OverBudget), time_budget(0.2):
        busy(5)
    busy(0.3)  # the timer is off again: nothing is raised later


def test_the_budget_stops_a_busy_file_in_another_thread() -> None:
    # `mkdocs serve` rebuilds in a thread, where signals cannot be used.
    outcome: list[str] = []

    def work() -> None:
        try:
            with time_budget(0.2):
                busy(5)
            outcome.append("finished")
        except OverBudget:
            outcome.append("stopped")
        busy(0.3)
        outcome.append("went on")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    assert outcome == ["stopped", "went on"]


def test_no_budget_means_no_limit() -> None:
    with time_budget(0):
        busy(0.1)
