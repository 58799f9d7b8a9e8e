"""Build benchmark of the Sphinx extension against the same questions written by hand as MyST.

For each size N it builds, in the same run and on the same machine, with
``sphinx-build -q -b dirhtml -j 2`` (alabaster):

(s) N generated QuickTakes files with ``extensions = ["myst_parser", "mkdocs_quicktakes.sphinx"]``
    (Q&A pages, MathML, head tags, hubs and feeds);
(m) the same questions converted by hand to plain MyST pages (title, byline, decoded answer,
    math left as source: ``benchmarks/run.py``'s ``convert_by_hand``), with only myst_parser.

Each build is a fresh process into an empty output folder, and the two take turns (s, m, s, m,
...), so a slow spell of the shared machine slows both columns alike. The table shows the median
wall time of ``--runs`` runs and the ratio s/m.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import write_corpus
from run import convert_by_hand

CONF = """project = "QuickTakes benchmark"
html_baseurl = "https://example.org/"
extensions = {extensions!r}
suppress_warnings = ["toc.not_included"]
"""


def write_project(root: Path, extensions: list[str]) -> Path:
    (root / "docs" / "conf.py").write_text(CONF.format(extensions=extensions), encoding="utf-8")
    return root / "docs"


def build_once(src: Path, jobs: str) -> float:
    out = src.parent / "out"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "dirhtml", "-j", jobs]
    subprocess.run([*command, str(src), str(out)], check=True, capture_output=True, text=True)
    return time.perf_counter() - start


def bench_size(count: int, runs: int, jobs: str, workdir: Path) -> tuple[int, float, float]:
    ext_root, hand_root = workdir / f"ext-{count}", workdir / f"hand-{count}"
    quicktakes = write_corpus(ext_root / "docs", count)
    (ext_root / "docs" / "index.md").write_text("# QuickTakes benchmark\n", encoding="utf-8")
    convert_by_hand(quicktakes, hand_root / "docs")
    ext = write_project(ext_root, ["myst_parser", "mkdocs_quicktakes.sphinx"])
    hand = write_project(hand_root, ["myst_parser"])
    rounds = [(build_once(ext, jobs), build_once(hand, jobs)) for _ in range(runs)]
    return (
        count,
        statistics.median(r[0] for r in rounds),
        statistics.median(r[1] for r in rounds),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="2", help="sphinx-build -j")
    args = parser.parse_args()
    lines = ["| pages | extension (s) | by hand, MyST (m) | s/m |", "|---:|---:|---:|---:|"]
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory(prefix="qt-bench-sphinx-") as tmp:
        for count in args.sizes:
            n, s, m = bench_size(count, args.runs, args.jobs, Path(tmp))
            lines.append(f"| {n:,} | {s:.1f} s | {m:.1f} s | {s / m:.2f} |")
            print(lines[-1], flush=True)
    machine = f"{platform.python_implementation()} {platform.python_version()}"
    machine += f", {platform.machine()}, {os.cpu_count()} cores, -j {args.jobs}"
    print(f"\nMedian of {args.runs} runs per cell; {machine}.")


if __name__ == "__main__":
    main()
