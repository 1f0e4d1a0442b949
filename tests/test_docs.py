"""Docs that run: every ```python block of the README and docs/ executes, and where a block is followed by an
output block, what it prints is exactly that output (a last line "…" stands for the rest)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```\n(?:```\n(.*?)```\n)?", re.S)

HARNESS = r"""
import contextlib, io, json, sys
blocks = json.loads(sys.stdin.read())
ns = {"__name__": "__docs__"}
for i, (code, expected) in enumerate(blocks):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"<block {i}>", "exec"), ns)
    got = "\n".join(line.rstrip() for line in out.getvalue().strip("\n").splitlines())
    if expected is not None:
        want = "\n".join(line.rstrip() for line in expected.strip("\n").splitlines())
        if want.endswith("\n…"):  # the page shows the start of a longer output
            want = want[:-2]
            got = "\n".join(got.splitlines()[: len(want.splitlines())])
        if got != want:
            print(f"block {i} printed:\n{got}\n--- but the page shows:\n{want}", file=sys.stderr)
            sys.exit(1)
"""


def _blocks(page: Path) -> list:
    return [[code, expected or None] for code, expected in BLOCK.findall(page.read_text())]  # "": no output block


@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(p)], ids=lambda p: p.name)
def test_page_examples_run_and_print_what_they_show(page: Path, tmp_path: Path) -> None:
    blocks = _blocks(page)
    done = subprocess.run([sys.executable, "-c", HARNESS], input=json.dumps(blocks), capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, f"{page.name}: {done.stderr[-3000:]}"


def test_the_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    first = text[: text.index("##")]
    assert "make demo" in first and "make test" in first
