"""The catalog: subjects, related links, hub order and pages, breadcrumbs, excerpts."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from conftest import CORPUS, shared_files

from mkdocs_quicktakes.answer.placeholders import PLACEHOLDER_END
from mkdocs_quicktakes.answer.prepare import prepare_answer
from mkdocs_quicktakes.answer.text import answer_excerpt
from mkdocs_quicktakes.records.model import QuickTake, RelatedLink, parse_quicktake
from mkdocs_quicktakes.records.source import read_source_file
from mkdocs_quicktakes.site.catalog import (
    Catalog,
    Crumb,
    Entry,
    HubOptions,
    canonical_names,
    sort_entries,
    subject_key,
    subject_slug,
)


def take(n: int, **fields: object) -> QuickTake:
    values: dict[str, object] = {
        "src_uri": f"q{n}.md",
        "title": f"Question {n}?",
        "question": f"Question {n}?",
        "answer": "An answer.",
        "id": str(n),
        "subject": "Physics",
        "url": f"/learn/physics/questions/q{n}",
        "date": datetime.date(2025, 1, n),
    }
    values.update(fields)
    return QuickTake(**values)  # type: ignore[arg-type]


def entry(t: QuickTake) -> Entry:
    return Entry(t, t.url.strip("/") + "/")


def catalog(*takes: QuickTake, **options: object) -> Catalog:
    return Catalog([entry(t) for t in takes], HubOptions(**options))  # type: ignore[arg-type]


def test_subjects_compare_without_case_or_extra_spaces() -> None:
    assert subject_key("Computer science") == subject_key("Computer  Science ")


@pytest.mark.parametrize(
    ("subject", "slug"),
    [
        ("Computer Science", "computer-science"),
        ("History of the World", "history-of-the-world"),
        ("C++ / Data", "c-data"),
        ("Física", "física"),
    ],
)
def test_subject_slug_is_the_generators_rule(subject: str, slug: str) -> None:
    assert subject_slug(subject) == slug


def test_the_slug_of_every_real_subject_is_the_folder_of_its_url() -> None:
    for path in shared_files(CORPUS):
        source = read_source_file(path, path.name)
        record, _ = parse_quicktake(source.meta, path.name)
        assert record is not None
        assert record.url.startswith(f"/learn/{subject_slug(record.subject)}/questions/")


def test_most_common_spelling_wins_and_title_case_breaks_a_tie() -> None:
    names = canonical_names(["Digital media"] * 3 + ["Digital Media"] * 2 + ["physics", "Physics"])
    assert names == {"digital media": "Digital media", "physics": "Physics"}


def test_real_subjects_get_one_name_each() -> None:
    takes = []
    for path in shared_files(CORPUS):
        record, _ = parse_quicktake(read_source_file(path, path.name).meta, path.name)
        assert record is not None
        takes.append(record)
    subjects = Catalog(Entry(t, t.url) for t in takes).subjects
    names = [s.name for s in subjects]
    assert "Computer Science" in names
    assert "Digital Media" in names  # the related entries' Title Case outvotes 7 lowercase pages
    assert len(names) == len({s.key for s in subjects}) == 7
    assert sum(len(s.entries) for s in subjects) == len(takes)


def test_related_links_resolve_by_id_first_then_by_url() -> None:
    a, b, c = take(1), take(2), take(3)
    cat = catalog(a, b, c)
    assert cat.resolve(RelatedLink("x", url=c.url, id="2")) == entry(b)
    assert cat.resolve(RelatedLink("x", url=c.url + "/", id="999")) == entry(c)
    assert cat.resolve(RelatedLink("x", url="/learn/physics/questions/gone", id="999")) is None


def test_related_links_become_site_urls_text_or_external_links_each_once() -> None:
    related = (
        RelatedLink("B", url="/x", id="2"),
        RelatedLink("B again", url="/learn/physics/questions/q2"),
        RelatedLink("Gone", url="/learn/sociology/questions/gone", id="77"),
        RelatedLink("Elsewhere", url="https://example.com/q"),
    )
    a = take(1, related=related)
    cat = catalog(a, take(2))
    shown = cat.related(a)
    assert [(r.title, r.url, r.external) for r in shown] == [
        ("B", "learn/physics/questions/q2/", ""),
        ("Gone", "", ""),
        ("Elsewhere", "", "https://example.com/q"),
    ]
    assert cat.unresolved() == (1, 1)


def test_hub_orders_by_date_score_or_title() -> None:
    takes = [
        take(1, title="Charlie", score=5.0),
        take(3, title="alpha", score=None),
        take(2, title="Bravo", score=9.0),
    ]
    entries = [entry(t) for t in takes]
    assert [e.take.title for e in sort_entries(entries, "date")] == ["alpha", "Bravo", "Charlie"]
    assert [e.take.title for e in sort_entries(entries, "score")] == ["Bravo", "Charlie", "alpha"]
    assert [e.take.title for e in sort_entries(entries, "title")] == ["alpha", "Bravo", "Charlie"]


def test_undated_and_aware_dates_sort_together() -> None:
    minus_five = datetime.timezone(datetime.timedelta(hours=-5))
    aware = datetime.datetime(2025, 1, 5, 23, 0, tzinfo=minus_five)
    takes = [take(1, date=None), take(2, date=aware), take(3, date=datetime.date(2025, 1, 6))]
    order = [e.take.src_uri for e in sort_entries([entry(t) for t in takes], "date")]
    assert order == ["q2.md", "q3.md", "q1.md"]  # 2025-01-06 04:00 UTC is newer than the 6th


def test_hubs_are_paginated_at_their_folder() -> None:
    cat = catalog(*(take(n) for n in range(1, 6)), page_size=2)
    [physics] = cat.subjects
    assert [(p.src_uri, p.url, p.number, p.count, len(p.entries)) for p in physics.pages] == [
        ("learn/physics/index.md", "learn/physics/", 1, 3, 2),
        ("learn/physics/page/2/index.md", "learn/physics/page/2/", 2, 3, 2),
        ("learn/physics/page/3/index.md", "learn/physics/page/3/", 3, 3, 1),
    ]
    listed = [e.take.src_uri for p in physics.pages for e in p.entries]
    assert sorted(listed) == [f"q{n}.md" for n in range(1, 6)]
    assert len(set(listed)) == 5


def test_hub_urls_without_directory_urls_and_with_another_pattern() -> None:
    cat = catalog(take(1), take(2), page_size=1, url="topics/{slug}", directory_urls=False)
    assert [p.url for p in cat.subjects[0].pages] == [
        "topics/physics/index.html",
        "topics/physics/page/2/index.html",
    ]


def test_breadcrumbs_are_home_hub_and_question() -> None:
    a = take(1, subject="physics")
    cat = catalog(a, home_name="Start")
    assert cat.breadcrumbs(a) == (
        Crumb("Start", ""),
        Crumb("physics", "learn/physics/"),
        Crumb("Question 1?", "learn/physics/questions/q1/"),
    )
    orphan = take(2, subject="")
    assert [c.name for c in catalog(orphan).breadcrumbs(orphan)] == ["Home", "Question 2?"]


def test_no_hubs_means_no_hub_pages_and_no_hub_crumb() -> None:
    a = take(1)
    cat = catalog(a, hubs=False)
    assert cat.hub_pages() == ()
    assert [c.name for c in cat.breadcrumbs(a)] == ["Home", "Question 1?"]


def test_newest_questions_leave_out_undated_ones() -> None:
    cat = catalog(take(1), take(2, date=None), take(3), take(4))
    assert [e.take.src_uri for e in cat.newest(2)] == ["q4.md", "q3.md"]


def test_excerpt_is_plain_text_without_code_display_math_or_headings() -> None:
    raw = (
        r"The **normal** equations use `X` and $ \beta $.\n\n### Derivation\n"
        r"$$\nX^T X \beta = X^T y\n$$\n\n```python\nprint('no')\n```\n\n"
        r"1. [First](https://x.org) step &amp; more\n2. Second"
    )
    text = answer_excerpt(prepare_answer(raw))
    assert text == r"The normal equations use X and \beta. First step & more Second"


def test_long_excerpt_is_cut_at_a_word() -> None:
    text = answer_excerpt(prepare_answer("word " * 100), limit=30)
    assert text == "word word word word word word…"


def test_excerpt_of_many_lines_reads_on_across_them() -> None:
    raw = r"\n".join(f"line {i} with some words" for i in range(100))
    text = answer_excerpt(prepare_answer(raw), limit=50)
    assert text == "line 0 with some words line 1 with some words line…"


def test_excerpt_shows_the_text_of_a_link_broken_over_lines() -> None:
    raw = r"Start [the long link text that goes on\nand on](https://x.org) end. " + "More. " * 20
    text = answer_excerpt(prepare_answer(raw), limit=30)
    assert text == "Start the long link text that…"


def test_excerpt_drops_a_tag_broken_over_lines() -> None:
    raw = r"Start of a rather long sentence with <abbr\ntitle='x'>ABC</abbr> and " + "more " * 20
    text = answer_excerpt(prepare_answer(raw, html_tags=None), limit=40)
    assert text == "Start of a rather long sentence with ABC…"


def test_every_real_answer_has_a_short_plain_excerpt() -> None:
    for path in shared_files(CORPUS):
        meta = read_source_file(Path(path), path.name).meta
        text = answer_excerpt(prepare_answer(str(meta["answer"])))
        assert 40 < len(text) <= 201, path.name
        assert not any(mark in text for mark in (PLACEHOLDER_END, "**", "```", "\\n", "###")), (
            path.name
        )
