"""Recording ops into a graph, and walking it backwards.

`apply` runs one op table entry forward and, when gradients are wanted, records a `Node`. `backward` and
`grad` walk the recorded nodes in reverse topological order, iteratively (no recursion limit), sending each
upstream gradient through the op's declared derivatives, then free what the walk no longer needs.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassgrad.ops.base import Op, sum_to
from glassgrad.tensor import Tensor, _make, _type_name, as_tensor

# ----------------------------------------------------------------------------------------------- grad modes

class _Flags(threading.local):
    """The engine's switches, one set per thread as in PyTorch (its grad and anomaly modes are thread-local): one
    thread's no_grad must not stop another thread's recording."""

    grad, anomaly, sites = True, False, False


_state = _Flags()


def is_grad_enabled() -> bool:
    return _state.grad


class _Switch:
    """Sets one engine flag inside a `with` block or a decorated function, and restores it after."""

    key, value = "grad", True

    def __init__(self, value: Any = None) -> None:
        if value is not None:
            self.value = value

    def __enter__(self) -> None:
        self.prev = getattr(_state, self.key)
        setattr(_state, self.key, self.value)

    def __exit__(self, *exc: object) -> None:
        setattr(_state, self.key, self.prev)

    def __call__(self, fn: Callable) -> Callable:
        key, value = self.key, self.value

        @functools.wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            prev = getattr(_state, key)
            setattr(_state, key, value)
            try:
                return fn(*args, **kwargs)
            finally:
                setattr(_state, key, prev)

        return wrapped


class _BareSwitch(_Switch):
    """A switch that also decorates without parentheses (`@no_grad` as well as `@no_grad()`, as PyTorch ≥ 2.0)."""

    def __new__(cls, *args: Any) -> Any:
        if len(args) == 1 and callable(args[0]):
            return cls()(args[0])
        return super().__new__(cls)


class no_grad(_BareSwitch):
    """Nothing computed inside is recorded: for evaluation and for updating weights."""

    value = False

    def __init__(self) -> None:
        pass


class enable_grad(_BareSwitch):
    value = True

    def __init__(self) -> None:
        pass


class inference_mode(_BareSwitch):
    """PyTorch's faster no_grad: nothing inside is recorded (`inference_mode(False)` records, as PyTorch's does).
    glassgrad has no separate inference tensors: what is computed inside is an ordinary tensor with no history."""

    value = False

    def __init__(self, mode: bool = True) -> None:
        super().__init__(not mode)


class set_grad_enabled(_Switch):
    """Switch gradient recording on or off; as in PyTorch, a plain call takes effect at once."""

    def __init__(self, mode: bool) -> None:
        super().__init__(bool(mode))
        self.prev, _state.grad = _state.grad, self.value

    def __enter__(self) -> None:  # the switch happened on construction; `with` only restores it after
        pass

    def __call__(self, fn: Callable) -> Callable:
        self.__exit__()  # as a decorator it applies inside fn only: undo the switch __init__ made
        return super().__call__(fn)


class detect_anomaly(_Switch):
    """Backward names the op that first produced NaN or Inf, and the line of user code that created it."""

    key = "anomaly"

    def __init__(self, check_nan: bool = True) -> None:
        super().__init__(bool(check_nan))


class record_sites(_Switch):
    """Remember, for every node created inside, the line of user code that created it (for explanations)."""

    key = "sites"


def _user_site() -> str:
    """The innermost stack frame outside the glassgrad package, as 'file:line in function: code'."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if "/glassgrad/" not in frame.filename.replace("\\", "/") or "/tests/" in frame.filename:
            return f"{frame.filename}:{frame.lineno} in {frame.name}: {frame.line}"
    return "<unknown>"


# --------------------------------------------------------------------------------------------------- graph


