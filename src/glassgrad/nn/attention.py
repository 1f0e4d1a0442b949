"""MultiheadAttention with torch.nn's parameters (in_proj_weight, in_proj_bias, out_proj) and mask semantics."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassgrad.functional import linear
from glassgrad.nn import functional as F
from glassgrad.nn import init
from glassgrad.nn.layers import Linear
from glassgrad.nn.module import Module
from glassgrad.nn.parameter import Parameter
from glassgrad.tensor import Tensor, _make, get_default_dtype


def _blocked(mask: Any, dtype: Any) -> np.ndarray:
    """A MultiheadAttention mask as an additive one: True (masked out) becomes −inf, floats are added as given."""
    m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    return np.where(m, -np.inf, 0.0).astype(dtype) if m.dtype == np.bool_ else m.astype(dtype)


class MultiheadAttention(Module):
    """Project queries, keys and values, attend in `num_heads` subspaces of size embed_dim/num_heads, project back."""

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, dtype: Any = None) -> None:
        super().__init__()
        if add_bias_kv or add_zero_attn or kdim not in (None, embed_dim) or vdim not in (None, embed_dim):
            raise NotImplementedError("MultiheadAttention: add_bias_kv, add_zero_attn and kdim/vdim other than "
                                      "embed_dim are not supported")
        if embed_dim % num_heads:
            raise AssertionError("embed_dim must be divisible by num_heads")
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        d = dtype or get_default_dtype()
        self.in_proj_weight = Parameter(_make(np.empty((3 * embed_dim, embed_dim), dtype=d), False))
        if bias:
            self.in_proj_bias = Parameter(_make(np.zeros(3 * embed_dim, dtype=d), False))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        init.xavier_uniform_(self.in_proj_weight)
        if bias:
            init.zeros_(self.out_proj.bias)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Any = None,
                need_weights: bool = True, attn_mask: Any = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        single = query.ndim == 2
        if single:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        elif self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        (tq, n, e), s, h = query.shape, key.shape[0], self.num_heads
        if e != self.embed_dim:
            raise AssertionError(f"was expecting embedding dimension of {self.embed_dim}, but got {e}")
        w, b = self.in_proj_weight, self.in_proj_bias
        parts = [linear(t, w[k * e:(k + 1) * e], None if b is None else b[k * e:(k + 1) * e])
                 for k, t in enumerate((query, key, value))]
        q, k, v = (p.reshape(p.shape[0], n, h, self.head_dim).permute(1, 2, 0, 3) for p in parts)  # (N, h, L, d)
        mask = None
        if attn_mask is not None:
            mask = _blocked(attn_mask, q.dtype)
            mask = mask.reshape(n, h, tq, s) if mask.ndim == 3 else mask
        if key_padding_mask is not None:
            pad = _blocked(key_padding_mask, q.dtype).reshape(n, 1, 1, s)
            mask = pad if mask is None else mask + pad
        if is_causal and mask is None:
            mask = np.triu(np.full((tq, s), -np.inf, dtype=q.dtype), 1)
        weights = F.attention_weights(q, k, None if mask is None else _make(mask, False), scale=1 / math.sqrt(
            self.head_dim))
        if self.dropout and self.training:
            weights = F.dropout(weights, self.dropout, True)
        out = (weights @ v).permute(2, 0, 1, 3).reshape(tq, n, e)
        out = self.out_proj(out)
        out = out.squeeze(1) if single else out.transpose(0, 1) if self.batch_first else out
        if not need_weights:
            return out, None
        shown = weights.mean(1) if average_attn_weights else weights
        return out, shown.squeeze(0) if single else shown
