"""The layer view of a trace: for each fused `linear` node (every nn.Linear), δ = ∂E/∂z, ∂E/∂W = δ·aᵀ, norms,
diagnostics tied to the layer that causes them, and the four equations of backpropagation as the standard textbook
writes them (Nielsen, "Neural Networks and Deep Learning", ch. 2), with this network's numbers:

    BP1  δ^L = ∇_a C ⊙ σ'(z^L)                     BP3  ∂C/∂b^l = δ^l
    BP2  δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)       BP4  ∂C/∂w^l_jk = a^{l−1}_k δ^l_j

Each equation is evaluated from its ingredients (backward's ∇_a C at the network's output, the activation's local
derivative as the trace evaluated it, the next layer's W and δ, the layer's input) and compared with what backward
computed, so a network that is not a plain chain of layers (a skip connection, a penalty on a weight) is marked
where the textbook's equation does not hold, with backward's value beside it.

Activations are recognised without knowing which they are: the unary elementwise op that consumes a layer's
output has a local derivative the trace already evaluated; 0 for every sample marks a dead unit (a ReLU that never
fires), a tiny non-zero value for every sample a saturated one (a sigmoid or tanh far from 0).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassgrad.explain.format import FULL_MAX, fill, latex_number, latex_text, number, summary, table, wrap
from glassgrad.tensor import Tensor

UNROLL_MAX_WEIGHTS = 16  # layers with at most this many weights are also written out weight by weight
ELEMENT = "element"  # the tag of a row that writes an equation out for one element
_UPSTREAM = re.compile(r"(\\,)?\s*g$")  # the upstream gradient g ending a LaTeX template: 1 at the output


@dataclass(eq=False)
class Term:
    """One quantity of an equation: its label (text and LaTeX), how it is computed (optional), its value."""

    label: str
    latex: str
    value: np.ndarray
    formula: str = ""
    formula_latex: str = ""
    elided: bool = False  # the formula says it all (σ' = 1 where no activation follows): no array of ones


@dataclass(eq=False)
class Equation:
    """One of BP1-BP4 for one layer: the textbook's formula, its ingredients with their numbers, and the result
    evaluated from them. `backward` is the same quantity as backward computed it; `holds` says they agree."""

    name: str  # "BP1" … "BP4"
    text: str  # the right-hand side as the textbook writes it, e.g. "∇_ŷ E ⊙ σ'(z^[2])"
    latex: str
    terms: list[Term]
    result: Term
    backward: np.ndarray
    note: str = ""

    @property
    def holds(self) -> bool:
        a, b = np.asarray(self.result.value, np.float64), np.asarray(self.backward, np.float64)
        tol = float(np.sqrt(np.finfo(np.result_type(self.backward, np.float32)).eps))
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=tol, atol=tol * max(float(np.abs(b).max(
            initial=0)), 1e-300)))


@dataclass(eq=False)
class Layer:
    """One linear layer z = a·Wᵀ + b of the traced network (index 1 is the first layer)."""

    index: int
    name: str
    vertex: Any  # the linear node's output z
    a: np.ndarray  # the layer's input
    weight: np.ndarray
    delta: np.ndarray  # δ = ∂E/∂z
    grad_weight: np.ndarray | None  # ∂E/∂W = δᵀ·a, summed over the batch (as backward computed it)
    grad_bias: np.ndarray | None
    activation: str = ""  # the op applied to z, when it is a unary elementwise op
    activation_local: np.ndarray | None = None  # its local derivative ∂act/∂z, as the trace evaluated it
    diagnostics: list[str] = field(default_factory=list)
    source: Any = None  # the vertex of the layer's input (None: a plain constant)
    output: Any = None  # the vertex of a = act(z), or z itself when no activation follows
    activation_edge: Any = None  # the edge z → act(z), whose op-table derivative is σ'
    equations: list[Equation] = field(default_factory=list)  # BP1 or BP2, then BP3, BP4

    @property
    def grad_norm(self) -> float:
        return float(np.linalg.norm(self.grad_weight)) if self.grad_weight is not None else 0.0

    @property
    def delta_norm(self) -> float:
        return float(np.linalg.norm(self.delta))


def _module_names(model: Any) -> dict[int, str]:
    if model is None or not hasattr(model, "named_modules"):
        return {}
    return {id(m.weight): f"{name} ({type(m).__name__})" if name else type(m).__name__
            for name, m in model.named_modules() if isinstance(getattr(m, "weight", None), Tensor)}


def _activation(trace: Any, z: Any) -> Any:
    """The edge from z into the unary elementwise op applied to it (its local derivative evaluated), or None."""
    for v in trace.vertices[z.id + 1:]:
        tensor_inputs = [e for e in v.edges if e.source is not None]
        if len(tensor_inputs) == 1 and tensor_inputs[0].source is z and tensor_inputs[0].local is not None:
            return tensor_inputs[0]
    return None


def _rows(x: np.ndarray) -> np.ndarray:
    """One row per example: a layer's values as (N, width), N = 1 for a single unbatched example."""
    x = np.asarray(x)
    return x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)