class Node:
    """One recorded op application: what backward needs to send a gradient to the op's inputs."""

    __slots__ = ("op", "inputs", "next", "params", "out", "versions", "out_version", "hooks", "retain", "site",
                 "shape", "made_at", "prior", "saved", "order", "__weakref__")

    def __init__(self, op: type[Op], inputs: tuple, edges: list, versions: Any, params: dict, out: Any, shape: tuple,
                 saved: Any = None) -> None:
        self.op = op
        # recorded later than every node it depends on: backward visits nodes from the highest order down, which
        # is a topological order (PyTorch's sequence_nr) with no counting pass over the graph first
        self.order = -next(_recorded)
        self.inputs: tuple | None = inputs
        # per input, where its gradient goes, fixed when the op is recorded (as PyTorch's next_functions): the node
        # that made it then, the leaf tensor itself, or None (no gradient wanted). In-place changes made later
        # give a tensor newer nodes; this op's gradient still belongs to the value it saw.
        self.next: list | None = edges
        self.params = params
        self.out = out  # the output array, kept only for ops whose derivative reads it
        self.shape = shape
        self.versions = versions  # each input's version when recorded (what backward checks in-place changes against)
        self.out_version: Any = None
        self.hooks: list | None = None
        self.retain: Any = None
        self.site: str | None = None
        self.made_at: int | None = None  # for an in-place change: the version it gave the tensor it changed
        self.prior: Node | None = None  # ... and the node that had made that tensor before
        self.saved = saved  # what the forward of an op that `saves` kept for backward

    def name(self) -> str:
        """PyTorch's: MulBackward0 for a built-in op, SquareBackward for a custom Function `Square`."""
        if self.op is None:
            return f"{type(self).__name__}Backward0"
        return f"{self.op.__name__}Backward" if self.op.custom else f"{self.op.__name__}Backward0"

    @property
    def next_functions(self) -> tuple:
        """(node, AccumulateGrad of a leaf, or None; 0) per input, as in PyTorch."""
        if self.next is None:
            return ()
        return tuple((c if c is None or c.__class__ is Node else AccumulateGrad(c), 0) for c in self.next)

    def register_hook(self, fn: Callable) -> None:
        (self.hooks if self.hooks is not None else self._new_hooks()).append(fn)

    def _new_hooks(self) -> list:
        self.hooks = []
        return self.hooks

    def __repr__(self) -> str:
        where = "glassgrad.autograd.function." if self.op is not None and self.op.custom else ""
        return f"<{where}{self.name()} object at {id(self):#x}>"


class AccumulateGrad:
    """Where a leaf's gradient arrives, as `next_functions` shows it in PyTorch (`.variable` is the leaf)."""

    __slots__ = ("variable",)
    next_functions = ()

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"


class Released(tuple):
    """The inputs of a node that saved no values, after backward freed the graph: only what its derivatives read
    (shapes and dtypes, constants), so that backward can run through it again, as PyTorch allows."""


class _Meta:
    """An array's shape and dtype, without its values."""

    __slots__ = ("shape", "dtype", "ndim")

    def __init__(self, a: Any) -> None:
        a = a._data if isinstance(a, Tensor) else a
        self.shape, self.dtype, self.ndim = a.shape, a.dtype, a.ndim


def _big(a: Any) -> bool:
    return (a._data.ndim > 0) if isinstance(a, Tensor) else (a.__class__ is np.ndarray and a.ndim > 0)


def _released(inputs: tuple) -> Released:
    """Arrays give way to their shape and dtype; 0-d tensors and numbers stay (they take no more room than that)."""
    for a in inputs:
        if _big(a):
            return Released(_Meta(b) if _big(b) else b for b in inputs)
    return Released(inputs)


def _forward_error(op: type[Op], arrays: list, e: ValueError) -> RuntimeError:
    shapes = " and ".join(str(list(np.shape(a))) for a in arrays if a is not None)
    hint = (" Shapes broadcast when, aligned from the right, each pair of sizes is equal or one of them is 1; "
            "reshape or unsqueeze an input so they do." if "broadcast" in str(e) else "")
    return RuntimeError(f"{op.name}: cannot compute it for inputs of shapes {shapes}: {str(e).strip()}.{hint}")


_recorded = itertools.count()
_NEVER_CHANGED = {n: (0,) * n for n in range(9)}  # version snapshots of n inputs, all at version 0


