"""PyTorch programs run unchanged: each program in tests/compat/ is written once against `torch`, run under real
PyTorch and again with `torch` meaning glassgrad, and every number it prints must agree (1e-5 relative).

The shim is an `__import__` for the program alone: `import torch`, `import torch.nn as nn`,
`from torch.utils.data import DataLoader`, `import torch.nn.functional as F` ... resolve to glassgrad's modules
of the same names. Programs that draw random numbers compare only what does not depend on the stream
(glassgrad draws from NumPy's generator, not PyTorch's): their numbers on lines marked `random:` are counted,
not compared.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import io
import math
import re
from pathlib import Path

import pytest
import torch

import glassgrad

PROGRAMS = sorted((Path(__file__).parent / "compat").glob("p*.py"))
# programs whose numbers are partly stream-dependent (marked `random:` in their output)
STREAM_DEPENDENT = {"p43_random_split", "p45_weighted_sampler", "p47_shuffled_training", "p72_seeded_runs"}
# what each program still needs from glassgrad, where it is missing (strict: an entry must go once it passes)
MISSING: dict[str, str] = {
}
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf)\b")
_NAME_WITH_DIGITS = re.compile(r"(?<![\d.])[A-Za-z_]+\d+\w*")
_real_import = builtins.__import__


def _shim_import(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002 - __import__'s signature
    if level == 0 and (name == "torch" or name.startswith("torch.")):
        module = importlib.import_module("glassgrad" + name[len("torch"):])
        return module if fromlist else glassgrad
    return _real_import(name, globals, locals, fromlist, level)


def run(path: Path, shim: bool) -> str:
    """The program's printed output, run as a script under real torch or under the glassgrad shim."""
    namespace = {"__name__": "__main__", "__file__": str(path)}
    if shim:
        namespace["__builtins__"] = {**vars(builtins), "__import__": _shim_import}
    out = io.StringIO()
    default = torch.get_default_dtype(), glassgrad.get_default_dtype()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(path.read_text(), str(path), "exec"), namespace)
    finally:
        torch.set_default_dtype(default[0])
        glassgrad.set_default_dtype(default[1])
    return out.getvalue()


def numbers(text: str, stream_dependent: bool) -> list:
    """Every number printed, in order; on `random:` lines of stream-dependent programs only a placeholder."""
    found = []
    for line in text.splitlines():
        # dtype and class names carry digits (float32, Conv2d) that are not results
        line = _NAME_WITH_DIGITS.sub("", line)
        values = [float(v) for v in _NUMBER.findall(line)]
        found.extend(["?"] * len(values) if stream_dependent and line.startswith("random:") else values)
    return found


def _same(a: float | str, b: float | str) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-5 * max(abs(a), abs(b)) + 1e-8


def _param(path: Path):
    marks = [pytest.mark.xfail(strict=True, reason=MISSING[path.stem])] if path.stem in MISSING else []
    return pytest.param(path, id=path.stem, marks=marks)


def test_there_are_at_least_sixty_programs() -> None:
    assert len(PROGRAMS) >= 60
    assert STREAM_DEPENDENT <= {p.stem for p in PROGRAMS} and set(MISSING) <= {p.stem for p in PROGRAMS}


@pytest.mark.parametrize("path", [_param(p) for p in PROGRAMS])
def test_program_prints_the_same_numbers_under_torch_and_glassgrad(path: Path) -> None:
    expected, got = run(path, shim=False), run(path, shim=True)
    stream = path.stem in STREAM_DEPENDENT
    want, have = numbers(expected, stream), numbers(got, stream)
    assert want, f"{path.name} printed no numbers under torch"
    assert len(want) == len(have), f"{path.name}: torch printed {len(want)} numbers, glassgrad {len(have)}:\n" \
                                   f"--- torch\n{expected}\n--- glassgrad\n{got}"
    bad = [(k, a, b) for k, (a, b) in enumerate(zip(want, have)) if not _same(a, b)]
    assert not bad, f"{path.name}: numbers differ (index, torch, glassgrad): {bad[:8]}\n--- torch\n{expected}\n" \
                    f"--- glassgrad\n{got}"


def test_the_shim_catches_a_difference() -> None:
    """The comparison fails when a number differs (so a passing program means the numbers agree)."""
    assert not _same(1.0, 1.0001) and _same(1.0, 1.000001) and not _same(float("nan"), 0.0)
    assert numbers("tensor([1.5000, 2.0000], dtype=torch.float32) Conv2d 3e-2 1e5 -inf info", False) == [
        1.5, 2.0, 0.03, 1e5, -math.inf]
    assert numbers("random: 0.25 and 7\nfixed 2", True) == ["?", "?", 2.0]
