"""Page views and head tags computed ahead in a forked child give the pages computed here.

Speed is measured by ``benchmarks/``, never asserted here.
"""

from __future__ import annotations

import gc
import os
import pickle
from typing import TYPE_CHECKING

import pytest
from conftest import CORPUS, SEED, build_pages, forget_plugins, shared_files, site_outputs

from mkdocs_quicktakes.build import build as build_module
from mkdocs_quicktakes.records.labels import labels_for
from mkdocs_quicktakes.speed import lookahead
from mkdocs_quicktakes.speed.lookahead import Lookahead

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Site


def _pid_and_square(number: int) -> tuple[int, int]:
    return os.getpid(), number * number


def _fails_at_five(number: int) -> int:
    if number == 5:
        raise ValueError("five")
    return number


def test_values_are_computed_in_a_child_in_order() -> None:
    keys = list(range(40))
    ahead = Lookahead.start(keys, _pid_and_square)
    assert ahead is not None
    with ahead:
        values = [ahead.get(key) for key in keys]
        assert ahead.get(99) is None  # never asked of the child
    assert [value[1] for value in values if value] == [key * key for key in keys]
    assert {value[0] for value in values if value} - {os.getpid()} == {ahead.pid}


def test_after_a_failure_in_the_child_the_remaining_values_are_left_to_the_caller() -> None:
    ahead = Lookahead.start(list(range(40)), _fails_at_five)
    assert ahead is not None
    with ahead:
        assert [ahead.get(key) for key in range(40)] == [0, 1, 2, 3, 4] + [None] * 35


def test_the_child_is_reaped_when_closed_early() -> None:
    ahead = Lookahead.start(list(range(10_000)), _pid_and_square)
    assert ahead is not None
    assert ahead.get(0) is not None
    ahead.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(ahead.pid, os.WNOHANG)


def test_nothing_is_forked_where_forking_is_unsafe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookahead, "fork_is_safe", lambda: False)
    assert Lookahead.start([1, 2], _pid_and_square) is None


def test_no_process_to_spare_leaves_everything_to_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert Lookahead.start([1, 2], _pid_and_square) is None
    assert gc.get_freeze_count() == 0  # unfrozen again


def test_labels_in_a_view_from_the_child_are_the_shared_ones() -> None:
    # One object per language: a view per page must not bring its own copy.
    for language in ("en", "fr"):
        labels = labels_for(language)
        assert pickle.loads(pickle.dumps(labels)) is labels


# Moves the page after the plugin made its head tags ahead, as a plugin of translations might.
MOVING_HOOK = """
def on_page_context(context, page, **kwargs):
    if page.file.src_uri == "{name}":
        page.canonical_url = "https://moved.example/question/"
"""


def _corpus_site(root: Path, hook: str = "", **plugin: object) -> Site:
    sources = shared_files(CORPUS) + shared_files(SEED)
    extra: dict[str, object] = {"nav": [{"Home": "index.md"}]}
    if hook:
        root.mkdir(parents=True)
        (root / "hooks.py").write_text(hook, encoding="utf-8")
        extra["hooks"] = [str(root / "hooks.py")]
    return build_pages(
        root,
        {"index.md": "# Home\n"},
        copy={path.name: path for path in sources},
        plugin={"structured_data": "qapage", **plugin},
        extra=extra,
    )


@pytest.fixture
def computed_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Look ahead from one page on; records the pages whose work the build process did itself."""
    monkeypatch.setattr(build_module, "LOOKAHEAD_PAGES", 1)
    calls: list[str] = []
    page_work = build_module.Build.page_work

    def recording(self: build_module.Build, page: object) -> object:
        calls.append(page.file.src_uri)  # type: ignore[attr-defined]
        return page_work(self, page)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module.Build, "page_work", recording)
    return calls


@pytest.mark.slow
def test_the_real_corpus_is_built_the_same_with_and_without_looking_ahead(
    tmp_path: Path, computed_here: list[str]
) -> None:
    ahead = site_outputs(_corpus_site(tmp_path / "ahead"))
    assert computed_here == []  # every page's view and head came from the child
    forget_plugins()
    here = site_outputs(_corpus_site(tmp_path / "here", workers=1))
    assert len(computed_here) > 80
    assert ahead == here


@pytest.mark.slow
def test_a_page_moved_after_its_head_was_made_gets_head_tags_for_its_new_url(
    tmp_path: Path, computed_here: list[str]
) -> None:
    name = shared_files(CORPUS)[0].name
    site = _corpus_site(tmp_path / "site", MOVING_HOOK.format(name=name))
    assert computed_here == []  # the views came from the child; the one head was made again
    moved = [page for page in site.site_dir.rglob("*.html") if "moved.example" in page.read_text()]
    assert len(moved) == 1
    soup = site.soup(str(moved[0].relative_to(site.site_dir)))
    canonical = soup.select_one('link[rel="canonical"]')
    assert canonical is not None
    assert canonical["href"] == "https://moved.example/question/"
    og_url = soup.select_one('meta[property="og:url"]')
    assert og_url is not None
    assert og_url["content"] == "https://moved.example/question/"
