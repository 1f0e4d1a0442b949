"""Formulas in ordinary notation ("x*w + sin(x)") turned into glassgrad programs, safely.

A formula may name its intermediate steps, as the worked examples of backprop do: "q = x + y; f = q*z" (statements
separated by ';' or newlines; the last one is the output, named after its target or else f). The text is parsed
with `ast` and only whitelisted nodes are walked: assignments to a name, numbers, names, + − * / **, unary minus,
and calls of a few named functions. Nothing is ever evaluated by Python itself (no eval, no exec), so a formula can
compute numbers and nothing else. Names are normalised as Python's parser does (NFKC: '𝑥' and 'ｘ' are x), in the
formula and in the values alike.
"""

from __future__ import annotations

import ast
import math
import unicodedata
from collections.abc import Callable

import numpy as np

import glassgrad as gg

FUNCTIONS: dict[str, Callable[[gg.Tensor], gg.Tensor]] = {
    "exp": gg.exp, "log": gg.log, "sin": gg.sin, "cos": gg.cos, "tanh": gg.tanh, "sigmoid": gg.sigmoid,
    "relu": gg.relu, "sqrt": gg.sqrt, "abs": gg.abs}
_BINARY: dict[type, Callable[[gg.Tensor, gg.Tensor], gg.Tensor]] = {
    ast.Add: gg.add, ast.Sub: gg.sub, ast.Mult: gg.mul, ast.Div: gg.div, ast.Pow: gg.pow}
MAX_LENGTH = 1000


class FormulaError(ValueError):
    """A formula or a list of values that cannot be used; the message says what to change."""


def parse_values(text: str) -> dict[str, float]:
    """`"x=2,w=4"` → {"x": 2.0, "w": 4.0}."""
    values: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, number = (s.strip() for s in part.partition("="))
        name = unicodedata.normalize("NFKC", name)  # as ast does with the formula's names
        if not sep or not name.isidentifier():
            raise FormulaError(f"bad value {part!r}: write name=number pairs separated by commas, e.g. x=2,w=4")
        try:
            value = float(number)
        except ValueError:
            raise FormulaError(f"bad value for {name}: {number!r} is not a number") from None
        if not math.isfinite(value):
            raise FormulaError(f"bad value for {name}: {number!r} is not a finite number")
        if name in values:
            raise FormulaError(f"{name} is given twice")
        values[name] = value
    return values


def build(expr: str, values: dict[str, float]) -> tuple[gg.Tensor, dict[str, gg.Tensor], dict[str, gg.Tensor]]:
    """The formula as a glassgrad program: its output, one named float64 leaf per variable (in order of use) and
    each named intermediate step (in order of definition, the output's own name excluded)."""
    statements = _parse(expr)
    builder = _Builder(values, {t.id for s in statements if isinstance(s, ast.Assign) for t in s.targets
                                if isinstance(t, ast.Name)})
    try:
        with np.errstate(all="ignore"):  # a value outside the domain is reported below, in words
            for i, statement in enumerate(statements):
                out = builder.statement(statement, last=i == len(statements) - 1)
    except RecursionError:
        raise FormulaError("the formula is nested too deeply") from None
    unused = [n for n in values if n not in builder.leaves]
    if unused:
        raise FormulaError(f"--at gives {', '.join(unused)}, which the formula does not use")
    idle = [n for n in builder.steps if n not in builder.needed(statements[-1])]
    if idle:
        raise FormulaError(f"{', '.join(idle)} {'is' if len(idle) == 1 else 'are'} computed but not used by the "
                           "output (the last statement)")
    if not builder.leaves:
        raise FormulaError("the formula has no variables: there is nothing to differentiate")
    if not math.isfinite(out.item()):
        raise FormulaError(f"the formula's value is {out.item()} at these values (outside its domain?)")
    if out.grad_fn is not None and not out.name:  # (a formula that is just a variable keeps the variable's name)
        out.name = "f"
    steps = {n: t for n, t in builder.steps.items() if t is not out}
    return out, builder.leaves, steps


def _parse(expr: str) -> list[ast.stmt]:
    if len(expr) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters")
    if not expr.strip():
        raise FormulaError("the formula is empty")
    try:
        body = ast.parse(expr.strip()).body
    except SyntaxError as e:
        raise FormulaError(f"malformed formula at column {e.offset or 0}: {e.msg} (write products as x*w, "
                           "powers as x**2, named steps as q = x + y; f = q*z)") from None
    if not body:
        raise FormulaError("the formula is empty")
    return body


