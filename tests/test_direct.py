"""``pipeline: direct``: Q&A pages rendered outside MkDocs' page loop give the same site.

Every output file of the 80 real files with the seed, and of the example site, is compared byte
for byte between ``pipeline: mkdocs`` (the pages go through MkDocs' page loop) and ``direct``
(the plugin renders them in forked workers), in the three themes. The expectation is MkDocs' own
output, never something the direct pipeline produced. Each site is built once per session.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

import frontmatter
import pytest
from conftest import (
    _PLUGINS_OPTION as PLUGINS_OPTION,
)
from conftest import (
    CORPUS,
    EXAMPLE_CONFIGS,
    EXAMPLE_SITE,
    SEED,
    Site,
    build_config_file,
    build_pages,
    forget_plugins,
    quicktake,
    shared_files,
)
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from mkdocs_quicktakes import plugin as plugin_module
from mkdocs_quicktakes.build import build as build_module
from mkdocs_quicktakes.build import direct as direct_module
from mkdocs_quicktakes.build.direct import DirectPages
from mkdocs_quicktakes.records import source as source_module
from mkdocs_quicktakes.speed import spill as spill_module
from mkdocs_quicktakes.speed import stamps
from mkdocs_quicktakes.speed.page_store import PageStore

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import BuildSite

THEMES = ("mkdocs", "readthedocs", "material")
SOURCES = [*shared_files(CORPUS), *shared_files(SEED)]
DIRECT = {"pipeline": "direct", "workers": 2}
"""Two workers, even for these small sites, so the pages are written by forked processes."""
WRITTEN = re.compile(r"(\d+) Q&A pages written outside MkDocs' page loop, in (.+)$")
# The one line of the mkdocs and readthedocs themes that differs between two builds.
_BUILD_DATE = re.compile(rb"Build Date UTC : [^\n]*")

SiteOf = Callable[[str, str, str], Site]


def example_config(root: Path, theme: str, plugin: dict[str, Any]) -> Path:
    """A config that is the example site's for ``theme``, with these plugin options."""
    path = root / "mkdocs.yml"
    path.write_text(
        json.dumps(
            {
                "INHERIT": str(EXAMPLE_CONFIGS[theme]),
                "docs_dir": str(EXAMPLE_SITE / "docs"),
                "site_dir": str(root / "site"),
                "plugins": ["search", {"quicktakes": plugin}],
            }
        ),
        encoding="utf-8",
    )
    return path


def build_source(root: Path, source: str, theme: str, plugin: dict[str, Any]) -> Site:
    forget_plugins()
    if source == "corpus":
        copies = {path.name: path for path in SOURCES}
        return build_pages(root, {}, theme=theme, plugin=plugin, copy=copies)
    return build_config_file(example_config(root, theme, plugin))


@pytest.fixture(scope="session")
def site_of(tmp_path_factory: pytest.TempPathFactory) -> SiteOf:
    """The site of ``source`` (``corpus`` or ``example``) in a theme and pipeline, built once."""
    built: dict[tuple[str, str, str], Site] = {}

    def get(source: str, theme: str, pipeline: str) -> Site:
        key = (source, theme, pipeline)
        if key not in built:
            options = DIRECT if pipeline == "direct" else {"pipeline": pipeline}
            root = tmp_path_factory.mktemp(f"{source}-{theme}-{pipeline}")
            built[key] = build_source(root, source, theme, options)
        return built[key]

    return get


def outputs(site: Site) -> dict[str, bytes]:
    """Every file of the site, the build date of the themes blanked."""
    return {
        str(path.relative_to(site.site_dir)): _BUILD_DATE.sub(b"", path.read_bytes())
        for path in sorted(site.site_dir.rglob("*"))
        if path.is_file()
    }


def question_pages(source: str) -> set[str]:
    """Where each QuickTakes file of a source is written, from its front matter's ``url``."""
    files = SOURCES if source == "corpus" else sorted((EXAMPLE_SITE / "docs").rglob("*.md"))
    urls = [frontmatter.load(path).get("url") for path in files]
    return {f"{str(url).strip('/')}/index.html" for url in urls if url}


def written(site: Site) -> tuple[int, str]:
    found = [WRITTEN.search(m) for m in site.messages(logging.INFO)]
    matches = [m for m in found if m]
    assert len(matches) == 1
    return int(matches[0].group(1)), matches[0].group(2)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("source", [pytest.param("corpus", marks=pytest.mark.slow), "example"])
