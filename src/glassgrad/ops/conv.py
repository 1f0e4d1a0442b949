"""Convolution, max-pooling and embedding lookup: the ops of CNNs and of models that read tokens.

conv2d is im2col + one matmul per group: every window of the (padded) input is a strided view, copied once into
a matrix of columns, multiplied by the kernel. Its backward is the textbook pair: ∂L/∂W is the correlation of the
input with δ (the saved columns times δ), ∂L/∂x the full convolution of δ with the flipped kernel, i.e.
conv_transpose2d (each δ spread back over its window through the kernel). The three formulas are closed under
differentiation (conv_transpose2d's gradients are conv2d's), so grad-of-grad needs no further op. Max-pooling
routes δ to the argmax of each window; an embedding's row receives the sum of δ over every lookup of it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from glassgrad.autograd import apply
from glassgrad.ops.base import Op, value, vjp
from glassgrad.tensor import _make

Pair = tuple[int, int]


def _windows(x: np.ndarray, kernel: Pair, stride: Pair, padding: tuple, dilation: Pair,
             fill: float = 0.0) -> np.ndarray:
    """Every window of x (N, C, H, W) as a read-only strided view (N, C, OH, OW, KH, KW): im2col without a copy."""
    (t, b), (left, r) = padding
    if t or b or left or r:
        x = np.pad(x, ((0, 0), (0, 0), (t, b), (left, r)), constant_values=fill)
    n, c, h, w = x.shape
    oh = (h - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
    ow = (w - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1
    sn, sc, sh, sw = x.strides
    return as_strided(x, (n, c, oh, ow) + tuple(kernel),
                      (sn, sc, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1]), writeable=False)


def _cols(win: np.ndarray, groups: int) -> np.ndarray:
    """The windows as one matrix per group: (G, N·OH·OW, C/G·KH·KW), the one copy of im2col."""
    n, c, oh, ow, kh, kw = win.shape
    win = win.reshape(n, groups, c // groups, oh, ow, kh, kw).transpose(1, 0, 3, 4, 2, 5, 6)
    return win.reshape(groups, n * oh * ow, -1)


def _per_group(g: np.ndarray, groups: int) -> np.ndarray:
    """δ (N, O, OH, OW) as (G, O/G, N·OH·OW): the other factor of both of conv2d's matmuls in backward."""
    n, o = g.shape[:2]
    return g.reshape(n, groups, o // groups, -1).transpose(1, 2, 0, 3).reshape(groups, o // groups, -1)


def _conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride: Pair, padding: tuple, dilation: Pair,
            groups: int, save: bool = False) -> Any:
    o, _, kh, kw = w.shape
    win = _windows(x, (kh, kw), stride, padding, dilation)
    n, _, oh, ow = win.shape[:4]
    cols = _cols(win, groups)
    out = np.matmul(w.reshape(groups, o // groups, -1), cols.transpose(0, 2, 1))  # (G, O/G, N·OH·OW)
    out = out.reshape(o, n, oh, ow).transpose(1, 0, 2, 3)
    out = np.add(out, b.reshape(-1, 1, 1), order="C") if b is not None else np.ascontiguousarray(out)
    return (out, cols) if save else out


def _conv_transpose2d(g: np.ndarray, w: np.ndarray, b: np.ndarray | None, size: Pair, stride: Pair,
                      padding: tuple, dilation: Pair, groups: int) -> np.ndarray:
    """The adjoint of conv2d in its input: every δ spread over its window through the kernel, overlaps summed.

    The loop runs over the KH·KW kernel offsets (each a strided add of a whole array), never over pixels.
    """
    n, _, oh, ow = g.shape
    _, cg, kh, kw = w.shape
    cols = np.matmul(w.reshape(groups, w.shape[0] // groups, -1).transpose(0, 2, 1), _per_group(g, groups))
    cols = cols.reshape(groups, cg, kh, kw, n, oh, ow)
    (t, bt), (left, r) = padding
    buf = np.zeros((groups, cg, n, size[0] + t + bt, size[1] + left + r), dtype=np.result_type(g, w))
    for i in range(kh):
        for j in range(kw):
            hi, wj = i * dilation[0], j * dilation[1]
            buf[:, :, :, hi:hi + stride[0] * (oh - 1) + 1:stride[0], wj:wj + stride[1] * (ow - 1) + 1:stride[1]] += \
                cols[:, :, i, j]
    out = buf.reshape(groups * cg, n, *buf.shape[3:]).transpose(1, 0, 2, 3)[:, :, t:t + size[0], left:left + size[1]]
    return np.add(out, b.reshape(-1, 1, 1), order="C") if b is not None else np.ascontiguousarray(out)


def _conv2d_weight(xp: Any, x: Any, g: Any, kernel: Pair, stride: Pair, padding: tuple, dilation: Pair,
                   groups: int, cols: np.ndarray | None = None) -> Any:
    """∂L/∂W of conv2d: the correlation of the input with δ.

    From the forward's saved columns it is one matmul per group; otherwise (explanations, create_graph, and
    conv_transpose2d, whose input plays δ's part) it is itself a conv2d: x with batch and channels swapped,
    convolved with δ as the kernel (stride and dilation trade places), cut to the kernel's size.
    """
    if cols is not None:
        out = np.matmul(_per_group(g, groups), cols)
        return out.reshape((g.shape[1], -1) + tuple(kernel))
    n, c = x.shape[:2]
    o = g.shape[1]
    xi = xp.reshape(xp.transpose(xp.reshape(x, (n, groups, c // groups) + x.shape[2:]), (2, 1, 0, 3, 4)),
                    (c // groups, groups * n) + x.shape[2:])
    gk = xp.reshape(xp.transpose(xp.reshape(g, (n, groups, o // groups) + g.shape[2:]), (1, 2, 0, 3, 4)),
                    (o, n) + g.shape[2:])
    out = xp.conv2d(xi, gk, dilation, padding, stride, groups)
    return xp.swapaxes(xp.getitem(out, (slice(None), slice(None), slice(0, kernel[0]), slice(0, kernel[1]))), 0, 1)


def _bias_grad(xp: Any, g: Any, *args: Any, **params: Any) -> Any:
    return xp.sum(g, (0, 2, 3))


class Conv2d(Op):
    """out[n, o] = b[o] + Σ_c W[o, c] ⋆ x[n, c]: a cross-correlation (PyTorch's 'convolution'), batched."""

    name, text, latex = "conv2d", "$a ⋆ $b + $c", r"$a \star $b + $c"
    derivatives = (
        vjp("full convolution of g with the flipped kernel $b (conv_transpose2d)", r"g \ast \operatorname{flip}($b)",
            lambda xp, g, out, x, w, b, stride, padding, dilation, groups, saved=None: xp.conv_transpose2d(
                g, w, x.shape[2:], stride, padding, dilation, groups)),
        vjp("correlation of the input $a with g", r"$a \star g",
            lambda xp, g, out, x, w, b, stride, padding, dilation, groups, saved=None: _conv2d_weight(
                xp, x, g, w.shape[2:], stride, padding, dilation, groups, saved)),
        vjp("Σ g over the batch and the positions", r"\textstyle\sum_{n,i,j} g", _bias_grad),
    )
    reads = ((1,), (0,), ())
    saves = True
    forward = staticmethod(_conv2d)


class ConvTranspose2d(Op):
    """conv2d's input gradient as a layer: each input pixel stamps the kernel, scaled, onto the output."""

    name, text, latex = "conv_transpose2d", "$a ⋆ᵀ $b + $c", r"$a \star^T $b + $c"
    derivatives = (
        vjp("g correlated with the kernel $b (conv2d)", r"g \star $b",
            lambda xp, g, out, x, w, b, size, stride, padding, dilation, groups: xp.conv2d(
                g, w, stride, padding, dilation, groups)),
        vjp("correlation of g with the input $a", r"g \star $a",
            lambda xp, g, out, x, w, b, size, stride, padding, dilation, groups: _conv2d_weight(
                xp, g, x, w.shape[2:], stride, padding, dilation, groups)),
        vjp("Σ g over the batch and the positions", r"\textstyle\sum_{n,i,j} g", _bias_grad),
    )
    reads = ((1,), (0,), ())
    forward = staticmethod(_conv_transpose2d)


def _argmax_index(x: np.ndarray, arg: np.ndarray, kernel: Pair, stride: Pair, padding: tuple,
                  dilation: Pair) -> tuple:
    """Where in x each window's maximum sits, as (n, c, row, col) index arrays shaped like the output."""
    n, c, oh, ow = arg.shape
    rows = (np.arange(oh) * stride[0] - padding[0][0])[:, None] + (arg // kernel[1]) * dilation[0]
    cols = (np.arange(ow) * stride[1] - padding[1][0]) + (arg % kernel[1]) * dilation[1]
    return np.arange(n)[:, None, None, None], np.arange(c)[:, None, None], rows, cols


def _max_pool2d(x: np.ndarray, kernel: Pair, stride: Pair, padding: tuple, dilation: Pair,
                save: bool = False) -> Any:
    win = _windows(x, kernel, stride, padding, dilation, fill=-np.inf)
    flat = win.reshape(win.shape[:4] + (-1,))
    arg = flat.argmax(-1)
    out = np.take_along_axis(flat, arg[..., None], -1)[..., 0]
    return (out, _argmax_index(x, arg, kernel, stride, padding, dilation)) if save else out


def _max_pool_grad(xp: Any, g: Any, out: Any, x: Any, kernel: Pair, stride: Pair, padding: tuple, dilation: Pair,
                   saved: Any = None) -> Any:
    index = saved
    if index is None:
        xv = value(x)
        flat = _windows(xv, kernel, stride, padding, dilation, fill=-np.inf).reshape(g.shape + (-1,))
        index = _argmax_index(xv, flat.argmax(-1), kernel, stride, padding, dilation)
    return xp.add_at(g, x.shape, index)


class MaxPool2d(Op):
    """The largest element of each window: only it moved the output, so only it receives the gradient."""

    name, text, latex = "max_pool2d", "max of each window of $a", r"\max_{\text{window}} $a"
    derivatives = (vjp("g routed to each window's argmax (a 0/1 mask), 0 elsewhere; overlaps add",
                       r"\operatorname{scatter}_{\arg\max}(g)", _max_pool_grad),)
    needs_inputs = False
    saves = True
    forward = staticmethod(_max_pool2d)


def _embedding_grad(xp: Any, g: Any, out: Any, w: Any, indices: np.ndarray, padding_idx: int | None) -> Any:
    if padding_idx is not None:
        g = g * (indices != padding_idx)[..., None].astype(value(g).dtype)
    return xp.add_at(g, w.shape, (indices,))


class Embedding(Op):
    """Row lookup: out[t] = W[i_t]. A row looked up k times gets k gradients, summed (not one placed back)."""

    name, text, latex = "embedding", "rows $a[i] of the table", "{$a}_{i,:}"
    derivatives = (vjp("Σ of g over every lookup of each row (rows never looked up: 0)",
                       r"\textstyle\sum_{t:\, i_t = r} g_t", _embedding_grad),)
    needs_inputs = False

    @staticmethod
    def forward(w: np.ndarray, indices: np.ndarray, padding_idx: int | None) -> np.ndarray:
        return w[indices]


# ---------------------------------------------------------------------------------------- function forms


def _pair(v: Any, what: str, op: str) -> Pair:
    p = (int(v), int(v)) if isinstance(v, (int, np.integer)) else tuple(int(k) for k in v)
    if len(p) != 2:
        raise ValueError(f"{op}: expected {what} to be a single integer value or a list of 2 values to match the "
                         f"convolution dimensions, but got {what}={list(v)}")
    return p  # type: ignore[return-value]


def _padding(padding: Any, kernel: Pair, stride: Pair, dilation: Pair, op: str) -> tuple:
    """(top, bottom), (left, right): 'same' pads d·(k−1) in all, the odd one on the bottom/right as PyTorch does."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ValueError(f"{op}: Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
        if stride != (1, 1):
            raise ValueError(f"{op}: padding='same' is not supported for strided convolutions")
        total = [d * (k - 1) for d, k in zip(dilation, kernel)]
        return tuple((t // 2, t - t // 2) for t in total)
    p = _pair(padding, "padding", op)
    if min(p) < 0:
        raise RuntimeError(f"{op}: negative padding is not supported, got padding={list(p)}")
    return (p[0], p[0]), (p[1], p[1])


def _batched(x: Any, ndim: int, op: str) -> tuple[Any, bool]:
    """A (C, H, W) input is one sample: PyTorch's unbatched form."""
    if x.ndim == ndim - 1:
        return x.unsqueeze(0), True
    if x.ndim != ndim:
        raise RuntimeError(f"{op}: Expected {ndim - 1}D (unbatched) or {ndim}D (batched) input, but got input of "
                           f"size: {list(x.shape)}")
    return x, False


def _check_conv(x: Any, w: Any, b: Any, groups: int, op: str, transposed: bool = False) -> None:
    if w.ndim != 4:
        raise RuntimeError(f"{op}: expected a 4D weight, got weight of size {list(w.shape)}")
    cin = w.shape[0] if transposed else w.shape[1] * groups
    if groups < 1 or x.shape[1] != cin or (w.shape[0] % groups):
        raise RuntimeError(f"{op}: Given groups={groups}, weight of size {list(w.shape)}, expected input"
                           f"{list(x.shape)} to have {cin} channels, but got {x.shape[1]} channels instead")
    cout = w.shape[1] * groups if transposed else w.shape[0]
    if b is not None and tuple(b.shape) != (cout,):
        raise RuntimeError(f"{op}: bias of shape {list(b.shape)} does not match the {cout} output channels")


def _out_size(size: int, k: int, s: int, p: tuple, d: int, op: str, shape: Any) -> int:
    n = (size + p[0] + p[1] - d * (k - 1) - 1) // s + 1
    if n < 1:
        raise RuntimeError(f"{op}: Calculated output size is too small: input {list(shape)} with kernel {k}, "
                           f"padding {list(p)}, dilation {d} gives an output size of {n} along one dimension")
    return n


def conv2d(x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
           groups: int = 1) -> Any:
    x, single = _batched(x, 4, "conv2d")
    _check_conv(x, weight, bias, groups, "conv2d")
    s, d = _pair(stride, "stride", "conv2d"), _pair(dilation, "dilation", "conv2d")
    p = _padding(padding, tuple(weight.shape[2:]), s, d, "conv2d")
    for k in range(2):
        _out_size(x.shape[2 + k], weight.shape[2 + k], s[k], p[k], d[k], "conv2d", x.shape)
    out = apply(Conv2d, x, weight, bias, stride=s, padding=p, dilation=d, groups=groups)
    return out.squeeze(0) if single else out


def conv_transpose2d(x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Any:
    x, single = _batched(x, 4, "conv_transpose2d")
    _check_conv(x, weight, bias, groups, "conv_transpose2d", transposed=True)
    s, d = _pair(stride, "stride", "conv_transpose2d"), _pair(dilation, "dilation", "conv_transpose2d")
    p, op = _pair(padding, "padding", "conv_transpose2d"), _pair(output_padding, "output_padding", "conv_transpose2d")
    if any(o >= si for o, si in zip(op, s)):  # (PyTorch also allows o < dilation; not supported here)
        raise RuntimeError(f"conv_transpose2d: output padding must be smaller than the stride, got "
                           f"output_padding={list(op)}, stride={list(s)}")
    size = tuple((x.shape[2 + k] - 1) * s[k] - 2 * p[k] + d[k] * (weight.shape[2 + k] - 1) + op[k] + 1
                 for k in range(2))
    if min(size) < 1:
        raise RuntimeError(f"conv_transpose2d: output size {list(size)} is too small for input {list(x.shape)}")
    out = apply(ConvTranspose2d, x, weight, bias, size=size, stride=s, padding=((p[0], p[0]), (p[1], p[1])),
                dilation=d, groups=groups)
    return out.squeeze(0) if single else out


def max_pool2d(x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    if ceil_mode:
        raise NotImplementedError("max_pool2d: ceil_mode=True is not supported; pad the input instead")
    x, single = _batched(x, 4, "max_pool2d")
    k = _pair(kernel_size, "kernel_size", "max_pool2d")
    s = k if stride is None or stride == [] else _pair(stride, "stride", "max_pool2d")
    p, d = _pair(padding, "padding", "max_pool2d"), _pair(dilation, "dilation", "max_pool2d")
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise RuntimeError(f"max_pool2d: pad should be at most half of effective kernel size, but got pad={list(p)}"
                           f" and kernel_size={list(k)}")
    pp = ((p[0], p[0]), (p[1], p[1]))
    for i in range(2):
        _out_size(x.shape[2 + i], k[i], s[i], pp[i], d[i], "max_pool2d", x.shape)
    out = apply(MaxPool2d, x, kernel=k, stride=s, padding=pp, dilation=d)
    if return_indices:
        flat = _windows(value(x), k, s, pp, d, fill=-np.inf).reshape(out.shape + (-1,))
        _, _, rows, cols = _argmax_index(value(x), flat.argmax(-1), k, s, pp, d)
        idx = _make((rows * x.shape[3] + cols).astype(np.int64), False)
        return (out.squeeze(0), idx.squeeze(0)) if single else (out, idx)
    return out.squeeze(0) if single else out


def embedding(indices: Any, weight: Any, padding_idx: int | None = None) -> Any:
    idx = np.asarray(value(indices))
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"embedding: Expected tensor for argument #1 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {idx.dtype} instead (while checking arguments for embedding)")
    n = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError(f"embedding: index out of range in self: indices must be in [0, {n}) for a table of "
                         f"{n} rows, got {int(idx.min())}..{int(idx.max())}")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += n
    return apply(Embedding, weight, indices=idx, padding_idx=padding_idx)
