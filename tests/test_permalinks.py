"""Output paths from ``url``: what is refused, where pages go, and links between them."""

from __future__ import annotations

import pytest
from mkdocs.utils import get_relative_url

from mkdocs_quicktakes.site.permalinks import (
    Move,
    assign_dests,
    dest_for_url,
    relative_url,
    url_for_dest,
    url_problem,
)


@pytest.mark.parametrize(
    "url",
    [
        "/learn/physics/questions/what-is-a-quark",
        "learn/physics/questions/what-is-a-quark/",
        "/learn/física/questions/qué-es",
        "/learn/x/page.html",
    ],
)
def test_corpus_style_urls_are_accepted(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://evil.example/learn/x", "host"),
        ("//evil.example/learn/x", "host"),
        ("/learn/../../etc/passwd", "'..'"),
        ("/learn/./x", "'.'"),
        ("/learn//x", "empty"),
        ("/learn/a b", "unsafe"),
        ("/learn/a%2F..", "unsafe"),
        ("/learn/a\\..\\b", "unsafe"),
        ("/C:/x", "unsafe"),
        ("/learn/.hidden", "unsafe"),
        ("/learn/x?page=2", "query"),
        ("/learn/x#top", "fragment"),
        ("/", "root"),
        ("", "root"),
    ],
)
def test_unsafe_urls_are_refused_with_a_reason(url: str, reason: str) -> None:
    problem = url_problem(url)
    assert problem is not None
    assert reason in problem


def test_output_path_follows_directory_urls() -> None:
    url = "/learn/physics/questions/slug"
    assert dest_for_url(url, directory_urls=True) == "learn/physics/questions/slug/index.html"
    assert dest_for_url(url, directory_urls=False) == "learn/physics/questions/slug.html"
    assert dest_for_url(url + "/", directory_urls=True) == "learn/physics/questions/slug/index.html"


def test_url_of_an_output_path_is_the_one_mkdocs_gives() -> None:
    assert url_for_dest("learn/x/index.html", directory_urls=True) == "learn/x/"
    assert url_for_dest("learn/x.html", directory_urls=False) == "learn/x.html"
    assert url_for_dest("index.html", directory_urls=True) == "./"
    assert url_for_dest("learn/é/index.html", directory_urls=True) == "learn/%C3%A9/"


@pytest.mark.parametrize(
    ("url", "other"),
    [
        ("learn/physics/", "learn/physics/questions/x/"),
        ("learn/physics/questions/y/", "learn/physics/questions/x/"),
        ("learn/math/questions/y/", "learn/physics/page/2/"),
        ("learn/x.html", "learn/y/z.html"),
        ("rss.xml", "learn/physics/"),
        ("learn/physics/", "learn/physics/"),
    ],
)
def test_relative_links_match_mkdocs(url: str, other: str) -> None:
    assert relative_url(url, other) == get_relative_url(url, other)


def test_link_to_the_site_root_ends_in_a_slash() -> None:
    assert relative_url("", "learn/physics/questions/x/") == "../../../../"
    assert relative_url("", "learn/x.html") == "../"


def _move(src: str, url: str) -> Move:
    return Move(src, url, src.removesuffix(".md") + "/index.html")


def test_the_second_page_with_a_url_keeps_its_source_path_and_both_are_named() -> None:
    moves = [_move("a.md", "/learn/x/q/same"), _move("b.md", "/learn/x/q/same")]
    dests, problems = assign_dests(moves, {}, directory_urls=True)
    assert dests == {"a.md": "learn/x/q/same/index.html", "b.md": "b/index.html"}
    [problem] = problems
    message = problem.message()
    assert message.startswith("b.md: 'url': ")
    assert "a.md" in message
    assert "/learn/x/q/same" in message


def test_a_url_taken_by_an_ordinary_page_is_refused() -> None:
    fixed = {"learn/x/index.html": "learn/x.md"}
    dests, problems = assign_dests([_move("q.md", "/learn/x")], fixed, directory_urls=True)
    assert dests == {"q.md": "q/index.html"}
    assert "learn/x.md" in problems[0].message()


def test_a_page_with_nowhere_to_go_is_left_out_rather_than_overwrite() -> None:
    moves = [_move("a.md", "/b"), _move("b.md", "https://host/x")]
    dests, problems = assign_dests(moves, {}, directory_urls=True)
    assert dests == {"a.md": "b/index.html"}
    assert [p.severity for p in problems] == ["warning", "error"]
    assert "page not built" in problems[1].message()
