"""Fuzzing whole files: mutants of the real corpus never sink, stall or vanish from a build.

Each mutant is a real QuickTakes file changed at the YAML level (a value replaced by a huge or
negative number, an extreme date, an alias bomb, control characters, a long string, nested
emphasis, unbalanced brackets or ``$``, a url the build writes itself; a key deleted, duplicated or
renamed) or at the byte level (bytes flipped, inserted, deleted, the file cut short). It is built
in a small site beside two good real files, and checked with ``mkdocs-quicktakes check``:

- no exception escapes the build or the check;
- both good pages are built;
- the mutant is named in a message, or it is built (the site has a page more than without it);
- the build ends within a bound well above the per-file time limit.

CI runs a short campaign (``QT_FUZZ_MUTANTS``, default 24). A long one runs locally, e.g.
``QT_FUZZ_MUTANTS=600 QT_FUZZ_SEED=7 pytest tests/test_fuzz.py``; it prints the number of mutants
and the slowest build.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from typing import TYPE_CHECKING

import pytest
from conftest import CORPUS, build_pages, shared_files

from mkdocs_quicktakes.cli import check_docs

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

MUTANTS = int(os.environ.get("QT_FUZZ_MUTANTS", "24"))
SEED = int(os.environ.get("QT_FUZZ_SEED", "13"))
TIME_LIMIT = 1.0
"""The plugin's ``time_limit`` in these builds."""
BUILD_BOUND = 20.0
"""Seconds a whole small build may take: three files under the time limit, MkDocs' own work and
a machine shared with other jobs. A stalled build (minutes) fails it."""

# Every path a build of these sites writes besides the pages: a url set to one must be refused.
BUILD_PATHS = [
    "/sitemap.xml",
    "/sitemap.xml.gz",
    "/404.html",
    "/rss.xml",
    "/atom.xml",
    "/search/search_index.json",
    "/learn",
    "/learn/economics",
    "/learn/economics/rss.xml",
    "/learn/economics/page/2",
    "/quicktakes/quicktakes.css",
    "/css/base.css",
    "/js/base.js",
    "/index.html",
]
THEME_FILES = ("/css/base.css", "/js/base.js")
"""Files of the ``mkdocs`` theme: only the build knows the theme, ``check`` does not."""

_KEY_LINE = re.compile(r"( *)([A-Za-z_][\w]*):(.*)")


def alias_bomb() -> str:
    levels = ["&a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"&a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 8)]
    # One flow sequence holding every level: anchors defined before their aliases.
    return "[" + ", ".join(levels) + "]"


def yaml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted string


VALUES: list[Callable[[random.Random], str]] = [
    lambda r: "9" * r.choice([20, 309, 400, 5000]),
    lambda r: "-" + "9" * r.choice([20, 400, 5000]),
    lambda r: r.choice([".inf", "-.inf", ".nan", "1e999", "-0", "0x_", "0o777", "1_000"]),
    lambda r: r.choice(
        [
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-12:00",
            "2025-13-45",
            "2025-02-30",
            "0000-01-01",
            "2025-01-28T25:61:61",
        ]
    ),
    lambda r: alias_bomb(),
    lambda r: yaml_string("a\x00b\x07c\x1b[31md\x7f" * r.randint(1, 5)),
    lambda r: yaml_string("long " * r.choice([2_000, 20_000, 60_000])),
    lambda r: yaml_string("*a " * 1000 + " a*" * 1000),
    lambda r: yaml_string(r.choice(["[", "[a", "<", "$", "](", "$$"]) * r.randint(5_000, 50_000)),
    lambda r: yaml_string("$ 5 for kids and $ 10 for adults"),
    lambda r: yaml_string("\\n".join("- a" for _ in range(r.choice([100, 2_000])))),
    lambda r: yaml_string(r.choice(BUILD_PATHS)),
    lambda r: r.choice(
        ["[]", "{}", "~", "''", "[1, [2, [3]]]", "{a: {b: {c: d}}}", "!!binary AA=="]
    ),
    lambda r: "[" * 5_000 + "]" * 5_000,
]


def split(text: str) -> tuple[list[str], list[str]]:
    """The front-matter lines and the rest (closing line and body)."""
    lines = text.split("\n")
    closing = lines.index("---", 1)
    return lines[1:closing], lines[closing:]


def blocks(front: list[str]) -> list[tuple[int, int, str, str]]:
    """Each key's lines: start, end (exclusive), indent and key; nested keys too."""
    found = []
    for start, line in enumerate(front):
        match = _KEY_LINE.fullmatch(line)
        if match is None:
            continue
        indent = len(match.group(1))
        end = start + 1
        while end < len(front) and (
            not front[end].strip() or len(front[end]) - len(front[end].lstrip()) > indent
        ):
            end += 1
        found.append((start, end, match.group(1), match.group(2)))
    return found


