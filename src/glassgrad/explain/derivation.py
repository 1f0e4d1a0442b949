"""How one gradient came to be, as backprop computes it: walking down from the output, station by station.

The stations are the output, the target, the tensors you named (or that nn layers name: z^[l], a^[l], ŷ), and
every tensor where paths meet. Each equation gives one station's gradient as the sum of its parts, one per use of
it (the uses of one tensor by one op, as in x·x, are one local derivative); a part is the chain-rule product from
the station above, each op folded into it shown with its local derivative's own value. The text grows with the
graph, never with the number of paths; `expand=True` adds the expanded sum over paths, for small graphs.

For a target of one number, or one element picked by `index`, the stations are numbers: an element's gradient
sums the Jacobian entries that reach it (found with Edge.jvp), e.g. ∂E/∂a^[1][0, 0] = Σ_k ∂E/∂z^[2][0, k]·W^[2][k, 0].
Where the dependence fans out to whole tensors (the layers above), stations are tensors and each part is a
vector-Jacobian product: every factor then shows its elementwise local derivative and the gradient carried after it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassgrad.explain.format import factor, fill, kind, latex_text, latex_value, number, summary
from glassgrad.explain.trace import _INPUT_KEYS, Edge, Vertex

_BARE_NUMBER = re.compile(r"(?:\(|\\left\()(-?[\d.e+-]+)(?:\)|\\right\))")  # a number in parentheses
MAX_PATHS = 256  # paths listed by expand=True at most (their count, and the sum of those listed, are exact)
MAX_TERMS = 64  # an element's parts from one tensor consumer, listed one by one up to this many (else summed)
REPEAT_MAX = 16  # a gradient over this many elements is printed once, as its station's total (later: its label)
SHORT = 2  # folds of at most this many ops are written as the chain of their ops (longer ones: op by op)
ELLIPSIS_AT = 24  # an op-by-op walk whose labels or formulas are longer writes one inner expression as …


@dataclass(eq=False, repr=False)
class Use:
    """All the edges by which one op uses one tensor (x·x uses x twice): together, one local derivative."""

    consumer: Vertex
    source: Vertex
    edges: list[Edge]
    names: dict = field(default_factory=dict)  # vertex id -> (text, LaTeX) labels the derivation uses instead

    def symbol(self, latex: bool = False, g: tuple[str, str] | None = None) -> str:
        """The op table's formula with this derivation's labels; `g` (label, kind) replaces a VJP's upstream g."""
        symbols = [self._edge_symbol(e, latex, g) for e in self.edges]
        if len(symbols) == 1:
            return symbols[0]
        if len(set(symbols)) == 1:  # x·x: x + x = 2·x
            dot = r" \cdot " if latex else "·"
            return f"{len(symbols)}{dot}{factor(symbols[0], latex)}"
        return " + ".join(symbols)

    def _edge_symbol(self, e: Edge, latex: bool, g: tuple[str, str] | None) -> str:
        d = e.derivative
        if d is None:
            return ""
        subs = e.consumer.names(latex)
        over = {k: (self.names[x.source.id][latex], "atom") for k, x in zip(_INPUT_KEYS, e.consumer.edges)
                if x.source is not None and x.source.id in self.names}
        template = d.latex if latex else d.text
        if g:
            template = _G.sub("$g", template)
        if over or g:
            subs = {**subs, **over, **({"g": g} if g else {})}
        return fill(template, subs, latex, derivative=True)

    def entry(self, value: Any, latex: bool = False) -> str | None:
        """One Jacobian entry of a VJP op by name, when it is exactly one element of another input (∂z[0, j]/∂W[j, k]
        of a linear layer is x[0, k]); None when no input, or more than one element, holds that value."""
        v = float(value)
        if v in (0.0, 1.0, -1.0):
            return None
        found = []
        for e in self.consumer.edges:
            if e.source is not None and e.source is not self.source:
                found += [(e.source, tuple(int(i) for i in k)) for k in np.argwhere(np.asarray(e.source.value) == v)]
        if len(found) != 1:
            return None
        src, k = found[0]
        label = self.names.get(src.id, (src.label, src.latex))[latex]
        return label if src.value.size == 1 else f"{label}[{', '.join(map(str, k))}]"

    @property
    def elementwise(self) -> bool:
        return all(e.derivative.kind == "local" for e in self.edges)

    def local(self) -> Any:
        """The elementwise local derivative (the sum over the uses), None for a vector-Jacobian product."""
        return sum(np.asarray(e.local) for e in self.edges) if self.elementwise else None

    @property
    def sent(self) -> np.ndarray:
        """What backward sent to the source along these edges."""
        return sum(np.asarray(e.sent) for e in self.edges)

    def jvp(self, u: np.ndarray) -> np.ndarray:
        return sum(e.jvp(u) for e in self.edges)


@dataclass(eq=False, repr=False)
class Point:
    """A station candidate: a vertex, or one element of it (`index`) when only that element is involved."""

    vertex: Vertex
    index: tuple[int, ...] | None
    terms: list[Term] = field(default_factory=list)
    equation: bool = False
    boundary: bool = False  # a tensor whose elements an element station's parts refer to
    names: dict = field(default_factory=dict)  # labels the derivation uses instead of the vertex's (W^[1])

    @property
    def value(self) -> Any:
        g = np.asarray(self.vertex.grad)
        return g[self.index] if self.index is not None else g

    def label(self, latex: bool = False, at: tuple | None = None) -> str:
        index = self.index if at is None else at
        base = self.names.get(self.vertex.id, (self.vertex.label, self.vertex.latex))[latex]
        if index is None or self.vertex.value.size == 1 and at is None:
            return base
        return f"{base if latex else _d(base)}[{', '.join(map(str, index))}]"


