"""Files read ahead (from ``on_pre_build``, while MkDocs cleans site_dir) give the same pages.

What was read ahead is used only for the very bytes and settings ``on_files`` finds; anything
changed in between is read again. Speed is measured by ``benchmarks/``, never asserted here.
"""

from __future__ import annotations

import multiprocessing
from typing import TYPE_CHECKING

import pytest
from conftest import forget_plugins, quicktake, site_outputs
from mkdocs.exceptions import Abort, PluginError

from mkdocs_quicktakes.site.reading import FileReader, ReadSettings, unreadable
from mkdocs_quicktakes.site.walk import markdown_files
from mkdocs_quicktakes.speed import machinery as machinery_module
from mkdocs_quicktakes.speed import workers
from mkdocs_quicktakes.speed.cache import content_key
from mkdocs_quicktakes.speed.machinery import Speed

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import BuildSite, Site

    from mkdocs_quicktakes.speed.workers import Job

PAGES = {
    name: quicktake(id=number, title=f"Question {number}?", url=None)
    for number, name in enumerate(["a.md", "b.md", "sub/c.md"], start=1)
}

# Runs after the plugin's on_pre_build: what changes here was already read ahead.
EDIT_HOOK = """
from pathlib import Path
from mkdocs.plugins import event_priority

@event_priority(-100)
def on_pre_build(config):
    page = Path(config.docs_dir, "a.md")
    page.write_text(page.read_text().replace("Question 1?", "Edited question?"))
"""

EXTENSION_HOOK = """
from mkdocs.plugins import event_priority

@event_priority(-100)
def on_pre_build(config):
    config.markdown_extensions.append("admonition")
"""

FAILING_HOOK = """
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

@event_priority(-100)
def on_pre_build(config):
    raise PluginError("stopped by a hook")
"""


@pytest.fixture
def read_now(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Two workers for any number of files; records the files ``on_files`` had to read itself."""
    monkeypatch.setattr(workers, "MIN_FILES_PER_WORKER", 1)
    calls: list[list[str]] = []
    read_files = machinery_module.read_files

    def recording(jobs: list[workers.Job], *args: object) -> object:
        calls.append([src_uri for src_uri, _, _ in jobs])
        return read_files(jobs, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(machinery_module, "read_files", recording)
    return calls


def _build(
    build_site: BuildSite,
    tmp_path: Path,
    hook: str = "",
    pages: dict[str, str] | None = None,
    **plugin: object,
) -> Site:
    """Build ``pages`` (three QuickTakes) with two workers and ``hook`` as the hooks file."""
    extra: dict[str, object] = {}
    if hook:
        (tmp_path / "hooks.py").write_text(hook, encoding="utf-8")
        extra["hooks"] = [str(tmp_path / "hooks.py")]
    return build_site(pages or PAGES, plugin={"workers": 2, **plugin}, extra=extra)


def test_files_read_ahead_are_not_read_again(
    build_site: BuildSite, tmp_path: Path, read_now: list[list[str]]
) -> None:
    site = _build(build_site, tmp_path)
    assert read_now == [[]]
    assert "Question 3?" in site.text("sub/c/index.html")
    assert multiprocessing.active_children() == []


def test_the_same_site_is_built_with_and_without_reading_ahead(
    build_site: BuildSite, tmp_path: Path, read_now: list[list[str]]
) -> None:
    ahead = _build(build_site, tmp_path)
    forget_plugins()  # else the second build finds every file in the first one's cache
    here = _build(build_site, tmp_path, workers=1)
    assert read_now == [[], ["a.md", "b.md", "sub/c.md"]]
    assert site_outputs(ahead) == site_outputs(here)


def test_a_file_edited_after_it_was_read_ahead_is_read_again(
    build_site: BuildSite, tmp_path: Path, read_now: list[list[str]]
) -> None:
    site = _build(build_site, tmp_path, EDIT_HOOK)
    # The workers read the files themselves, before or after the edit: if before, the key of
    # what they read is not the edited file's, and on_files reads it again.
    assert read_now in ([["a.md"]], [[]])
    assert "Edited question?" in site.text("a/index.html")
    assert "Question 1?" not in site.text("a/index.html")


def test_settings_changed_after_reading_ahead_are_applied_to_every_file(
    build_site: BuildSite, tmp_path: Path, read_now: list[list[str]]
) -> None:
    answer = r'!!! note "Careful"\n    Check the units.'
    pages = {"a.md": quicktake(answer=answer, url=None)}
    site = _build(build_site, tmp_path, EXTENSION_HOOK, pages)
    assert read_now == [["a.md"]]
    assert '<div class="admonition note">' in site.text("a/index.html")


def test_a_build_that_fails_before_on_files_stops_the_workers(
    build_site: BuildSite, tmp_path: Path, read_now: list[list[str]]
) -> None:
    with pytest.raises((PluginError, Abort)):
        _build(build_site, tmp_path, FAILING_HOOK)
    assert multiprocessing.active_children() == []
    assert read_now == []


def test_files_to_read_ahead_are_the_markdown_files_the_cache_cannot_answer(
    tmp_path: Path,
) -> None:
    for name in ("a.md", "sub/b.markdown", "sub/c.txt", ".hidden.md", ".git/d.md", "img/e.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(f"# {name}\n".encode())
    settings = ReadSettings()
    speed: Speed[object] = Speed()

    def to_read_ahead() -> list[Job]:
        files = [(src_uri, path.read_bytes()) for path, src_uri in markdown_files(tmp_path)]
        return speed.uncached(files, settings)

    assert [src for src, _, _ in to_read_ahead()] == ["a.md", "sub/b.markdown"]
    cached = content_key(b"# a.md\n", (repr(settings),))
    speed.cache.put("a.md", cached, unreadable("a.md", None))
    data = b"# sub/b.markdown\n"
    assert to_read_ahead() == [("sub/b.markdown", data, content_key(data, (repr(settings),)))]
    # looking ahead is not a lookup of the build
    assert (speed.cache.hits, speed.cache.misses) == (0, 0)


def test_workers_reading_files_themselves_hand_over_only_what_was_read_for_the_key(
    tmp_path: Path,
) -> None:
    shaping = (repr(ReadSettings()),)
    data = quicktake().encode()
    (tmp_path / "a.md").write_bytes(data)
    files = [("a.md", str(tmp_path / "a.md")), ("gone.md", str(tmp_path / "gone.md"))]
    ahead, note = workers.ReadAhead.start_from_files(files, ReadSettings(), 2)
    assert ahead is not None
    assert note == ""
    with ahead:
        assert ahead.result("a.md", content_key(b"edited since", shaping)) is None
        assert ahead.result("a.md", content_key(data, shaping)) == FileReader(ReadSettings()).read(
            "a.md", data
        )
        assert ahead.result("gone.md", content_key(b"", shaping)) is None


def test_a_read_ahead_hands_over_only_results_read_for_the_same_key() -> None:
    shaping = (repr(ReadSettings()),)
    texts = [("a.md", quicktake().encode()), ("b.md", quicktake(id=2).encode())]
    jobs = [(src_uri, data, content_key(data, shaping)) for src_uri, data in texts]
    ahead, note = workers.ReadAhead.start(jobs, ReadSettings(), 2)
    assert ahead is not None
    assert note == ""
    with ahead:
        assert ahead.result("b.md", content_key(b"changed", shaping)) is None
        assert ahead.result("c.md", content_key(b"never read ahead", shaping)) is None
        assert ahead.result("a.md", jobs[0][2]) == FileReader(ReadSettings()).read(*texts[0])
