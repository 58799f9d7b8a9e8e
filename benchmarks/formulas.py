"""Formula conversion benchmark: latex2mathml (the plugin before math-core) against math-core.

For each corpus (the real files of ``../shared`` and the benchmark's generated corpus) it takes
every formula of every answer, as the plugin finds them, and converts them all, uncached:

- **before**: the plugin's ``latex_to_mathml`` as it was at ``--before`` (default ``a6f3b23``,
  the last commit with latex2mathml), read from git and run as it was: preparing the LaTeX,
  latex2mathml, parsing and checking the result;
- **after**: today's ``latex_to_mathml`` (math-core, the allowlist check, the ``mstyle`` step);
- **latex2mathml alone** and **math-core alone**: the two converters without the plugin's
  steps around them;
- with ``--previous COMMIT``, also the plugin's math-core ``latex_to_mathml`` at that commit,
  to measure a change to the steps around math-core against the code before it.

The four take turns, ``--rounds`` times, so a busy machine slows them alike; each figure is the
median round. It reports the cost per formula, per page (all formulas of a page) and per
math-heavy page (the tenth of pages with the most formulas). latex2mathml is no dependency of
the plugin any more: install it beside it to run this (``pip install latex2mathml``).
"""

from __future__ import annotations

import argparse
import inspect
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import types
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import frontmatter

sys.path.insert(0, str(Path(__file__).parent))
from generate import write_corpus

from mkdocs_quicktakes.answer import math as mathml
from mkdocs_quicktakes.answer.prepare import prepare_answer

if TYPE_CHECKING:
    from collections.abc import Callable

    from mkdocs_quicktakes.answer.placeholders import MathSpan

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

Page = list["MathSpan"]


def formulas_of(paths: list[Path]) -> list[Page]:
    """Every page's formulas, found as the plugin finds them."""
    pages = []
    for path in paths:
        answer = frontmatter.load(str(path)).get("answer")
        if isinstance(answer, str):
            pages.append(list(prepare_answer(answer).math))
    return pages


def converter_before(commit: str) -> Callable[[str, bool], str]:
    """The plugin's uncached ``latex_to_mathml`` at ``commit``, as it ran then.

    Before the package was split into layers (issue 15) the module was ``mathml.py`` and took
    the placeholder helpers from ``answer.py``; they are imported from where they are now.
    """
    source = ""
    for path in ("mkdocs_quicktakes/answer/math.py", "mkdocs_quicktakes/mathml.py"):
        shown = subprocess.run(
            ["git", "show", f"{commit}:{path}"], cwd=REPO, capture_output=True, text=True
        )
        if shown.returncode == 0:
            source = shown.stdout
            break
    else:
        raise SystemExit(f"{commit} has no mathml.py nor answer/math.py")
    source = source.replace(
        "from mkdocs_quicktakes.answer import", "from mkdocs_quicktakes.answer.placeholders import"
    )
    module = types.ModuleType("mathml_before")
    module.__dict__["__name__"] = "mathml_before"
    exec(compile(source, f"{commit}:mathml.py", "exec"), module.__dict__)
    uncached = module.__dict__["_cached_mathml"].__wrapped__
    if "macros" in inspect.signature(uncached).parameters:  # math-core, with math_macros
        return lambda tex, display: uncached(tex, display, ())  # type: ignore[no-any-return]
    return uncached  # type: ignore[no-any-return]


def converter_latex2mathml() -> Callable[[str, bool], str]:
    from latex2mathml.converter import convert as latex2mathml

    def convert(tex: str, display: bool) -> str:
        return str(latex2mathml(tex, display="block" if display else "inline"))

    return convert


def converter_after() -> Callable[[str, bool], str]:
    def convert(tex: str, display: bool) -> str:
        return mathml._cached_mathml.__wrapped__(tex, display, ())

    return convert


def converter_math_core() -> Callable[[str, bool], str]:
    converter = mathml._converter(())

    def convert(tex: str, display: bool) -> str:
        return converter.convert_with_local_state(tex, displaystyle=display)

    return convert


def page_seconds(convert: Callable[[str, bool], str], pages: list[Page]) -> list[float]:
    """Seconds to convert each page's formulas, failures included (they cost too)."""
    times = []
    for page in pages:
        start = time.perf_counter()
        for span in page:
            try:
                convert(span.tex, span.display)
            except Exception:  # a rejected formula is part of the work
                continue
        times.append(time.perf_counter() - start)
    return times


def measure(
    converters: dict[str, Callable[[str, bool], str]], pages: list[Page], rounds: int
) -> dict[str, list[float]]:
    """Per page, the median over ``rounds`` of each converter's seconds; converters alternate."""
    runs: dict[str, list[list[float]]] = {name: [] for name in converters}
    names = list(converters)
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            runs[name].append(page_seconds(converters[name], pages))
    return {
        name: [statistics.median(r) for r in zip(*rs, strict=True)] for name, rs in runs.items()
    }


def report(title: str, pages: list[Page], medians: dict[str, list[float]]) -> list[str]:
    formulas = sum(map(len, pages))
    heavy_count = max(1, len(pages) // 10)
    heavy = sorted(range(len(pages)), key=lambda i: len(pages[i]), reverse=True)[:heavy_count]
    heavy_formulas = sum(len(pages[i]) for i in heavy)
    lines = [
        f"**{title}**: {len(pages)} pages, {formulas} formulas ({formulas / len(pages):.1f} a "
        f"page); math-heavy pages: the {heavy_count} with the most formulas "
        f"({heavy_formulas / heavy_count:.1f} a page).",
        "",
        "| converter | per formula | per page | per math-heavy page |",
        "|---|---:|---:|---:|",
    ]
    for name, times in medians.items():
        total = sum(times)
        lines.append(
            f"| {name} | {total / formulas * 1e3:.4f} ms | {total / len(pages) * 1e3:.3f} ms "
            f"| {sum(times[i] for i in heavy) / heavy_count * 1e3:.3f} ms |"
        )
    before, after = (sum(medians[name]) for name in list(medians)[:2])
    lines += ["", f"before / after: {before / after:.0f}x", ""]
    return lines


@lru_cache(maxsize=1)
def generated_pages(count: int) -> list[Page]:
    with tempfile.TemporaryDirectory() as folder:
        return formulas_of(write_corpus(Path(folder), count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default="a6f3b23", help="commit of the latex2mathml plugin")
    parser.add_argument(
        "--previous", help="also a commit of the math-core plugin, to compare a change with"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--generated", type=int, default=1000, help="generated pages")
    args = parser.parse_args()
    converters = {
        "before: latex2mathml (plugin at " + args.before + ")": converter_before(args.before),
        "after: math-core (plugin today)": converter_after(),
        "latex2mathml alone": converter_latex2mathml(),
        "math-core alone": converter_math_core(),
    }
    if args.previous:
        converters[f"math-core (plugin at {args.previous})"] = converter_before(args.previous)
    real = sorted((SHARED / "corpus" / "real").glob("*.md")) + sorted(
        (SHARED / "seed").glob("*.md")
    )
    lines = []
    for title, pages in (
        ("Real files (../shared)", formulas_of(real)),
        (f"Generated corpus ({args.generated} pages)", generated_pages(args.generated)),
    ):
        lines += report(title, pages, measure(converters, pages, args.rounds))
    lines.append(
        f"Median of {args.rounds} rounds, converters in turns; CPython "
        f"{platform.python_version()}, {platform.machine()}."
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