@dataclass(eq=False, repr=False)
class Term:
    """What one use contributes to a point's gradient: from `upper` (its element `at`, for a tensor upper)."""

    use: Use
    upper: Point
    local: Any  # number: the Jacobian entry ∂upper/∂point; tensor point: the elementwise local (None for a VJP)
    value: Any  # the contribution
    at: tuple | None = None
    elements: int = 1  # >1: the sum over this many elements of a tensor upper, not listed one by one


@dataclass(eq=False, repr=False)
class Factor:
    """∂upper/∂lower through the ops of `uses` (upper first); no uses: ∂output/∂upper, the gradient from above."""

    upper: Point
    lower: Point
    uses: list[Use]
    locals: list  # per use: its local derivative (numbers: the Jacobian entry; tensors: elementwise values or None)
    value: Any  # numbers: this factor; tensors: the gradient carried after it (∂output/∂lower along this part)
    label: str
    tex: Any  # () -> the LaTeX label, made when asked for (a deep graph's expression labels are built recursively)
    inner: list[Point] = field(default_factory=list)  # points folded inside, each with its gradient (gate by gate)
    at: tuple | None = None  # the element of a tensor upper this factor starts from

    @property
    def latex_label(self) -> str:
        return self.tex()

    def symbols(self, latex: bool = False) -> list[str]:
        """The local derivative formula of each folded op, factors of 1 left out."""
        if not self.uses:
            return [self.latex_label if latex else self.label]
        return [s for s in self._symbols(latex) if s != "1"] or ["1"]

    def _symbols(self, latex: bool) -> list[str]:
        """Each op's formula; for one element of a vector-Jacobian product (a matmul's, say), the entry's name."""
        if self.lower.index is None:
            return [u.symbol(latex) for u in self.uses]
        points = [self.upper, *self.inner, self.lower]
        out = []
        for k, u in enumerate(self.uses):
            if u.elementwise or not _G.search(u.edges[0].derivative.text):  # a formula of its own ('1', '1/n')
                out.append(u.symbol(latex))
            elif self.locals[k] is not None and (name := u.entry(self.locals[k], latex)) is not None:
                out.append(name)
            else:
                up = points[k].label(latex, at=self.at if k == 0 else None)
                out.append(_frac(up, points[k + 1].label(latex)) if latex else
                           f"∂{_d(up)}/∂{_d(points[k + 1].label())}")
        return out

    def text(self, latex: bool = False) -> str:
        symbols = self.symbols(latex)
        if len(symbols) == 1:
            return symbols[0]
        return (r" \cdot " if latex else " · ").join(_in_product(s, k, latex) for k, s in enumerate(symbols))

    def numbers(self) -> list[Any]:
        """One value per symbol (numbers only)."""
        if not self.uses:
            return [self.value]
        kept = [v for s, v in zip(self._symbols(False), self.locals) if s != "1"]
        return kept or [self.value]


@dataclass(eq=False, repr=False)
class Part:
    """One term of an equation with its chain of factors (top down)."""

    term: Term
    factors: list[Factor]

    @property
    def vertices(self) -> list[Vertex]:
        """The tensors this part passes through, top down (the station above first, this equation's last)."""
        out = []
        for f in self.factors:
            for q in (f.upper, *f.inner, f.lower):
                if not out or out[-1] is not q.vertex:
                    out.append(q.vertex)
        return out

    @property
    def value(self) -> Any:
        return self.term.value


@dataclass(eq=False, repr=False)
class Equation:
    """One station's gradient: ∂output/∂station = the sum of its parts."""

    point: Point
    parts: list[Part]
    tensor: bool

    @property
    def value(self) -> Any:
        return self.point.value