class _Builder(ast.NodeVisitor):
    """Walks the whitelisted node types only; anything else is refused by `generic_visit`."""

    def __init__(self, values: dict[str, float], assigned: set[str]) -> None:
        self.values, self.assigned = values, assigned
        self.leaves: dict[str, gg.Tensor] = {}
        self.steps: dict[str, gg.Tensor] = {}
        self.uses: dict[str, set[str]] = {}  # the steps each step's formula names
        self.used: set[str] = set()  # the steps named by the statement being built

    def statement(self, node: ast.stmt, last: bool) -> gg.Tensor:
        """One statement: `name = formula` (a named step) or, last only, a bare formula (the output)."""
        self.used = set()
        if isinstance(node, ast.Expr) and last:
            if "f" in self.steps:
                raise FormulaError("f names the output: call the step f something else, or end with an assignment")
            return self.visit(node.value)
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise FormulaError(f"{ast.unparse(node)[:40]!r}: write one formula, or named steps as "
                               "name = formula separated by ';' (the last is the output)")
        name = node.targets[0].id
        if name in FUNCTIONS:
            raise FormulaError(f"{name} is a function: name the step something else")
        if name in self.values:
            raise FormulaError(f"{name} is given in --at and computed by the formula: give one or the other")
        if name in self.steps:
            raise FormulaError(f"{name} is computed twice: give each step its own name")
        out = self.visit(node.value)
        if out.name:
            raise FormulaError(f"{name} = {out.name} gives {out.name} a second name: use {out.name} itself")
        out.name = name
        self.steps[name], self.uses[name] = out, self.used
        return out

    def needed(self, last: ast.stmt) -> set[str]:
        """The steps the output depends on, directly or through other steps."""
        todo = list(self.uses.get(last.targets[0].id, ()) if isinstance(last, ast.Assign) else self.used)
        seen = {last.targets[0].id} if isinstance(last, ast.Assign) else set()
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo += self.uses[n]
        return seen

    def visit_Constant(self, node: ast.Constant) -> gg.Tensor:  # noqa: N802 - ast's visitor names
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"{node.value!r} is not a number")
        return gg.tensor(float(node.value), dtype=gg.float64)

    def visit_Name(self, node: ast.Name) -> gg.Tensor:  # noqa: N802
        if node.id in FUNCTIONS:
            raise FormulaError(f"{node.id} is a function: call it, e.g. {node.id}(x)")
        if node.id in self.steps:
            self.used.add(node.id)
            return self.steps[node.id]
        if node.id in self.assigned:
            raise FormulaError(f"{node.id} is used before it is computed: put its step first")
        if node.id not in self.values:
            raise FormulaError(f"no value for {node.id}: add it to --at, e.g. --at {node.id}=1")
        if node.id not in self.leaves:
            self.leaves[node.id] = gg.tensor(self.values[node.id], dtype=gg.float64, requires_grad=True, name=node.id)
        return self.leaves[node.id]

    def visit_BinOp(self, node: ast.BinOp) -> gg.Tensor:  # noqa: N802
        if isinstance(node.op, ast.BitXor):
            raise FormulaError("^ is not a power here: write x**2")
        op = _BINARY.get(type(node.op))
        if op is None:
            raise FormulaError(f"the operator {type(node.op).__name__} is not supported (use + - * / **)")
        return op(self.visit(node.left), self.visit(node.right))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> gg.Tensor:  # noqa: N802
        if isinstance(node.op, ast.USub):
            return gg.neg(self.visit(node.operand))
        if isinstance(node.op, ast.UAdd):
            return self.visit(node.operand)
        raise FormulaError(f"the operator {type(node.op).__name__} is not supported (use + - * / **)")

    def visit_Call(self, node: ast.Call) -> gg.Tensor:  # noqa: N802
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            raise FormulaError(f"unknown function {ast.unparse(node.func)!r}; available: {', '.join(FUNCTIONS)}")
        if len(node.args) != 1 or node.keywords:
            raise FormulaError(f"{name}() takes exactly one argument")
        return FUNCTIONS[name](self.visit(node.args[0]))

    def generic_visit(self, node: ast.AST) -> gg.Tensor:
        raise FormulaError(f"{type(node).__name__} is not allowed in a formula: use numbers, variables, "
                           f"+ - * / ** and {', '.join(FUNCTIONS)}")
