"""All 80 real QuickTakes files and the seed, built --strict in one site, checked page by page.

Expectations come from the corpus MANIFEST (features noted when the files were collected) and
from the raw front matter, never from the code under test.
"""

from __future__ import annotations

import csv
import re
from typing import TYPE_CHECKING

import frontmatter
import pytest
from bs4 import BeautifulSoup, Tag
from conftest import CORPUS, SEED, SOURCES, Site, shared_files

from mkdocs_quicktakes.answer.placeholders import PLACEHOLDER_END
from mkdocs_quicktakes.records.model import parse_quicktake

if TYPE_CHECKING:
    import datetime
    from pathlib import Path


def manifest() -> dict[str, set[str]]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["file"]: {n.strip() for n in row["notes"].split(";")} for row in rows}


NOTES = manifest()


def page_of(site: Site, source: Path) -> BeautifulSoup:
    """The built page of a source file: at its front-matter ``url`` (option ``permalinks``)."""
    url = str(frontmatter.load(source)["url"]).strip("/")
    return site.soup(f"{url}/index.html")


def answer_of(soup: BeautifulSoup) -> Tag:
    answer = soup.find(id="answer")
    assert isinstance(answer, Tag)
    return answer


def text_outside_code(tag: Tag) -> str:
    copy = BeautifulSoup(str(tag), "html.parser")
    for code in copy.find_all(["code", "pre", "math"]):
        code.decompose()
    return copy.get_text()


def math_text(tag: Tag) -> str:
    return " ".join(m.get_text() for m in tag.find_all("math"))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem[:50])
def test_every_real_page_reads_as_a_person_would_write_it(corpus_site: Site, source: Path) -> None:
    post = frontmatter.load(str(source))
    soup = page_of(corpus_site, source)
    assert soup.head is not None
    assert len(soup.head.find_all("title")) == 1
    assert soup.head.title is not None
    assert soup.head.title.string == f"{' '.join(post['title'].split())} | {post['seo']['title']}"
    for name in ("description", "keywords"):
        assert len(soup.head.find_all("meta", attrs={"name": name})) == 1, name
    date: datetime.date = post["date"]
    byline = soup.find(class_="qt-byline__date")
    assert byline is not None
    assert " ".join(byline.get_text().split()) == f"Posted on {date:%b %d, %Y}"
    assert_answer_reads_well(answer_of(soup), str(post["answer"]))


def assert_answer_reads_well(answer: Tag, raw: str) -> None:
    """No escape, fence or formula source left in the prose; one code block per fence pair."""
    outside = text_outside_code(answer)
    assert "\\n" not in outside
    assert "```" not in outside
    for leftover in ("$", "\\(", "\\[", PLACEHOLDER_END):
        assert leftover not in outside, leftover
    assert answer.find(class_="qt-math-error") is None
    assert len(answer.find_all("pre")) == raw.count("```") // 2


@pytest.mark.parametrize("source", shared_files(CORPUS), ids=lambda p: p.stem[:50])
def test_manifest_features_are_rendered(corpus_site: Site, source: Path) -> None:
    notes = NOTES[source.name]
    answer = answer_of(page_of(corpus_site, source))
    # Answer headings are lifted so that the top one is an <h2>: ### -> h2, #### -> h3.
    expected_tags = {"ol": "ol", "ul": "ul", "table": "table", "h4": "h3"}
    for note, tag in expected_tags.items():
        if note in notes:
            assert answer.find(tag) is not None, note
    # The manifest's "bold" and "headings" also count `**head` and `# comment` inside code
    # fences, so those two are checked against the prose outside the fences.
    prose = re.sub(r"```.*?```", "", str(frontmatter.load(str(source))["answer"]))
    if "**" in prose:
        assert answer.find("strong") is not None
    if "\\n### " in prose:
        assert answer.find("h2") is not None
        assert answer.find("h4") is None
    if notes & {"math $", "math $$", "math \\( \\)"}:
        assert answer.find("math") is not None
    if "math $$" in notes:
        assert answer.find("math", attrs={"display": "block"}) is not None
    if "inline-code" in notes:
        assert any(code.parent.name != "pre" for code in answer.find_all("code"))
    if "\\n-ambiguity: \\neq" in notes:
        assert "≠" in math_text(answer)
    if "LaTeX \\\\ followed by literal \\n" in notes:
        assert any(len(t.find_all("mtr")) >= 2 for t in answer.find_all("mtable"))