class Derivation:
    """∂output/∂target as backprop computes it: `.equations`, top down, each a station's gradient as the sum of its
    parts; `.value` is the gradient backward computed (its element `index`, when given)."""

    def __init__(self, trace: Any, target: Vertex, index: Any = None, expand: bool = False) -> None:
        if target.grad is None:
            why = ("it does not require grad" if not target.requires_grad else "no gradient reached it")
            raise RuntimeError(f"derivation: backward computed no gradient for {target.label!r}: {why}. Create it "
                               f"with requires_grad=True (and use it outside no_grad()) to see its derivation.")
        self.trace, self.output, self.target, self.precision = trace, trace.output, target, trace.precision
        grad = np.asarray(target.grad)
        if index is not None:
            index = (index,) if isinstance(index, (int, np.integer)) else tuple(int(i) for i in index)
            try:
                grad[index]
            except IndexError:
                raise IndexError(f"derivation: index {index} is out of range for {target.label!r} of shape "
                                 f"{target.shape}") from None
            if len(index) != grad.ndim:
                raise IndexError(f"derivation: index {index} must name one element of {target.label!r} "
                                 f"(shape {target.shape}: {grad.ndim} indices)")
        elif grad.size == 1:
            index = (0,) * grad.ndim
        self.index = index
        self.value = grad[index] if index is not None else grad
        self.vertices = _between(self.output, target)
        self.names = _parameter_labels(trace)
        self.uses = _uses(self.vertices, self.names)
        self.sources = {u.consumer.id: [] for us in self.uses.values() for u in us}
        for us in self.uses.values():
            for u in us:
                self.sources[u.consumer.id].append(u.source.id)
        self._route_counts: dict[int, dict[int, int]] = {}
        self.points = self._points()
        self.equations = self._equations()
        self.total_paths = _count_paths(self.vertices, self.uses, self.output, target)
        self.paths = _enumerate(self, MAX_PATHS) if expand else None

    # ------------------------------------------------------------------------------------------------ the walk
    def _points(self) -> dict[int, Point]:
        """Every vertex between output and target as a Point, with the terms of its gradient."""
        target, points = self.target, {}
        masks = self._masks() if self.index is not None else None
        for v in self.vertices:
            index = None
            if masks is not None and int(masks[v.id].sum()) == 1:
                index = tuple(int(i) for i in np.argwhere(masks[v.id])[0])
            points[v.id] = Point(v, index, names=self.names)
        for v in reversed(self.vertices):
            p = points[v.id]
            for use in self.uses.get(v.id, []):
                p.terms += self._terms(p, use, points[use.consumer.id])
        points[target.id].equation = True
        for p in points.values():
            named = p.vertex.named or p.boundary
            if p.vertex is not self.output and (len(p.terms) > 1 or p.index is None and named):
                p.equation = True
        return points

    def _masks(self) -> dict[int, np.ndarray]:
        """Which elements of each vertex depend on the target's element (Jacobian supports, walked forward)."""
        rng = np.random.default_rng(0)
        masks = {self.target.id: np.zeros(self.target.shape, bool)}
        masks[self.target.id][self.index] = True
        for v in self.vertices[1:]:
            m = np.zeros(v.shape, bool)
            for use in (u for e in v.edges if e.source is not None for u in self.uses.get(e.source.id, [])
                        if u.consumer is v and u.edges[0] is e):
                below = masks[use.source.id]
                if below.all():
                    m[...] = True
                elif use.elementwise:
                    m |= np.broadcast_to(below, v.shape)
                else:
                    m |= use.jvp(below * rng.uniform(0.5, 1.5, below.shape)) != 0
                if m.all():
                    break
            masks[v.id] = m
        return masks

    def _terms(self, p: Point, use: Use, upper: Point) -> list[Term]:
        if p.index is None:
            return [Term(use, upper, use.local(), use.sent)]
        sent = use.sent
        value = sent[p.index] if np.ndim(sent) else sent
        one = np.zeros(p.vertex.shape)
        one[p.index] = 1.0
        column = use.jvp(one)
        if upper.index is not None:
            return [Term(use, upper, column[upper.index], value)]
        upper.boundary = True
        reach = np.broadcast_to(one, upper.vertex.shape) if use.elementwise else column
        ks = [tuple(int(i) for i in k) for k in np.argwhere(reach != 0)]
        if not ks or len(ks) > MAX_TERMS:
            return [Term(use, upper, None, value, None, len(ks))]
        grad = np.asarray(upper.vertex.grad)
        return [Term(use, upper, column[k], grad[k] * column[k], k) for k in ks]

    def _equations(self) -> list[Equation]:
        eqs = []
        for v in reversed(self.vertices):
            p = self.points[v.id]
            if p.equation and (p.terms or v is self.output):
                eqs.append(Equation(p, [Part(t, self._part(p, t)) for t in p.terms], p.index is None))
        return eqs

    def _part(self, p: Point, term: Term) -> list[Factor]:
        """A part's factors. With several parts, ∂upper/∂p along this one is a true total only when `upper` reaches
        p by this route alone; otherwise the part is split at the op that uses p (its local derivative)."""
        factors = self._factors(p, term, False)
        if len(p.terms) > 1 and self._routes(p.vertex).get(factors[-1].upper.vertex.id, 0) > 1:
            factors = self._factors(p, term, True)
        return self._unfold(p, term, factors)

    def _unfold(self, p: Point, term: Term, factors: list[Factor]) -> list[Factor]:
        """Short folds down to the target, or that would be the whole part, as the chain of their ops
        (∂f/∂(x + y) · ∂(x + y)/∂x; between two named stations a fold stays, as the articles write ∂L/∂ŷ); a longer
        fold that would be the whole part is split off at its last op, so the equation opens with a chain of labels."""
        alone = len(p.terms) == 1 and sum(1 for f in factors if f.uses) == 1
        out = []
        for f in factors:
            n = len(f.uses)
            short = n <= SHORT and (alone or f.lower.vertex is self.target and not f.upper.vertex.named)
            if n < 2 or p.index is not None and None in f.locals or not (short or alone):
                out.append(f)
                continue
            bounds = [0, *(range(1, n) if short else [n - 1]), n]
            points = [f.upper, *f.inner, f.lower]
            for i, j in zip(bounds, bounds[1:]):
                out.append(self._factor(points[i], points[j], f.uses[i:j][::-1], f.locals[i:j][::-1],
                                        points[i + 1:j][::-1], f.at if i == 0 else None, p, term))
        return out

    def _routes(self, below: Vertex) -> dict[int, int]:
        """The number of paths from each vertex down to `below` (uses of one tensor by one op counted once)."""
        if below.id not in self._route_counts:
            counts = {below.id: 1}
            for v in self.vertices:
                if v.id > below.id:
                    counts[v.id] = sum(counts.get(s, 0) for s in self.sources.get(v.id, []))
            self._route_counts[below.id] = counts
        return self._route_counts[below.id]

    def _factors(self, p: Point, term: Term, split: bool) -> list[Factor]:
        """The chain of factors of one part, walking up from `p` through its term to the next equation (or the
        output): split at every named station, and (with several parts) at the op that uses `p`."""
        factors: list[Factor] = []
        lower, uses, locals_, inner, at = p, [term.use], [term.local], [], term.at
        q = term.upper
        while True:
            top = q.equation or q.vertex is self.output
            if top or q.vertex.named or (split and lower is p):
                factors.append(self._factor(q, lower, uses, locals_, inner, at, p, term))
                lower, uses, locals_, inner, at = q, [], [], [], None
                if top:
                    break
            else:
                inner.append(q)
            t = q.terms[0]
            uses.append(t.use)
            locals_.append(t.local)
            q = t.upper
        if q.vertex is not self.output:
            factors.append(self._factor(q, q, [], [], [], term.at if len(factors) == 1 else None, p, term))
        elif not (np.size(self.output.grad) == 1 and float(np.asarray(self.output.grad).reshape(())) == 1.0):
            factors.append(self._factor(q, q, [], [], [], None, p, term))  # the gradient backward started from
        return factors[::-1]

    def _factor(self, upper: Point, lower: Point, uses: list, locals_: list, inner: list, at: Any, p: Point,
                term: Term) -> Factor:
        out = self.output.label
        up = upper.label(at=at)
        if not uses:  # ∂output/∂upper: the gradient from above
            g = np.asarray(upper.vertex.grad)
            value = g[at] if at is not None else upper.value
            top = upper.vertex is self.output
            return Factor(upper, lower, [], [], value, "g" if top else f"∂{_d(out)}/∂{_d(up)}",
                          lambda: "g" if top else _frac(self.output.latex, upper.label(True, at=at)), at=at)
        uses, locals_, inner = uses[::-1], locals_[::-1], inner[::-1]  # walked upward: shown top down
        label = f"∂{_d(up)}/∂{_d(lower.label())}"
        direct = len(uses) == 1 and len(p.terms) > 1 and lower is p and _also_through(uses[0], self.sources)
        if direct:
            label += " (direct)"

        def tex() -> str:
            s = _frac(upper.label(True, at=at), lower.label(True))
            return rf"\left.{s}\right|_{{\text{{direct}}}}" if direct else s
        if p.index is None:
            value = term.value if lower is p else lower.value
        else:
            value = np.prod([np.asarray(v, dtype=float) for v in locals_]) if None not in locals_ else term.value
        return Factor(upper, lower, uses, locals_, value, label, tex, inner, at)

    # --------------------------------------------------------------------------------------------- rendering
    @property
    def label(self) -> str:
        return _point_derivative(self.output, self.points[self.target.id], False)

    @property
    def latex_label(self) -> str:
        return _point_derivative(self.output, self.points[self.target.id], True)

    @property
    def heading(self) -> str | None:
        """For a parameter of an nn layer: which layer, which weight (and element)."""
        for k, v in enumerate(_linears(self.trace), 1):
            for e in v.edges[1:]:
                if e.source is self.target:
                    role = "weight" if e.index == 1 else "bias"
                    w = v.edges[1].source.shape
                    at = "" if self.index is None or self.target.value.size == 1 else f", element {self.index}"
                    label = self.names.get(self.target.id, (self.target.label,))[0]
                    name = f" ({self.target.label})" if label != self.target.label else ""
                    return (f"{label}{name}: the {role} of layer {k} (z = a·Wᵀ + b, {w[1]} → {w[0]} units; "
                            f"its output {v.label}){at}")
        return None

    def _n(self, v: Any) -> str:
        return summary(v, self.precision)

    def rows(self, latex: bool = False) -> list[tuple[str, str]]:
        """The derivation as (left side, right side) rows, the same in every notation: each equation's labels,
        formulas, numbers, parts and total (a left side of '' continues the equation above; 'note' rows hold the
        values folded inside a factor and, for tensors, each factor's local derivative and the gradient carried)."""
        rows: list[tuple[str, str]] = []
        for eq in self.equations:
            rows += self._equation_rows(eq, latex)
        if self.paths is not None:
            rows += self._path_rows(latex)
        return rows

    def _num(self, v: Any, latex: bool, paren: bool = True) -> str:
        if latex:
            s = latex_value(v, self.precision)
            return rf"\left({s}\right)" if paren and np.ndim(v) == 0 and s[:1] in "-−" else s
        s = self._n(v)
        return f"({s})" if paren and np.ndim(v) == 0 and s[:1] in "-−" else s  # (-4) · 1, not (−4) · (1)

    def _equation_rows(self, eq: Equation, latex: bool) -> list[tuple[str, str]]:
        dot, plus = (r" \cdot " if latex else " · "), " + "
        left = _point_derivative(self.output, eq.point, latex)
        if not eq.parts:  # the output itself
            return [(left, self._num(self.output.grad, latex, False))]
        walk = self._walk(eq)
        if walk is not None:
            return self._walk_rows(walk, latex)
        labels = _listed([dot.join(f.latex_label if latex else f.label for f in q.factors) or "1" for q in eq.parts],
                         latex)
        if eq.tensor:
            formulas = _listed([self._composed(q, latex) for q in eq.parts], latex)
        else:
            formulas = _listed([dot.join(_in_product(f.text(latex), k, latex) for k, f in enumerate(q.factors))
                                or "1" for q in eq.parts], latex)
        body = [labels, formulas]
        notes = []
        if not eq.tensor:
            body.append(plus.join((dot.join(self._num(v, latex) for f in q.factors for v in f.numbers())
                                   if q.term.elements == 1 else self._num(q.value, latex)) or "1" for q in eq.parts))
            if any(len(f.numbers()) > 1 for q in eq.parts for f in q.factors):  # each factor's own value
                body.append(plus.join((dot.join(self._num(f.value, latex) for f in q.factors)
                                       if q.term.elements == 1 else self._num(q.value, latex)) or "1"
                                      for q in eq.parts))
            for q in eq.parts:
                for f in q.factors:
                    if f.inner:
                        notes += self._gates(f, latex, f.lower is eq.point and len(eq.parts) > 1)
                    if q.term.elements > 1:
                        notes.append(self._summed(q.term, latex))
        else:
            for q in eq.parts:
                for f in q.factors:
                    notes += self._tensor_walk(eq, f, latex)
        tail = []
        if len(eq.parts) > 1:
            tail.append(plus.join(self._num(q.value, latex, np.ndim(q.value) == 0 and float(q.value) < 0)
                                  for q in eq.parts))
        total = self._num(eq.value, latex, False)
        if not (eq.tensor and len(eq.parts) == 1 and np.size(eq.value) > REPEAT_MAX and notes
                and notes[-1].endswith(f" = {total}")):  # else the last op's row ends with this very total
            tail.append(total)
        rows, last = [], left
        for b in body + ["note"] + tail:
            if b == "note":
                rows += [("note", n) for n in notes]
            elif b != last and not (b == f"({total})" or latex and b == rf"\left({total}\right)"):
                rows.append((left if not rows else "", b))
                last = b
        return rows

    def _walk(self, eq: Equation) -> list[tuple[Point, Point, Factor, int, Any, Any]] | None:
        """A long chain of numbers (one part with a long fold) as backprop walks it, one step per op from the top:
        (point above, point below, the factor, the op's place in it, its local derivative, the element above);
        None when the equation is not such a chain."""
        if eq.tensor or len(eq.parts) != 1 or eq.parts[0].term.elements != 1 or np.size(self.output.grad) != 1:
            return None
        factors = eq.parts[0].factors
        if not self._long_fold(factors) or any(None in f.locals for f in factors):
            return None
        steps = []
        for f in factors:
            points = [f.upper, *f.inner, f.lower]
            for k, local in enumerate(f.locals):
                if np.size(local) != 1 or points[k + 1].index is None and points[k + 1].vertex.value.size != 1:
                    return None
                steps.append((points[k], points[k + 1], f, k, local, f.at if k == 0 else None))
        return steps

    def _long_fold(self, factors: list[Factor]) -> bool:
        """Whether the chain has a run of more than SHORT ops between stations (_unfold may have split it at an
        unnamed tensor) that is not between two named ones (as ∂E/∂ŷ between E and ŷ, which stays a factor); a run
        that ends at the target is walked even below a named output (f = σ(w·x) named f, or by its variable)."""
        runs: list[list] = []  # [named at the top, ops, named at the bottom]
        for f in (f for f in factors if f.uses):
            q = f.upper
            if not runs or q.vertex.named or q.equation or q.vertex is self.output:
                runs.append([q.vertex.named, 0, False])
            runs[-1][1] += len(f.uses)
            runs[-1][2] = f.lower.vertex.named and f.lower.vertex is not self.target
        return any(n > SHORT and not (top and bottom) for top, n, bottom in runs)

    def _walk_rows(self, steps: list, latex: bool) -> list[tuple[str, str]]:
        """One row per op, from the top: ∂f/∂(below) = ∂f/∂(above) · local = value · value = result. Where the
        rows grow long, one inner expression is written … throughout (a first note says what it stands for)."""
        dot = r" \cdot " if latex else " · "
        out = self.output
        labels = {id(b): b.label(latex) for _, b, *_ in steps}
        symbols = {id(f): (f._symbols(False), f._symbols(True)) for f in {id(f): f for _, _, f, *_ in steps}.values()}
        short = self._ellipsis([b.label() for _, b, *_ in steps] + [symbols[id(f)][0][k]
                                                                      for _, _, f, k, _, _ in steps])
        if short is not None and len({_elide(b.label(), short[0], False) for _, b, *_ in steps}) < len(steps):
            short = None  # … would make two stations read alike: every label stays in full
        cut = (lambda t: t) if short is None else (lambda t: _elide(t, short[latex], latex))
        rows: list[tuple[str, str]] = []
        if short is not None:
            where = short[False]
            rows.append(("note", rf"\text{{where }} \dots = {short[True]}" if latex else f"where … = {where}"))
        g = float(np.asarray(out.grad, dtype=float).reshape(()))
        scaled = g != 1.0  # backward started from a gradient other than 1: the first row multiplies it in
        for above, below, f, k, local, at in steps:
            if above.vertex is not out:
                g = float(np.asarray(above.vertex.grad)[at] if at is not None else above.value)
            up = above.label(latex, at=at) if at is not None else labels.get(id(above), above.label(latex))
            g_label = self._derivative_of(cut(up), latex) if above.vertex is not out else self._num(g, latex, False)
            sym = cut(symbols[id(f)][latex][k])
            value = below.value if below is not steps[-1][1] else self.value
            left = self._derivative_of(cut(labels[id(below)]) if below.vertex is not self.target else
                                       labels[id(below)], latex)
            if above.vertex is out and not scaled:
                right = [sym, self._num(local, latex, False)]
            else:
                right = [f"{factor(g_label, latex)}{dot}{_in_product(sym, 1, latex)}",
                         f"{self._num(g, latex, False)}{dot}{self._num(local, latex, float(local) < 0)}"]
            right.append(self._num(value, latex, False))
            rows.append((left, " = ".join(dict.fromkeys(right))))
        return rows

    def _derivative_of(self, label: str, latex: bool) -> str:
        return _frac(self.output.latex, label) if latex else f"∂{_d(self.output.label)}/∂{_d(label)}"

    def _ellipsis(self, texts: list[str]) -> tuple[str, str] | None:
        """The inner expression to write as … in a walk whose labels or formulas would be long: of the unnamed
        expressions of at most ELLIPSIS_AT characters inside several of them, the one that leaves the longest
        shortest (of those, the one inside most); None when all are short, or … is already in use."""
        if max(map(len, texts)) <= ELLIPSIS_AT or any("…" in t for t in texts):
            return None
        best, key = None, None
        for v in self.vertices:
            if v.node is None or v.named or len(v.label) > ELLIPSIS_AT or kind(v.label) == "atom":
                continue
            count = sum(v.label in t and t != v.label for t in texts)
            k = (max(len(_elide(t, v.label, False)) for t in texts), -count)
            if count > 1 and (key is None or k < key):
                best, key = v, k
        return None if best is None else (best.label, best.latex)

    def _gates(self, f: Factor, latex: bool, share: bool) -> list[str]:
        """A fold of numbers op by op from the top, one line each: the gradient at each folded op is the gradient
        above it times that op's local derivative (the gate gradients of a staged circuit)."""
        g = np.asarray(f.upper.vertex.grad)
        g = float(g[f.at] if f.at is not None else np.asarray(f.upper.value).reshape(-1)[0])
        dot = r" \cdot " if latex else " · "
        if latex:
            rows = [rf"\text{{inside }} {f.latex_label}\text{{, op by op from the top:}}"]
        else:
            rows = [f"inside {f.label}, op by op from the top:"]
        indent = r"\quad " if latex else "  "
        for q, local in zip([*f.inner, f.lower], f.locals):
            below = g * float(local)
            label = _point_derivative(self.output, q, latex)
            if share and q is f.lower:
                label = rf"\text{{this part of }} {label}" if latex else f"this part of {label}"
            rows.append(f"{indent}{label} = "
                        f"{self._num(g, latex)}{dot}{self._num(local, latex)} = {self._num(below, latex, False)}")
            g = below
        return rows

    def _summed(self, t: Term, latex: bool) -> str:
        s = (f"the part through {t.upper.label()} sums ∂{_d(self.output.label)}/∂{_d(t.upper.label())}[k] times "
             f"its Jacobian entry over {t.elements} elements k = {number(t.value, self.precision)}")
        return rf"\text{{{latex_text(s)}}}" if latex else s

    def _composed(self, part: Part, latex: bool) -> str:
        """A tensor part as one formula, top down: the gradient from above, then each op applied to it (⊙ its
        elementwise local derivative, or its vector-Jacobian product with g the gradient so far: ∂E/∂z^[2]·W^[2])."""
        odot, dot = (r" \odot ", r" \cdot ") if latex else (" ⊙ ", " · ")
        g = None
        for f in part.factors:
            if not f.uses:
                g = f.latex_label if latex else f.label
                continue
            for u, local in zip(f.uses, f.locals):
                sym = u.symbol(latex)
                if local is None and _G.search(u.edges[0].derivative.text):
                    g = u.symbol(latex, (g, kind(g)) if g is not None else ("1", "atom"))
                elif sym != "1":
                    g = factor(sym, latex) if g is None else (
                        f"{factor(g, latex)}{odot if np.size(local) > 1 else dot}{_in_product(sym, 1, latex)}")
        return g or "1"

    def _tensor_walk(self, eq: Equation, f: Factor, latex: bool) -> list[str]:
        """A tensor factor op by op, one line each: the gradient below the op from the one above it, with the
        elementwise local derivative's values (⊙) or the vector-Jacobian product's formula, then the result."""
        points, rows = [f.upper, *f.inner, f.lower], []
        odot = r" \odot " if latex else " ⊙ "
        for k, (u, local) in enumerate(zip(f.uses, f.locals)):
            above, below = points[k], points[k + 1]
            g = np.asarray(above.vertex.grad)
            g_label = (self._num(g, latex, False) if above.vertex is self.output else
                       _point_derivative(self.output, above, latex))
            g_values = g_label if above.equation and above.index is None and g.size > REPEAT_MAX else (
                self._num(g, latex, False))  # a large gradient the equation above ends with: by its label
            value = f.value if below is f.lower else below.value
            label = _point_derivative(self.output, below, latex)
            if below is eq.point and len(eq.parts) > 1:
                label = rf"\text{{this part of }} {label}" if latex else f"this part of {label}"
            if local is None and u.symbol(latex, ("\0", "atom")) == u.symbol(latex):  # a VJP without g (Σ: 1)
                dot = r" \cdot " if latex else " · "
                sym = _in_product(u.symbol(latex), 1, latex)
                steps = [f"{factor(g_label, latex)}{dot}{sym}", f"{factor(g_values, latex)}{dot}{sym}"]
            elif local is None:
                steps = [u.symbol(latex, (g_label, kind(g_label))), u.symbol(latex, (g_values, kind(g_values)))]
            else:
                sym = u.symbol(latex)
                dot = odot if np.size(local) > 1 else (r" \cdot " if latex else " · ")
                summed = next((e.broadcast for e in u.edges if e.broadcast), None)  # the product, summed to shape
                summed = (rf" \text{{, {latex_text(summed)}}}" if latex else f", {summed}") if summed else ""
                steps = [f"{factor(g_label, latex)}{dot}{_in_product(sym, 1, latex)}",
                         f"{factor(g_values, latex)}{dot}{self._num(local, latex)}{summed}"]
            steps.append(self._num(value, latex, False))
            shown = [f"{name} = {self._num(v, latex, False)}" for e in u.edges for name, v in e.ingredients(latex)]
            bare = {_BARE_NUMBER.sub(r"\1", step): step for step in reversed(steps)}  # 1 · (0.5) is 1 · 0.5
            rows.append(" = ".join([label, *dict.fromkeys(bare[_BARE_NUMBER.sub(r"\1", st)] for st in steps)]))
            if shown:  # the formula's ingredients, with their values (softmax(z), onehot(y), N)
                rows.append((r"\text{where } " if latex else "where ") + ", ".join(shown))
        return rows

    def _path_rows(self, latex: bool) -> list[tuple[str, str]]:
        listed, total = self.paths, self.total_paths
        plus = " + "
        rows = []
        word = "path" if total == 1 else "paths"
        head = f"the expanded sum over {total} {word}" if len(listed) == total else (
            f"the expanded sum over {total} {word}: the {len(listed)} listed terms are partial")
        rows.append(("note", rf"\text{{{latex_text(head)}}}" if latex else head))
        for k, path in enumerate(listed, 1):
            route = " → ".join(u.consumer.label for u in path.uses) + " → " + self.target.label
            sym = (r" \cdot " if latex else " · ").join(factor(u.symbol(latex), latex) for u in path.uses) or "1"
            vals = ""
            if path.locals is not None:
                vals = " = " + (r" \cdot " if latex else " · ").join(self._num(v, latex) for v in path.locals)
            r = (rf"\text{{path {k}, {latex_text(route)}: }} {sym}{vals} = {self._num(path.product, latex, False)}"
                 if latex else f"path {k}, {route}: {sym}{vals} = {self._num(path.product, latex, False)}")
            rows.append(("note", r))
        s = sum(np.asarray(p.product) for p in listed) if listed else 0.0
        sums = plus.join(self._num(p.product, latex, np.ndim(p.product) == 0 and float(p.product) < 0)
                         for p in listed)
        if len(listed) < total:
            tail = (f"listed terms sum to {self._n(s)}; the gradient (all {total} paths) is {self._n(self.value)}")
            rows.append(("note", rf"\text{{{latex_text(tail)}}}" if latex else tail))
        else:
            rows.append(("note", f"{sums} = {self._num(s, latex, False)}"))
        return rows

    def lines(self) -> list[str]:
        """The derivation as lines of text: a heading for nn parameters, then each equation, top down."""
        lines = [self.heading] if self.heading else []
        width = 0
        for left, right in self.rows():
            if left and left != "note":
                width = len(left)
                lines.append(f"{left} = {right}")
            elif left == "note":
                lines.append(f"{' ' * (width + 3)}{right}" if width else right)
            else:
                lines.append(f"{' ' * width} = {right}")
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return (f"<Derivation {self.label} = {self._n(self.value)}, {len(self.equations)} equation(s), "
                f"{self.total_paths} path(s)>")

    def to_text(self) -> str:
        return str(self)

    def to_latex(self, environment: str = "align*") -> str:
        """The same rows as the text, as one aligned block (amsmath); `environment='aligned'` to put inside $$."""
        out = []
        for left, right in self.rows(latex=True):
            if left == "note":
                out.append(rf"  &\qquad {right}")
            else:
                out.append(f"  {left} &= {right}")
        head = f"  \\text{{{latex_text(self.heading)}}} \\\\\n" if self.heading else ""
        return f"\\begin{{{environment}}}\n{head}" + " \\\\\n".join(out) + f"\n\\end{{{environment}}}"

    def to_markdown(self) -> str:
        latex = self.to_latex("aligned")
        return f"**{self.label}** = `{self._n(self.value)}`\n\n```\n{self}\n```\n\n$$\n{latex}\n$$\n"

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def to_html(self) -> str:
        return f"<div class='gg-derivation'><pre>{html.escape(str(self))}</pre></div>"

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_dict(self) -> dict:
        from glassgrad.explain.render import json_value

        def point(p: Point, at: Any = None) -> dict:
            return {"node": p.vertex.id, "index": list(at if at is not None else p.index) if (
                at if at is not None else p.index) is not None else None, "label": p.label(at=at)}

        def fac(f: Factor) -> dict:
            return {"label": f.label, "latex_label": f.latex_label, "text": f.text(), "latex": f.text(True),
                    "upper": point(f.upper), "lower": point(f.lower), "value": json_value(f.value),
                    "ops": [{"consumer": u.consumer.id, "source": u.source.id, "edges": len(u.edges),
                             "text": u.symbol(), "local": json_value(v)} for u, v in zip(f.uses, f.locals)],
                    "inner": [{**point(q), "grad": json_value(q.value)} for q in f.inner]}

        return {
            "target": self.target.id, "index": None if self.index is None else list(self.index),
            "label": self.label, "latex": self.latex_label, "heading": self.heading,
            "value": json_value(self.value), "total_paths": self.total_paths,
            "equations": [{**point(eq.point), "label": _point_derivative(self.output, eq.point, False),
                           "latex": _point_derivative(self.output, eq.point, True), "tensor": eq.tensor,
                           "value": json_value(eq.value),
                           "parts": [{"via": q.term.use.consumer.id, "value": json_value(q.value),
                                      "elements": q.term.elements, "factors": [fac(f) for f in q.factors]}
                                     for q in eq.parts]} for eq in self.equations],
            "rows": [{"left": a, "right": b} for a, b in self.rows()],
            "paths": None if self.paths is None else [
                {"consumers": [u.consumer.id for u in q.uses], "text": " · ".join(u.symbol() for u in q.uses),
                 "locals": None if q.locals is None else [json_value(v) for v in q.locals],
                 "product": json_value(q.product)} for q in self.paths],
        }


