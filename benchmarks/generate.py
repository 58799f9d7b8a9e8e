"""Deterministic generator of realistic QuickTakes corpora for the build benchmark.

Answers are written the way the real files are: one physical line with literal ``\\n`` escapes,
``###`` headings, numbered lists with 3-space nested items, math in ``$ .. $``, ``$$`` and
``\\( .. \\)``, code fences (some inside list items), a table now and then, and related links.
The same seed always gives the same files, so runs on different days compare.
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

SUBJECTS = (
    "Computer Science",
    "Mathematics",
    "Engineering",
    "Physics",
    "Chemistry",
    "Economics",
    "Digital Media",
    "Biology",
    "Psychology",
    "Statistics",
    "History",
    "Business",
)
WORDS = tuple(
    " ".join(
        (
            "system model value function process method result error signal matrix vector data",
            "energy current voltage price demand market memory thread node graph estimate",
            "variance sample rate network layer field charge force mass time space order bound",
            "algorithm structure analysis design control feedback stability output input",
        )
    ).split()
)
FORMULAS = (
    r"\frac{a}{b} + c",
    r"x^2 + y^2 = r^2",
    r"\sum_{i=1}^{n} x_i",
    r"\int_0^t e(\tau) d\tau",
    r"\hat{\beta} = (X^T X)^{-1} X^T y",
    r"E = mc^2",
    r"\sqrt{b^2 - 4ac}",
    r"a \neq b",
    r"\nabla \cdot E = \frac{\rho}{\epsilon_0}",
    r"P(A \mid B)",
    r"\lim_{x \to 0} f(x)",
)
CODE = (
    ("python", ["def area(r):", "    return 3.14159 * r ** 2", "", "print(area(2))"]),
    ("c", ["int main(void) {", '    printf("hello\\n");', "    return 0;", "}"]),
    ("bash", ["ls -la", "grep -r pattern ."]),
)


@dataclass(frozen=True)
class Shape:
    """How answers are shaped: ``length`` answer bodies each, ``math`` times the formulas."""

    length: int = 1
    math: float = 1.0


SHAPES = {"default": Shape(), "long-math": Shape(length=2, math=1.75)}
"""The benchmark's corpora: its own, and answers twice as long with three times the math
(two bodies, each with 1.75 times the formulas)."""


def times(rng: random.Random, rate: float) -> int:
    """``rate`` as a whole number of repeats (its fraction as a chance); no draw for whole rates."""
    whole = int(rate)
    return whole + (1 if rate > whole and rng.random() < rate - whole else 0)


def sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, math: float = 1.0) -> str:
    parts = [sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 4))]
    for _ in range(times(rng, math)):
        if rng.random() < 0.6:
            parts.insert(1, f"The quantity $ {rng.choice(FORMULAS)} $ matters here.")
        if rng.random() < 0.3:
            parts.append(rf"In short, \( {rng.choice(FORMULAS)} \) holds.")
    return " ".join(parts)


def numbered_list(rng: random.Random) -> list[str]:
    lines: list[str] = []
    for number in range(1, rng.randint(3, 5)):
        lines.append(f"{number}. **{rng.choice(WORDS).title()}**: {sentence(rng)}")
        lines.append(f"   - {sentence(rng, 10)}")
        if rng.random() < 0.3:
            lines.extend(["   $$", f"   {rng.choice(FORMULAS)}", "   $$"])
        if rng.random() < 0.15:
            language, code = rng.choice(CODE)
            lines.extend([f"   ```{language}", *(f"   {c}" for c in code), "   ```"])
        lines.append("")
    return lines


def table(rng: random.Random) -> list[str]:
    rows = ["| Term | Meaning |", "|------|---------|"]
    rows += [f"| {rng.choice(WORDS)} | $ {rng.choice(FORMULAS)} $ |" for _ in range(3)]
    return [*rows, ""]


def answer(rng: random.Random, shape: Shape = Shape()) -> str:
    lines = []
    for _ in range(shape.length):
        lines += answer_body(rng, shape.math)
    lines += ["In summary, " + sentence(rng).lower()]
    return "\\n".join(lines)


def answer_body(rng: random.Random, math: float) -> list[str]:
    lines = [paragraph(rng, math), ""]
    for _ in range(rng.randint(2, 5)):
        lines += [f"### {sentence(rng, 4)[:-1]}", paragraph(rng, math), ""]
        choice = rng.random()
        if choice < 0.4:
            lines += numbered_list(rng)
        elif choice < 0.55:
            for _ in range(times(rng, math)):
                lines += ["$$", rng.choice(FORMULAS), "$$", ""]
        elif choice < 0.7:
            language, code = rng.choice(CODE)
            lines += [f"```{language}", *code, "```", ""]
        elif choice < 0.8:
            lines += table(rng)
    return lines


def slug(text: str) -> str:
    return "-".join(re.sub(r"[^a-z0-9 ]", "", text.lower()).split())


def quicktake(
    index: int, rng: random.Random, total: int, shape: Shape = Shape()
) -> tuple[str, dict[str, object]]:
    subject = SUBJECTS[index % len(SUBJECTS)]
    title = f"How does the {rng.choice(WORDS)} {rng.choice(WORDS)} work in case {index}?"
    name = slug(title)
    related = {}
    for number in range(1, rng.randint(0, 5) + 1):
        other = rng.randrange(total)
        other_subject = SUBJECTS[other % len(SUBJECTS)]
        related[f"related_article{number}"] = {
            "id": 100000 + other,
            "title": f"Related question {other}?",
            "subject": other_subject,
            "url": f"/learn/{slug(other_subject)}/questions/related-question-{other}",
        }
    meta: dict[str, object] = {
        "_schema": "default",
        "id": 100000 + index,
        "date": f"2025-{1 + index % 12:02d}-{1 + index % 28:02d}",
        "title": title,
        "article_title": title,
        "date_format": "MMM DD, YYYY",
        "post_on_text": "Posted on",
        "seo": {
            "title": f"QuickTakes | {subject}",
            "page_description": sentence(rng, 25),
            "page_keywords": ", ".join(rng.sample(WORDS, 8)),
        },
        "author": "QuickTakes",
        "question": title,
        "answer": answer(rng, shape),
        "subject": subject,
        "file_name": f"{name}.md",
        "url": f"/learn/{slug(subject)}/questions/{name}",
        "score": -1.0,
        **related,
    }
    return name, meta


def write_corpus(docs_dir: Path, count: int, seed: int = 1, shape: Shape = Shape()) -> list[Path]:
    """Write ``count`` QuickTakes files (plus an index page) into ``docs_dir``."""
    rng = random.Random(seed)
    questions = docs_dir / "questions"
    questions.mkdir(parents=True, exist_ok=True)
    (docs_dir / "index.md").write_text("# QuickTakes benchmark\n", encoding="utf-8")
    paths = []
    for index in range(count):
        name, meta = quicktake(index, rng, count, shape)
        text = "---\n" + yaml.safe_dump(meta, sort_keys=False, width=10**9) + "---\n\n&nbsp;"
        path = questions / f"{name}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("docs_dir", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_corpus(args.docs_dir, args.count, args.seed)


if __name__ == "__main__":
    main()
