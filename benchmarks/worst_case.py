"""Worst-case cost of one file: time and memory to read, check and render each pathological file.

Each file is read in a fresh process by the build's own reader (MkDocs' default extensions, the
default limits), which reports its wall and CPU time, its peak memory above the process's start,
and what became of the file. A real corpus file is the baseline.

    python benchmarks/worst_case.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"

_READER = """
import json, resource, sys, time
from mkdocs_quicktakes.site.reading import FileReader, ReadSettings
from mkdocs_quicktakes.answer.render import RenderSettings
data = open(sys.argv[1], "rb").read()
render = RenderSettings(extensions=("toc", "tables", "fenced_code"))
reader = FileReader(ReadSettings(render=render))
reader.read("warm-up.md", b"---\\nquestion: Q\\nanswer: A\\n---\\n")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
wall, cpu = time.perf_counter(), time.process_time()
result = reader.read("case.md", data)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
problems = [p.message() for p in result.checked.problems if p.severity == "error"]
print(json.dumps({"wall": wall, "cpu": cpu, "mb": (after - before) / 1024,
                  "built": result.take is not None, "error": problems[:1]}))
"""


def front(**fields: object) -> str:
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, width=10**9) + "---\n"


def alias_bomb(key: str) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 8)]
    lines.append(f"{key}: [{', '.join(['*a7'] * 10)}]")
    return (
        "---\nquestion: Q?\n"
        + ("answer: A.\n" if key != "answer" else "")
        + "\n".join(lines)
        + "\n---\n"
    )


def cases() -> dict[str, str]:
    real = max(REAL.glob("*.md"), key=lambda p: p.stat().st_size)
    real_answer = yaml.safe_load(real.read_text("utf-8").split("---")[1])["answer"]
    return {
        f"largest real file ({real.stat().st_size:,} B)": real.read_text("utf-8"),
        "2 MiB of real answers": front(question="Q?", answer=(real_answer + "\\n\\n") * 330),
        "alias bomb in title (10^8 items)": alias_bomb("title"),
        "alias bomb in answer": alias_bomb("answer"),
        "nested emphasis (6 KB)": front(question="Q?", answer="*a " * 1000 + " a*" * 1000),
        "unclosed link text (16 KB)": front(question="Q?", answer="[a" * 8000),
        "unclosed brackets (50 KB)": front(question="Q?", answer="[" * 50_000),
        "300 KB of <": front(question="Q?", answer="<" * 300_000),
        "10,000 list lines": front(question="Q?", answer="\\n".join("- a" for _ in range(10_000))),
        "10,000 nested list lines": front(
            question="Q?", answer="\\n".join(" " * (i % 40) + "- a" for i in range(10_000))
        ),
        "5,000-digit numbers": "---\nquestion: Q?\nanswer: A.\nscore: "
        + "9" * 5000
        + "\nother: "
        + "9" * 5000
        + "\n---\n",
        "year 1 at +14:00": "---\nquestion: Q?\nanswer: A.\ndate: 0001-01-01T00:00:00+14:00\n---\n",
        "1.9 MiB title": front(question="Q?", answer="A.", title="long " * 400_000),
    }


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp")
    print(f"{'file':36} {'wall s':>7} {'cpu s':>7} {'+MB':>6}  outcome")
    for name, text in cases().items():
        path = folder / "qt-worst-case.md"
        path.write_text(text, encoding="utf-8")
        out = subprocess.run(
            [sys.executable, "-c", _READER, str(path)], check=True, capture_output=True, text=True
        ).stdout
        result = json.loads(out)
        outcome = "built" if result["built"] else (result["error"] or ["left out"])[0][-90:]
        print(
            f"{name:36} {result['wall']:7.3f} {result['cpu']:7.3f} {result['mb']:6.1f}  {outcome}"
        )


if __name__ == "__main__":
    main()