def _listed(terms: list[str], latex: bool) -> str:
    """A sum's labels or formulas: over REPEAT_MAX terms (an element fed by a 64-wide layer), the first two, …,
    the last (the numbers rows list every term)."""
    if len(terms) > REPEAT_MAX:
        terms = [*terms[:2], r"\dots" if latex else "…", terms[-1]]
    return " + ".join(terms)


def _elide(s: str, inner: str, latex: bool) -> str:
    """`s` with the expression `inner` written … (\\dots), unless `s` is that expression itself."""
    if s == inner:
        return s
    dots = r"\dots " if latex else "…"
    wrapped = (rf"\left({inner}\right)", rf"\left({{{inner}}}\right)") if latex else (f"({inner})",)
    for w in wrapped:
        s = s.replace(w, dots)
    return s.replace(inner, dots)


def _in_product(s: str, position: int, latex: bool) -> str:
    """A formula as a factor: parenthesised when it is a sum, or negative after the first factor (no '· −1')."""
    s = factor(s, latex)
    return (rf"\left({s}\right)" if latex else f"({s})") if position and s[:1] in "-−" else s


def _d(label: str) -> str:
    """A label after ∂: parenthesised unless it is a name, a call or an indexed name (∂f/∂(x·y), ∂f/∂σ(z))."""
    depth = 0
    for k, ch in enumerate(label):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and (ch in " ·/+−*" or ch == "^" and label[k + 1:k + 2] != "[" or ch == "-" and not k):
            return wrap_all(label)
    return label


