"""Pipeline benchmark: ``pipeline: direct`` and ``pipeline: mkdocs`` against the by-hand build.

For each corpus (``--corpora``: the benchmark's own, ``default``, and ``long-math``, answers
twice as long with about three times the formulas; see ``generate.SHAPES``) and each size, in the
same run and taking turns, each in a fresh process:

(b) the by-hand pages (plain MkDocs, nav cut down, as in ``run.py``);
(a) the plugin with the default ``pipeline: mkdocs``;
(d) the plugin with ``pipeline: direct``.

Reported: the median wall time, the peak RSS of the build process, the peak of the summed
proportional set size (PSS: shared pages counted once) of the build process and every process it
started, sampled every 0.2 s, and the wall time of each stage per Q&A page, measured in the build
process by wrapping MkDocs' and the plugin's functions (``--stages``). The direct workers' time is
their CPU time, from the build process's ``RUSAGE_CHILDREN`` around them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import SHAPES, write_corpus
from run import convert_by_hand, write_config

# Runs in the child: one build, its stages timed, its own peak RSS (KiB on Linux).
CHILD = """
import json, resource, sys, time
from mkdocs.commands import build as mkbuild
from mkdocs.config import load_config
from mkdocs.contrib.search import SearchPlugin
from mkdocs_quicktakes.build.build import Build

stages = {}

def timed(owner, name, label):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            stages[label] = stages.get(label, 0.0) + time.perf_counter() - start
    setattr(owner, name, wrapper)

def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime

timed(mkbuild, "get_files", "MkDocs: collect files")
timed(Build, "add_files", "plugin: read, place, catalogue (on_files)")
timed(mkbuild, "get_navigation", "MkDocs: nav")
timed(mkbuild, "_populate_page", "MkDocs: read and render pages (its loop)")
timed(mkbuild, "_build_page", "MkDocs: templates, hooks, write (its loop)")
timed(mkbuild, "_build_theme_template", "MkDocs: theme templates (sitemap, 404)")
timed(Build, "start_direct", "direct: fork the workers")
timed(Build, "finish_direct", "direct: wait for the workers, merge")
timed(SearchPlugin, "on_post_build", "search: write the index")
timed(Build, "write_search_index", "direct: write the search index from the workers' entries")
original_start, original_finish = Build.start_direct, Build.finish_direct
marks = {}
def start_direct(self, env, **kwargs):
    marks["cpu"] = children_cpu()
    return original_start(self, env, **kwargs)
def finish_direct(self):
    try:
        return original_finish(self)
    finally:
        if "cpu" in marks:
            stages["direct workers (CPU, all workers)"] = children_cpu() - marks["cpu"]
Build.start_direct, Build.finish_direct = start_direct, finish_direct

start = time.perf_counter()
cfg = load_config(sys.argv[1])
cfg.plugins.on_startup(command="build", dirty=False)
mkbuild.build(cfg)
cfg.plugins.on_shutdown()
stages["total"] = time.perf_counter() - start
print(json.dumps({
    "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "stages": stages,
}))
"""


@dataclass
class Measure:
    seconds: float
    rss_mib: float
    pss_mib: float
    stages: dict[str, float] = field(default_factory=dict)


def _tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def build_once(config: Path) -> Measure:
    """Build ``config`` in a fresh process, sampling the PSS of its process tree."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(config)], stdout=subprocess.PIPE, text=True
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.2):
            peak = max(peak, sum(_pss_kib(pid) for pid in _tree(child.pid)))

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _ = child.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    if child.returncode:
        raise RuntimeError(f"build of {config} failed ({child.returncode})")
    report = json.loads(out.strip().splitlines()[-1])
    return Measure(seconds, report["rss_kib"] / 1024, peak / 1024, report["stages"])


