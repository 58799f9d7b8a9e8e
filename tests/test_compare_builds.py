"""``benchmarks/compare_builds.py compare``, run as a command on small hand-made snapshots."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "compare_builds.py"


def snapshot(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def compare(tmp_path: Path, a: dict[str, bytes], b: dict[str, bytes]) -> tuple[int, str]:
    trees = snapshot(tmp_path / "a", a), snapshot(tmp_path / "b", b)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "compare", *map(str, trees)], capture_output=True, text=True
    )
    return done.returncode, done.stdout


SITE = {"case/index.html": b"<p>One</p>\n", "case/sitemap.xml.gz": gzip.compress(b"<x/>", mtime=1)}


def test_identical_snapshots_exit_0_and_count_the_files(tmp_path: Path) -> None:
    assert compare(tmp_path, SITE, dict(SITE)) == (0, "identical: 2 files compared\n")


@pytest.mark.parametrize(
    "changed",
    [
        {**SITE, "case/index.html": b"<p>One</p>"},  # one byte less
        {**SITE, "case/sitemap.xml.gz": gzip.compress(b"<x/>", mtime=2)},  # only the gzip mtime
        {"case/index.html": SITE["case/index.html"]},  # a missing file
        {**SITE, "case/new.html": b""},  # an extra file
    ],
)
def test_any_difference_exits_1(tmp_path: Path, changed: dict[str, bytes]) -> None:
    code, output = compare(tmp_path, SITE, changed)
    assert code == 1
    assert "DIFFERENT" in output


def pagefind(filter_hash: str, values: bytes) -> dict[str, bytes]:
    """A Pagefind index with one filter, written in CBOR by hand, named after ``filter_hash``."""
    meta = b"pagefind_dcd\x81\x82gsubjectj" + f"en_{filter_hash}".encode()
    meta_hash = filter_hash[::-1]
    entry = b'{"languages":{"en":{"hash":"en_' + meta_hash.encode() + b'"}}}'
    return {
        f"case/pagefind/filter/en_{filter_hash}.pf_filter": gzip.compress(
            b"pagefind_dcd\x82gsubject" + values
        ),
        f"case/pagefind/pagefind.en_{meta_hash}.pf_meta": gzip.compress(meta),
        "case/pagefind/pagefind-entry.json": entry,
    }


PHYSICS, MATHS = b"\x82gPhysics\x81\x01", b"\x82eMaths\x82\x02\x03"  # [value, [pages]]


def test_pagefind_filter_values_in_another_order_are_the_same_index(tmp_path: Path) -> None:
    a = pagefind("1234567", b"\x82" + PHYSICS + MATHS)
    b = pagefind("abcdef0", b"\x82" + MATHS + PHYSICS)
    assert compare(tmp_path, a, b) == (0, "identical: 3 files compared\n")


def test_pagefind_filter_values_that_differ_are_a_difference(tmp_path: Path) -> None:
    a = pagefind("1234567", b"\x82" + PHYSICS + MATHS)
    b = pagefind("abcdef0", b"\x82" + MATHS + PHYSICS.replace(b"\x01", b"\x04"))
    code, output = compare(tmp_path, a, b)
    assert code == 1
    assert "case/pagefind/filter/en_#.pf_filter" in output