_G = re.compile(r"(?<![\w$])g(?![a-zA-Z])")  # a vector-Jacobian product's formula mentions the upstream gradient g


def wrap_all(label: str) -> str:
    return label if label[:1] == "(" and label[-1:] == ")" and _balanced_inside(label) else f"({label})"


def _balanced_inside(label: str) -> bool:
    depth = 0
    for ch in label[1:-1]:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _frac(upper: str, lower: str) -> str:
    return rf"\frac{{\partial {_d_latex(upper)}}}{{\partial {_d_latex(lower)}}}"


def _d_latex(label: str) -> str:
    return rf"\left({label}\right)" if any(ch in label for ch in " +-") else label


def _point_derivative(output: Vertex, p: Point, latex: bool) -> str:
    if latex:
        return _frac(output.latex, p.label(True))
    return f"∂{_d(output.label)}/∂{_d(p.label())}"


def _also_through(use: Use, sources: dict[int, list[int]]) -> bool:
    """Whether the consumer of `use` also depends on its source through another of its inputs (then its local
    derivative is only the direct part of ∂consumer/∂source)."""
    below = use.source.id
    stack, seen = [i for i in sources.get(use.consumer.id, []) if i != below], set()
    while stack:
        v = stack.pop()
        if v == below:
            return True
        if v not in seen:
            seen.add(v)
            stack += sources.get(v, [])
    return False


