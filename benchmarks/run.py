"""Build benchmark: the plugin site against the best plain-MkDocs site a user can make by hand.

For each size N it builds, in the same run and on the same machine:

(a) N generated QuickTakes files with the ``quicktakes`` plugin (``mkdocs`` theme);
(b) the same questions converted by hand to plain Markdown pages (title, byline, decoded answer,
    math left as source), with the nav cut down to one entry, the fastest plain MkDocs gets.

Each build runs in a fresh process; the table shows the median wall time of ``--runs`` runs,
the peak RSS, the output size and the ratio a/b. ``--write`` puts the table into
``docs/performance.md`` between its benchmark markers.
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

from mkdocs_quicktakes.answer import decode_newlines

REPO = Path(__file__).resolve().parents[1]
PERFORMANCE_PAGE = REPO / "docs" / "performance.md"
BEGIN, END = "<!-- benchmark:begin -->", "<!-- benchmark:end -->"

# Runs in the child: builds one site and reports its own peak RSS (KiB on Linux).
CHILD = """
import json, resource, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
cfg = load_config(sys.argv[1])
cfg.plugins.on_startup(command="build", dirty=False)
build(cfg)
cfg.plugins.on_shutdown()
print(json.dumps({"rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


@dataclass(frozen=True)
class Measure:
    seconds: float
    rss_mib: float
    output_mib: float


def write_config(root: Path, plugins: list[object]) -> Path:
    config = {
        "site_name": "Benchmark",
        "site_url": "https://example.org/",
        "theme": {"name": "mkdocs"},
        "nav": [{"Home": "index.md"}],
        "plugins": plugins,
        "markdown_extensions": ["toc", "tables", "fenced_code"],
    }
    path = root / "mkdocs.yml"
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
    rss = json.loads(done.stdout.strip().splitlines()[-1])["rss_kib"] / 1024
    return Measure(seconds, rss, tree_size(config.parent / "site") / 2**20)


def median_of(config: Path, runs: int) -> Measure:
    measures = [build_once(config) for _ in range(runs)]
    return Measure(
        statistics.median(m.seconds for m in measures),
        max(m.rss_mib for m in measures),
        measures[-1].output_mib,
    )


def bench_size(count: int, runs: int, workdir: Path) -> tuple[Measure, Measure]:
    plugin_root, plain_root = workdir / f"plugin-{count}", workdir / f"plain-{count}"
    quicktakes = write_corpus(plugin_root / "docs", count)
    convert_by_hand(quicktakes, plain_root / "docs")
    plugin_config = write_config(plugin_root, ["search", "quicktakes"])
    plain_config = write_config(plain_root, ["search"])
    return median_of(plugin_config, runs), median_of(plain_config, runs)


def table(rows: list[tuple[int, Measure, Measure]]) -> str:
    lines = [
        "| pages | plugin (a) | by hand (b) | a/b | peak RSS a / b | output a / b |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for count, a, b in rows:
        lines.append(
            f"| {count:,} | {a.seconds:.1f} s | {b.seconds:.1f} s | {a.seconds / b.seconds:.2f} "
            f"| {a.rss_mib:.0f} / {b.rss_mib:.0f} MiB "
            f"| {a.output_mib:.0f} / {b.output_mib:.0f} MiB |"
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
            a, b = bench_size(count, args.runs, Path(tmp))
            rows.append((count, a, b))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    machine = f"{platform.python_implementation()} {platform.python_version()}"
    machine += f", {platform.machine()}, {os.cpu_count()} cores"
    text = f"{table(rows)}\n\nMedian of {args.runs} runs per cell; {machine}."
    print(text)
    if args.write:
        write_page(text)


if __name__ == "__main__":
    main()