def apply(op: type[Op], *args: Any, **params: Any) -> Tensor:
    """Run `op` forward on tensors (or constants) and record it when any input requires grad."""
    # One pass over the arguments (this runs for every op, so no comprehensions): the arrays to compute on,
    # whether any input requires grad, each input's version now (what backward checks in-place edits against) and
    # where its gradient will go.
    arrays = []
    versions = []
    edges = []
    wanted = False
    for a in args:
        if isinstance(a, Tensor):
            arrays.append(a._data)
            versions.append(a._version[0])
            if a.requires_grad:
                wanted = True
                edges.append(a.grad_fn or a)
            else:
                edges.append(None)
        else:
            arrays.append(a)
            versions.append(0)
            edges.append(None)
    record = wanted and _state.grad and op.differentiable
    saved = None
    try:
        if record and op.saves:
            out, saved = op.forward(*arrays, save=True, **params)
        else:
            out = op.forward(*arrays, **params)
    except ValueError as e:  # NumPy's message names neither the op nor what to do
        raise _forward_error(op, arrays, e) from None
    if out.__class__ is not np.ndarray:
        out = np.asarray(out)  # NumPy gives scalars for 0-d results; a Tensor always holds an array
    if not record or out.dtype.kind not in "fc":  # integer and bool results never require grad (casts included)
        return _make(out, False)
    result = _make(out, True)
    # inputs never changed in place (nearly always) share one snapshot tuple: 56 bytes less per node
    snapshot = versions if any(versions) or len(versions) not in _NEVER_CHANGED else _NEVER_CHANGED[len(versions)]
    node = Node(op, args, edges, snapshot, params, out if op.needs_out else None, out.shape, saved)
    if op.needs_out:
        node.out_version = (result._version, 0)
    if op.is_view and out.base is not None:
        result._version = args[0]._version  # a view: in-place changes through it change its base too
    if _state.anomaly or _state.sites:
        node.site = _user_site()
    result.grad_fn = node
    return result


# ------------------------------------------------------------------------------------------------ backward

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward."
)


def _check_versions(node: Node) -> None:
    """Raise if an input a derivative reads, or the output, was changed in place since the forward saw it."""
    if node.op.needs_inputs:
        for i, (t, v) in enumerate(zip(node.inputs, node.versions)):
            if isinstance(t, Tensor) and t._version[0] != v and _value_needed(node, i):
                _raise_modified(t, node, i, t._version[0], v)
    if node.out_version is not None and node.out_version[0][0] != node.out_version[1]:
        _raise_modified(None, node, "output", node.out_version[0][0], node.out_version[1])


def _value_needed(node: Node, i: int) -> bool:
    """Whether a derivative this backward computes reads input i (x * 3 reads 3 only, as PyTorch saves it)."""
    reads = node.op.reads
    if reads is None:
        return True
    return any(i in r for r, c in zip(reads, node.next) if c is not None)


def _raise_modified(t: Tensor | None, node: Node, which: Any, now: int, expected: int) -> None:
    shape = list(node.shape if t is None else t.shape)
    kind = f"[{_type_name(t._data.dtype if t is not None else node.out.dtype)} {shape}]"
    role = f"which is output 0 of {node.name()}" if t is None else f"which is input {which} of {node.name()}"
    raise RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"{kind}, {role}, is at version {now}; expected version {expected} instead. Hint: the backward of "
        f"{node.op.name} needs that value; replace the in-place operation (+=, *=, x[i] = v, zero_()) by an "
        f"out-of-place one (x = x + 1), or .clone() the tensor before changing it."
    )