def _flows(e: Edge) -> bool:
    return e.source is not None and e.sent is not None


def _between(output: Vertex, target: Vertex) -> list[Vertex]:
    """The vertices on some path output → target (gradients flow along it), target first, in forward order."""
    order, seen, stack = [], {output.id}, [output]
    while stack:
        v = stack.pop()
        order.append(v)
        for e in v.edges:
            if _flows(e) and e.source.id not in seen and e.source.id >= target.id:
                seen.add(e.source.id)
                stack.append(e.source)
    order.sort(key=lambda v: v.id)  # ids are in forward order
    reach = {target.id}
    for v in order:
        if any(_flows(e) and e.source.id in reach for e in v.edges):
            reach.add(v.id)
    return [v for v in order if v.id in reach]


def _linears(trace: Any) -> list[Vertex]:
    return [v for v in trace.vertices if v.node is not None and v.node.op.name == "linear"]


def _parameter_labels(trace: Any) -> dict[int, tuple[str, str]]:
    """The textbook's W^[l], b^[l] for the weight and bias of the l-th linear layer, where their only name is the
    one their module gave them (its path, '0.weight'): the heading line of the derivation says which that is."""
    out = {}
    for k, v in enumerate(_linears(trace), 1):
        for e, symbol in zip(v.edges[1:], "Wb"):
            t = e.source.tensor if e.source is not None and e.source.node is None else None
            if t is not None and t.name and t.name.split(".")[-1] in ("weight", "bias") and e.source.label == t.name:
                out[e.source.id] = (f"{symbol}^[{k}]", f"{symbol}^{{[{k}]}}")
    return out


