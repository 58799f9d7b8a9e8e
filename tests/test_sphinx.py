"""The Sphinx extension: real ``sphinx-build`` runs (``-W -j 2``, dirhtml) on temporary projects.

The 80 real files and the seed are built once per theme and test session (alabaster, furo,
sphinx_rtd_theme) and every page is checked as the MkDocs corpus test checks it. Expectations
come from the raw front matter and the corpus MANIFEST, never from the code under test.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import frontmatter
import pytest
from bs4 import BeautifulSoup, Tag
from conftest import CORPUS, REPO, SOURCES, quicktake
from test_corpus import NOTES, answer_of, assert_answer_reads_well, math_text, page_of

import mkdocs_quicktakes
from mkdocs_quicktakes.config import QuickTakesConfig
from mkdocs_quicktakes.sphinx.settings import CONFIG_VALUES

THEMES = ("alabaster", "furo", "sphinx_rtd_theme")
CONF = """\
project = "Q&A"
extensions = ["myst_parser", "mkdocs_quicktakes.sphinx"]
html_baseurl = "https://example.org/docs/"
"""
HOME = "# Home\n\nWelcome to the *questions*.\n"


@dataclass(frozen=True)
class SphinxSite:
    theme: str
    src: Path
    out: Path
    result: subprocess.CompletedProcess[str]

    def soup(self, path: str) -> BeautifulSoup:
        return BeautifulSoup((self.out / path).read_text(encoding="utf-8"), "html.parser")


def sphinx_build(src: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``sphinx-build -W -j 2 -b dirhtml`` (unless ``options`` say otherwise), as a user runs it."""
    command = [sys.executable, "-m", "sphinx", "-q", "-W", "-j", "2", "-b", "dirhtml"]
    return subprocess.run(
        [*command, *options, str(src), str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def make_project(root: Path, files: dict[str, str], conf: str = CONF) -> Path:
    src = root / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(conf, encoding="utf-8")
    (src / "index.md").write_text(HOME, encoding="utf-8")
    for name, text in files.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


@pytest.fixture(
    scope="session", params=[pytest.param(theme, marks=pytest.mark.slow) for theme in THEMES]
)
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SphinxSite:
    root = tmp_path_factory.mktemp(f"sphinx-{request.param}")
    src = make_project(root, {})
    for source in SOURCES:
        shutil.copyfile(source, src / source.name)
    out = root / "out"
    result = sphinx_build(src, out, "-D", f"html_theme={request.param}")
    assert result.returncode == 0, result.stderr
    return SphinxSite(request.param, src, out, result)


def heading_text(tag: Tag) -> str:
    """A heading's text without the theme's permalink (¶, or an icon glyph)."""
    copy = BeautifulSoup(str(tag), "html.parser")
    for link in copy.find_all("a", class_="headerlink"):
        link.decompose()
    return " ".join(copy.get_text().split())


def test_the_corpus_builds_without_a_warning(corpus: SphinxSite) -> None:
    assert corpus.result.stderr == ""
    built = {path.parent.name for path in corpus.out.glob("learn/*/questions/*/index.html")}
    assert {source.stem for source in SOURCES} <= built
    assert not (corpus.out / SOURCES[0].stem).exists()  # written at its url, not its name


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem[:50])
def test_every_real_page_in_every_theme(corpus: SphinxSite, source: Path) -> None:
    post = frontmatter.load(str(source))
    soup = page_of(corpus, source)
    title = " ".join(str(post["title"]).split())
    assert soup.head is not None
    titles = soup.head.find_all("title")
    assert [t.string for t in titles] == [f"{title} | {post['seo']['title']}"]
    for name in ("description", "keywords", "author"):
        assert len(soup.head.find_all("meta", attrs={"name": name})) == 1, name
    # The title once as a heading (alabaster's sidebar logo is an <h1> too: not the title).
    assert [h for h in soup.find_all("h1") if heading_text(h) == title] != []
    assert len([h for h in soup.find_all(["h1", "h2"]) if heading_text(h) == title]) == 1
    byline = soup.find(class_="qt-byline__date")
    assert isinstance(byline, Tag)
    assert " ".join(byline.get_text().split()) == f"Posted on {post['date']:%b %d, %Y}"
    time = byline.find("time")
    assert isinstance(time, Tag)
    assert time["datetime"] == post["date"].isoformat()
    answer = answer_of(soup)
    assert_answer_reads_well(answer, str(post["answer"]))
    notes = NOTES.get(source.name, set())
    if notes & {"math $", "math $$", "math \\( \\)"}:
        assert answer.find("math") is not None
        assert len(soup.head.find_all("link", href=re.compile(r"quicktakes/math\.css$"))) == 1
        assert (corpus.out / "_static/quicktakes/math.css").is_file()
    if "math $$" in notes:
        assert answer.find("math", attrs={"display": "block"}) is not None
    if "\\n-ambiguity: \\neq" in notes:
        assert "≠" in math_text(answer)


def test_answer_headings_are_in_the_local_toc_and_code_is_highlighted(corpus: SphinxSite) -> None:
    source = CORPUS / "can-you-explain-the-mechanics-of-ols-estimation.md"
    soup = page_of(corpus, source)
    answer = answer_of(soup)
    heading = answer.find("h2")
    assert isinstance(heading, Tag)
    anchor = heading.find_parent("section")
    assert isinstance(anchor, Tag)
    links = soup.find_all("a", href=f"#{anchor['id']}")
    # The heading's own ¶ link, and its entry in the page's local table of contents, which furo
    # ("On this page") and sphinx_rtd_theme show by default, and alabaster's sidebars do not.
    assert len(links) == (1 if corpus.theme == "alabaster" else 2)
    code_page = CORPUS / "what-are-the-key-steps-in-manipulating-nodes-within-a-linked-list-in-c.md"
    code = answer_of(page_of(corpus, code_page)).find("div", class_="highlight")
    assert isinstance(code, Tag)
    assert code.find("span", class_="k") is not None  # a Pygments keyword token
    assert ".highlight .k " in (corpus.out / "_static" / "pygments.css").read_text()


def test_other_documents_are_left_as_sphinx_builds_them(tmp_path: Path) -> None:
    page = "---\ntitle: Not a QuickTake\nauthor: Ann\n---\n# Plain page\n\nText with $x$.\n"
    builds = {}
    for name, conf_py in {
        "with": CONF,
        "without": CONF.replace(', "mkdocs_quicktakes.sphinx"', ""),
    }.items():
        src = make_project(tmp_path / name, {"plain.md": page}, conf_py)
        (src / "index.md").write_text(HOME + "\n```{toctree}\nplain\n```\n", encoding="utf-8")
        result = sphinx_build(src, tmp_path / name / "out")
        assert result.returncode == 0, result.stderr
        soup = BeautifulSoup((tmp_path / name / "out/plain/index.html").read_text(), "html.parser")
        builds[name] = soup
    for part in ("head", "body"):
        with_ext, without = (str(getattr(builds[k], part)) for k in ("with", "without"))
        assert with_ext == without, part


def test_bad_files_are_sphinx_warnings_so_w_fails(tmp_path: Path) -> None:
    bad = "---\ntitle: Bad\nquestion: Why?\nanswer: 42\ndate: not a date\n---\n&nbsp;\n"
    missing = "---\ntitle: Broken\nquestion: Why?\n---\n&nbsp;\n"
    good = quicktake(title="Fine page")
    src = make_project(tmp_path, {"bad.md": bad, "missing.md": missing, "good.md": good})
    strict = sphinx_build(src, tmp_path / "strict")
    assert strict.returncode != 0
    assert "Traceback" not in strict.stderr
    assert "bad.md:4: 'answer': expected the answer as Markdown text, found int 42" in strict.stderr
    assert "bad.md:5: 'date': expected a date like 2025-01-28, found str 'not a date'" in (
        strict.stderr
    )
    assert "missing.md: 'answer': expected the answer as Markdown text, found nothing" in (
        strict.stderr
    )
    lenient = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "dirhtml", str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lenient.returncode == 0, lenient.stderr
    good_page = BeautifulSoup(
        (tmp_path / "out/learn/testing/questions/what-is-a-test/index.html").read_text(),
        "html.parser",
    )
    assert good_page.find(id="answer") is not None
    notice = (tmp_path / "out/bad/index.html").read_text()
    assert "This page could not be built." in notice


def test_options_are_sphinx_config_values(tmp_path: Path) -> None:
    conf = CONF + 'quicktakes_title_format = "{seo_title}: {title}"\nlanguage = "de"\n'
    src = make_project(tmp_path, {"q.md": quicktake(title="Frage", date="2024-12-18")}, conf)
    result = sphinx_build(src, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    page = tmp_path / "out/learn/testing/questions/what-is-a-test/index.html"
    soup = BeautifulSoup(page.read_text(), "html.parser")
    assert soup.head is not None
    title = soup.head.find("title")
    assert title is not None
    assert title.string is not None
    assert title.string.endswith(": Frage")
    byline = soup.find(class_="qt-byline__date")
    assert isinstance(byline, Tag)
    assert "Dez." in byline.get_text()  # the month through Babel, in the project's language
    bad = make_project(tmp_path / "bad", {}, CONF + 'quicktakes_title_format = "{nope}"\n')
    result = sphinx_build(bad, tmp_path / "bad-out")
    assert result.returncode != 0
    assert "config value 'quicktakes_title_format': unknown placeholder {nope}" in result.stderr
    bad_locale = make_project(tmp_path / "locale", {}, CONF + 'quicktakes_locale = "xx-nope"\n')
    result = sphinx_build(bad_locale, tmp_path / "locale-out")
    assert result.returncode != 0
    assert "config value 'quicktakes_locale'" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stderr


def test_only_the_sphinx_package_imports_sphinx() -> None:
    package = Path(mkdocs_quicktakes.__file__).parent
    for path in package.rglob("*.py"):
        if "sphinx" in path.relative_to(package).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not re.match(r"(sphinx|docutils|myst_parser)\b", name), (path, name)


def test_canonical_open_graph_and_json_ld_come_from_html_baseurl(corpus: SphinxSite) -> None:
    source = CORPUS / "can-you-explain-the-mechanics-of-ols-estimation.md"
    soup = page_of(corpus, source)
    url = "https://example.org/docs" + str(frontmatter.load(source)["url"]) + "/"
    canonical = soup.find_all("link", rel="canonical")
    assert [link["href"] for link in canonical] == [url]
    og_url = soup.find_all("meta", property="og:url")
    assert [meta["content"] for meta in og_url] == [url]
    [script] = soup.find_all("script", type="application/ld+json")
    data = json.loads(script.string or "")
    [article] = [node for node in data["@graph"] if node["@type"] == "Article"]
    assert article["mainEntityOfPage"]["@id"] == url
    assert article["headline"] == frontmatter.load(source)["title"].strip()


def test_related_questions_link_to_their_documents(corpus: SphinxSite) -> None:
    linked = 0
    for source in SOURCES:
        post = frontmatter.load(source)
        page = page_of(corpus, source)
        base = "https://example.org/docs" + str(post["url"]) + "/"
        items = page.select(".qt-related__item")
        for number in range(1, 6):
            related = post.get(f"related_article{number}")
            if not isinstance(related, dict) or not related.get("url"):
                continue
            target = corpus.out / str(related["url"]).strip("/") / "index.html"
            [item] = [i for i in items if i.get_text(strip=True) == related["title"].strip()]
            link = item.find("a")
            if target.exists():
                assert isinstance(link, Tag)
                assert urljoin(base, str(link["href"])) == urljoin(
                    base, "/docs" + related["url"] + "/"
                )
                linked += 1
            else:
                assert link is None  # shown as text: not a page of this project
    assert linked > 0


def test_subject_hubs_list_newest_first_and_feeds_are_written(corpus: SphinxSite) -> None:
    hub = corpus.soup("learn/economics/index.html")
    items = hub.select(".qt-hub__item time")
    dates = [str(time["datetime"]) for time in items]
    assert dates
    assert dates == sorted(dates, reverse=True)
    expected = sum(1 for s in SOURCES if str(frontmatter.load(s).get("subject")) == "Economics")
    assert len(hub.select(".qt-hub__item")) == min(expected, 20)
    assert hub.head is not None
    assert len(hub.head.find_all("title")) == 1
    for path in ("rss.xml", "atom.xml", "learn/economics/rss.xml", "learn/economics/atom.xml"):
        feed = feedparser.parse((corpus.out / path).read_text(encoding="utf-8"))
        assert not feed.bozo, path
        assert feed.entries, path
        for entry in feed.entries:
            target = entry.link.removeprefix("https://example.org/docs/")
            assert (corpus.out / target / "index.html").exists(), entry.link
    index = corpus.soup("learn/index.html")
    assert len(index.select(".qt-subjects__item")) >= 5


def test_hubs_are_paginated(tmp_path: Path) -> None:
    files = {
        f"q{n}.md": quicktake(
            title=f"Question {n}", date=f"2024-01-{n:02d}", url=f"/learn/testing/questions/q{n}"
        )
        for n in range(1, 6)
    }
    src = make_project(tmp_path, files, CONF + "quicktakes_hub_page_size = 2\n")
    result = sphinx_build(src, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    titles = []
    for page in ("", "page/2/", "page/3/"):
        soup = BeautifulSoup((out / f"learn/testing/{page}index.html").read_text(), "html.parser")
        titles += [a.get_text() for a in soup.select(".qt-hub__title a")]
    assert titles == [f"Question {n}" for n in (5, 4, 3, 2, 1)]


def test_plain_html_builder_keeps_pages_at_their_names(tmp_path: Path) -> None:
    src = make_project(tmp_path, {"q.md": quicktake()})
    result = sphinx_build(src, tmp_path / "out", "-b", "html")
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "out/q.html").read_text(), "html.parser")
    canonical = soup.find("link", rel="canonical")
    assert isinstance(canonical, Tag)
    assert canonical["href"] == "https://example.org/docs/q.html"
    hub = (tmp_path / "out/learn/testing/index.html").read_text()
    assert 'href="../../q.html"' in hub


@pytest.mark.slow  # a whole Sphinx or Pagefind build more than once; `make test` runs it
def test_incremental_build_rewrites_the_page_its_hub_and_feeds(tmp_path: Path) -> None:
    files = {
        "a.md": quicktake(id=7, title="Alpha", url="/learn/testing/questions/a"),
        "b.md": quicktake(
            id=8,
            title="Beta",
            url="/learn/testing/questions/b",
            related_article1={"id": 7, "title": "Alpha", "url": "/learn/testing/questions/a"},
        ),
    }
    src = make_project(tmp_path, files)
    out = tmp_path / "out"
    assert sphinx_build(src, out).returncode == 0
    # Renamed and moved: b is not read again, but its link to a follows a's new url.
    (src / "a.md").write_text(
        quicktake(id=7, title="Alpha renamed", url="/learn/testing/questions/a2"), encoding="utf-8"
    )
    second = sphinx_build(src, out)
    assert second.returncode == 0, second.stderr
    page = (out / "learn/testing/questions/a2/index.html").read_text()
    assert "Alpha renamed" in page
    assert not (out / "learn/testing/questions/a/index.html").exists()
    hub = (out / "learn/testing/index.html").read_text()
    assert "Alpha renamed" in hub
    assert ">Alpha<" not in hub
    assert "Alpha renamed" in (out / "rss.xml").read_text()
    related = BeautifulSoup(
        (out / "learn/testing/questions/b/index.html").read_text(), "html.parser"
    )
    assert [a["href"] for a in related.select(".qt-related__item a")] == ["../a2/"]
    (src / "a.md").unlink()
    third = sphinx_build(src, out)
    assert third.returncode == 0, third.stderr
    assert "Alpha" not in (out / "learn/testing/index.html").read_text()
    assert "Alpha" not in (out / "rss.xml").read_text()
    assert not (out / "learn/testing/questions/a2/index.html").exists()


def test_config_values_are_the_mkdocs_options_with_their_defaults() -> None:
    options = dict(QuickTakesConfig._schema)
    for name, default, _, _ in CONFIG_VALUES:
        assert name in options, name
        assert options[name].default == default, name


def test_the_example_site_builds_with_sphinx_from_the_mkdocs_examples_files(
    tmp_path: Path,
) -> None:
    example = REPO / "example_site"
    result = sphinx_build(example / "docs", tmp_path, "-c", str(example / "sphinx"))
    assert result.returncode == 0, result.stderr
    questions = sorted((example / "docs" / "questions").glob("*.md"))
    for source in questions:
        url = str(frontmatter.load(source)["url"]).strip("/")
        assert (tmp_path / url / "index.html").is_file(), url
    assert (tmp_path / "index.html").is_file()
    assert (tmp_path / "rss.xml").is_file()


def test_answer_text_and_headings_are_in_the_search_index(corpus: SphinxSite) -> None:
    index = (corpus.out / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index.removeprefix("Search.setIndex(").removesuffix(")"))
    assert "homoscedast" in data["terms"]  # a word of the OLS answer, stemmed
    assert "Mechanics of OLS Estimation" in data["alltitles"]


@pytest.mark.parametrize("builder", ["text", "latex", "singlehtml"])
def test_other_builders_build_without_a_warning(tmp_path: Path, builder: str) -> None:
    related = {"id": 2, "title": "Elsewhere", "url": "/learn/testing/questions/elsewhere"}
    src = make_project(tmp_path, {"q.md": quicktake(related_article1=related)})
    result = sphinx_build(src, tmp_path / "out", "-b", builder)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def search_links(out: Path) -> dict[str, str]:
    """Each document's title in searchindex.js and the link searchtools.js makes of it.

    Sphinx 8's script, under dirhtml: the listed name plus ``/``, a trailing ``index/`` dropped.
    """
    data = json.loads(
        (out / "searchindex.js").read_text(encoding="utf-8").removeprefix("Search.setIndex(")[:-1]
    )
    links = {}
    for name, title in zip(data["docnames"], data["titles"], strict=True):
        folder = f"{name}/"
        if folder == "index/":
            folder = ""
        elif folder.endswith("/index/"):
            folder = folder.removesuffix("index/")
        links[title] = folder
    return links


@pytest.mark.slow  # a whole Sphinx or Pagefind build more than once; `make test` runs it
def test_search_results_link_to_the_pages_url_also_after_an_incremental_build(
    tmp_path: Path,
) -> None:
    files = {
        "q.md": quicktake(),  # written at learn/testing/questions/what-is-a-test/
        "other.md": quicktake(id=2, title="Other", url="/learn/testing/questions/other"),
        "plain.md": "---\norphan: true\n---\n# Plain\n\nA plain page.\n",
    }
    src = make_project(tmp_path, files)
    out = tmp_path / "out"
    for build in ("first", "incremental"):
        result = sphinx_build(src, out)
        assert result.returncode == 0, (build, result.stderr)
        links = search_links(out)
        assert links["What is a test?"] == "learn/testing/questions/what-is-a-test/", build
        assert links["Other"] == "learn/testing/questions/other/", build
        assert links["Plain"] == "plain/", build
        for title, link in links.items():
            assert (out / link / "index.html").is_file(), (build, title, link)
        script = (out / "_static" / "searchtools.js").read_text(encoding="utf-8")
        assert 'docBuilder === "dirhtml"' in script  # the rule search_links follows
        assert r"dirname.match(/\/index\/$/)" in script
        # The incremental build writes the plain page again, not the Q&A pages: their entries
        # are read back from the index the first build wrote.
        (src / "plain.md").write_text(files["plain.md"] + "Edited.\n", encoding="utf-8")


@pytest.mark.slow  # a whole Sphinx or Pagefind build more than once; `make test` runs it
@pytest.mark.parametrize(
    ("name", "value", "found"),
    [
        ("hub_url", "../{slug}/", "a url with an empty, '.' or '..' part ('..')"),
        ("hub_url", "learn/{slug}/CON/", "a url with a part Windows cannot hold"),
        ("hub_url", "learn/", "must contain {slug}"),
        ("subjects_url", "https://x.org/learn/", "an absolute url with a host"),
    ],
)
def test_unsafe_hub_folders_are_config_warnings_and_the_default_is_used(
    tmp_path: Path, name: str, value: str, found: str
) -> None:
    conf = CONF + f"quicktakes_{name} = {value!r}\n"
    src = make_project(tmp_path, {"q.md": quicktake()}, conf)
    strict = sphinx_build(src, tmp_path / "strict")
    assert strict.returncode != 0
    assert f"config value 'quicktakes_{name}': " in strict.stderr
    assert found in strict.stderr
    assert "Traceback" not in strict.stderr
    # Without -W the build goes on with the default folder, and writes nothing outside its output.
    out = tmp_path / "work" / "out"
    lenient = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "dirhtml", str(src), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lenient.returncode == 0, lenient.stderr
    assert (out / "learn/testing/index.html").is_file()
    assert (out / "learn/index.html").is_file()
    assert sorted(path.name for path in (tmp_path / "work").iterdir()) == ["out"]


@pytest.mark.slow  # a whole Sphinx or Pagefind build more than once; `make test` runs it
def test_incremental_build_writes_only_the_pages_that_show_the_change(tmp_path: Path) -> None:
    def page(name: str) -> Path:
        return tmp_path / "out" / "learn" / "testing" / "questions" / name / "index.html"

    alpha = {"id": 7, "title": "Alpha", "url": "/learn/testing/questions/a"}
    files = {
        "a.md": quicktake(**alpha),
        "b.md": quicktake(
            id=8, title="Beta", url="/learn/testing/questions/b", related_article1=alpha
        ),
        "c.md": quicktake(id=9, title="Gamma", url="/learn/testing/questions/c"),
    }
    src = make_project(tmp_path, files)
    assert sphinx_build(src, tmp_path / "out").returncode == 0

    def written() -> dict[str, int]:
        return {name: page(name).stat().st_mtime_ns for name in ("a", "b", "c")}

    # The answer of a changes: only a is written again (b shows a's title and url, not its answer).
    before = written()
    answer = "A new answer mentioning wombatword."
    (src / "a.md").write_text(quicktake(**alpha, answer=answer), encoding="utf-8")
    result = sphinx_build(src, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    after = written()
    assert "wombatword" in page("a").read_text()
    assert [name for name in after if after[name] != before[name]] == ["a"]
    # a moves: b, which links to it, is written again; c, unrelated, is not.
    moved = {**alpha, "url": "/learn/testing/questions/a2"}
    (src / "a.md").write_text(quicktake(**moved, answer=answer), encoding="utf-8")
    before = written()
    result = sphinx_build(src, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    after = {name: page(name).stat().st_mtime_ns for name in ("a2", "b", "c")}
    assert after["b"] != before["b"]
    assert after["c"] == before["c"]
    related = BeautifulSoup(page("b").read_text(), "html.parser")
    assert [a["href"] for a in related.select(".qt-related__item a")] == ["../a2/"]
    assert "Alpha" in (tmp_path / "out" / "learn" / "testing" / "index.html").read_text()
