"""Reading benchmark: front matter and validation of every file, this tree against another.

Reads each corpus with ``parse_source`` and ``check_source`` (what the build and ``check`` do to
every file before rendering) in a fresh process per run, alternating between the two trees so a
slow spell of a shared machine slows both alike. Prints the best time of each tree per corpus
and their ratio.

    python benchmarks/reading.py --baseline /path/to/other/checkout --files 10000 --rounds 5
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from generate import write_corpus

HERE = Path(__file__).resolve().parents[1]
REAL = HERE.parent / "shared" / "corpus" / "real"

_TIMER = """
import sys, time, json
sys.path.insert(0, sys.argv[1])
from pathlib import Path
try:
    import mkdocs_quicktakes.records.source as source
except ImportError:  # a checkout from before the package was split into layers (issue 15)
    import mkdocs_quicktakes.source as source
check_source, parse_source = source.check_source, source.parse_source
files = [(p.name, p.read_bytes()) for p in sorted(Path(sys.argv[2]).rglob("*.md"))]
repeat = int(sys.argv[3])
best = float("inf")
for _ in range(3):
    started = time.perf_counter()
    for _ in range(repeat):
        for name, data in files:
            check_source(parse_source(data, name))
    best = min(best, time.perf_counter() - started)
print(json.dumps({"seconds": best, "files": len(files) * repeat, "module": source.__file__}))
"""


def time_tree(tree: Path, corpus: Path, repeat: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _TIMER, str(tree), str(corpus), str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout")
    parser.add_argument("--files", type=int, default=10_000, help="generated files")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        generated = Path(folder)
        write_corpus(generated, args.files)
        corpora = {"generated": (generated, 1), "real (x125)": (REAL, 125)}
        for name, (corpus, repeat) in corpora.items():
            best = {"baseline": float("inf"), "this tree": float("inf")}
            files = 0.0
            for _ in range(args.rounds):
                for label, tree in (("baseline", args.baseline), ("this tree", HERE)):
                    run = time_tree(tree, corpus, repeat)
                    best[label] = min(best[label], run["seconds"])
                    files = run["files"]
            ratio = best["this tree"] / best["baseline"]
            print(
                f"{name:12} {int(files):6d} files  baseline {best['baseline']:.3f} s  "
                f"this tree {best['this tree']:.3f} s  ratio {ratio:.3f}"
            )


if __name__ == "__main__":
    main()