def _uses(vertices: list[Vertex], names: dict | None = None) -> dict[int, list[Use]]:
    """For each vertex, its uses by the ops above it (consumers in forward order), several edges of one op as one."""
    inside = {v.id for v in vertices}
    uses: dict[int, list[Use]] = {}
    for v in vertices:
        mine: dict[int, Use] = {}
        for e in v.edges:
            if _flows(e) and e.source.id in inside:
                if e.source.id in mine:
                    mine[e.source.id].edges.append(e)
                else:
                    mine[e.source.id] = Use(v, e.source, [e], names if names is not None else {})
                    uses.setdefault(e.source.id, []).append(mine[e.source.id])
    return uses


def _count_paths(vertices: list[Vertex], uses: dict[int, list[Use]], output: Vertex, target: Vertex) -> int:
    """Paths output → target, the uses of one op counted once (as the derivation combines them)."""
    counts = {output.id: 1}
    for v in reversed(vertices):
        if v is not output:
            counts[v.id] = sum(counts.get(u.consumer.id, 0) for u in uses.get(v.id, []))
    return counts.get(target.id, 0)


def path_edges(output: Vertex, target: Vertex) -> list[Edge]:
    """The edges that lie on some path output → target (what the graph drawing highlights)."""
    return [e for us in _uses(_between(output, target)).values() for u in us for e in u.edges]