def yaml_mutant(text: str, rng: random.Random) -> tuple[str, str]:
    front, rest = split(text)
    keyed = blocks(front)
    answer = [block for block in keyed if block[3] in ("answer", "title", "date", "score")]
    # The answer and the keys the build sorts and prints by are where a file costs most.
    start, end, indent, key = rng.choice(answer if answer and rng.random() < 0.4 else keyed)
    action = rng.choice(["value", "value", "value", "url", "delete", "duplicate", "rename"])
    if action == "url":
        url = [i for i, line in enumerate(front) if line.startswith("url:")]
        if url:
            start, end, indent, key = start, end, "", "url"
            start, end = url[0], url[0] + 1
        replaced = [f"url: {yaml_string(rng.choice(BUILD_PATHS))}"]
        action = f"url={replaced[0]}"
    elif action == "value":
        value = rng.choice(VALUES)(rng)
        replaced = [f"{indent}{key}: {value}"]
        action = f"value {key}={value[:40]!r}"
    elif action == "delete":
        replaced = []
    elif action == "duplicate":
        replaced = front[start:end] * 2
    else:
        new_key = rng.choice(["Question", "answer ", "qüestion", "answer2", "title.x", "seo"])
        replaced = [front[start].replace(key, new_key, 1), *front[start + 1 : end]]
    mutated = front[:start] + replaced + front[end:]
    return "\n".join(["---", *mutated, *rest]), f"yaml {action} ({key})"


def byte_mutant(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    data = bytearray(data)
    action = rng.choice(["flip", "insert", "delete", "truncate", "control"])
    at = rng.randrange(len(data))
    if action == "flip":
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif action == "insert":
        data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif action == "delete":
        del data[at : at + rng.randint(1, 200)]
    elif action == "truncate":
        del data[at:]
    else:
        data[at:at] = rng.choice([b"\x1b[2J", b"\x00", b"\r", b"\xef\xbb\xbf", b"\n---\n", b"\t"])
    return bytes(data), f"bytes {action} at {at}"


def mutants(files: list[Path], count: int, seed: int) -> list[tuple[str, bytes, str]]:
    rng = random.Random(seed)
    made = []
    for n in range(count):
        source = rng.choice(files)
        if n % 3 == 2:
            data, how = byte_mutant(source.read_bytes(), rng)
        else:
            text, how = yaml_mutant(source.read_text("utf-8"), rng)
            data = text.encode("utf-8", "surrogatepass")
        made.append((f"{n:04d}-{source.stem[:30]}", data, how))
    return made


@pytest.fixture(scope="module")
def corpus() -> list[Path]:
    return shared_files(CORPUS)


@pytest.fixture(scope="module")
def good_pages(corpus: list[Path]) -> dict[str, Path]:
    economics = [p for p in corpus if "ols" in p.name]
    return {"good-one.md": economics[0], "good-two.md": economics[1]}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, good_pages: dict[str, Path]) -> set[str]:
    """The html files of a site with the good pages only."""
    site = build_pages(
        tmp_path_factory.mktemp("baseline"),
        {},
        copy=good_pages,
        strict=False,
        plugin={"time_limit": TIME_LIMIT},
    )
    return html_files(site.site_dir)


def html_files(site_dir: Path) -> set[str]:
    return {str(p.relative_to(site_dir)) for p in site_dir.rglob("*.html")}


def good_outputs(baseline: set[str]) -> list[str]:
    return sorted(path for path in baseline if "/questions/" in path)


SLOWEST: list[tuple[float, str]] = []


@pytest.mark.parametrize("index", range(MUTANTS))
def test_a_mutant_never_sinks_stalls_or_vanishes(
    index: int,
    corpus: list[Path],
    good_pages: dict[str, Path],
    baseline: set[str],
    tmp_path: Path,
) -> None:
    name, data, how = mutants(corpus, MUTANTS, SEED)[index]
    mutant = tmp_path / "mutant.md"
    mutant.write_bytes(data)
    root = tmp_path / "site"
    started = time.perf_counter()
    site = build_pages(
        root,
        {},
        copy={**good_pages, "mutant.md": mutant},
        strict=False,
        plugin={"time_limit": TIME_LIMIT},
    )
    elapsed = time.perf_counter() - started
    SLOWEST.append((elapsed, f"{name}: {how}"))
    assert elapsed < BUILD_BOUND, how
    built = html_files(site.site_dir)
    good = good_outputs(baseline)
    assert len(good) == 2
    assert set(good) <= built, how
    messages = [m for m in site.messages() if "mutant.md" in m]
    assert messages or built - baseline, f"{how}: neither named nor built"
    report = check_docs(root / "docs", time_limit=TIME_LIMIT)
    if any("expected" in m for m in messages) and not any(f in how for f in THEME_FILES):
        # Whatever the build names, check names too (its own rules, the same reader).
        assert [p for p in report.problems if p.file == "mutant.md"], how


def test_zz_report_the_campaign(capsys: pytest.CaptureFixture[str]) -> None:
    """Print the campaign's size and its slowest builds (runs after the mutants)."""
    with capsys.disabled():
        worst = sorted(SLOWEST, reverse=True)[:5]
        sys.stdout.write(f"\nfuzz: {len(SLOWEST)} mutants (seed {SEED}); slowest builds:\n")
        for seconds, what in worst:
            sys.stdout.write(f"  {seconds:6.2f} s  {what}\n")
