"""Proof that a change leaves every built file byte-identical: build, snapshot, compare.

    python benchmarks/compare_builds.py snapshot OUT
    python benchmarks/compare_builds.py compare A B
    python benchmarks/compare_builds.py against REV [--keep DIR]

``snapshot`` builds each case below with this checkout's package into ``OUT/<case>/``, each in
a fresh ``python -m mkdocs build --strict`` process (the running interpreter) whose
``PYTHONPATH`` starts with the package's checkout; the process checks that
``mkdocs_quicktakes`` really comes from there and stops otherwise (an editable install or the
working directory could win). The cases:

- ``corpus-<theme>``: the 80 real files of ``../shared/corpus/real/`` and the seed of
  ``../shared/seed/`` in one site, as ``tests/test_corpus.py`` builds it, in the ``mkdocs``,
  ``readthedocs`` and ``material`` themes; copied to a temporary folder, never into the repo;
- ``corpus-pagefind`` and ``corpus-summary``: the same site (``mkdocs`` theme) with
  ``search_engine: pagefind`` and with ``search_text: summary``;
- ``example-<theme>``: ``example_site/`` through its config for each theme (``mkdocs.yml``, and
  ``mkdocs-readthedocs.yml`` and ``mkdocs-material.yml``, which INHERIT it).

The inputs (corpus, example site) always come from this checkout; only the package differs.

``compare`` walks two snapshots and reports missing, extra and different files (with a short
unified diff of the first few different text files); exit status 1 on any difference.

``against REV`` makes a temporary ``git worktree`` of REV, snapshots with its package, then
with this checkout's (uncommitted changes included), compares and removes the worktree.

Determinism: every build runs with ``SOURCE_DATE_EPOCH`` set, which MkDocs uses for the build
date (the ``mkdocs`` theme's "Build Date UTC" comment, the sitemap's ``lastmod``, the mtime in
the header of ``sitemap.xml.gz``). With it, two snapshots of the same code are byte-identical,
but for one thing, the only normalisation ``compare`` makes (see :func:`contents`):

- Pagefind (``corpus-pagefind``) writes the values of its filter index in an order that changes
  from run to run (Pagefind/pagefind#638), and names that file and the meta index after a hash
  of their bytes: the filter index is compared with its values sorted, and those two hashes are
  replaced by ``#`` in the names and in the files that hold them.

Every other file is compared byte for byte, as it is. (``.gz`` files are decompressed only to
show a readable diff once they differ.)
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS_FOLDERS = (SHARED / "corpus" / "real", SHARED / "seed")
EXAMPLE_SITE = REPO / "example_site"
THEMES = ("mkdocs", "readthedocs", "material")
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01 00:00 UTC
DIFFS_SHOWN, DIFF_LINES, NAMES_SHOWN = 3, 40, 20

# Runs in the build process: refuse a package from anywhere but the given checkout, then run
# `python -m mkdocs` with the remaining arguments.
CHILD = """
import runpy, sys
from pathlib import Path
import mkdocs_quicktakes
checkout = Path(sys.argv[1]).resolve()
found = Path(mkdocs_quicktakes.__file__).resolve()
if checkout not in found.parents:
    sys.exit(f"compare_builds: mkdocs_quicktakes comes from {found}, not from {checkout}")
sys.argv = ["mkdocs", *sys.argv[2:]]
runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Case:
    """One site to build: the corpus with plugin options, or the example site, in a theme."""

    name: str
    theme: str
    example: bool = False
    plugin: dict[str, str] = field(default_factory=dict)


CASES = (
    *(Case(f"corpus-{theme}", theme) for theme in THEMES),
    Case("corpus-pagefind", "mkdocs", plugin={"search_engine": "pagefind"}),
    Case("corpus-summary", "mkdocs", plugin={"search_text": "summary"}),
    *(Case(f"example-{theme}", theme, example=True) for theme in THEMES),
)


def corpus_docs(folder: Path) -> Path:
    """Copy the real corpus and the seed (their Markdown files) into ``folder/docs``."""
    docs = folder / "docs"
    docs.mkdir(parents=True)
    for source in CORPUS_FOLDERS:
        files = sorted(source.glob("*.md"))
        if not files:
            sys.exit(f"compare_builds: {source} is missing or empty (the corpus is read there)")
        for path in files:
            shutil.copyfile(path, docs / path.name)
    return docs