def _node_grads(node: Node, g: Any, xp: Any, graph: bool) -> list:
    """The gradient sent to each input of `node`, given the upstream gradient `g` (None where none flows)."""
    op = node.op
    params = node.params
    # 0-d elementwise node: its formulas run on NumPy scalars, which NumPy computes ~10x faster than 0-d arrays
    # (same dtypes, same values). The scalar chains of the overhead benchmarks live on this path.
    scalar = not graph and node.shape == () and _elementwise(op)
    check = op.needs_inputs
    vals = []  # what the formulas compute on; gathered in the same pass that looks for in-place changes
    for t, v in zip(node.inputs, node.versions):
        if isinstance(t, Tensor):
            if check and t._version[0] != v:
                _check_versions(node)  # raises if a value the derivatives read has changed
                check = False
            vals.append(t if graph else t._data[()] if scalar else t._data)
        else:
            vals.append(t)
    out = node.out
    if node.out_version is not None:
        _check_versions(node)
    if graph:
        out = apply(op, *vals, **params) if op.needs_out else None
    elif scalar and out is not None:
        out = out[()]
    elif node.saved is not None:
        params = {**params, "saved": node.saved}
    grads = []
    for d, c, a in zip(op.derivatives, node.next, vals):
        if d is None:
            grads.append(None)
        elif d.kind == "vjp_all":  # one call gives every input's gradient (cat, stack)
            every = d.fn(xp, g, out, *vals, **params)
            return [None if c is None else gi for c, gi in zip(node.next, every)]
        elif c is None:
            grads.append(None)
        elif d.kind == "vjp":
            grads.append(d.fn(xp, g, out, *vals, **params))
        else:
            f = d.fn(xp, out, *vals, **params)
            gi = g if f.__class__ is int and f == 1 else -g if f.__class__ is int and f == -1 else g * f
            grads.append(gi if gi.shape == a.shape else sum_to(xp, gi, a.shape))
    return grads  # (inputs past the declared derivatives get none: zip stops, and the walk's zip with them too)


_ELEMENTWISE: dict[type[Op], bool] = {}


def _elementwise(op: type[Op]) -> bool:
    """Whether every derivative of `op` is local (an elementwise op), worked out once per op."""
    known = _ELEMENTWISE.get(op)
    if known is None:
        known = _ELEMENTWISE[op] = all(d is None or d.kind == "local" for d in op.derivatives)
    return known


def _check_finite(node: Node, grads: list) -> None:
    for i, gi in enumerate(grads):
        if gi is not None and not np.all(np.isfinite(v := np.asarray(getattr(gi, "data", gi)))):
            what = "nan" if np.isnan(v).any() else "inf"
            where = f"\nThe op was created at {node.site}" if node.site else (
                "\nRun the forward pass inside gg.autograd.detect_anomaly() to learn which line created it.")
            raise RuntimeError(f"Function '{node.name()}' returned {what} values in its {i}th output.{where}")


def run_backward(
    roots: Sequence[Tensor],
    root_grads: Sequence[Any],
    *,
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None = None,
    observer: Callable[[Node, Any, list], None] | None = None,
) -> list | None:
    """The graph walk behind `Tensor.backward` and `grad`.

    With `inputs` None, gradients accumulate into the `.grad` of every leaf reached; otherwise nothing is
    accumulated and the gradients of `inputs` are returned (a leaf's: the sum of what arrives at it; a non-leaf's:
    the gradient its node receives). `observer(node, g, grads)` sees every step (used by the explainer only).
    """
    graph = create_graph
    xp = _namespace(graph)
    wanted_leaves: dict = {}
    wanted_nodes: dict = {}
    found: list = []
    if inputs is not None:
        found = [None] * len(inputs)
        for i, t in enumerate(inputs):
            if t.grad_fn is None:
                wanted_leaves[id(t)] = i
            else:
                wanted_nodes[t.grad_fn] = i
    grads: dict = {}  # node → the gradient of its output, summed over the edges that have delivered so far
    leaves: dict = {}
    heap: list = []  # (node.order, node) of the nodes that have a gradient coming: the most recent comes out first
    for r, g in zip(roots, root_grads):
        if r.grad_fn is None:
            _arrive_leaf(r, g, leaves)
            continue
        n = r.grad_fn
        if n in grads:
            grads[n] = grads[n] + g
        else:
            grads[n] = g
            heapq.heappush(heap, (n.order, n))
    anomaly = _state.anomaly
    grad_mode = _state.grad
    _state.grad = graph  # backward formulas are recorded only for create_graph (as `with enable_grad`, cheaper)
    pop, push, node_grads = heapq.heappop, heapq.heappush, _node_grads
    try:
        while heap:
            n = pop(heap)[1]
            g = grads.pop(n)
            edges = n.next
            if edges is None:
                raise RuntimeError(_FREED)
            if n.hooks is not None or n.retain is not None:
                g = _node_hooks(n, g, graph)
            if wanted_nodes and n in wanted_nodes:
                found[wanted_nodes[n]] = g
            out_grads = node_grads(n, g, xp, graph)
            if anomaly:
                _check_finite(n, out_grads)
            if observer is not None:
                observer(n, g, out_grads)
            if not retain_graph:  # free saved values as soon as they are used, as PyTorch does (lower peak memory)
                op = n.op
                if op.needs_inputs or op.needs_out or op.saves:
                    n.inputs = n.next = n.out = n.saved = None
                else:  # it saved nothing: a later backward may run it again, as in PyTorch
                    n.inputs = _released(n.inputs)
            for c, gi in zip(edges, out_grads):
                if gi is None:
                    continue
                if c.__class__ is not Node:
                    _arrive_leaf(c, gi, leaves)
                elif c in grads:
                    grads[c] = grads[c] + gi
                else:
                    grads[c] = gi
                    push(heap, (c.order, c))
    finally:
        _state.grad = grad_mode
    if inputs is None:
        _accumulate(leaves, graph)
        return None
    for k, (_, g) in leaves.items():
        if k in wanted_leaves:
            found[wanted_leaves[k]] = g
    return found


