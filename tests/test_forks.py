"""Work done in forked children, a fresh child for each run of items, a few at a time.

The children are real processes: each test's work reports from inside them (its pid, its
parent's, the items it got) through a file, and the tests check what the processes did.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import time
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mkdocs_quicktakes.speed.forks import ForkedWork, WorkerDied, runs_for, shares

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path


def logged(
    log: Path, then: Callable[[Sequence[int]], object] | None = None
) -> Callable[[Sequence[int]], tuple[int, list[int]]]:
    """Work that appends ``start|end pid ppid`` lines to ``log`` and returns its pid and items."""

    def work(run: Sequence[int]) -> tuple[int, list[int]]:
        note(log, f"start {os.getpid()} {os.getppid()}")
        if then is not None:
            then(run)
        note(log, f"end {os.getpid()} {os.getppid()}")
        return os.getpid(), list(run)

    return work


def note(log: Path, line: str) -> None:
    with open(log, "a", encoding="utf-8") as file:  # one short append: whole lines
        file.write(line + "\n")


def started(log: Path) -> list[list[str]]:
    return [line.split() for line in log.read_text(encoding="utf-8").splitlines()]


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@given(
    items=st.integers(min_value=1, max_value=5000),
    workers=st.integers(min_value=1, max_value=16),
    run_size=st.integers(min_value=1, max_value=3000),
)
def test_runs_are_at_most_run_size_and_a_multiple_of_the_workers(
    items: int, workers: int, run_size: int
) -> None:
    runs = shares(range(items), runs_for(items, workers, run_size))
    assert [item for run in runs for item in run] == list(range(items))
    assert max(len(run) for run in runs) <= run_size
    assert len(runs) % workers == 0 or len(runs) == items
    assert min(len(run) for run in runs) >= 1


def test_each_run_is_done_by_a_fresh_child_and_results_keep_the_items_order(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log"
    work = ForkedWork.start(range(23), logged(log), workers=2, noun="pages", run_size=4)
    assert work is not None
    results = work.results()
    assert [item for _, items in results for item in items] == list(range(23))
    assert all(len(items) <= 4 for _, items in results)
    pids = [pid for pid, _ in results]
    assert len(set(pids)) == len(pids) == 6  # 2 workers x 3 rounds of at most 4 items
    assert os.getpid() not in pids
    spawners = {int(ppid) for _, _, ppid in started(log)}
    assert len(spawners) == 1
    assert os.getpid() not in spawners
    assert gone(spawners.pop())


def test_no_more_than_workers_children_at_once(tmp_path: Path) -> None:
    log = tmp_path / "log"
    work = ForkedWork.start(range(12), logged(log, lambda _: time.sleep(0.05)), 3, run_size=1)
    assert work is not None
    assert work.size == 3
    work.results()
    running, most = 0, 0
    for event, _, _ in started(log):
        running += 1 if event == "start" else -1
        most = max(most, running)
    assert most == 3


def kill_itself_on(item: int) -> Callable[[Sequence[int]], None]:
    def then(run: Sequence[int]) -> None:
        if item in run:
            os.kill(os.getpid(), signal.SIGKILL)

    return then


def test_a_child_that_dies_is_named_and_the_other_runs_are_done(tmp_path: Path) -> None:
    log = tmp_path / "log"
    work = ForkedWork.start(range(10), logged(log, kill_itself_on(5)), 2, "pages", run_size=2)
    assert work is not None
    with pytest.raises(WorkerDied) as raised:
        work.results()
    assert str(raised.value) == (
        "a worker process stopped before finishing: 2 pages (killed by signal 9 (SIGKILL))"
    )
    events = started(log)
    assert len([e for e in events if e[0] == "start"]) == 6  # 2 workers x 3 rounds of 2 or less
    assert len([e for e in events if e[0] == "end"]) == 5


def test_a_failing_run_is_told_with_its_error(tmp_path: Path) -> None:
    def fail(run: Sequence[int]) -> None:
        if 7 in run:
            raise ValueError("no page 7")

    # Runs of 3, 2, 2 and 2 items: 7 is in the last.
    work = ForkedWork.start(range(9), logged(tmp_path / "log", fail), 2, "pages", run_size=3)
    assert work is not None
    with pytest.raises(WorkerDied, match=r"finishing: 2 pages \(ValueError: no page 7\)$"):
        work.results()


def test_a_spawner_that_dies_fails_every_run_it_had_not_finished(tmp_path: Path) -> None:
    log = tmp_path / "log"

    def kill_spawner(run: Sequence[int]) -> None:
        if 0 in run:
            os.kill(os.getppid(), signal.SIGKILL)
            time.sleep(0.2)

    work = ForkedWork.start(range(8), logged(log, kill_spawner), 1, "pages", run_size=2)
    assert work is not None
    with pytest.raises(WorkerDied) as raised:
        work.results()
    assert str(raised.value) == (
        "a worker process stopped before finishing: 8 pages (the process that forks the workers"
        " ended before they were done: killed by signal 9 (SIGKILL))"
    )


def wait_for_lines(log: Path, count: int) -> list[list[str]]:
    deadline = time.monotonic() + 10
    while (not log.exists() or len(started(log)) < count) and time.monotonic() < deadline:
        time.sleep(0.01)
    return started(log)


def wait_until_gone(pids: set[int], within: float = 10) -> set[int]:
    """The pids still running after ``within`` s (reaping any that are this process's children)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
        if all(gone(pid) for pid in pids):
            return set()
        time.sleep(0.01)
    return {pid for pid in pids if not gone(pid)}


def test_close_stops_the_spawner_and_its_children(tmp_path: Path) -> None:
    log = tmp_path / "log"
    work = ForkedWork.start(range(40), logged(log, lambda _: time.sleep(30)), 2, run_size=1)
    assert work is not None
    lines = wait_for_lines(log, 2)
    children = {int(pid) for _, pid, _ in lines}
    spawner = {int(ppid) for _, _, ppid in lines}
    begun = time.monotonic()
    work.close()
    assert time.monotonic() - begun < 10  # not the children's 30 s
    assert wait_until_gone(children | spawner, within=5) == set()
    assert len(started(log)) == 2  # no child was forked after the stop


def test_nothing_is_forked_for_no_items() -> None:
    assert ForkedWork.start([], lambda run: run, 2) is None


@pytest.mark.parametrize("end", ["results", "close"])
def test_the_callers_objects_stay_frozen_while_the_children_run(end: str) -> None:
    # Its collector would otherwise write to every page of memory it shares with them.
    assert gc.get_freeze_count() == 0
    work = ForkedWork.start(range(4), lambda run: list(run), 2, run_size=1)
    assert work is not None
    assert gc.get_freeze_count() > 0
    getattr(work, end)()
    assert gc.get_freeze_count() == 0


def collector_of_child(run: Sequence[int]) -> tuple[bool, bool, int]:
    """Whether the child's collector runs, whether its inheritance is frozen, what it collects."""
    for _ in run:
        cycle: list[object] = []
        cycle.append(cycle)
    del cycle
    return gc.isenabled(), gc.get_freeze_count() > 0, gc.collect()


def test_children_collect_what_they_make_and_leave_what_they_inherit_frozen() -> None:
    work = ForkedWork.start(range(100), collector_of_child, 2, run_size=10)
    assert work is not None
    results = work.results()
    assert len(results) == 10
    for enabled, frozen, collected in results:
        assert enabled
        assert frozen
        assert collected >= 10


def test_children_end_when_their_spawner_is_killed(tmp_path: Path) -> None:
    log = tmp_path / "log"
    work = ForkedWork.start(range(8), logged(log, lambda _: time.sleep(30)), 2, run_size=1)
    assert work is not None
    lines = wait_for_lines(log, 2)
    spawner = int(lines[0][2])
    os.kill(spawner, signal.SIGKILL)
    with pytest.raises(WorkerDied, match=r"8 items \(the process that forks the workers ended"):
        work.results()
    assert wait_until_gone({int(pid) for _, pid, _ in lines}) == set()


def test_the_spawner_and_its_children_end_when_the_build_process_is_killed(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log"
    build = os.fork()
    if build == 0:  # the build process: starts the work, then waits for it (it is killed first)
        try:
            work = ForkedWork.start(range(8), logged(log, lambda _: time.sleep(30)), 2, run_size=1)
            if work is not None:
                work.results()
        finally:
            os._exit(0)
    lines = wait_for_lines(log, 2)
    os.kill(build, signal.SIGKILL)
    os.waitpid(build, 0)
    others = {int(pid) for _, pid, _ in lines} | {int(ppid) for _, _, ppid in lines}
    assert len(others) == 3  # the spawner and two children
    assert wait_until_gone(others) == set()
