"""Checks that keep the codebase the shape the brief asks for (teenygrad keeps its size the same way)."""

import ast
from pathlib import Path

import glassgrad
from glassgrad.ops.base import Op
from glassgrad.ops.table import TABLE

SRC = Path(glassgrad.__file__).parent
ENGINE = ["tensor.py", "autograd.py", "functional.py", "gradcheck.py", "ops"]
ENGINE_BUDGET = 6720  # lines, comments and docstrings included (fused losses, activations, Functions, conv/pool,
#                       per-thread flags, misuse checks as in PyTorch, dtype promotion of every form, // and %,
#                       the LSTM cell, creators with generator=/device=, PyTorch functions composed of table ops,
#                       prod, einsum, out= on the function forms, mv, logspace, multinomial,
#                       log2, log10, expm1, tan, sinh, cosh, erfc, cumprod, torch's scatter with its index checks,
#                       axis=/keepdims= aliases, integer inputs of float functions,
#                       floor, ceil, trunc, frac, reciprocal, rsqrt, square, clamp_min/max, logical_*,
#                       ops/statistics.py: cummax/cummin, aminmax, nan*, std/var_mean, kthvalue, mode, quantile, counts;
#                       logcumsumexp,
#                       slicing, tiling, splitting and index updates composed of table ops (ops/indexing.py),
#                       exp2, asin, acos, atan, asinh, acosh, atanh, logit,
#                       contiguous, strides, bitwise operators, index_put, scatter_reduce, random fills, bernoulli,
#                       rng state,
#                       det, logabsdet, inverse, solve table entries and the matrix functions of ops/matrix.py),
#                       atan2, hypot, logaddexp(2), xlogy, copysign, fmod, fmax/fmin, sinc, nan_to_num table entries;
#                       lerp, addcmul/addcdiv, float_power and other composites of them; float_power_'s dtype check;
#                       mode's replay of std::sort, the order PyTorch's mode kernel picks its index in)


def _engine_files() -> list[Path]:
    out = []
    for name in ENGINE:
        p = SRC / name
        out.extend(sorted(p.glob("*.py")) if p.is_dir() else [p])
    return out


def test_engine_stays_small():
    lines = sum(len(p.read_text().splitlines()) for p in _engine_files())
    assert 500 < lines <= ENGINE_BUDGET, f"the engine is {lines} lines; the budget is {ENGINE_BUDGET}"


def test_ops_are_declared_only_in_the_op_table():
    """No module outside ops/ defines an Op: each op lives in one place, with its forward and backward."""
    for path in SRC.rglob("*.py"):
        if path.parent.name == "ops":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                assert "Op" not in bases, f"{path.relative_to(SRC)} declares op {node.name} outside ops/"


def test_every_table_op_declares_forward_formula_and_derivatives():
    for name, op in TABLE.items():
        assert issubclass(op, Op) and op.name == name
        assert op.text and op.latex, f"{name} has no formula to print"
        assert op.forward is not Op.forward, f"{name} has no forward"
        if op.differentiable:
            derivs = [d for d in op.derivatives if d is not None]
            assert derivs, f"{name} is differentiable but declares no derivative"
            for d in derivs:
                assert d.text and d.latex and callable(d.fn) and d.kind in ("local", "vjp", "vjp_all"), name


def test_engine_imports_only_numpy():
    allowed = {"numpy", "glassgrad", "__future__", "typing", "collections", "dataclasses", "functools", "math",
               "weakref", "traceback", "builtins", "itertools", "operator", "sys", "threading", "contextlib",
               "linecache", "os", "heapq", "warnings"}
    for path in _engine_files():
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for n in names:
                assert n.split(".")[0] in allowed, f"{path.name} imports {n}: the engine needs NumPy alone"