def _hooked(hooks: list, g: Any, graph: bool) -> Any:
    """`g` after each hook in turn: a returned tensor replaces it, if it has g's shape and dtype (as in PyTorch)."""
    for h in hooks:
        r = h(_as_grad_tensor(g, graph))
        if r is None:
            continue
        name = getattr(h, "__name__", type(h).__name__)
        if not isinstance(r, Tensor):
            raise TypeError(f"expected Tensor, but hook '{name}' returned '{type(r).__name__}': a tensor hook "
                            "returns the new gradient (a Tensor of the gradient's shape and dtype) or None")
        if r.shape != np.shape(g):
            raise RuntimeError(f"hook '{name}' has changed the size of value: it returned shape {list(r.shape)} "
                               f"for a gradient of shape {list(np.shape(g))}")
        if r.dtype != g.dtype:
            raise RuntimeError(f"hook '{name}' has changed the type of value (was {_type_name(g.dtype)} got "
                               f"{_type_name(r.dtype)})")
        g = r if graph else r._data
    return g


def _node_hooks(n: Node, g: Any, graph: bool) -> Any:
    """Run a node's hooks on the gradient it received (each may replace it), and fill a retained .grad."""
    if n.hooks:
        g = _hooked(n.hooks, g, graph)
    if n.retain is not None and (t := n.retain()) is not None:
        t.grad = _as_grad_tensor(g, graph) if t.grad is None else _as_grad_tensor(t.grad._data + g, graph)
    return g


@functools.cache
def _namespace(graph: bool) -> Any:
    """The array namespace backward formulas run on (imported on first use: the op modules import this one)."""
    from glassgrad.ops.xp import NUMPY, TENSOR

    return TENSOR if graph else NUMPY


def _arrive_leaf(t: Tensor, g: Any, leaves: dict) -> None:
    """A gradient reaches leaf `t`: summed with what arrived before, given to `.grad` after the walk."""
    k = id(t)
    if k in leaves:
        leaves[k][1] = leaves[k][1] + g
    else:
        leaves[k] = [t, g]


def _as_grad_tensor(g: Any, graph: bool) -> Tensor:
    if graph:
        return g
    return _make(g if g.__class__ is np.ndarray else np.asarray(g), False)  # a NumPy scalar (0-d arithmetic)