class LayerTable:
    """`trace.deltas()`: one row per linear layer, the four equations of backpropagation per layer with their
    numbers, the layers unrolled weight by weight when small, and what looks wrong."""

    def __init__(self, trace: Any, model: Any = None, vanishing: float = 1e-3, exploding: float = 1e3,
                 saturated: float = 1e-2) -> None:
        self.trace, self.precision = trace, trace.precision
        self.out = wrap(trace.output.label)  # E in the docstrings: the output being differentiated
        self.out_latex = trace.output.latex
        names = _module_names(model)
        self.layers: list[Layer] = []
        for v in trace.vertices:
            if v.node is None or v.node.op.name != "linear" or v.grad is None:
                continue
            x_edge, w_edge = v.edges[0], v.edges[1]
            b_edge = v.edges[2] if len(v.edges) > 2 else None
            w = w_edge.source
            k = len(self.layers) + 1
            name = names.get(id(w.tensor)) if w is not None else None
            name = name or (w.label if w is not None and w.named else f"layer {k}")
            act = _activation(trace, v)
            local = None if act is None else np.broadcast_to(np.asarray(act.local), v.shape)
            self.layers.append(Layer(k, name, v, np.asarray(x_edge.source.value if x_edge.source else x_edge.constant),
                                     np.asarray(w.value), np.asarray(v.grad), w_edge.sent,
                                     None if b_edge is None else b_edge.sent, act.consumer.node.op.name if act else "",
                                     local, source=x_edge.source, output=act.consumer if act else v,
                                     activation_edge=act))
        from glassgrad.explain.conv_layers import conv_layers

        self.conv_layers: list[Layer] = conv_layers(trace, names, _activation, Layer)  # their own table, no BP1-4
        self.examples = _rows(self.layers[0].delta).shape[0] if self.layers else 0
        self.batched = bool(self.layers) and self.layers[0].delta.ndim > 1 and self.examples > 1
        for layer in reversed(self.layers):
            layer.equations = self._equations(layer)
        self._diagnose(vanishing, exploding, saturated)

    # ------------------------------------------------------------------------------------------- the equations

    def _names(self, layer: Layer) -> dict[str, tuple[str, str]]:
        """Text and LaTeX labels of the layer's quantities: z^[l], its input (x for the first layer), its output
        (ŷ for the last), δ^[l]."""
        k, last = layer.index, layer.index == len(self.layers)
        a = ("ŷ", r"\hat{y}") if last else (f"a^[{k}]", f"a^{{[{k}]}}")
        a_in = ("x", "x") if k == 1 else (f"a^[{k - 1}]", f"a^{{[{k - 1}]}}")
        return {"z": (f"z^[{k}]", f"z^{{[{k}]}}"), "a": a, "in": a_in, "delta": (f"δ^[{k}]", rf"\delta^{{[{k}]}}"),
                "W": (f"W^[{k}]", f"W^{{[{k}]}}"), "b": (f"b^[{k}]", f"b^{{[{k}]}}")}

    def _sigma_prime(self, layer: Layer) -> Term:
        """σ'(z^[l]): the activation's local derivative, its formula from the op table (1 when none follows)."""
        n = self._names(layer)
        label, latex = f"σ'({n['z'][0]})", rf"\sigma'({n['z'][1]})"
        e = layer.activation_edge
        if e is None:
            return Term(label, latex, np.ones_like(layer.delta), f"1 (no activation: {n['a'][0]} = {n['z'][0]})",
                        rf"1 \text{{ (no activation: }} {n['a'][1]} = {n['z'][1]}\text{{)}}", elided=True)
        names = {k: (n[k][0], "atom") for k in ("z", "a")}  # z^[l], a^[l]: single symbols, never parenthesised
        names_latex = {k: (n[k][1], "atom") for k in ("z", "a")}
        keys = {"a": "z", "out": "a"}  # the op's $a is z, its $out the layer's output
        d = e.derivative
        return Term(label, latex, np.asarray(layer.activation_local),
                    fill(d.text, {t: names[s] for t, s in keys.items()}),
                    fill(d.latex, {t: names_latex[s] for t, s in keys.items()}, latex=True))

    def _loss_gradient(self, layer: Layer) -> tuple[str, str]:
        """∇_ŷ E as the op table writes it, when E is one loss op applied to ŷ and a target y (e.g. mse_loss:
        2(ŷ − y)/N); empty otherwise (the number alone, as backward computed it)."""
        loss = self.trace.output
        edges = [e for e in loss.edges if e.source is layer.output] if loss.node is not None else []
        if (len(edges) != 1 or edges[0].derivative is None or not edges[0].derivative.text.endswith(" · g")
                or loss.node.params.get("reduction", "mean") != "mean"):  # (the templates' N is the mean's)
            return "", ""
        keys = ("a", "b", "c", "d", "e")

        def names(latex: bool) -> dict[str, tuple[str, str]]:
            return {k: ((r"\hat{y}" if latex else "ŷ") if e.source is layer.output else "y" if e.source is not None
                        and not e.source.requires_grad else e.latex_label if latex else e.label, "atom")
                    for k, e in zip(keys, loss.edges)}

        d = edges[0].derivative  # at the output the upstream g is 1: the template without its "· g"
        return fill(d.text[:-len(" · g")], names(False)), fill(_UPSTREAM.sub("", d.latex), names(True), latex=True)

    def _equations(self, layer: Layer) -> list[Equation]:
        n, o, ol = self._names(layer), self.out, self.out_latex
        k, equations = layer.index, []
        delta = Term(*n["delta"], layer.delta)
        sp = self._sigma_prime(layer)
        if k == len(self.layers):
            grad_a = layer.output.grad
            if grad_a is not None:
                nabla = Term(f"∇_ŷ {o}", rf"\nabla_{{\hat{{y}}}} {ol}", np.asarray(grad_a), *self._loss_gradient(layer))
                equations.append(Equation("BP1", f"∇_ŷ {o} ⊙ {sp.label}", rf"{nabla.latex} \odot {sp.latex}",
                                          [nabla, sp], Term(*n["delta"], nabla.value * sp.value), layer.delta))
        else:
            nxt = self.layers[k]  # layer k + 1
            nn = self._names(nxt)
            label, latex = f"({nn['W'][0]})ᵀ {nn['delta'][0]}", rf"({nn['W'][1]})^{{T}} {nn['delta'][1]}"
            note = ""
            if nxt.source is layer.output:
                back = Term(label, latex, (_rows(nxt.delta) @ nxt.weight).reshape(layer.output.shape))
            else:  # something between this layer and the next (dropout, a skip): backward's ∂E/∂a stands in
                back = Term(f"∇_{n['a'][0]} {o}", rf"\nabla_{{{n['a'][1]}}} {ol}", np.asarray(layer.output.grad))
                note = (f"{n['a'][0]} does not feed layer {k + 1} directly, so backward's ∂{o}/∂{n['a'][0]} stands "
                        f"in for {label}")
            equations.append(Equation("BP2", f"({back.label}) ⊙ {sp.label}", rf"\left({back.latex}\right) \odot "
                                      f"{sp.latex}", [back, sp], Term(*n["delta"], back.value * sp.value),
                                      layer.delta, note))
        rows = _rows(layer.delta)
        if layer.grad_bias is not None:
            total = rows.sum(axis=0).reshape(np.shape(layer.grad_bias))
            text, latex = (f"Σ_n {delta.label}_n", rf"\sum_n {delta.latex}_n") if self.batched else (
                delta.label, delta.latex)
            equations.append(Equation("BP3", text, latex, [delta],
                                      Term(f"∂{o}/∂{n['b'][0]}", rf"\frac{{\partial {ol}}}{{\partial {n['b'][1]}}}",
                                           total), layer.grad_bias))
        if layer.grad_weight is not None:
            a_in = Term(*n["in"], layer.a, "" if k > 1 else "a^[0]", "" if k > 1 else "a^{[0]}")
            i, j = (n["in"][0], n["in"][1]) if k > 1 else ("a^[0]", "a^{[0]}")
            if self.batched:
                text = f"Σ_n {i}_n,k {delta.label}_n,j, i.e. ∂{o}/∂{n['W'][0]} = ({delta.label})ᵀ {a_in.label}"
                latex = (rf"\sum_n {j}_{{n,k}} {delta.latex}_{{n,j}}, \text{{ i.e. }} \frac{{\partial {ol}}}"
                         rf"{{\partial {n['W'][1]}}} = ({delta.latex})^{{T}} {a_in.latex}")
            else:
                t_text, t_latex = (f"({a_in.label})", f"({a_in.latex})") if k > 1 else (a_in.label, a_in.latex)
                text = f"{i}_k {delta.label}_j, i.e. ∂{o}/∂{n['W'][0]} = {delta.label} {t_text}ᵀ"
                latex = (rf"{j}_k {delta.latex}_j, \text{{ i.e. }} \frac{{\partial {ol}}}{{\partial {n['W'][1]}}} = "
                         rf"{delta.latex} {t_latex}^{{T}}")
            grad = (rows.T @ _rows(layer.a)).reshape(np.shape(layer.grad_weight))
            equations.append(Equation("BP4", text, latex, [a_in, delta],
                                      Term(f"∂{o}/∂{n['W'][0]}", rf"\frac{{\partial {ol}}}{{\partial {n['W'][1]}}}",
                                           grad), layer.grad_weight))
        return equations

    def _lhs(self, eq: Equation, layer: Layer, latex: bool = False) -> str:
        if eq.name != "BP4":
            return eq.result.latex if latex else eq.result.label
        k = layer.index
        return (rf"\frac{{\partial {self.out_latex}}}{{\partial w^{{[{k}]}}_{{jk}}}}" if latex
                else f"∂{self.out}/∂w^[{k}]_jk")

    def equation_rows(self, layer: Layer, latex: bool = False) -> list[tuple[str, str, str]]:
        """The rows every notation prints: (tag, left side, right side): each equation (tagged BP1 … BP4), then
        each ingredient and the result with its numbers (tag ""), element by element for small layers (ELEMENT),
        and backward's value where the equation does not hold."""
        value = self._latex_value if latex else self._text_value
        out = []
        for eq in layer.equations:
            out.append((eq.name, self._lhs(eq, layer, latex), eq.latex if latex else eq.text))
            shown = [t for t in eq.terms if t.label != self._names(layer)["delta"][0]]  # δ^[l]: the line above
            for t in [*shown, eq.result]:
                formula = t.formula_latex if latex else t.formula
                rhs = formula if t.elided else value(t.value) if not formula else f"{formula} = {value(t.value)}"
                out.append(("", t.latex if latex else t.label, rhs))
            if eq.name in ("BP3", "BP4") and layer.weight.size <= UNROLL_MAX_WEIGHTS:
                out += [(ELEMENT, lhs, rhs) for lhs, rhs in self._unrolled(layer, eq.name, latex)]
            if not eq.holds:
                why = self._mismatch(eq, layer)
                out.append(("", r"\text{backward}" if latex else "backward", rf"{value(eq.backward)}\quad"
                            rf"\text{{{latex_text(why)}}}" if latex else f"{value(eq.backward)}: {why}"))
            elif eq.note:
                out.append(("", "", rf"\text{{{latex_text(eq.note)}}}" if latex else f"({eq.note})"))
        return out

    def _mismatch(self, eq: Equation, layer: Layer) -> str:
        n = self._names(layer)
        return (f"the textbook's {eq.name} does not hold here: {n['z'][0]} or {n['a'][0]} is also used outside the "
                f"chain of layers (a skip connection, a penalty), and backward's {eq.result.label}, used below, "
                "sums that path too")

    def _text_value(self, v: Any) -> str:
        a = np.asarray(v)
        if a.ndim == 2 and 1 < a.shape[0] and a.size <= FULL_MAX:
            return "[" + ",\n ".join(number(row, self.precision) for row in a) + "]"
        return summary(a, self.precision)

    def _latex_value(self, v: Any) -> str:
        a = np.asarray(v)
        if a.size > FULL_MAX:
            return rf"\text{{{latex_text(summary(a, self.precision))}}}"
        if a.ndim == 0:
            return latex_number(a, self.precision)
        body = r" \\ ".join(" & ".join(latex_number(x, self.precision) for x in row) for row in _rows(a))
        return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"

    def _unrolled(self, layer: Layer, name: str, latex: bool = False) -> list[tuple[str, str]]:
        """BP3, BP4 element by element, as (left, right) sides: ∂E/∂b^[l]_j = δ^[l]_j and
        ∂E/∂w^[l]_jk = a^[l−1]_k δ^[l]_j (each summed over the batch)."""
        p, i = self.precision, layer.index
        d, a = _rows(layer.delta), _rows(layer.a)
        o = self.out_latex if latex else self.out
        many = d.shape[0] > 1
        lines = []
        for j in range(layer.weight.shape[0]):
            for k in range(layer.weight.shape[1] if name == "BP4" else 1):
                if name == "BP3":
                    g = number(layer.grad_bias[j], p)
                    lhs = (rf"\frac{{\partial {o}}}{{\partial b^{{[{i}]}}_{{{j + 1}}}}}" if latex
                           else f"∂{o}/∂b^[{i}]_{j + 1}")
                    rhs = rf"\delta^{{[{i}]}}_{{{j + 1}}}" if latex else f"δ^[{i}]_{j + 1}"
                else:
                    g = number(layer.grad_weight[j, k], p)
                    lhs = (rf"\frac{{\partial {o}}}{{\partial w^{{[{i}]}}_{{{j + 1}{k + 1}}}}}" if latex
                           else f"∂{o}/∂w^[{i}]_{j + 1},{k + 1}")
                    rhs = (rf"a^{{[{i - 1}]}}_{{{k + 1}}} \delta^{{[{i}]}}_{{{j + 1}}}" if latex
                           else f"a^[{i - 1}]_{k + 1} δ^[{i}]_{j + 1}")
                    if not many:
                        rhs += f" = ({number(a[0, k], p)})({number(d[0, j], p)})"
                if many:
                    rhs = rf"\sum_n {rhs}" if latex else f"Σ over {d.shape[0]} examples of {rhs}"
                lines.append((lhs, f"{rhs} = {latex_number(g) if latex else g}"))
        return lines

    def equations_lines(self) -> list[str]:
        """The four equations as text, from the output layer down (the order backward runs them)."""
        if not self.layers:
            return []
        lines = [f"The four equations of backpropagation (Nielsen, ch. 2), from the output layer down; "
                 f"δ^[l] = ∂{self.out}/∂z^[l]"
                 + (f"; every value has one row per example (N = {self.examples}), and BP3, BP4 sum over them"
                    if self.batched else "")]
        for layer in reversed(self.layers):
            n = self._names(layer)
            act = (fill(layer.output.node.op.text, {"a": (n["z"][0], "atom")})
                   if layer.activation_edge is not None else n["z"][0])
            lines += ["", f"Layer {layer.index} ({layer.name}): {n['z'][0]} = {n['in'][0]}·{n['W'][0]}ᵀ + "
                          f"{n['b'][0]}, {n['a'][0]} = {act}"]
            rows = self.equation_rows(layer)
            width = max((len(lhs) for tag, lhs, _ in rows if not tag), default=0)
            for tag, lhs, rhs in rows:
                if tag == ELEMENT:
                    lines.append(f"         {lhs} = {rhs}")
                    continue
                if tag:
                    lines.append(f"  {tag}  {lhs} = {rhs}")
                    continue
                head = f"         {lhs.ljust(width)} = " if lhs else "         "
                body = rhs.split("\n")  # a matrix: its rows under its first row
                lines.append(head + body[0])
                lines += [" " * (len(head) + body[0].rfind("[[") + 1) + b.lstrip() for b in body[1:]]
        return lines

    def _aligned(self, layer: Layer) -> str:
        """A layer's equation rows as the body of an align* (the same rows as the text)."""
        rows = [rf"\text{{{tag}}}\quad {lhs} &= {rhs}" if tag not in ("", ELEMENT) else f"{lhs} &= {rhs}" if lhs
                else f"&{rhs}"
                for tag, lhs, rhs in self.equation_rows(layer, latex=True)]
        return " \\\\\n".join(rows)

    def to_latex(self) -> str:
        """The four equations per layer, each layer one align* (amsmath only), from the output layer down."""
        return "".join(f"\\paragraph{{Layer {layer.index} ({latex_text(layer.name)})}}\n\\begin{{align*}}\n"
                       f"{self._aligned(layer)}\n\\end{{align*}}\n" for layer in reversed(self.layers))

    # ------------------------------------------------------------------------------------------- diagnostics

    def _diagnose(self, vanishing: float, exploding: float, saturated: float) -> None:
        if not self.layers:
            return
        last = self.layers[-1].grad_norm
        for layer in self.layers:
            n = layer.grad_norm
            if layer.grad_weight is not None and n == 0:
                layer.diagnostics.append(f"no gradient reaches this layer's weights (‖∂{self.out}/∂W‖ = 0)")
            elif last > 0 and n / last < vanishing:
                layer.diagnostics.append(f"vanishing gradient: ‖∂{self.out}/∂W‖ = {number(n, 2)} is "
                                         f"{number(n / last, 2)}× the last layer's; the chain of local derivatives "
                                         "above shrinks it")
            elif last > 0 and n / last > exploding or n > exploding:
                layer.diagnostics.append(f"exploding gradient: ‖∂{self.out}/∂W‖ = {number(n, 2)}"
                                         + (f", {number(n / last, 2)}× the last layer's" if last > 0 else ""))
            f = layer.activation_local
            if f is None:
                continue
            per_unit = np.abs(f.reshape(-1, f.shape[-1])) if f.ndim else np.abs(f).reshape(1, 1)
            dead = np.all(per_unit == 0, axis=0)
            sat = np.all((per_unit > 0) & (per_unit < saturated), axis=0)
            units = per_unit.shape[1]
            if dead.any():
                layer.diagnostics.append(
                    f"dead units: {int(dead.sum())} of {units} (units {_units(dead)}): {layer.activation}'s local "
                    "derivative is 0 for every sample, so no gradient passes back through them")
            if sat.any():
                layer.diagnostics.append(
                    f"saturated units: {int(sat.sum())} of {units} (units {_units(sat)}): {layer.activation}'s local "
                    f"derivative is below {number(saturated, 2)} for every sample")

    @property
    def diagnostics(self) -> list[tuple[str, str]]:
        return [(layer.name, d) for layer in self.conv_layers + self.layers for d in layer.diagnostics]

    # ------------------------------------------------------------------------------------------- notations

    def lines(self) -> list[str]:
        p = self.precision
        o = self.out
        head = ("layer", "W", f"δ = ∂{o}/∂z", "‖δ‖", f"‖∂{o}/∂W‖", f"‖∂{o}/∂W‖/‖W‖", f"‖∂{o}/∂b‖", "activation")
        rows = [head]
        for layer in self.layers:
            wn = float(np.linalg.norm(layer.weight))
            rows.append((f"{layer.index}: {layer.name}", "×".join(map(str, layer.weight.shape)),
                         summary(layer.delta, p), number(layer.delta_norm, p), number(layer.grad_norm, p),
                         number(layer.grad_norm / wn, p) if wn else "–",
                         number(np.linalg.norm(layer.grad_bias), p) if layer.grad_bias is not None else "–",
                         layer.activation or "–"))
        lines = [f"Layers (δ = ∂{o}/∂z at each linear layer's output z = a·Wᵀ + b; ∂{o}/∂W = δᵀ·a summed over the "
                 "batch)"]
        lines += table(rows)
        if self.conv_layers:
            from glassgrad.explain.conv_layers import conv_lines

            lines += ["", *conv_lines(self.conv_layers, o, p)]
        equations = self.equations_lines()
        lines += [""] + equations if equations else []
        diags = self.diagnostics
        lines += ["", "Diagnostics:" if diags else "Diagnostics: none (no vanishing, exploding, dead or saturated)"]
        lines += [f"  {name}: {d}" for name, d in diags]
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"<LayerTable: {len(self.layers)} layers, {len(self.diagnostics)} diagnostics>"

    def to_markdown(self) -> str:
        """The text in a code block, then each layer's equations as display math."""
        return "```\n" + str(self) + "\n```\n" + "".join(f"\n$$\n\\begin{{aligned}}\n{self._aligned(layer)}\n"
                                                          "\\end{aligned}\n$$\n" for layer in reversed(self.layers))

    def _repr_html_(self) -> str:
        """The text, then each conv layer's δ feature maps as small images."""
        from glassgrad.explain.conv_layers import delta_maps_html

        maps = "".join(delta_maps_html(f"{L.index}: {L.name}", L.delta) for L in self.conv_layers)
        return f"<pre class='gg-layers'>{html.escape(str(self))}</pre>{maps}"

    def to_dict(self) -> dict:
        from glassgrad.explain.render import json_value

        def term(t: Term) -> dict:
            return {"label": t.label, "latex": t.latex, "formula": t.formula or None, "value": json_value(t.value)}

        return {"layers": [{"index": L.index, "name": L.name, "node": L.vertex.id, "delta": json_value(L.delta),
                            "grad_weight": json_value(L.grad_weight), "grad_bias": json_value(L.grad_bias),
                            "grad_norm": L.grad_norm, "delta_norm": L.delta_norm, "activation": L.activation or None,
                            "diagnostics": L.diagnostics,
                            "equations": [{"name": e.name, "text": f"{self._lhs(e, L)} = {e.text}",
                                           "latex": f"{self._lhs(e, L, True)} = {e.latex}",
                                           "terms": [term(t) for t in e.terms], "result": term(e.result),
                                           "backward": json_value(e.backward), "holds": e.holds, "note": e.note or None}
                                          for e in L.equations]} for L in self.layers]}


def _units(mask: np.ndarray) -> str:
    idx = [str(i + 1) for i in np.flatnonzero(mask)]
    return ", ".join(idx[:8]) + (", …" if len(idx) > 8 else "")
