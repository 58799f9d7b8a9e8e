"""Front matter in, QuickTake record and problems out; no MkDocs build."""

from __future__ import annotations

import datetime

import frontmatter
import pytest
from conftest import CORPUS, SEED, shared_files

from mkdocs_quicktakes.records.model import is_quicktake, parse_quicktake, repair_text

BASE = {"question": "Why?", "answer": r"Because.\nThat is all."}


def test_a_page_with_a_question_is_a_quicktake_even_without_its_answer() -> None:
    assert is_quicktake(BASE)
    assert is_quicktake({"question": "Why?"})  # a broken one: parse_quicktake names the answer
    assert not is_quicktake({"answer": "Because", "title": "Why?"})
    take, problems = parse_quicktake({"question": "Why?"}, "a.md")
    assert take is None
    assert [(p.key, p.severity) for p in problems] == [("answer", "error")]


def test_title_falls_back_to_article_title_then_question() -> None:
    take, _ = parse_quicktake({**BASE, "title": "T", "article_title": "A"}, "a.md")
    assert take is not None
    assert take.title == "T"
    take, _ = parse_quicktake({**BASE, "article_title": "A"}, "a.md")
    assert take is not None
    assert take.title == "A"
    take, _ = parse_quicktake(BASE, "a.md")
    assert take is not None
    assert take.title == "Why?"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("a, b,c", ("a", "b", "c")),
        ("  a ,, b  ", ("a", "b")),
        (["a", " b ", "a"], ("a", "b")),
    ],
)
def test_keywords_are_split_trimmed_and_deduplicated(
    written: object, expected: tuple[str, ...]
) -> None:
    take, problems = parse_quicktake({**BASE, "seo": {"page_keywords": written}}, "a.md")
    assert take is not None
    assert take.keywords == expected
    assert problems == []


def test_missing_answer_text_is_an_error_naming_file_and_key() -> None:
    take, problems = parse_quicktake({"question": "Why?", "answer": ["not", "text"]}, "sub/a.md")
    assert take is None
    [problem] = problems
    assert problem.severity == "error"
    assert problem.message().startswith("sub/a.md: 'answer': expected the answer as Markdown text")
    assert "found list" in problem.message()


def test_wrong_typed_optional_fields_warn_and_fall_back() -> None:
    meta = {**BASE, "seo": "oops", "score": "high", "date": "yesterday", "author": ["x"]}
    take, problems = parse_quicktake(meta, "a.md")
    assert take is not None
    assert (take.description, take.score, take.date, take.author) == ("", None, None, "")
    keys = sorted(p.key for p in problems)
    assert keys == ["author", "date", "score", "seo"]
    assert all(p.severity == "warning" for p in problems)


def test_related_articles_keep_numeric_order_and_drop_repeats() -> None:
    entry = {"id": 7, "title": "Seven", "subject": "S", "url": "/learn/s/questions/seven"}
    meta = {
        **BASE,
        "related_article10": {"id": 10, "title": "Ten", "url": "/ten"},
        "related_article2": entry,
        "related_article1": {"id": 1, "title": "One", "url": "/one"},
        "related_article3": dict(entry),
    }
    take, problems = parse_quicktake(meta, "a.md")
    assert take is not None
    assert problems == []
    assert [link.title for link in take.related] == ["One", "Seven", "Ten"]
    assert take.related[1].id == "7"


def test_yaml_dates_and_numbers_are_read_as_written() -> None:
    take, _ = parse_quicktake({**BASE, "date": datetime.date(2025, 1, 28), "id": 164428}, "a.md")
    assert take is not None
    assert take.date == datetime.date(2025, 1, 28)
    assert take.id == "164428"


def test_every_real_file_parses_without_problems() -> None:
    for path in [*shared_files(CORPUS), *shared_files(SEED)]:
        post = frontmatter.load(str(path))
        take, problems = parse_quicktake(post.metadata, path.name)
        assert take is not None, path.name
        assert problems == [], path.name
        assert take.title == " ".join(str(post["question"]).split())
        assert isinstance(take.date, datetime.date)
        assert take.seo_title.startswith("QuickTakes | ")
        assert len(take.related) == len({(r.id) for r in take.related})


def test_repair_text_fixes_every_field_a_reader_sees() -> None:
    bad = "Here\u00e2\u20ac\u2122s"
    meta = {
        **BASE,
        "title": bad,
        "seo": {"page_keywords": f"{bad}, ok"},
        "related_article1": {"title": bad, "url": "/a"},
        "related_article2": {"title": "Fine \u2019", "url": "/b"},
    }
    take, _ = parse_quicktake(meta, "a.md")
    assert take is not None
    fixed = repair_text(take)
    assert (fixed.title, fixed.question) == ("Here\u2019s", "Why?")
    assert fixed.keywords == ("Here\u2019s", "ok")
    assert [link.title for link in fixed.related] == ["Here\u2019s", "Fine \u2019"]
    assert fixed.answer == take.answer  # the answer is repaired when it is prepared
    assert repair_text(fixed) == fixed
