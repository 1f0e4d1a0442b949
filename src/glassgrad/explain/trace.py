"""Recording a backward pass step by step: the graph's vertices and edges, and what backward did at each node.

The gradients come from the engine's own walk (`run_backward(..., observer=...)`), so an explanation can never
disagree with `.backward()`. What the explainer adds is read from the op table only: each op's `text`/`latex`
template, and each input's `Derivative`, whose `fn` is evaluated here with the NumPy namespace.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassgrad import autograd
from glassgrad.autograd import Node, Released
from glassgrad.explain.format import fill, kind, latex_name, latex_number, number
from glassgrad.ops.base import Derivative, shown, sum_to
from glassgrad.ops.xp import NUMPY
from glassgrad.tensor import Tensor

_INPUT_KEYS = ("a", "b", "c", "d", "e")
_MAX_EXPRESSION = 32  # longer expression labels show their long inputs as … ('tanh(…)·w')
_MAX_CONSTANT_LABEL = 4  # unnamed constant tensors of at most this many elements are labelled by their value


@dataclass(eq=False, slots=True)
class Vertex:
    """One tensor of the graph: a leaf, a constant tensor, or an op's output (`node` is then its Node)."""

    id: int
    label: str
    latex_label: str | None  # None: the LaTeX of the expression, made when first asked for
    value: np.ndarray
    node: Node | None = None
    tensor: Tensor | None = None
    named: bool = False  # a station of derivations: the user's name, or one inferred from nn layers (z^[1], ŷ)
    requires_grad: bool = False
    depth: int = 0
    edges: list[Edge] = field(default_factory=list)  # one per input of `node`
    incoming: list[tuple[Edge, Any]] = field(default_factory=list)  # gradients arriving here, in arrival order
    grad: Any = None  # ∂output/∂this, as backward computed it
    step: Step | None = None
    inputs: tuple = ()  # the node's inputs, kept here: a later backward() frees node.inputs, not this trace
    binding: str = "atom"  # how the label binds in a formula (format.kind): atom, product or sum
    mark: int = 0  # primes that tell this tensor from an earlier one with the same label ((x + y)′)
    _names: dict = field(default_factory=dict, repr=False)

    @property
    def latex(self) -> str:
        """The label as LaTeX math. An expression's is made from its inputs' LaTeX, those first (an explicit walk in
        forward order, not recursion: a chain can be thousands of ops deep)."""
        if self.latex_label is None:
            todo, stack = {}, [self]
            while stack:
                v = stack.pop()
                if v.latex_label is None and v.id not in todo:
                    todo[v.id] = v
                    stack += [e.source for e in v.edges if e.source is not None]
            for v in sorted(todo.values(), key=lambda v: v.id):  # ids are in forward order: inputs first
                v.names(latex=True)
        return self.latex_label

    @property
    def op_name(self) -> str:
        return self.node.op.name if self.node is not None else ("leaf" if self.requires_grad else "constant")

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape)

    @property
    def site(self) -> str | None:
        return self.node.site if self.node is not None else None

    def names(self, latex: bool = False) -> dict[str, tuple[str, str]]:
        """The template substitutions of this node, as (label, kind): $a, $b, … its inputs, $out itself."""
        cached = self._names.get(latex)
        if cached is None:
            cached = {k: (e.latex_label if latex else e.label, e.source.binding if e.source else kind(e.constant))
                      for k, e in zip(_INPUT_KEYS, self.edges)}
            cached["g"] = ("g", "atom")
            if latex and self.latex_label is None:  # an expression label: its LaTeX is the op's LaTeX template,
                short = {k: (r"\dots", "atom") for k, e in zip(_INPUT_KEYS, self.edges)  # … where the text has …
                         if len(e.label) > _MAX_EXPRESSION // 3} if len(self.formula()) > _MAX_EXPRESSION else {}
                self.latex_label = fill(self.node.op.latex, {**cached, **short}, latex=True)
                if self.mark:
                    self.latex_label = rf"\left({self.latex_label}\right)" + primes(self.mark, latex=True)
            cached["out"] = (self.latex if latex else self.label, self.binding)
            self._names[latex] = cached
        return cached

    def formula(self, latex: bool = False) -> str:
        """The op applied to its inputs, e.g. 'w·x' (empty for leaves)."""
        if self.node is None:
            return ""
        key = "formula-latex" if latex else "formula"
        if key not in self._names:
            self._names[key] = fill(self.node.op.latex if latex else self.node.op.text, self.names(latex), latex)
        return self._names[key]


@dataclass(eq=False, slots=True)
class Edge:
    """Input `index` of `consumer`'s op: the way a gradient flows from `consumer` back to `source`."""

    consumer: Vertex
    index: int
    source: Vertex | None  # None: a constant that is not a tensor (a Python number, a mask, None)
    constant: str = ""  # the constant's label when source is None
    derivative: Derivative | None = None  # the op table's declaration for this input (None: not differentiable)
    local: Any = None  # the elementwise local derivative ∂consumer/∂source, evaluated (kind "local" only)
    sent: Any = None  # the gradient backward sent to source along this edge
    broadcast: str | None = None  # how the product was summed back to the source's shape

    @property
    def label(self) -> str:
        return self.source.label if self.source is not None else self.constant

    @property
    def latex_label(self) -> str:
        return self.source.latex if self.source is not None else self.constant

    def symbol(self, latex: bool = False) -> str:
        """∂consumer/∂source as the op table writes it, with this graph's labels substituted."""
        d = self.derivative
        if d is None:
            return ""
        return fill(d.latex if latex else d.text, self.consumer.names(latex), latex, derivative=True)

    def vjp(self, g: Any) -> Any:
        """Send `g` (a gradient of the consumer) back along this edge alone, with the op's declared formula."""
        d, node = self.derivative, self.consumer.node
        args = _arrays(self.consumer.inputs)
        out = self.consumer.value
        if d.kind == "local":
            f = d.fn(NUMPY, out, *args, **node.params)
            return _sum_to_shape(np.asarray(g * f), np.shape(args[self.index]))
        if d.kind == "vjp_all":
            return np.asarray(d.fn(NUMPY, g, out, *args, **node.params)[self.index])
        return np.asarray(d.fn(NUMPY, g, out, *args, **node.params))

    def ingredients(self, latex: bool = False) -> list[tuple[str, Any]]:
        """The formula's named parts the op table lists (`Derivative.shows`), with this graph's labels and values:
        softmax(z) and onehot(y) of cross-entropy's (softmax(z) − onehot(y))/N."""
        d = self.derivative
        if d is None or not d.shows:
            return []
        args, names = _arrays(self.consumer.inputs), self.consumer.names(latex)
        values = [fn(NUMPY, self.consumer.value, *args, **self.consumer.node.params) for _, _, fn in d.shows]
        if any(v is None for v in values):  # the formula is not exactly the op's case (weights, smoothing)
            return []
        return [(fill(tl if latex else t, names, latex), v) for (t, tl, _), v in zip(d.shows, values)]

    def jvp(self, u: np.ndarray) -> np.ndarray:
        """J·u, the change of the consumer for a change `u` of the source (a column of the Jacobian when u is one-hot).

        Elementwise: the local derivative times u broadcast. Otherwise the VJP is linear in g, so J·u is the
        gradient of ⟨VJP(g), u⟩ with respect to g: the op's formula run once on recorded tensors and differentiated.
        """
        d, node = self.derivative, self.consumer.node
        shape = self.consumer.shape
        if d.kind == "local":
            args = _arrays(self.consumer.inputs)
            f = shown(d.fn(NUMPY, self.consumer.value, *args, **node.params), self.consumer.value)
            return np.asarray(np.broadcast_to(u, shape) * f)
        from glassgrad.autograd import grad
        from glassgrad.ops.xp import TENSOR
        from glassgrad.tensor import tensor

        g = tensor(np.zeros(shape, dtype=self.consumer.value.dtype), requires_grad=True)
        args = [tensor(a._data) if isinstance(a, Tensor) else a for a in self.consumer.inputs]
        out = tensor(self.consumer.value)
        sent = d.fn(TENSOR, g, out, *args, **node.params)
        if d.kind == "vjp_all":
            sent = sent[self.index]
        (column,) = grad((sent * tensor(u)).sum(), [g], allow_unused=True)
        return np.zeros(shape, dtype=g._data.dtype) if column is None else np.asarray(column._data)


@dataclass(eq=False, slots=True)
class Step:
    """What backward did at one node: the upstream gradient it received and what it sent to each input."""

    index: int
    vertex: Vertex
    upstream: Any
    contributions: list[tuple[Edge, Any]]  # the gradients summed into `upstream` (several: several paths)

    @property
    def edges(self) -> list[Edge]:
        return self.vertex.edges


def _declared(derivs: tuple, index: int) -> Derivative | None:
    """The derivative an op declares for input `index` (ops with a 'vjp_all' declare one for all inputs)."""
    if derivs and derivs[0] is not None and derivs[0].kind == "vjp_all":
        return derivs[0]
    return derivs[index] if index < len(derivs) else None


def _arrays(inputs: tuple) -> list:
    return [a._data if isinstance(a, Tensor) else a for a in inputs]


def _sum_to_shape(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return sum_to(NUMPY, x, tuple(shape)) if x.shape != tuple(shape) else x


def broadcast_note(full: tuple[int, ...], shape: tuple[int, ...]) -> str | None:
    """'summed over axis 0: (3,) was broadcast to (4, 3)', or None when no broadcasting happened."""
    full, shape = tuple(full), tuple(shape)
    if full == shape:
        return None
    lead = len(full) - len(shape)
    axes = list(range(lead)) + [i + lead for i, n in enumerate(shape) if n == 1 and full[i + lead] != 1]
    word = "axis" if len(axes) == 1 else "axes"
    return f"summed over {word} {', '.join(map(str, axes))}: {shape} was broadcast to {full}"


def _recorded_value(node: Node, t: Tensor | None) -> np.ndarray:
    """The value `node` computed. Its tensor holds it unless changed in place since (then the tensor has a newer
    node): the op is run again on its inputs, as the consumers recorded before the change saw it."""
    if t is not None and t.grad_fn is node:
        return np.asarray(t._data)
    if node.out is not None:
        return node.out
    return np.asarray(node.op.forward(*_arrays(node.inputs), **node.params))


def _sources(node: Node) -> list:
    """What each input of `node` came from: the node or leaf its gradient goes to (fixed when the op was recorded,
    so a tensor changed in place later still shows the value this op used), or the tensor itself for a constant."""
    return [c if c is not None else a if isinstance(a, Tensor) else None for a, c in zip(node.inputs, node.next)]


def _constant_label(a: Any, precision: int) -> str:
    if a is None:
        return "∅"
    arr = np.asarray(a)
    if arr.dtype == bool:
        return "mask"
    if arr.size == 1:
        return number(arr.reshape(()), precision)
    return f"const{list(arr.shape)}"


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def primes(n: int, latex: bool = False) -> str:
    """The mark of the n-th repeat of a label: ′, ′′, ′′′, then ⁽⁴⁾ (one prime per repeat made the labels of a
    2,500-fold loop thousands of characters long: text and time grew with the square of the depth)."""
    if n <= 3:
        return ("'" if latex else "′") * n
    return f"^{{({n})}}" if latex else f"⁽{str(n).translate(_SUPERSCRIPT)}⁾"


def _layer_names(order: list, tensors: dict, parameter_names: dict) -> dict[int, str]:
    """Labels inferred from nn layers, for what the user left unnamed: each `linear` node's output is z^[l], the
    unary elementwise op applied to it a^[l] (the last one ŷ), its weight and bias W^[l], b^[l] (or the model's
    parameter names), the first layer's input x, and the constant the network's output is compared with y."""
    linears = [n for n in order if isinstance(n, Node) and n.op.name == "linear"]
    if not linears:
        return {}
    names: dict[int, str] = {}

    def unnamed(obj: Any) -> bool:
        t = obj if isinstance(obj, Tensor) else tensors.get(id(obj))
        return not (t is not None and t.name)

    consumers: dict[int, list[Node]] = {}
    for n in order:
        if isinstance(n, Node):
            for c in _sources(n):
                if c is not None:
                    consumers.setdefault(id(c), []).append(n)
    top = None
    for layer, node in enumerate(linears, 1):
        sources = _sources(node)
        for source, symbol in zip(sources[1:], ("W", "b")):
            if isinstance(source, Tensor) and source.grad_fn is None and unnamed(source):
                names[id(source)] = parameter_names.get(id(source), f"{symbol}^[{layer}]")
        if layer == 1 and isinstance(sources[0], Tensor) and sources[0].grad_fn is None and unnamed(sources[0]):
            names[id(sources[0])] = "x"
        if unnamed(node):
            names[id(node)] = f"z^[{layer}]"
        top = node
        after = consumers.get(id(node), [])
        if len(after) == 1 and _is_activation(after[0]) and unnamed(after[0]):
            names[id(after[0])] = f"a^[{layer}]"
            top = after[0]
    if names.get(id(top), "").startswith("a^"):
        names[id(top)] = "ŷ"
    for n in consumers.get(id(top), []):
        for source in _sources(n):
            if isinstance(source, Tensor) and source is not top and not source.requires_grad and unnamed(source):
                names[id(source)] = "y"
    return names


def _caller_frame() -> Any:
    """The innermost frame outside glassgrad: the user code that asked for the explanation."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] == "glassgrad":
        frame = frame.f_back
    return frame


def _variable_names(order: list, tensors: dict) -> dict[int, str]:
    """Labels for what the user left unnamed, from the caller's variables bound to it: `x = gg.tensor(...)` is
    labelled x, not x1. Locals before globals, the first name of a tensor in definition order; names starting
    with _ and `self` are skipped, as are names the user gave another tensor of the graph. A named tensor keeps its
    name: nn modules name their parameters by their place in the model ('0.weight'), so those labels win."""
    frame = _caller_frame()
    if frame is None:
        return {}
    scopes = [frame.f_locals] if frame.f_locals is frame.f_globals else [frame.f_locals, frame.f_globals]
    del frame
    keys = {id(obj) for obj in order}
    taken = {t.name for t in (obj if isinstance(obj, Tensor) else tensors.get(id(obj)) for obj in order)
             if t is not None and t.name}
    names: dict[int, str] = {}
    for scope in scopes:
        for name, t in scope.items():
            if not isinstance(t, Tensor) or t.name or name.startswith("_") or name == "self" or name in taken:
                continue
            key = id(_Builder._key(t))
            if key in keys and key not in names:
                names[key] = name
                taken.add(name)
    return names


def _is_activation(node: Node) -> bool:
    """A unary elementwise op (relu, sigmoid, tanh, …): one tensor input, a local derivative."""
    d = node.op.derivatives
    return (sum(c is not None for c in _sources(node)) == 1 and _sources(node)[0] is not None and bool(d)
            and d[0] is not None and d[0].kind == "local" and all(not isinstance(a, Tensor) for a in node.inputs[1:]))


class _Builder:
    """Walks the recorded graph once (forward order), labels it, then watches backward walk it."""

    def __init__(self, output: Tensor, precision: int, model: Any = None, names: bool = True) -> None:
        self.precision = precision
        self.parameter_names = {} if model is None else {id(t): n for n, t in model.named_parameters()}
        self.vertices: list[Vertex] = []
        self.by_key: dict[int, Vertex] = {}
        self.counts = {"leaf": 0, "const": 0}
        self.labels: dict[str, int] = {}
        self.steps: list[Step] = []
        order, tensors = self._forward_order(output)
        self.variable_names = _variable_names(order, tensors) if names else {}
        self.layer_names = _layer_names(order, tensors, self.parameter_names)
        for obj in order:
            self._add(obj, tensors.get(id(obj)), output)

    @staticmethod
    def _key(t: Tensor) -> Any:
        return t.grad_fn if t.grad_fn is not None and t.requires_grad else t

    def _forward_order(self, output: Tensor) -> tuple[list, dict]:
        """Nodes and tensors, inputs before the ops that use them (iterative post-order DFS)."""
        root = self._key(output)
        tensors: dict[int, Tensor] = {id(root): output}
        order, seen, stack = [], set(), [(root, False)]
        while stack:
            obj, done = stack.pop()
            if done:
                order.append(obj)
                continue
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            stack.append((obj, True))
            if isinstance(obj, Node):
                if obj.inputs is None or isinstance(obj.inputs, Released):
                    raise RuntimeError(
                        "explain: the graph was freed by an earlier backward(). Call gg.explain(E) instead of "
                        "E.backward() (it runs the backward pass), or call E.backward(retain_graph=True) first.")
                for t, child in reversed(list(zip(obj.inputs, _sources(obj)))):
                    if child is not None:
                        if isinstance(child, Node) and (id(child) not in tensors or t.name):
                            tensors[id(child)] = t
                        if id(child) not in seen:
                            stack.append((child, False))
        return order, tensors

    def _add(self, obj: Any, tensor: Tensor | None, output: Tensor) -> None:
        is_node = isinstance(obj, Node)
        t = tensor if is_node else obj
        named = bool(t is not None and t.name) or id(obj) in self.variable_names
        v = Vertex(len(self.vertices), "", "", _recorded_value(obj, t) if is_node else np.asarray(t._data),
                   node=obj if is_node else None, tensor=t, named=named,
                   requires_grad=bool(t is not None and t.requires_grad))
        if is_node:
            v.inputs = obj.inputs
            for i, (a, source) in enumerate(zip(obj.inputs, _sources(obj))):
                src = None if source is None else self.by_key.get(id(source))
                const = "" if src is not None else _constant_label(a, self.precision)
                v.edges.append(Edge(v, i, src, const, _declared(obj.op.derivatives, i)))
                if src is not None:
                    v.depth = max(v.depth, src.depth + 1)
        v.label, v.latex_label = self._labels(v, t, output)
        v.named = v.named or id(obj) in self.layer_names
        if v.requires_grad:
            seen = self.labels.get(v.label, 0)
            self.labels[v.label] = seen + 1
            if seen:  # the same expression (or name) twice: primes keep the stations apart
                v.mark = seen
                v.label = (v.label if kind(v.label) == "atom" else f"({v.label})") + primes(seen)
                if v.latex_label is not None:
                    v.latex_label = f"{{{v.latex_label}}}" + primes(seen, latex=True)
        v.binding = kind(v.label)
        self.by_key[id(obj)] = v
        self.vertices.append(v)

    def _labels(self, v: Vertex, t: Tensor | None, output: Tensor) -> tuple[str, str]:
        if v.named:
            name = t.name if t is not None and t.name else self.variable_names[id(v.node if v.node is not None else t)]
            return name, latex_name(name)
        if t is output:
            return "f", "f"
        key = id(v.node if v.node is not None else t)
        if key in self.layer_names:
            return self.layer_names[key], latex_name(self.layer_names[key])
        if v.node is None and key in self.parameter_names:
            return self.parameter_names[key], latex_name(self.parameter_names[key])
        if v.node is None:
            role = "leaf" if v.requires_grad else "const"
            if role == "const" and v.value.size <= _MAX_CONSTANT_LABEL:
                s = number(v.value.reshape(()) if v.value.size == 1 else v.value, self.precision)
                return s, latex_number(v.value.reshape(()) if v.value.size == 1 else v.value, self.precision)
            self.counts[role] += 1
            k = self.counts[role]
            return (f"x{k}", f"x_{{{k}}}") if role == "leaf" else (f"c{k}", f"c_{{{k}}}")
        text = v.formula()
        if len(text) <= _MAX_EXPRESSION:
            return text, None
        short = {k: (e.label if len(e.label) <= _MAX_EXPRESSION // 3 else "…", "atom" if len(e.label) >
                     _MAX_EXPRESSION // 3 else (e.source.binding if e.source else kind(e.constant)))
                 for k, e in zip(_INPUT_KEYS, v.edges)}
        return fill(v.node.op.text, short), None

    def observe(self, node: Node, g: Any, grads: list) -> None:
        """The engine's observer: called at every node in backward order with what backward computed there."""
        v = self.by_key[id(node)]
        v.grad = g
        step = Step(len(self.steps), v, g, list(v.incoming))
        v.step = step
        args = None
        for e, gi in zip(v.edges, grads):
            e.sent = gi
            if gi is None:
                continue
            d = e.derivative
            if d is not None and d.kind == "local":
                args = _arrays(v.inputs) if args is None else args
                e.local = shown(d.fn(NUMPY, v.value, *args, **node.params), v.value)
                shape, local_shape = np.shape(args[e.index]), np.shape(e.local)
                if np.shape(g) != shape or local_shape not in ((), shape):
                    e.broadcast = broadcast_note(np.broadcast_shapes(np.shape(g), local_shape), shape)
            if e.source is not None:
                e.source.incoming.append((e, gi))
        self.steps.append(step)


class Trace:
    """A backward pass, step by step: what `gg.explain(E)` returns.

    `steps` are in the order backward visited the nodes; `vertices` (every tensor of the graph) in forward order.
    """

    def __init__(self, output: Tensor, gradient: Any = None, precision: int = 4, accumulate: bool = True,
                 model: Any = None, names: bool = True) -> None:
        if not isinstance(output, Tensor):
            raise TypeError(f"explain: expected a Tensor, got {type(output).__name__}")
        grads = autograd._root_grads([output], None if gradient is None else [gradient], False, "explain")
        b = _Builder(output, precision, model, names)
        self.model = model
        self.precision = precision
        self.vertices, self.steps, self._by_key = b.vertices, b.steps, b.by_key
        self.output = b.by_key[id(b._key(output))]
        self.output.grad = grads[0]
        if output.grad_fn is not None:
            leaves = None if accumulate else [v.tensor for v in b.vertices if v.node is None and v.requires_grad]
            autograd.run_backward([output], grads, retain_graph=True, create_graph=False, inputs=leaves,
                                  observer=b.observe)
        for v in self.vertices:
            if v.node is None and v.incoming:
                total = v.incoming[0][1]
                for _, gi in v.incoming[1:]:
                    total = total + gi
                v.grad = total

    def vertex(self, t: Tensor) -> Vertex:
        """The vertex of tensor `t` (a leaf or an op's output) in this trace."""
        v = self._by_key.get(id(_Builder._key(t) if isinstance(t, Tensor) else t))
        if v is None:
            what = f"{t.name!r}" if isinstance(t, Tensor) and t.name else "this tensor"
            raise KeyError(f"explain: {what} is not part of the graph of {self.output.label!r} (it was not used to "
                           "compute it, or only under no_grad()).")
        return v

    def grad(self, t: Tensor) -> Any:
        """∂output/∂t as backward computed it (None where no gradient reached t)."""
        return self.vertex(t).grad

    def derivation(self, t: Tensor, index: Any = None, expand: bool = False) -> Any:
        """How ∂output/∂t came to be, as backprop computes it: station by station from the output, each station's
        gradient the sum of its parts (see Derivation). `index`: one element of t (a weight of a layer, say).
        `expand=True` adds the expanded sum over paths (at most 256 listed)."""
        from glassgrad.explain.derivation import Derivation

        return Derivation(self, self.vertex(t), index, expand)

    def deltas(self, model: Any = None, **limits: Any) -> Any:
        """The per-layer table of a network built from nn layers: δ = ∂E/∂z, ∂E/∂W = δ·aᵀ, norms, diagnostics."""
        from glassgrad.explain.layers import LayerTable

        return LayerTable(self, model if model is not None else self.model, **limits)

    def check(self, t: Tensor, **options: Any) -> Any:
        """The analytic gradient beside central and forward differences, over a sweep of step sizes."""
        from glassgrad.explain.check import GradientCheck

        return GradientCheck(self, self.vertex(t), **options)

    def graph(self, highlight: Tensor | None = None, max_nodes: int = 60) -> Any:
        """The computation graph as SVG (an object with .svg, shown inline by Jupyter)."""
        from glassgrad.explain.graph import Graph

        return Graph(self, None if highlight is None else self.vertex(highlight), max_nodes)

    def to_dot(self, highlight: Tensor | None = None) -> str:
        from glassgrad.explain.graph import to_dot

        return to_dot(self, None if highlight is None else self.vertex(highlight))

    def to_text(self, max_width: int = 48) -> str:
        from glassgrad.explain import render

        return render.text(self, max_width)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<Trace of {self.output.label}: {len(self.steps)} steps, {len(self.vertices)} tensors>"

    def to_markdown(self) -> str:
        from glassgrad.explain import render

        return render.markdown(self)

    def to_latex(self) -> str:
        from glassgrad.explain import render

        return render.latex(self)

    def to_html(self, full: bool = True) -> str:
        """A self-contained page (`full=False`: the fragment alone, to embed)."""
        from glassgrad.explain import render

        return render.html_page(self) if full else render.html_fragment(self)

    def _repr_html_(self) -> str:
        from glassgrad.explain import render

        return render.html_fragment(self, max_rows=200)

    def to_dict(self) -> dict:
        from glassgrad.explain import render

        return render.as_dict(self)

    def to_json(self, indent: int | None = None) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)
