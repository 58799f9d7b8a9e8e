"""The read cache that `mkdocs serve` keeps across rebuilds: it saves work, never shows stale pages.

Timings are measured by ``benchmarks/``, never asserted here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest
import yaml
from conftest import BuildSite, Site, build_config_file, forget_plugins, quicktake
from mkdocs.config import load_config

from mkdocs_quicktakes import plugin as plugin_module
from mkdocs_quicktakes.plugin import QuickTakesPlugin
from mkdocs_quicktakes.records.source import CheckedFile, SourceFile
from mkdocs_quicktakes.site.reading import ReadResult
from mkdocs_quicktakes.speed.cache import ReadCache, content_key

if TYPE_CHECKING:
    from pathlib import Path


def _rebuild(root: Path, **plugin: object) -> tuple[str, QuickTakesPlugin]:
    """Build ``root`` again as `mkdocs serve` does: a new config, the same plugin object."""
    config_file = root / "mkdocs.yml"
    if plugin:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        config["plugins"] = ["search", {"quicktakes": plugin}]
        config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    site = build_config_file(config_file, strict=False)
    instance = load_config(str(config_file)).plugins["quicktakes"]
    assert isinstance(instance, QuickTakesPlugin)
    return site.text("a/index.html"), instance


def _write(root: Path, name: str, text: str) -> None:
    (root / "docs" / name).write_text(text, encoding="utf-8")


def test_an_answer_edited_between_rebuilds_is_shown_new(build_site: BuildSite) -> None:
    site = build_site(
        {"a.md": quicktake(answer="First version.", url=None), "b.md": quicktake(id=2, url=None)}
    )
    assert "First version." in site.text("a/index.html")
    _write(site.root, "a.md", quicktake(answer="Second version.", url=None))
    html, plugin = _rebuild(site.root)
    assert "Second version." in html
    assert "First version." not in html
    # b.md did not change: its read result came from the cache; a.md was read again.
    assert (plugin.speed.cache.hits, plugin.speed.cache.misses) == (1, 1)


def test_an_option_changed_between_rebuilds_applies_to_cached_pages(
    build_site: BuildSite,
) -> None:
    site = build_site({"a.md": quicktake(answer="Itâ€™s fixed.", url=None)})
    assert "It’s fixed." in site.text("a/index.html")
    html, plugin = _rebuild(site.root, fix_mojibake=False)
    assert "Itâ€™s fixed." in html
    assert plugin.speed.cache.hits == 0


def test_a_file_broken_between_rebuilds_is_reported_again(build_site: BuildSite) -> None:
    site = build_site({"a.md": quicktake(url=None), "b.md": quicktake(id=2, url=None)})
    _write(site.root, "b.md", "---\ntitle: [unclosed\n---\n")
    rebuilt = build_config_file(site.root / "mkdocs.yml", strict=False)
    assert any("b.md" in message for message in rebuilt.messages(30))
    assert not (rebuilt.site_dir / "b" / "index.html").exists()


def test_a_cached_result_is_handed_out_only_for_its_own_key() -> None:
    cache = ReadCache()
    result = ReadResult(CheckedFile(SourceFile("a.md"), None, ()))
    key = content_key(b"bytes", (True, 0))
    cache.put("a.md", key, result)
    assert cache.get("a.md", key) is result
    assert cache.get("a.md", content_key(b"bytes!", (True, 0))) is None
    assert cache.get("a.md", content_key(b"bytes", (False, 0))) is None
    assert cache.get("b.md", key) is None


def test_files_gone_from_the_site_leave_the_cache() -> None:
    cache = ReadCache()
    result = ReadResult(CheckedFile(SourceFile("a.md"), None, ()))
    cache.put("a.md", "k", result)
    cache.start_build(["b.md"])
    assert cache.get("a.md", "k") is None
    assert (cache.hits, cache.misses) == (0, 1)


def _fresh_cache_build(root: Path) -> tuple[Site, QuickTakesPlugin]:
    """Build ``root`` as a new process would: with a new plugin object, its memory empty."""
    forget_plugins()
    site = build_config_file(root / "mkdocs.yml", strict=False)
    instance = load_config(str(root / "mkdocs.yml")).plugins["quicktakes"]
    assert isinstance(instance, QuickTakesPlugin)
    return site, instance


def test_a_cache_dir_spares_a_new_process_reading_unchanged_files(build_site: BuildSite) -> None:
    pages = {
        "a.md": quicktake(answer="First version.", url=None),
        "b.md": quicktake(id=2, url=None),
    }
    site = build_site(pages, plugin={"cache_dir": ".cache"})
    assert len(list((site.root / ".cache").glob("read-cache-*.pickle"))) == 1
    _write(site.root, "a.md", quicktake(answer="Second version.", url=None))
    rebuilt, plugin = _fresh_cache_build(site.root)
    assert "Second version." in rebuilt.text("a/index.html")
    assert (plugin.speed.cache.hits, plugin.speed.cache.misses) == (1, 1)


def test_a_damaged_cache_file_is_noted_and_every_file_read(build_site: BuildSite) -> None:
    site = build_site({"a.md": quicktake(answer="Fine.", url=None)}, plugin={"cache_dir": "c"})
    (cache_file,) = (site.root / "c").glob("read-cache-*.pickle")
    cache_file.write_bytes(b"not a pickle")
    rebuilt, plugin = _fresh_cache_build(site.root)
    assert "Fine." in rebuilt.text("a/index.html")
    assert any("could not be read" in m for m in rebuilt.messages(logging.INFO))
    assert plugin.speed.cache.misses == 1


def test_a_cache_dir_that_cannot_be_written_is_a_warning(build_site: BuildSite) -> None:
    site = build_site(
        {"a.md": quicktake(url=None), "taken": ""}, plugin={"cache_dir": "docs/taken"}, strict=False
    )
    assert any("option 'cache_dir': could not write" in m for m in site.messages())


def _dirty_hints(site: Site) -> list[str]:
    return [message for message in site.messages(logging.INFO) if "serve --dirty" in message]


@pytest.mark.parametrize(("dirty", "hints"), [(False, 1), (True, 0)])
def test_serving_a_large_site_suggests_dirty_rebuilds_once(
    build_site: BuildSite, monkeypatch: pytest.MonkeyPatch, dirty: bool, hints: int
) -> None:
    monkeypatch.setattr(plugin_module, "DIRTY_HINT_PAGES", 2)
    site = build_site({"a.md": quicktake(url=None), "b.md": quicktake(id=2, url=None)})
    config_file = site.root / "mkdocs.yml"
    # MkDocs itself warns that a dirty build may leave stale links: not strict here.
    served = build_config_file(config_file, strict=False, command="serve", dirty=dirty)
    assert len(_dirty_hints(served)) == hints
    # A rebuild of the same `mkdocs serve`: no on_startup, and no second hint.
    rebuilt = build_config_file(config_file, strict=False, command=None, dirty=dirty)
    assert _dirty_hints(rebuilt) == []