def test_direct_pipeline_writes_every_file_byte_for_byte_as_mkdocs_does(
    site_of: SiteOf, source: str, theme: str
) -> None:
    expected = outputs(site_of(source, theme, "mkdocs"))
    direct = site_of(source, theme, "direct")
    found = outputs(direct)
    pages = question_pages(source)
    assert pages <= set(expected)  # every QuickTakes file is a page of the site
    count, where = written(direct)
    assert count == len(pages)
    assert where == "2 worker processes"
    assert sorted(found) == sorted(expected)
    differing = [path for path in expected if found[path] != expected[path]]
    assert differing == []


@pytest.mark.slow
def test_direct_pipeline_without_workers_writes_the_same_pages(
    site_of: SiteOf, tmp_path: Path
) -> None:
    expected = outputs(site_of("corpus", "mkdocs", "mkdocs"))
    site = build_source(tmp_path, "corpus", "mkdocs", {"pipeline": "direct", "workers": 1})
    assert written(site) == (len(question_pages("corpus")), "the build process")
    assert outputs(site) == expected


@pytest.mark.slow
def test_workers_that_each_render_a_few_pages_write_the_same_site(
    site_of: SiteOf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = outputs(site_of("corpus", "mkdocs", "mkdocs"))
    log = tmp_path / "rendered-by"
    render = DirectPages._render_page

    def render_page(self: DirectPages, page: Any) -> None:
        with open(log, "a", encoding="utf-8") as file:
            file.write(f"{os.getpid()}\n")
        render(self, page)

    monkeypatch.setattr(DirectPages, "_render_page", render_page)
    monkeypatch.setattr(direct_module, "PAGES_PER_WORKER_PROCESS", 7)
    site = build_source(tmp_path / "built", "corpus", "mkdocs", DIRECT)
    assert written(site) == (len(question_pages("corpus")), "2 worker processes")
    assert outputs(site) == expected
    pages_by_process: dict[str, int] = {}
    for pid in log.read_text(encoding="utf-8").split():
        pages_by_process[pid] = pages_by_process.get(pid, 0) + 1
    assert max(pages_by_process.values()) <= 7
    assert len(pages_by_process) >= len(question_pages("corpus")) / 7
    assert str(os.getpid()) not in pages_by_process


def sitemap_of(site: Site) -> dict[str, str]:
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.fromstring(site.text("sitemap.xml"))
    return {
        url.findtext("s:loc", "", namespace): url.findtext("s:lastmod", "", namespace)
        for url in root.findall("s:url", namespace)
    }


@pytest.mark.slow
def test_direct_sitemap_lists_each_question_with_its_date(site_of: SiteOf) -> None:
    sitemap = sitemap_of(site_of("corpus", "mkdocs", "direct"))
    for path in SOURCES:
        post = frontmatter.load(path)
        loc = "https://example.org/" + str(post["url"]).strip("/") + "/"
        assert sitemap[loc] == f"{post['date']:%Y-%m-%d}", path.name


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_direct_search_index_holds_every_question_as_the_default_does(
    site_of: SiteOf, theme: str
) -> None:
    def index(pipeline: str) -> list[dict[str, Any]]:
        site = site_of("corpus", theme, pipeline)
        entries: list[dict[str, Any]] = json.loads(site.text("search/search_index.json"))["docs"]
        return entries

    direct = index("direct")
    locations = {entry["location"].split("#")[0] for entry in direct}
    for path in SOURCES:
        assert str(frontmatter.load(path)["url"]).strip("/") + "/" in locations, path.name
    assert direct == index("mkdocs")


# -- other plugins' page hooks, failures ----------------------------------------------------

THREE = {
    f"q{n}.md": quicktake(title=f"Question {n}?", url=f"/learn/testing/questions/q{n}")
    for n in range(3)
}
HOOK_FILE = """
def on_page_content(html, page, **kwargs):
    return html + "<p>from the hook</p>"

def on_files(files, config, **kwargs):
    return files
"""


def test_direct_names_the_plugins_whose_page_hooks_skip_the_questions(
    build_site: BuildSite, tmp_path: Path
) -> None:
    (tmp_path / "hooks.py").write_text(HOOK_FILE, encoding="utf-8")
    extra = {"hooks": [str(tmp_path / "hooks.py")]}
    site = build_site(THREE, plugin=DIRECT, extra=extra)
    notes = [m for m in site.messages(logging.INFO) if "do not run" in m]
    assert len(notes) == 1
    # hooks.py defines a page hook; search's and the plugin's own run, so they are not named.
    hooks = tmp_path / "hooks.py"
    assert f"the page hooks of {hooks} do not run on the 3 Q&A pages" in notes[0]
    assert "from the hook" not in site.text("learn/testing/questions/q0/index.html")
    default = build_site(THREE, plugin={"pipeline": "mkdocs"}, extra=extra)
    assert "from the hook" in default.text("learn/testing/questions/q0/index.html")
    assert not [m for m in default.messages(logging.INFO) if "do not run" in m]


def test_direct_without_other_page_hooks_says_nothing_of_them(build_site: BuildSite) -> None:
    site = build_site(THREE, plugin=DIRECT)
    assert not [m for m in site.messages(logging.INFO) if "do not run" in m]


def fail_on(src_uri: str, action: Callable[[], None]) -> Callable[..., None]:
    """A stand-in for rendering one page that does ``action`` for ``src_uri``."""
    render = DirectPages._render_page

    def render_page(self: DirectPages, page: Any) -> None:
        if page.file.src_uri == src_uri:
            action()
        render(self, page)

    return render_page


def broken() -> None:
    raise ValueError("a template filter failed")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_page_that_fails_names_its_file_and_the_rest_is_built(
    build_site: BuildSite, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(DirectPages, "_render_page", fail_on("q1.md", broken))
    site = build_site(THREE, plugin={"pipeline": "direct", "workers": workers}, strict=False)
    errors = site.messages(logging.ERROR)
    assert errors == [
        "mkdocs_quicktakes: q1.md: the page could not be built: "
        "ValueError: a template filter failed"
    ]
    assert (site.site_dir / "learn/testing/questions/q0/index.html").is_file()
    assert (site.site_dir / "learn/testing/questions/q2/index.html").is_file()
    assert not (site.site_dir / "learn/testing/questions/q1/index.html").exists()


def test_a_page_that_fails_fails_a_strict_build(
    build_site: BuildSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DirectPages, "_render_page", fail_on("q1.md", broken))
    with pytest.raises(Abort, match="1 errors"):
        build_site(THREE, plugin=DIRECT, strict=True)


def killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def spawner_killed() -> None:
    os.kill(os.getppid(), signal.SIGKILL)
    time.sleep(1)  # the kernel kills this worker too, once its spawner is gone


@pytest.mark.parametrize(
    ("death", "told"),
    [
        pytest.param(killed, "2 pages (killed by signal 9 (SIGKILL))", id="a worker"),
        # The other run may have ended before: 2 or 3 pages.
        pytest.param(
            spawner_killed,
            " pages (the process that forks the workers ended before they were done: killed by "
            "signal 9 (SIGKILL))",
            id="the spawner",
        ),
    ],
)
def test_a_process_that_dies_fails_the_build_with_a_clear_message(
    build_site: BuildSite,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    death: Callable[[], None],
    told: str,
) -> None:
    monkeypatch.setattr(DirectPages, "_render_page", fail_on("q0.md", death))
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        build_site(THREE, plugin=DIRECT, strict=False)
    assert time.monotonic() - started < 60  # never a hang
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    prefix = "option 'pipeline: direct': a worker process stopped before finishing: "
    assert any(
        prefix in message and f"{told}; the site is incomplete" in message for message in errors
    ), errors


# -- mkdocs serve: the store of unchanged pages ----------------------------------------------

COPIED = re.compile(r"(\d+) taken unchanged from the store \((\d+) of them left in place\)")

HUBS = re.compile(r"hub pages: (\d+), (\d+) of them from the store")


def related_to(n: int, title: str) -> dict[str, Any]:
    return {"id": 100 + n, "title": title, "url": f"/learn/testing/questions/q{n}"}


def served_pages(title0: str = "Question 0?", url0: str = "q0") -> dict[str, str]:
    """Three questions; q1 lists q0 as related, by id, so q0's url shows on q1's page."""
    return {
        "index.md": "# Home\n",
        "q0.md": quicktake(id=100, title=title0, url=f"/learn/testing/questions/{url0}"),
        "q1.md": quicktake(
            id=101,
            title="Question 1?",
            url="/learn/testing/questions/q1",
            related_article1=related_to(0, "The first one"),
        ),
        "q2.md": quicktake(id=102, title="Question 2?", url="/learn/testing/questions/q2"),
    }


class Served:
    """A site rebuilt as ``mkdocs serve`` rebuilds it: one plugin object for every build."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.custom = root / "overrides"
        self.custom.mkdir(parents=True)
        self.template("first")
        self.write_pages(served_pages())
        self.options: dict[str, Any] = dict(DIRECT)
        self.builds = 0
        self.left = 0
        """How many Q&A pages the last rebuild left in place in site_dir."""
        self.hubs = (0, 0)
        """How many hub pages the plugin rendered itself in the last rebuild, and how many of
        them came from the store."""
        self.extra: dict[str, Any] = {}
        """More settings of mkdocs.yml."""

    def template(self, mark: str) -> None:
        main = '{% extends "base.html" %}{% block footer %}<p>' + mark + "</p>{% endblock %}"
        (self.custom / "main.html").write_text(main, encoding="utf-8")

    def write_pages(self, pages: dict[str, str]) -> None:
        for name, text in pages.items():
            path = self.root / "docs" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def config(self, site_dir: str = "site") -> Path:
        config = {
            "site_name": "Test Site",
            "site_url": "https://example.org/",
            "theme": {"name": "mkdocs", "custom_dir": str(self.custom)},
            "plugins": ["search", {"quicktakes": self.options}],
            "site_dir": site_dir,
            **self.extra,
        }
        path = self.root / f"mkdocs-{site_dir}.yml"
        path.write_text(json.dumps(config), encoding="utf-8")
        return path

    def rebuild(self) -> tuple[Site, int]:
        """Rebuild; the site and how many Q&A pages came from the store."""
        if self.builds == 0:
            # As `mkdocs serve` starts: on_startup once; on_shutdown only when it stops.
            load_config(str(self.config())).plugins.on_startup(command="serve", dirty=False)
        self.builds += 1
        site = build_config_file(self.config(), command=None)
        copied = [m for m in map(COPIED.search, site.messages(logging.INFO)) if m]
        self.left = sum(int(m.group(2)) for m in copied)
        hubs = [m for m in map(HUBS.search, site.messages(logging.INFO)) if m]
        self.hubs = (int(hubs[0].group(1)), int(hubs[0].group(2))) if hubs else (0, 0)
        return site, sum(int(m.group(1)) for m in copied)

    def fresh(self) -> dict[str, bytes]:
        """Every output file of a new build of the same sources, by a new plugin object."""
        saved = dict(PLUGINS_OPTION.plugin_cache)
        forget_plugins()
        try:
            site = build_config_file(self.config(f"fresh{self.builds}"))
        finally:
            PLUGINS_OPTION.plugin_cache.clear()
            PLUGINS_OPTION.plugin_cache.update(saved)
        return outputs(site)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    site = Served(tmp_path)
    yield site
    load_config(str(site.config())).plugins.on_shutdown()  # as `mkdocs serve` stops


def test_serve_rebuild_copies_unchanged_pages_and_each_is_what_a_new_build_writes(
    served: Served,
) -> None:
    site, copied = served.rebuild()
    assert copied == 0
    site, copied = served.rebuild()
    assert copied == 3
    assert outputs(site) == served.fresh()


def edit_q2(served: Served) -> None:
    served.write_pages({"q2.md": quicktake(id=102, title="Edited?", url=QUESTIONS + "q2")})


def change_option(served: Served) -> None:
    served.options["title_format"] = "{title} (changed)"


QUESTIONS = "/learn/testing/questions/"
CHANGES: dict[str, tuple[Callable[[Served], None], int, str, str]] = {
    # what changes: (the change, pages copied from the store, a page, what it must show)
    "a file": (edit_q2, 2, "q2", "Edited?"),
    "a template of custom_dir": (lambda s: s.template("second"), 0, "q0", "<p>second</p>"),
    "an option": (change_option, 0, "q0", "Question 0? (changed)"),
    # q1 shows the title its own front matter gives the link: only q0 is rendered again.
    "a related page's title": (
        lambda s: s.write_pages(served_pages(title0="Renamed?")),
        2,
        "q0",
        "Renamed?",
    ),
    # Every page's key holds the url of every page (the `pages` list of the templates).
    "a related page's url": (
        lambda s: s.write_pages(served_pages(url0="moved")),
        0,
        "q1",
        "../moved/",
    ),
}


@pytest.mark.parametrize("later", [False, True], ids=["at once", "later"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_serve_rebuild_after_a_change_writes_what_a_new_build_writes(
    served: Served, change: str, later: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit, expected_copies, page, shown = CHANGES[change]
    if later:
        seconds_later(monkeypatch)
    served.rebuild()
    edit(served)
    site, copied = served.rebuild()
    assert copied == expected_copies
    # Later, each page left in place is told unchanged by its stamp; at once, the pages are too
    # recent for their times to tell a change, and their bytes are compared with the kept copy.
    assert served.left == expected_copies
    assert shown in site.text(f"learn/testing/questions/{page}/index.html")
    assert outputs(site) == served.fresh()


def seconds_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, files look as old as they would a few seconds later (as under serve)."""
    monkeypatch.setattr(stamps, "_now", lambda: time.time_ns() + 5 * 10**9)


def built_later(served: Served, monkeypatch: pytest.MonkeyPatch, page: str) -> Path:
    """Build as the first build of a `mkdocs serve` whose files look seconds old; a page's path."""
    seconds_later(monkeypatch)
    site, _ = served.rebuild()
    return site.site_dir / "learn/testing/questions" / page / "index.html"


def test_serve_rebuild_leaves_unchanged_pages_in_their_files(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = built_later(served, monkeypatch, "q0")
    inode = page.stat().st_ino
    site, copied = served.rebuild()
    assert (copied, served.left) == (3, 3)
    assert page.stat().st_ino == inode
    site, copied = served.rebuild()
    assert (copied, served.left) == (3, 3)
    assert not (site.site_dir / ".quicktakes-pages").exists()
    assert outputs(site) == served.fresh()


def rewrite_in_place(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (as long) in a file, keeping its size and modification time,
    as a plugin rewriting built pages in place, or an editor restoring times, might."""
    times = path.stat()
    path.write_bytes(path.read_bytes().replace(old, new))
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert path.stat().st_size == times.st_size


@pytest.mark.parametrize("recent", [False, True], ids=["by its stamp", "by its bytes"])
def test_serve_rebuild_takes_a_page_changed_in_site_dir_from_the_store(
    served: Served, monkeypatch: pytest.MonkeyPatch, recent: bool
) -> None:
    # Recent: every file looks just changed, so no stamp is taken and each page's bytes are
    # compared with its kept copy; else the stamps tell.
    if recent:
        monkeypatch.setattr(stamps, "_now", lambda: time.time_ns() - 10 * 10**9)
        site, _ = served.rebuild()
        page = site.site_dir / "learn/testing/questions/q2/index.html"
    else:
        page = built_later(served, monkeypatch, "q2")
    rewrite_in_place(page, b"<p>first</p>", b"<p>FIRST</p>")
    (page.parent / "left-over.txt").write_text("not built", encoding="utf-8")
    if not recent:
        monkeypatch.setattr(stamps, "_now", lambda: time.time_ns() + 10 * 10**9)
    site, copied = served.rebuild()
    assert (copied, served.left) == (3, 2)
    assert "<p>first</p>" in site.text("learn/testing/questions/q2/index.html")
    assert outputs(site) == served.fresh()


def test_serve_rebuild_never_leaves_a_page_another_plugin_changed_while_building(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A hooks file that rewrites one built page at the very start of on_post_build, before the
    # store looks at the pages: the change must be made again, not kept and made twice.
    hooks = served.root / "hooks.py"
    hooks.write_text(
        "from pathlib import Path\n"
        "from mkdocs.plugins import event_priority\n"
        "@event_priority(1000)\n"
        "def on_post_build(config):\n"
        "    page = Path(config.site_dir, 'learn/testing/questions/q2/index.html')\n"
        "    page.write_text(page.read_text() + '<!-- once -->')\n",
        encoding="utf-8",
    )
    served.extra = {"hooks": [str(hooks)]}
    served.options["workers"] = 1  # as under `mkdocs serve`: rendered in the build process
    seconds_later(monkeypatch)
    served.rebuild()
    site, copied = served.rebuild()
    assert (copied, served.left) == (3, 2)
    assert site.text("learn/testing/questions/q2/index.html").count("<!-- once -->") == 1
    assert outputs(site) == served.fresh()


HUB_CHANGES: dict[str, dict[str, str]] = {
    "a question's title": {"q2.md": quicktake(id=102, title="Edited?", url=QUESTIONS + "q2")},
    "a new question": {"q3.md": quicktake(id=103, title="A new one?", url=QUESTIONS + "q3")},
    "a question's date": {
        "q0.md": quicktake(id=100, title="Question 0?", url=QUESTIONS + "q0", date="2026-03-05")
    },
    "a question's subject": {
        "q2.md": quicktake(id=102, title="Question 2?", url=QUESTIONS + "q2", subject="Other")
    },
    "nothing": {},
}


@pytest.mark.parametrize(
    ("change", "hubs", "hub", "shown"),
    [
        ("a question's title", (2, 1), "learn/testing/index.html", "Edited?"),
        ("a new question", (2, 0), "learn/testing/index.html", "A new one?"),
        # The newest date is both hubs' sitemap date.
        ("a question's date", (2, 0), "learn/testing/index.html", "Mar 05, 2026"),
        ("a question's subject", (3, 0), "learn/index.html", "Other"),
        ("nothing", (2, 2), "learn/index.html", "Testing"),
    ],
)
def test_serve_rebuild_takes_from_the_store_only_the_hubs_that_show_the_same(
    served: Served, change: str, hubs: tuple[int, int], hub: str, shown: str
) -> None:
    served.rebuild()
    served.write_pages(HUB_CHANGES[change])
    site, _ = served.rebuild()
    # The subject's hub lists its questions; the subjects index, the subjects and their counts.
    assert served.hubs == hubs
    assert shown in site.text(hub)
    assert outputs(site) == served.fresh()


def test_serve_leaves_the_hubs_in_mkdocs_loop_when_a_plugin_has_page_hooks(
    served: Served,
) -> None:
    # A page hook that marks every page it sees: the hubs must go through MkDocs' loop for it.
    hooks = served.root / "hooks.py"
    hooks.write_text(
        "def on_post_page(output, page, config):\n    return output + '<!-- hooked -->'\n",
        encoding="utf-8",
    )
    served.extra = {"hooks": [str(hooks)]}
    served.rebuild()
    site, _ = served.rebuild()
    assert served.hubs == (0, 0)
    assert site.text("learn/testing/index.html").endswith("<!-- hooked -->")
    assert outputs(site) == served.fresh()


@pytest.mark.parametrize("theme", THEMES)
def test_serve_renders_the_hubs_itself_byte_for_byte_as_mkdocs_does(
    site_of: SiteOf, theme: str, tmp_path: Path
) -> None:
    expected = outputs(site_of("example", theme, "mkdocs"))
    forget_plugins()
    site = build_config_file(example_config(tmp_path, theme, DIRECT), command="serve")
    forget_plugins()
    hubs = [m for m in map(HUBS.search, site.messages(logging.INFO)) if m]
    assert len(hubs) == 1
    assert int(hubs[0].group(1)) > 1
    found = outputs(site)
    assert sorted(found) == sorted(expected)
    assert [path for path in expected if found[path] != expected[path]] == []


def test_serve_rebuild_reads_no_unchanged_file_and_every_changed_one(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    seconds_later(monkeypatch)
    served.rebuild()
    read: list[str] = []

    def counted(path: Path, src_uri: str) -> tuple[bytes | None, object]:
        read.append(src_uri)
        return source_module.read_bytes(path, src_uri)

    monkeypatch.setattr(build_module, "read_bytes", counted)
    served.rebuild()
    assert read == []
    # An edit that keeps the file's size and modification time: its change time tells.
    rewrite_in_place(served.root / "docs" / "q2.md", b"Question 2?", b"Question 9?")
    site, _ = served.rebuild()
    assert sorted(set(read)) == ["q2.md"]
    assert "Question 9?" in site.text("learn/testing/questions/q2/index.html")
    assert outputs(site) == served.fresh()


def test_serve_rebuild_renders_a_page_whose_kept_copy_is_gone(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every file looks just changed, so no page is left in place: each needs its kept copy.
    monkeypatch.setattr(stamps, "_now", lambda: time.time_ns() - 10 * 10**9)
    served.rebuild()
    store = load_config(str(served.config())).plugins["quicktakes"].speed.pages
    for kept in [path for path in store.folder.rglob("*") if path.is_file()]:
        kept.unlink()  # a temp-folder cleaner went through it
    site, copied = served.rebuild()
    assert copied == 0
    assert outputs(site) == served.fresh()


def test_serve_with_the_store_does_not_suggest_dirty_rebuilds(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plugin_module, "DIRTY_HINT_PAGES", 2)
    site, _ = served.rebuild()
    assert not [m for m in site.messages(logging.INFO) if "serve --dirty" in m]


def test_serve_stopping_removes_the_store(served: Served) -> None:
    served.rebuild()
    config = load_config(str(served.config()))
    store = config.plugins["quicktakes"].speed.pages
    folder = store.folder
    assert any(folder.rglob("*"))
    config.plugins.on_shutdown()
    assert not folder.exists()


# -- pipeline: auto (the default) --------------------------------------------------------------


def direct_used(site: Site) -> bool:
    return any(WRITTEN.search(m) for m in site.messages(logging.INFO))


def auto_range(monkeypatch: pytest.MonkeyPatch, low: int) -> None:
    """The size from which ``pipeline: auto`` chooses direct."""
    monkeypatch.setattr(direct_module, "AUTO_DIRECT_PAGES", low)


def test_auto_keeps_a_small_site_in_mkdocs_page_loop(build_site: BuildSite) -> None:
    assert not direct_used(build_site(THREE))


def test_auto_renders_a_large_site_directly(
    build_site: BuildSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    auto_range(monkeypatch, 3)
    assert direct_used(build_site(THREE))


def test_auto_keeps_a_large_site_in_the_loop_when_a_plugin_has_page_hooks_and_says_why(
    build_site: BuildSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    auto_range(monkeypatch, 3)
    (tmp_path / "hooks.py").write_text(HOOK_FILE, encoding="utf-8")
    site = build_site(THREE, extra={"hooks": [str(tmp_path / "hooks.py")]})
    assert not direct_used(site)
    assert "from the hook" in site.text("learn/testing/questions/q0/index.html")
    notes = [m for m in site.messages(logging.INFO) if "pipeline: auto" in m]
    assert notes == [
        "mkdocs_quicktakes: pipeline: auto: the Q&A pages go through MkDocs' page loop, as the "
        f"page hooks of {tmp_path / 'hooks.py'} must run on them; pipeline: direct builds them "
        "faster without"
    ]


def test_a_store_left_by_a_killed_process_is_removed_by_the_next() -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    orphan = Path(tempfile.gettempdir()) / f"quicktakes-pages-{ended.pid}-test"
    orphan.mkdir()
    store = PageStore()
    folder = store.folder
    store.close()
    assert not orphan.exists()
    assert not folder.exists()


def test_a_spill_folder_left_by_a_killed_build_is_removed_by_the_next(tmp_path: Path) -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    orphan = Path(tempfile.gettempdir()) / f"quicktakes-answers-{ended.pid}-test"
    orphan.mkdir()
    (orphan / "1.spill").write_bytes(b"an answer")
    living = Path(tempfile.gettempdir()) / f"quicktakes-answers-{os.getpid()}-test"
    living.mkdir()
    try:
        build_pages(tmp_path, THREE, plugin=DIRECT)
        assert not orphan.exists()
        assert living.exists()  # this process runs: not an orphan
    finally:
        living.rmdir()


@pytest.mark.slow
def test_direct_pipeline_with_other_options_writes_the_same_files(tmp_path: Path) -> None:
    """Flat urls, a summary search index, other JSON-LD and no MathML: still the same bytes."""
    options = {"search_text": "summary", "structured_data": "faqpage", "math": "none"}
    extra = {"use_directory_urls": False}
    copies = {path.name: path for path in SOURCES}
    built = {}
    for pipeline in ("mkdocs", "direct"):
        forget_plugins()
        plugin = {**options, "pipeline": pipeline, "workers": 2}
        site = build_pages(tmp_path / pipeline, {}, plugin=plugin, extra=extra, copy=copies)
        built[pipeline] = outputs(site)
        if pipeline == "direct":
            assert written(site) == (len(SOURCES), "2 worker processes")
    assert any(path.endswith(".html") and "/questions/" in path for path in built["direct"])
    assert built["direct"] == built["mkdocs"]


def test_the_build_process_holds_no_answer_and_leaves_no_spill_file(tmp_path: Path) -> None:
    """Answers go to a spill file while read; the workers take them back; it goes at the end."""
    site = build_pages(tmp_path, THREE, plugin=DIRECT)
    assert written(site) == (3, "2 worker processes")
    plugin = load_config(str(tmp_path / "mkdocs.yml")).plugins["quicktakes"]
    assert plugin.build is not None
    reads = plugin.build.reads
    assert len(reads) == 3
    for read in reads.values():
        assert read.take is not None
        assert read.prepared is not None
        assert read.prepared.markdown == ""
        assert read.rendered is not None
        assert read.rendered.finished.html == ""
        assert read.spilled is not None
        assert not Path(read.spilled.path).parent.exists()
    assert "It fails when the code is wrong." in site.text("learn/testing/questions/q0/index.html")


@pytest.mark.parametrize("case", ["listed in the nav", "auto chose mkdocs after all"])
def test_a_page_in_mkdocs_loop_takes_its_answer_back_from_the_spill_file(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages MkDocs' loop builds after their answers were spilled are the pages it builds without.

    The user's nav keeps a page in the loop under ``pipeline: direct``; ``auto`` spills when
    the Markdown files are many enough, then keeps the pages in the loop when fewer are Q&A.
    """
    listed = quicktake(title="Listed?", answer="A *listed* answer, $x^2$.", url="/listed/")
    pages = {"q0.md": THREE["q0.md"], "listed.md": listed, "plain.md": "# Plain\n\nText.\n"}
    extra = {"nav": ["listed.md", "plain.md"]} if case == "listed in the nav" else {}
    forget_plugins()
    plain = build_pages(tmp_path / "plain", pages, plugin={"pipeline": "mkdocs"}, extra=extra)
    auto_range(monkeypatch, 3)  # 3 Markdown files: answers are spilled; 2 Q&A pages: no direct
    plugin = {"pipeline": "direct" if extra else "auto", "workers": 2}
    forget_plugins()
    site = build_pages(tmp_path / "spilled", pages, plugin=plugin, extra=extra)
    assert "A <em>listed</em> answer" in site.text("listed/index.html")
    assert direct_used(site) == bool(extra)
    build = load_config(str(tmp_path / "spilled" / "mkdocs.yml")).plugins["quicktakes"].build
    assert build is not None
    assert all(read.spilled is not None for read in build.reads.values())
    assert outputs(site) == outputs(plain)


def test_answers_and_entries_stay_in_memory_when_the_disk_refuses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk costs memory, not pages: the site is the one pipeline: mkdocs writes."""
    forget_plugins()
    expected = outputs(build_pages(tmp_path / "plain", THREE, plugin={"pipeline": "mkdocs"}))

    def full_disk(*_: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spill_module, "append_to_spill", full_disk)
    monkeypatch.setattr(direct_module, "append_to_spill", full_disk)
    forget_plugins()
    site = build_pages(tmp_path / "full", THREE, plugin=DIRECT)
    assert written(site) == (3, "2 worker processes")
    build = load_config(str(tmp_path / "full" / "mkdocs.yml")).plugins["quicktakes"].build
    assert build is not None
    assert all(read.spilled is None for read in build.reads.values())
    assert outputs(site) == expected


@pytest.mark.parametrize("indexing", ["full", "sections", "titles"])
def test_the_search_index_written_from_the_workers_is_the_search_plugins(
    tmp_path: Path, indexing: str
) -> None:
    """The index the plugin writes from the workers' entries, byte for byte, however it indexes."""
    pages = {**THREE, "index.md": "# Home\n\n## Part\n\nA plain page.\n"}
    plugins = lambda pipeline: [  # noqa: E731
        {"search": {"indexing": indexing}},
        {"quicktakes": {"pipeline": pipeline, "workers": 2}},
    ]
    built = {}
    for pipeline in ("mkdocs", "direct"):
        forget_plugins()
        site = build_pages(tmp_path / pipeline, pages, extra={"plugins": plugins(pipeline)})
        built[pipeline] = site.text("search/search_index.json")
    assert built["direct"] == built["mkdocs"]
    entries = json.loads(built["direct"])["docs"]
    assert {entry["location"] for entry in entries} >= {"learn/testing/questions/q1/", ""}
    assert json.loads(built["direct"])["config"]["indexing"] == indexing