def median(measures: list[Measure]) -> Measure:
    middle = sorted(measures, key=lambda m: m.seconds)[len(measures) // 2]
    return Measure(
        statistics.median(m.seconds for m in measures),
        max(m.rss_mib for m in measures),
        max(m.pss_mib for m in measures),
        middle.stages,
    )


PIPELINES = {"by hand (b)": None, "mkdocs (a)": "mkdocs", "direct (d)": "direct"}


def bench(corpus: str, count: int, runs: int, workdir: Path) -> dict[str, Measure]:
    plugin_root = workdir / f"{corpus}-{count}"
    plain_root = workdir / f"{corpus}-{count}-plain"
    quicktakes = write_corpus(plugin_root / "docs", count, shape=SHAPES[corpus])
    if None in PIPELINES.values():
        convert_by_hand(quicktakes, plain_root / "docs")
    configs: dict[str, Path] = {}
    for name, pipeline in PIPELINES.items():
        if pipeline is None:
            configs[name] = write_config(plain_root, ["search"])
        else:
            plugin = {"quicktakes": {"pipeline": pipeline}}
            configs[name] = write_config(plugin_root, ["search", plugin], f"{pipeline}.yml")
    rounds = [{name: build_once(path) for name, path in configs.items()} for _ in range(runs)]
    for row in rounds:
        print(json.dumps({k: [round(m.seconds, 1), round(m.rss_mib)] for k, m in row.items()}))
    return {name: median([row[name] for row in rounds]) for name in configs}


def table_row(corpus: str, count: int, found: dict[str, Measure]) -> str:
    b, a, d = (found[name] for name in PIPELINES)
    return (
        f"| {corpus} | {count:,} | {b.seconds:.1f} s | {a.seconds:.1f} s | "
        f"{a.seconds / b.seconds:.2f} | {d.seconds:.1f} s | {d.seconds / b.seconds:.2f} | "
        f"{b.rss_mib:.0f} / {a.rss_mib:.0f} / {d.rss_mib:.0f} MiB | "
        f"{b.pss_mib:.0f} / {a.pss_mib:.0f} / {d.pss_mib:.0f} MiB |"
    )


HEADER = (
    "| corpus | pages | by hand (b) | mkdocs (a) | a/b | direct (d) | d/b "
    "| peak RSS, build process b / a / d | peak PSS, all processes b / a / d |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def stage_table(count: int, found: dict[str, Measure]) -> str:
    names = [name for name, pipeline in PIPELINES.items() if pipeline is not None]
    labels: list[str] = []
    for name in names:
        labels += [label for label in found[name].stages if label not in labels]
    lines = [f"| stage (ms per page, {count:,} pages) | " + " | ".join(names) + " |"]
    lines.append("|---|" + "---:|" * len(names))
    for label in labels:
        cells = [found[name].stages.get(label) for name in names]
        shown = [f"{1000 * cell / count:.2f}" if cell is not None else "-" for cell in cells]
        lines.append(f"| {label} | " + " | ".join(shown) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--corpora", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=list(PIPELINES.values())[1:], default=None)
    args = parser.parse_args()
    if args.only:  # one pipeline alone (the 100,000-page run)
        for name in [n for n, p in PIPELINES.items() if p != args.only]:
            del PIPELINES[name]
    rows, stages = [], []
    with tempfile.TemporaryDirectory(prefix="qt-pipelines-") as tmp:
        for corpus in args.corpora:
            for count in args.sizes:
                found = bench(corpus, count, args.runs, Path(tmp))
                if not args.only:
                    rows.append(table_row(corpus, count, found))
                    print(rows[-1], flush=True)
                stages.append(f"{corpus}:\n\n{stage_table(count, found)}")
                for name, measure in found.items():
                    print(
                        f"{corpus} {count} {name}: {measure.seconds:.1f} s, "
                        f"RSS {measure.rss_mib:.0f} MiB, PSS all {measure.pss_mib:.0f} MiB"
                    )
    machine = f"{platform.python_implementation()} {platform.python_version()}"
    machine += f", {platform.machine()}, {os.cpu_count()} cores"
    if rows:
        print(f"{HEADER}\n" + "\n".join(rows))
    print(f"\nMedian of {args.runs} runs per cell; {machine}.\n")
    print("\n\n".join(stages))


if __name__ == "__main__":
    main()