def _accumulate(leaves: dict, graph: bool) -> None:
    """Add each leaf's gradient into its `.grad`, after its hooks (as PyTorch's AccumulateGrad does)."""
    given = set()  # ids of the arrays handed to a .grad: two leaves sent the same array must not share it
    for t, g in leaves.values():
        if t._hooks:
            g = _hooked(t._hooks, g, graph)
        if graph:
            if g.dtype != t.dtype:
                g = g.to(t.dtype)
            t.grad = g if t.grad is None else t.grad + g
            continue
        dtype = t._data.dtype
        if g.dtype is not dtype and g.dtype != dtype:
            g = g.astype(dtype)
        if t.grad is None:
            if g.__class__ is not np.ndarray:
                g = np.asarray(g)  # a NumPy scalar, from 0-d arithmetic: .grad holds an array (a new one here)
            elif g.base is not None or (k := id(g)) in given or not g.flags.writeable:
                g = g.copy()  # .grad gets an array of its own: the next backward adds into it in place
            else:
                given.add(k)
            t.grad = _make(g, False)
        elif t.grad._data.shape == g.shape and t.grad._data.flags.writeable and not t.grad.requires_grad:
            acc = t.grad._data
            if acc.ndim:
                np.add(acc, g, out=acc)
            else:  # 0-d: a scalar add and item store, ~10x cheaper than a ufunc call with out=
                acc[()] = acc[()] + g
        else:
            t.grad = t.grad + g if t.grad.requires_grad else _make(np.asarray(t.grad._data + g), False)


def _root_grads(outputs: Sequence[Tensor], grad_outputs: Sequence[Any] | None, graph: bool, what: str) -> list:
    grads = []
    for i, out in enumerate(outputs):
        go = None if grad_outputs is None else grad_outputs[i]
        if not isinstance(out, Tensor):
            raise TypeError(f"{what}: outputs must be tensors, got {type(out).__name__}")
        if not out.requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn: nothing in the "
                "computation required grad. Create the inputs with requires_grad=True (and not under no_grad()).")
        if go is None:
            if out._data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs: the output has shape "
                    f"{tuple(out.shape)}. Call .sum() or .mean() first, or pass gradient= a tensor of that shape.")
            g = np.array(1, dtype=out._data.dtype, ndmin=out._data.ndim)  # one element: every dim is 1 (~4x np.ones)
        else:
            g = np.array(go._data if isinstance(go, Tensor) else go, dtype=out._data.dtype)
            if g.shape != out._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {tuple(g.shape)} and output[{i}] has "
                    f"a shape of {tuple(out.shape)}.")
        if graph and isinstance(go, Tensor) and go.requires_grad:  # keep its history: d(grad)/d(grad_output)
            grads.append(go if go._data.dtype == out._data.dtype else go.to(out._data.dtype))
            continue
        grads.append(_make(g, False) if graph else g)
    return grads


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Sequence[Tensor] | None = None,
) -> None:
    """Accumulate the gradients of `tensors` into the `.grad` of the leaves (or of `inputs` only)."""
    outs = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is not None and (isinstance(grad_tensors, Tensor) or not isinstance(grad_tensors, (list, tuple))):
        grad_tensors = [grad_tensors]
    retain = create_graph if retain_graph is None else retain_graph
    gs = _root_grads(outs, grad_tensors, create_graph, "backward")
    if inputs is None:
        run_backward(outs, gs, retain_graph=retain, create_graph=create_graph)
        return
    found = run_backward(outs, gs, retain_graph=retain, create_graph=create_graph, inputs=list(inputs))
    _accumulate({id(t): [t, g] for t, g in zip(inputs, found) if g is not None}, create_graph)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple:
    """Gradients of `outputs` with respect to `inputs`, returned (nothing is accumulated into `.grad`)."""
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is not None and (isinstance(grad_outputs, Tensor) or not isinstance(grad_outputs, (list, tuple))):
        grad_outputs = [grad_outputs]
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors (input {i}) does not require grad.")
    retain = create_graph if retain_graph is None else retain_graph
    gs = _root_grads(outs, grad_outputs, create_graph, "grad")
    found = run_backward(outs, gs, retain_graph=retain, create_graph=create_graph, inputs=ins)
    result = []
    for i, (t, g) in enumerate(zip(ins, found)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors (input {i}) appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior.")
            result.append(None)
            continue
        if not create_graph:
            g = _make(np.asarray(g, dtype=t._data.dtype), False)
        elif not isinstance(g, Tensor):
            g = as_tensor(g)
        result.append(g)
    return tuple(result)