def case_config(case: Case, work: Path, docs: Path) -> Path:
    """The config file of ``case``: the example site's own, or a corpus site's written to work."""
    if case.example:
        name = "mkdocs.yml" if case.theme == "mkdocs" else f"mkdocs-{case.theme}.yml"
        return EXAMPLE_SITE / name
    search = [] if case.plugin.get("search_engine") == "pagefind" else ["search"]
    config: dict[str, Any] = {
        "site_name": "Test Site",
        "site_url": "https://example.org/",
        "docs_dir": str(docs),
        "theme": {"name": case.theme},
        "plugins": [*search, {"quicktakes": case.plugin}],
    }
    path = work / f"{case.name}.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def build(config: Path, site_dir: Path, checkout: Path, work: Path) -> None:
    """Build ``config`` into ``site_dir`` in a new process importing the package of checkout."""
    # NO_MKDOCS_2_WARNING only quiets the material theme's notice on stderr.
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), env.get("PYTHONPATH")]))
    command = [sys.executable, "-c", CHILD, str(checkout), "build", "--strict", "--quiet"]
    # The working directory comes first on `python -c`'s path: keep it away from any checkout.
    subprocess.run(
        [*command, "-f", str(config), "-d", str(site_dir)], env=env, cwd=work, check=True
    )


def files_of(tree: Path) -> dict[str, Path]:
    """Every file below ``tree``, by its path relative to it."""
    return {p.relative_to(tree).as_posix(): p for p in sorted(tree.rglob("*")) if p.is_file()}


def snapshot(out: Path, checkout: Path = REPO) -> None:
    """Build every case with the package of ``checkout`` into ``out/<case>/``."""
    if out.exists() and any(out.iterdir()):
        sys.exit(f"compare_builds: {out} is not empty")
    print(f"snapshot of {checkout} into {out}")
    with tempfile.TemporaryDirectory(prefix="compare-builds-") as tmp:
        work = Path(tmp)
        docs = corpus_docs(work / "corpus")
        started = time.perf_counter()
        for case in CASES:
            begin = time.perf_counter()
            build(case_config(case, work, docs), out / case.name, checkout, work)
            count = len(files_of(out / case.name))
            print(f"  {case.name:<20} {count:>5} files {time.perf_counter() - begin:6.1f} s")
        print(f"  {len(files_of(out))} files in {time.perf_counter() - started:.1f} s")


def cbor(data: bytes, at: int = 0) -> tuple[Any, int]:
    """Decode the CBOR item at ``at`` (numbers, texts, arrays) and the offset after it."""
    kind, size = data[at] >> 5, data[at] & 31
    at += 1
    if size >= 24:  # the size follows in 1, 2, 4 or 8 bytes
        width = 1 << (size - 24)
        size, at = int.from_bytes(data[at : at + width], "big"), at + width
    if kind == 0:
        return size, at
    if kind == 3:
        return data[at : at + size].decode("utf-8"), at + size
    if kind != 4:
        raise ValueError(f"CBOR item of major type {kind} at byte {at - 1}")
    items = []
    for _ in range(size):
        item, at = cbor(data, at)
        items.append(item)
    return items, at


PAGEFIND_HEADER = b"pagefind_dcd"


def contents(tree: Path) -> dict[str, bytes]:
    """Every file below ``tree`` by relative path, as it is, but Pagefind's three unstable files.

    Pagefind writes the values of a filter index (``[filter, [[value, [pages]], ...]]`` in CBOR)
    in hash-map order, which changes from run to run, and names the file, and the meta index that
    names it, after a hash of their bytes. So a filter index is compared decoded with its values
    sorted, and the hashes in the two names are replaced (in the names, in the meta index and in
    ``pagefind-entry.json``) by ``#``.
    """
    files = {name: path.read_bytes() for name, path in files_of(tree).items()}
    hashes: dict[bytes, bytes] = {}
    for pattern in ("*/pagefind/filter/*.pf_filter", "*/pagefind/pagefind.*.pf_meta"):
        for name in sorted(fnmatch.filter(files, pattern)):
            data = gzip.decompress(files.pop(name))
            if name.endswith(".pf_filter"):
                (filter_name, values), _ = cbor(data, len(PAGEFIND_HEADER))
                data = repr([filter_name, sorted(values)]).encode("utf-8")
            for old, placeholder in hashes.items():
                data = data.replace(old, placeholder)
            index = name.rsplit("/", 1)[1].split(".")[-2]  # en_e7d1ebe: language _ hash
            hashes[index.encode()] = index.rsplit("_", 1)[0].encode() + b"_#"
            files[name.replace(index, hashes[index.encode()].decode())] = data
    for name in fnmatch.filter(files, "*/pagefind/pagefind-entry.json"):
        for old, placeholder in hashes.items():
            files[name] = files[name].replace(old, placeholder)
    return files


