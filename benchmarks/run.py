"""Build benchmark: the plugin site against the best plain-MkDocs site a user can make by hand.

For each size N it builds, in the same run and on the same machine:

(a) N generated QuickTakes files with the ``quicktakes`` plugin (``mkdocs`` theme);
(b) the same questions converted by hand to plain Markdown pages (title, byline, decoded answer,
    math left as source), with the nav cut down to one entry, the fastest plain MkDocs gets;
(a') the plugin again, with what (b) leaves out left out too: no hubs in the nav
    (``nav_section: ""``) and formulas kept as source (``math: none``).

Each build runs in a fresh process, and the three take turns (a, b, a', a, b, a', ...). The table
shows the median wall time of ``--runs`` runs, the peak RSS of the build process and of the
largest other process the plugin started (the workers that read a large site's files, one per
core, or the child that makes page views ahead), the output size and the ratio a/b.
``--write`` puts the table into ``docs/performance.md`` between its benchmark markers.
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
import time
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from generate import write_corpus

from mkdocs_quicktakes.answer.decode import decode_newlines

REPO = Path(__file__).resolve().parents[1]
PERFORMANCE_PAGE = REPO / "docs" / "performance.md"
BEGIN, END = "<!-- benchmark:begin -->", "<!-- benchmark:end -->"

# Runs in the child: builds one site and reports its own peak RSS and that of its largest worker
# process (KiB on Linux).
CHILD = """
import json, resource, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
cfg = load_config(sys.argv[1])
cfg.plugins.on_startup(command="build", dirty=False)
build(cfg)
cfg.plugins.on_shutdown()
print(json.dumps({
    "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "workers_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


@dataclass(frozen=True)
class Measure:
    seconds: float
    rss_mib: float
    workers_mib: float
    output_mib: float


def write_config(root: Path, plugins: list[object], name: str = "mkdocs.yml") -> Path:
    config = {
        "site_name": "Benchmark",
        "site_url": "https://example.org/",
        "theme": {"name": "mkdocs"},
        "nav": [{"Home": "index.md"}],
        "plugins": plugins,
        "markdown_extensions": ["toc", "tables", "fenced_code"],
        "site_dir": f"site-{Path(name).stem}",
    }
    path = root / name
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def convert_by_hand(quicktakes: list[Path], docs_dir: Path) -> None:
    """What a user without the plugin would write: one plain Markdown page per question."""
    (docs_dir / "questions").mkdir(parents=True)
    (docs_dir / "index.md").write_text("# QuickTakes benchmark\n", encoding="utf-8")
    for path in quicktakes:
        post = frontmatter.load(str(path))
        body = decode_newlines(str(post["answer"]))
        front = {"title": post["title"], "description": post["seo"]["page_description"]}
        text = "---\n" + yaml.safe_dump(front, width=10**9) + "---\n\n"
        text += f"# {post['title']}\n\nPosted on {post['date']}\n\n{body}\n"
        (docs_dir / "questions" / path.name).write_text(text, encoding="utf-8")


def tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build_once(config: Path) -> Measure:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(config)], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    memory = json.loads(done.stdout.strip().splitlines()[-1])
    return Measure(
        seconds,
        memory["rss_kib"] / 1024,
        memory["workers_kib"] / 1024,
        tree_size(config.parent / f"site-{config.stem}") / 2**20,
    )


def medians_of(configs: list[Path], runs: int) -> list[Measure]:
    """Build every config once per round, ``runs`` rounds; the median of each config's builds.

    The configs take turns, so a slow spell of a shared machine (run-to-run spread here is
    10-20%) slows every column of a row alike instead of one of them.
    """
    rounds = [[build_once(config) for config in configs] for _ in range(runs)]
    return [_median([row[column] for row in rounds]) for column in range(len(configs))]


def _median(measures: list[Measure]) -> Measure:
    return Measure(
        statistics.median(m.seconds for m in measures),
        max(m.rss_mib for m in measures),
        max(m.workers_mib for m in measures),
        measures[-1].output_mib,
    )


Row = tuple[int, Measure, Measure, Measure]
"""One size: N, then the measures of (a), (b) and (a')."""

LIKE_BY_HAND = {"quicktakes": {"nav_section": "", "math": "none"}}
"""The options of (a'): the plugin without what the by-hand pages leave out."""


def bench_size(count: int, runs: int, workdir: Path) -> Row:
    plugin_root, plain_root = workdir / f"plugin-{count}", workdir / f"plain-{count}"
    quicktakes = write_corpus(plugin_root / "docs", count)
    convert_by_hand(quicktakes, plain_root / "docs")
    plugin_config = write_config(plugin_root, ["search", "quicktakes"])
    lean_config = write_config(plugin_root, ["search", LIKE_BY_HAND], "mkdocs-lean.yml")
    plain_config = write_config(plain_root, ["search"])
    a, b, lean = medians_of([plugin_config, plain_config, lean_config], runs)
    return count, a, b, lean


def table(rows: list[Row]) -> str:
    lines = [
        "| pages | plugin (a) | by hand (b) | a/b | peak RSS a / b | a's workers "
        "| output a / b | plugin like (b) (a') | a'/b |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count, a, b, lean in rows:
        lines.append(
            f"| {count:,} | {a.seconds:.1f} s | {b.seconds:.1f} s | {a.seconds / b.seconds:.2f} "
            f"| {a.rss_mib:.0f} / {b.rss_mib:.0f} MiB | {a.workers_mib:.0f} MiB "
            f"| {a.output_mib:.0f} / {b.output_mib:.0f} MiB "
            f"| {lean.seconds:.1f} s | {lean.seconds / b.seconds:.2f} |"
        )
    return "\n".join(lines)


def write_page(text: str) -> None:
    page = PERFORMANCE_PAGE.read_text(encoding="utf-8")
    head, _, rest = page.partition(BEGIN)
    _, _, tail = rest.partition(END)
    PERFORMANCE_PAGE.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="qt-bench-") as tmp:
        for count in args.sizes:
            rows.append(bench_size(count, args.runs, Path(tmp)))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    machine = f"{platform.python_implementation()} {platform.python_version()}"
    machine += f", {platform.machine()}, {os.cpu_count()} cores"
    text = f"{table(rows)}\n\nMedian of {args.runs} runs per cell; {machine}."
    print(text)
    if args.write:
        write_page(text)


if __name__ == "__main__":
    main()