@dataclass(eq=False)
class ExpandedPath:
    """One path of the expanded sum: its uses from the output down, and what it contributes."""

    uses: list[Use]
    locals: list | None  # numbers: each op's local derivative along it (None for tensors)
    product: Any


def _enumerate(d: Derivation, limit: int) -> list[ExpandedPath]:
    """Up to `limit` paths output → target (iterative: chains can be long), each with its product."""
    found, stack = [], [(d.target, None)]
    while stack and len(found) < limit:
        v, link = stack.pop()
        if v is d.output:
            chain = []
            while link is not None:
                link, u = link
                chain.append(u)
            found.append(chain)  # the last use reached first: output → target
            continue
        for u in reversed(d.uses.get(v.id, [])):
            stack.append((u.consumer, (link, u)))
    paths = []
    for uses in found:
        if d.index is not None and all(u.source.value.size == 1 and u.consumer.value.size == 1 for u in uses):
            locals_ = [float(u.jvp(np.ones(u.source.shape)).reshape(())) for u in uses]
            g = np.asarray(d.output.grad, dtype=float).reshape(())
            paths.append(ExpandedPath(uses, locals_, g * np.prod(locals_)))
            continue
        g = np.asarray(d.output.grad)
        for u in uses:
            g = sum(e.vjp(g) for e in u.edges)
        paths.append(ExpandedPath(uses, None, g[d.index] if d.index is not None else g))
    return paths