def test_not_equal_inside_math_is_kept_in_all_five_files(corpus_site: Site) -> None:
    files = [f for f, notes in NOTES.items() if "\\n-ambiguity: \\neq" in notes]
    assert len(files) == 5
    for name in files:
        assert "≠" in math_text(answer_of(page_of(corpus_site, CORPUS / name)))


def test_truth_table_keeps_negation_inside_math(corpus_site: Site) -> None:
    source = CORPUS / "how-do-you-construct-a-truth-table-for-a-given-logical-expression.md"
    answer = answer_of(page_of(corpus_site, source))
    table = answer.find("table")
    assert table is not None
    assert table.find("math") is not None
    assert "¬" in math_text(answer)
    assert "eg (" not in answer.get_text()


def test_pid_formula_is_a_newline_then_u_of_t(corpus_site: Site) -> None:
    source = CORPUS / "how-does-a-pid-controller-work-and-what-are-its-components.md"
    answer = answer_of(page_of(corpus_site, source))
    block = answer.find("math", attrs={"display": "block"})
    assert block is not None
    text = block.get_text()
    assert "ν" not in text
    assert text.replace(" ", "").startswith("u(t)=")
    # The three components stay one ordered list.
    lists = [ol for ol in answer.find_all("ol") if ol.find_parent("ol") is None]
    assert len(lists) == 1
    assert len(lists[0].find_all("li", recursive=False)) == 3


def test_c_string_escape_stays_inside_the_code_block(corpus_site: Site) -> None:
    source = CORPUS / "what-are-the-key-steps-in-manipulating-nodes-within-a-linked-list-in-c.md"
    answer = answer_of(page_of(corpus_site, source))
    codes = [pre.get_text() for pre in answer.find_all("pre")]
    assert any('printf("NULL\\n");' in code for code in codes)
    assert all("```" not in code for code in codes)


def test_fences_inside_list_items_stay_in_the_item(corpus_site: Site) -> None:
    indented = []
    for source in shared_files(CORPUS):
        raw = str(frontmatter.load(str(source))["answer"])
        if "\\n   ```" in raw or "\\n    ```" in raw:
            indented.append(source)
    assert indented, "the corpus indents fences inside list items"
    for source in indented:
        answer = answer_of(page_of(corpus_site, source))
        assert any(pre.find_parent("li") is not None for pre in answer.find_all("pre")), source


def test_seed_mojibake_is_repaired(corpus_site: Site) -> None:
    [seed] = shared_files(SEED)
    text = answer_of(page_of(corpus_site, seed)).get_text()
    assert "Here’s how TMS" in text
    assert "â€" not in text


def test_correct_unicode_is_unchanged(corpus_site: Site) -> None:
    for source in shared_files(CORPUS):
        raw = frontmatter.load(str(source))
        take, _ = parse_quicktake(raw.metadata, source.name)
        assert take is not None
        if "’" in take.title:
            h1 = page_of(corpus_site, source).find("h1")
            assert h1 is not None
            assert h1.get_text(strip=True) == " ".join(take.title.split())
    greek = [s for s in shared_files(CORPUS) if "Ω" in str(frontmatter.load(str(s))["answer"])]
    assert greek
    for source in greek:
        assert "Ω" in answer_of(page_of(corpus_site, source)).get_text()


def test_angle_brackets_in_answers_are_text_not_tags(corpus_site: Site) -> None:
    for source in shared_files(CORPUS):
        text = answer_of(page_of(corpus_site, source)).find(class_="qt-answer__text")
        assert isinstance(text, Tag)
        for tag in ("username", "password"):
            assert text.find(tag) is None, (source.name, tag)
        # The only divs are the plugin's display-formula wrappers, never a tag from the answer.
        assert all("qt-math" in div["class"] for div in text.find_all("div")), source.name
    codes = [
        code.get_text()
        for source in shared_files(CORPUS)
        for code in answer_of(page_of(corpus_site, source)).find_all("code")
    ]
    assert any("<div>" in code for code in codes)
    assert any("username <username> secret <password>" in code for code in codes)
