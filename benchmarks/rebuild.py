"""Rebuild benchmark: what `mkdocs serve` pays after a one-file edit, with the plugin's cache warm.

In one process, as ``mkdocs serve`` does (a new config each build, the same plugin object): a
cold build, then a rebuild after editing one answer, then the same with ``--dirty`` semantics
(MkDocs skips pages whose source is older than their output; hubs and feeds are always rebuilt).
Then, each in a new process as ``mkdocs build`` in CI: a build that fills the ``cache_dir``, and
a build after a one-file edit that finds it filled.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

sys.path.insert(0, str(Path(__file__).parent))
from generate import write_corpus
from run import build_once, write_config


def timed_build(config_file: Path, *, dirty: bool) -> float:
    """One build as ``mkdocs serve`` runs it: its web server thread running beside the build."""
    server_stops = threading.Event()
    server = threading.Thread(target=server_stops.wait, daemon=True)
    server.start()  # a process with threads may not fork: workers are spawned, none look ahead
    try:
        start = time.perf_counter()
        config = load_config(str(config_file))
        config.plugins.on_startup(command="serve", dirty=dirty)
        build(config, dirty=dirty)
        return time.perf_counter() - start
    finally:
        server_stops.set()
        server.join()


def edit_one(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    # A word inside the answer: valid YAML however the answer is quoted.
    space = text.index(" ", text.index("answer: ") + len("answer: ") + 1)
    path.write_text(f"{text[:space]} edited{text[space:]}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--pipeline", choices=("mkdocs", "direct"), default="mkdocs")
    parser.add_argument("--serve-only", action="store_true", help="skip the cache_dir builds")
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="qt-rebuild-") as tmp:
        root = Path(tmp)
        paths = write_corpus(root / "docs", args.size)
        plugin = {"quicktakes": {"pipeline": args.pipeline}}
        config_file = write_config(root, ["search", plugin])
        cold = timed_build(config_file, dirty=False)
        edit_one(paths[0])
        warm = timed_build(config_file, dirty=False)
        if args.serve_only:
            print(f"| {args.size:,} pages, pipeline: {args.pipeline} | cold | one-file edit |")
            print(f"| `mkdocs serve` | {cold:.1f} s | {warm:.1f} s ({cold / warm:.1f}x) |")
            return
        time.sleep(0.01)  # the edited file must be newer than its output for --dirty
        edit_one(paths[1])
        dirty = timed_build(config_file, dirty=True)
        cached = {"quicktakes": {"cache_dir": ".cache"}}
        cached_config = write_config(root, ["search", cached], "mkdocs-cached.yml")
        filling = build_once(cached_config).seconds
        edit_one(paths[2])
        filled = build_once(cached_config).seconds
    print(f"| {args.size:,} pages | cold | one-file edit | same, --dirty |")
    print("|---|---:|---:|---:|")
    print(f"| `mkdocs serve` | {cold:.1f} s | {warm:.1f} s ({cold / warm:.1f}x) ", end="")
    print(f"| {dirty:.1f} s ({cold / dirty:.1f}x) |")
    print(f"| `mkdocs build`, `cache_dir` | {filling:.1f} s | {filled:.1f} s ", end="")
    print(f"({filling / filled:.1f}x) | |")


if __name__ == "__main__":
    main()
