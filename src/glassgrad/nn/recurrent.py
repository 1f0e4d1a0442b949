"""Recurrent layers (RNN, LSTM, GRU) and their cells, unrolled over time as recorded ops.

Each time step is two matmuls and the gates (composed of elementwise ops for RNN and GRU; the LSTM cell is one
fused op, ops/recurrent.py), so backward through the unrolled graph *is* backprop through time: the gradient
reaching h_t is the sum over later steps of products of the step Jacobians, which is what
glassgrad.explain.bptt shows. Parameter names, shapes, gate order and initialisation are PyTorch's
(weight_ih_l0 of shape (gates·hidden, input), gates i, f, g, o for the LSTM and r, z, n for the GRU), so a
state dict loads into torch.nn.LSTM and gives the same outputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from glassgrad.functional import cat, linear, relu, sigmoid, stack, tanh
from glassgrad.nn import functional as F
from glassgrad.nn import init
from glassgrad.nn.module import Module
from glassgrad.nn.parameter import Parameter
from glassgrad.ops.recurrent import lstm_cell
from glassgrad.tensor import Tensor, _make, get_default_dtype

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def rnn_step(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None, act: Callable = tanh) -> Tensor:
    """h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), the input half `xw` computed for all steps at once."""
    return act(xw + linear(h, w_hh, b_hh))


def lstm_step(xw: Tensor, state: tuple[Tensor, Tensor], w_hh: Tensor, b_hh: Tensor | None) -> tuple[Tensor, Tensor]:
    """c' = f·c + i·g and h' = o·tanh(c'), with i, f, o sigmoid gates and g = tanh(·) the candidate (one op)."""
    h, c = state
    return lstm_cell(xw, linear(h, w_hh, b_hh), c)


def gru_step(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """r, z sigmoid gates; n = tanh(x_n + r·(h·W_hnᵀ + b_hn)); h' = (1 − z)·n + z·h."""
    k = h.shape[-1]
    hw = linear(h, w_hh, b_hh)
    rz = sigmoid(xw[..., :2 * k] + hw[..., :2 * k])
    r, z = rz[..., :k], rz[..., k:]
    n = tanh(xw[..., 2 * k:] + r * hw[..., 2 * k:])
    return n + z * (h - n)


def _uniform_parameters(module: Module, hidden_size: int) -> None:
    """PyTorch's default for every recurrent weight and bias: U(±1/√hidden_size)."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0
    for p in module.parameters():
        init.uniform_(p, -bound, bound)


def _new(shape: tuple, dtype: Any) -> Parameter:
    return Parameter(_make(np.empty(shape, dtype=dtype or get_default_dtype()), False))


class _CellBase(Module):
    mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        g = GATES[self.mode] * hidden_size
        self.weight_ih = _new((g, input_size), dtype)
        self.weight_hh = _new((g, hidden_size), dtype)
        if bias:
            self.bias_ih, self.bias_hh = _new((g,), dtype), _new((g,), dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        _uniform_parameters(self, hidden_size)

    def _zeros(self, x: Tensor) -> Tensor:
        return _make(np.zeros(x.shape[:-1] + (self.hidden_size,), dtype=x.dtype), False)

    def _check(self, x: Tensor) -> None:
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise RuntimeError(f"{type(self).__name__}: expected input of shape (batch, {self.input_size}) or "
                               f"({self.input_size},), got {list(x.shape)}")

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        return s + (", bias=False" if not self.bias else "")


class RNNCell(_CellBase):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, dtype)

    def forward(self, x: Tensor, hx: Tensor | None = None) -> Tensor:
        self._check(x)
        h = self._zeros(x) if hx is None else hx
        act = tanh if self.nonlinearity == "tanh" else relu
        return rnn_step(linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh, act)

    def extra_repr(self) -> str:
        return super().extra_repr() + (f", nonlinearity={self.nonlinearity}" if self.nonlinearity != "tanh" else "")


class LSTMCell(_CellBase):
    mode = "LSTM"

    def forward(self, x: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        self._check(x)
        state = (self._zeros(x), self._zeros(x)) if hx is None else hx
        return lstm_step(linear(x, self.weight_ih, self.bias_ih), state, self.weight_hh, self.bias_hh)


class GRUCell(_CellBase):
    mode = "GRU"

    def forward(self, x: Tensor, hx: Tensor | None = None) -> Tensor:
        self._check(x)
        h = self._zeros(x) if hx is None else hx
        return gru_step(linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)


class RNNBase(Module):
    """Layers × directions of a recurrent step, unrolled over the sequence (time-major unless batch_first)."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 dtype: Any = None) -> None:
        super().__init__()
        name = type(self).__name__
        if proj_size:
            raise NotImplementedError(f"{name}: proj_size is not supported")
        if not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                             "being zeroed")
        if hidden_size <= 0 or num_layers <= 0:
            raise ValueError(f"{name}: hidden_size and num_layers must be positive, got {hidden_size}, {num_layers}")
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout, self.bidirectional = bias, batch_first, float(dropout), bidirectional
        self.proj_size = 0
        g = GATES[mode] * hidden_size
        dirs = 2 if bidirectional else 1
        for layer in range(num_layers):
            size = input_size if layer == 0 else hidden_size * dirs
            for suffix in ("", "_reverse")[:dirs]:
                setattr(self, f"weight_ih_l{layer}{suffix}", _new((g, size), dtype))
                setattr(self, f"weight_hh_l{layer}{suffix}", _new((g, hidden_size), dtype))
                if bias:
                    setattr(self, f"bias_ih_l{layer}{suffix}", _new((g,), dtype))
                    setattr(self, f"bias_hh_l{layer}{suffix}", _new((g,), dtype))
        _uniform_parameters(self, hidden_size)

    def _weights(self, layer: int, suffix: str) -> tuple:
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        return tuple(getattr(self, f"{n}_l{layer}{suffix}", None) for n in names)

    def _step(self, xw: Tensor, state: Any, w_hh: Tensor, b_hh: Tensor | None) -> tuple[Tensor, Any]:
        """One step: (the output h, the new state)."""
        if self.mode == "LSTM":
            h, c = lstm_step(xw, state, w_hh, b_hh)
            return h, (h, c)
        h = gru_step(xw, state, w_hh, b_hh) if self.mode == "GRU" else rnn_step(
            xw, state, w_hh, b_hh, tanh if self.mode == "RNN_TANH" else relu)
        return h, h

    def forward(self, x: Tensor, hx: Any = None) -> tuple[Tensor, Any]:
        name = type(self).__name__
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: expected input of shape (seq_len, batch, {self.input_size}) (batch first if "
                               f"batch_first=True) or (seq_len, {self.input_size}), got {list(x.shape)}")
        single = x.ndim == 2
        if single:
            x = x.unsqueeze(1)
        elif self.batch_first:
            x = x.transpose(0, 1)
        dirs = 2 if self.bidirectional else 1
        shape = (self.num_layers * dirs, x.shape[1], self.hidden_size)
        states = self._initial(hx, shape, x, single)
        finals = []
        steps = [x[t] for t in range(x.shape[0])]  # per-step inputs (a layer above reads the list, not a stack)
        for layer in range(self.num_layers):
            outs = []
            for d, suffix in enumerate(("", "_reverse")[:dirs]):
                w_ih, w_hh, b_ih, b_hh = self._weights(layer, suffix)
                state = states[layer * dirs + d]
                hs: list = [None] * len(steps)
                for t in (range(len(steps) - 1, -1, -1) if d else range(len(steps))):
                    hs[t], state = self._step(linear(steps[t], w_ih, b_ih), state, w_hh, b_hh)
                outs.append(hs)
                finals.append(state)
            steps = outs[0] if dirs == 1 else [cat(pair, -1) for pair in zip(*outs)]
            if self.dropout and self.training and layer < self.num_layers - 1:
                steps = [F.dropout(s, self.dropout, True) for s in steps]
        x = stack(steps)
        out = x.squeeze(1) if single else x.transpose(0, 1) if self.batch_first else x
        return out, self._final(finals, single)

    def _initial(self, hx: Any, shape: tuple, x: Tensor, single: bool) -> list:
        """The initial state of each layer × direction: zeros, or slices of the given hx (h, or (h, c))."""
        if hx is None:
            z = _make(np.zeros(shape[1:], dtype=x.dtype), False)
            return [(z, z) if self.mode == "LSTM" else z] * shape[0]
        parts = hx if self.mode == "LSTM" else (hx,)
        parts = tuple(p.unsqueeze(1) if single else p for p in parts)
        for p in parts:
            if tuple(p.shape) != shape:
                raise RuntimeError(f"{type(self).__name__}: Expected hidden size {shape}, got {list(p.shape)}")
        return [(parts[0][k], parts[1][k]) if self.mode == "LSTM" else parts[0][k] for k in range(shape[0])]

    def _final(self, finals: list, single: bool) -> Any:
        fix = (lambda t: t.squeeze(1)) if single else (lambda t: t)
        if self.mode == "LSTM":
            return fix(stack([h for h, _ in finals])), fix(stack([c for _, c in finals]))
        return fix(stack(finals))

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        return s + (", bidirectional=True" if self.bidirectional else "")


class RNN(RNNBase):
    """An Elman RNN: h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, dtype=dtype)


class LSTM(RNNBase):
    """Long short-term memory: the cell state c_t is updated additively, so its gradient decays only by f."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, dtype)


class GRU(RNNBase):
    """Gated recurrent unit: h_t blends h_{t−1} and a candidate by the update gate z."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         dtype=dtype)
