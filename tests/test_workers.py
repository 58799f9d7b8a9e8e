"""Reading files in worker processes gives exactly what reading them in the build process gives."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from conftest import CORPUS, SEED, quicktake, shared_files

from mkdocs_quicktakes.answer.render import RenderSettings
from mkdocs_quicktakes.site.reading import FileReader, ReadResult, ReadSettings
from mkdocs_quicktakes.speed import workers
from mkdocs_quicktakes.speed.cache import content_key

if TYPE_CHECKING:
    import pytest

SETTINGS = ReadSettings(
    nested_fences="fence",
    render=RenderSettings(
        extensions=("toc", "tables", "pymdownx.superfences"), answer_text=True, math="mathml"
    ),
)


def _jobs() -> list[workers.Job]:
    files = shared_files(CORPUS)[:12] + shared_files(SEED)
    texts = [(path.name, path.read_bytes()) for path in files]
    texts += [("broken.md", b"---\ntitle: [\n---\n"), ("plain.md", b"# Plain\n")]
    return [(name, data, content_key(data, (repr(SETTINGS),))) for name, data in texts]


def _read_here(jobs: list[workers.Job]) -> list[ReadResult]:
    reader = FileReader(SETTINGS)
    return [reader.read(src_uri, data) for src_uri, data, _ in jobs]


def _crash(job: workers.Job) -> ReadResult:
    os._exit(3)  # a worker dying mid-batch, as the kernel's OOM killer would make it


def test_forked_workers_read_exactly_as_the_build_process() -> None:
    jobs = _jobs()
    results, note = workers.read_files(jobs, SETTINGS, 2)
    assert note == ""
    assert results == _read_here(jobs)
    assert results[0].rendered is not None
    assert "<math" in results[0].rendered.finished.html


def test_spawned_workers_read_exactly_as_the_build_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # What mkdocs serve uses: its web server runs threads, and forking those is unsafe.
    monkeypatch.setattr(workers, "_start_method", lambda: "spawn")
    jobs = _jobs()
    results, note = workers.read_files(jobs, SETTINGS, 2)
    assert note == ""
    assert results == _read_here(jobs)


def test_settings_that_cannot_be_pickled_are_read_here_with_a_note() -> None:
    settings = ReadSettings(
        render=RenderSettings(extension_configs={"toc": {"slugify": lambda s: s}})
    )
    data = quicktake().encode()
    jobs = [("a.md", data, content_key(data, (repr(settings),)))]
    results, note = workers.read_files(jobs, settings, 2)
    assert "not picklable" in note
    assert results == [FileReader(settings).read("a.md", jobs[0][1])]


def test_a_worker_that_dies_leaves_the_files_to_the_build_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "_read_in_worker", _crash)
    jobs = _jobs()
    results, note = workers.read_files(jobs, SETTINGS, 2)
    assert "worker processes failed" in note
    assert results == _read_here(jobs)


def test_workers_start_only_for_enough_files() -> None:
    enough = 2 * workers.MIN_FILES_PER_WORKER
    assert workers.worker_count(2, enough) == 2
    assert workers.worker_count(2, enough - 1) == 1
    assert workers.worker_count(1, 10 * enough) == 1
    assert workers.worker_count(8, enough) == 2
    assert workers.worker_count(0, 10**6) == workers.available_cpus()
