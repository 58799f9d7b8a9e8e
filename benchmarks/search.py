"""Search benchmark: MkDocs' search index against Pagefind, on the same generated corpus.

For each size N (``benchmarks/generate.py``, ``mkdocs`` theme, nav cut down) it builds, each in a
fresh process and taking turns within each round:

- ``none``: the plugin without any search (the baseline of the index times);
- ``mkdocs full``: MkDocs' ``search`` plugin, the plugin's default ``search_text: full``;
- ``mkdocs summary``: the same with ``search_text: summary``;
- ``pagefind``: ``search_engine: pagefind``, no ``search`` plugin.

Per engine it reports: the index time (the build's wall time minus the baseline's in the same
round; for Pagefind also the time the plugin logs for Pagefind alone), the index size on disk
(``search/search_index.json``; the ``pagefind/`` folder) and the bytes a browser downloads for a
first query. MkDocs' search downloads its scripts and the whole index before it answers, so that
is their size; for Pagefind, headless Chromium types the question of one page into the theme's
search box and the local server counts the bytes it sends. ``--write`` puts the table into
``docs/performance.md`` between its search markers.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from generate import write_corpus
from run import tree_size, write_config

REPO = Path(__file__).resolve().parents[1]
PERFORMANCE_PAGE = REPO / "docs" / "performance.md"
BEGIN, END = "<!-- search-bench:begin -->", "<!-- search-bench:end -->"
ENGINES: dict[str, list[object]] = {
    "none": ["quicktakes"],
    "mkdocs full": ["search", "quicktakes"],
    "mkdocs summary": ["search", {"quicktakes": {"search_text": "summary"}}],
    "pagefind": [{"quicktakes": {"search_engine": "pagefind"}}],
}
PAGEFIND_TIME = re.compile(r"Pagefind read the \d+ HTML files of the site in ([\d.]+) s")


def build(config: Path) -> tuple[float, float]:
    """Wall time of one build in a fresh process, and the time Pagefind took (0 without)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config)],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    found = PAGEFIND_TIME.search(done.stderr + done.stdout)
    return seconds, float(found.group(1)) if found else 0.0


class _LoggingHandler(SimpleHTTPRequestHandler):
    sent: ClassVar[list[tuple[str, int]]] = []

    def send_header(self, keyword: str, value: str) -> None:
        if keyword == "Content-Length":
            self.sent.append((self.path, int(value)))
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def pagefind_query_bytes(site_dir: Path, query: str) -> int:
    """Bytes the local server sends while Chromium answers ``query`` in the search modal.

    Prints each file fetched and its size, so a growing part (Pagefind's metadata) shows.
    """
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_LoggingHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    offline = '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"'
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", offline]
            )
            page = browser.new_page()
            page.goto(origin, wait_until="networkidle")
            _LoggingHandler.sent.clear()
            page.click('[data-bs-target="#mkdocs_search_modal"]')
            page.fill("#mkdocs-search-query", query)
            page.locator("#mkdocs-search-results article").first.wait_for(timeout=60_000)
            page.wait_for_load_state("networkidle")
            browser.close()
        for path, size in _LoggingHandler.sent:
            print(f"  first query fetched {path} ({size:,} bytes)", flush=True)
        return sum(size for _, size in _LoggingHandler.sent)
    finally:
        server.shutdown()
        server.server_close()


def mkdocs_query_bytes(site_dir: Path) -> int:
    """MkDocs' search: its scripts and the whole index, all fetched before the first result."""
    return sum(path.stat().st_size for path in (site_dir / "search").iterdir())


def bench_size(count: int, runs: int, workdir: Path, engines: list[str]) -> list[str]:
    root = workdir / f"corpus-{count}"
    paths = write_corpus(root / "docs", count)
    question = yaml.safe_load(paths[count // 2].read_text("utf-8").split("---\n")[1])["question"]
    configs = {
        name: write_config(root, plugins, f"{name.replace(' ', '-')}.yml")
        for name, plugins in ENGINES.items()
        if name == "none" or name in engines
    }
    rounds = [{name: build(config) for name, config in configs.items()} for _ in range(runs)]

    def index_time(name: str) -> float:
        return statistics.median(r[name][0] - r["none"][0] for r in rounds)

    rows = []
    for name in ("mkdocs full", "mkdocs summary"):
        if name not in engines:
            continue
        site = root / f"site-{name.replace(' ', '-')}"  # as run.write_config names it
        size = (site / "search" / "search_index.json").stat().st_size
        rows.append(
            f"| {count:,} | {name} | {index_time(name):+.1f} s | {size / 2**20:.1f} MiB "
            f"| {mkdocs_query_bytes(site) / 2**20:.2f} MiB |"
        )
    if "pagefind" in engines:
        rows.append(_pagefind_row(count, rounds, root, question, index_time("pagefind")))
    baseline = statistics.median(r["none"][0] for r in rounds)
    rows.append(f"| {count:,} | (no search: the baseline build) | {baseline:.1f} s | | |")
    return rows


Rounds = list[dict[str, tuple[float, float]]]


def _pagefind_row(count: int, rounds: Rounds, root: Path, question: str, added: float) -> str:
    site = root / "site-pagefind"
    alone = statistics.median(r["pagefind"][1] for r in rounds)
    query = pagefind_query_bytes(site, question)
    return (
        f"| {count:,} | pagefind | {added:+.1f} s (Pagefind alone {alone:.1f} s) "
        f"| {tree_size(site / 'pagefind') / 2**20:.1f} MiB | {query / 2**20:.2f} MiB |"
    )


HEADER = (
    "| pages | engine | index time (build minus baseline) | index on disk "
    "| first query downloads |\n"
    "|---:|---|---:|---:|---:|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=[name for name in ENGINES if name != "none"],
        default=[name for name in ENGINES if name != "none"],
        help="the engines to build besides the baseline (at 100,000 pages 'mkdocs full' "
        "writes an index of about 0.5 GiB)",
    )
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep the sites")
    args = parser.parse_args()
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="qt-search-bench-") as tmp:
        for count in args.sizes:
            new = bench_size(count, args.runs, args.keep or Path(tmp), args.engines)
            print("\n".join(new), flush=True)
            rows += new
    machine = f"{platform.python_implementation()} {platform.python_version()}"
    machine += f", {platform.machine()}, {os.cpu_count()} cores"
    text = f"{HEADER}\n" + "\n".join(rows)
    text += f"\n\nMedian of {args.runs} run(s) per cell, the engines taking turns; {machine}."
    print(text)
    if args.write:
        page = PERFORMANCE_PAGE.read_text(encoding="utf-8")
        head, _, rest = page.partition(BEGIN)
        _, _, tail = rest.partition(END)
        PERFORMANCE_PAGE.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