def readable(name: str, data: bytes) -> list[str] | None:
    """The lines of a text file (of a ``.gz`` file, its decompressed text); None for binaries."""
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    try:
        return data.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return None


def show_diff(name: str, a: bytes, b: bytes) -> None:
    """Print the first lines of the unified diff of two versions of a text file."""
    old, new = readable(name, a), readable(name, b)
    if old is None or new is None:
        print(f"  (binary: {len(a)} and {len(b)} bytes)")
        return
    diff = list(difflib.unified_diff(old, new, f"a/{name}", f"b/{name}", n=1))
    for line in diff[:DIFF_LINES]:
        print("  " + line.rstrip("\n")[:200])
    if len(diff) > DIFF_LINES:
        print(f"  ... {len(diff) - DIFF_LINES} more diff lines")


def list_names(title: str, names: list[str]) -> None:
    if names:
        print(f"{title} ({len(names)}):")
        for name in names[:NAMES_SHOWN]:
            print(f"  {name}")
        if len(names) > NAMES_SHOWN:
            print(f"  ... and {len(names) - NAMES_SHOWN} more")


def compare(a: Path, b: Path) -> int:
    """Compare two snapshots file by file; print what differs; 1 if anything does, else 0."""
    for tree in (a, b):
        if not tree.is_dir():
            sys.exit(f"compare_builds: {tree} is not a folder")
    old, new = contents(a), contents(b)
    common = sorted(old.keys() & new.keys())
    different = [name for name in common if old[name] != new[name]]
    list_names(f"only in {a}", sorted(old.keys() - new.keys()))
    list_names(f"only in {b}", sorted(new.keys() - old.keys()))
    list_names("different", different)
    for name in different[:DIFFS_SHOWN]:
        print(f"diff of {name}:")
        show_diff(name, old[name], new[name])
    same = len(common) - len(different)
    if same == len(old) == len(new):
        print(f"identical: {same} files compared")
        return 0
    print(
        f"DIFFERENT: {same} identical, {len(different)} different, {len(old) - len(common)} "
        f"only in {a}, {len(new) - len(common)} only in {b}"
    )
    return 1


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def against(rev: str, keep: Path | None) -> int:
    """Snapshot REV (in a temporary worktree) and this checkout, then compare the two."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    changed = git("status", "--porcelain", "--untracked-files=no")
    dirty = " with uncommitted changes" if changed else ""
    print(f"{rev} is {commit[:10]}; this checkout is {git('rev-parse', 'HEAD')[:10]}{dirty}")
    with tempfile.TemporaryDirectory(prefix="compare-builds-") as tmp:
        out = keep or Path(tmp)
        tree = Path(tmp) / "worktree"
        git("worktree", "add", "--detach", str(tree), commit)
        try:
            snapshot(out / f"rev-{commit[:10]}", tree)
        finally:
            git("worktree", "remove", "--force", str(tree))
        snapshot(out / "checkout")
        return compare(out / f"rev-{commit[:10]}", out / "checkout")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("snapshot", help="build every case into OUT").add_argument("out", type=Path)
    pair = commands.add_parser("compare", help="compare two snapshots; exit 1 if they differ")
    pair.add_argument("a", type=Path)
    pair.add_argument("b", type=Path)
    rev = commands.add_parser("against", help="compare the builds of REV and of this checkout")
    rev.add_argument("rev")
    rev.add_argument("--keep", type=Path, help="keep both snapshots in this folder")
    args = parser.parse_args()
    if args.command == "snapshot":
        snapshot(args.out.resolve())
        return 0
    if args.command == "compare":
        return compare(args.a, args.b)
    return against(args.rev, args.keep.resolve() if args.keep else None)


if __name__ == "__main__":
    sys.exit(main())
