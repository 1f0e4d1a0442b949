"""A small built-in text and its characters as training sequences, for character-level language models."""

from __future__ import annotations

import numpy as np

from glassgrad.tensor import Tensor, _make

# A paragraph on backpropagation (310 characters), short enough that a small LSTM learns it in seconds.
TEXT = (
    "the gradient flows backwards through the graph. each node multiplies what arrives by its local derivative "
    "and passes the product on. where paths meet, the gradients add. that is the chain rule, and that is all "
    "backpropagation is: the chain rule, applied from the loss down to every weight, one node at a time. "
)


def characters(text: str = TEXT, seq_len: int = 32, step: int = 4) -> tuple[Tensor, Tensor, str]:
    """(inputs, targets, vocabulary): windows of `seq_len` character indices every `step` characters, each
    target the same window shifted by one (the next character at every position), vocabulary sorted."""
    vocab = "".join(sorted(set(text)))
    if len(text) <= seq_len:
        raise ValueError(f"characters: the text has {len(text)} characters, fewer than seq_len + 1 = {seq_len + 1}")
    codes = np.array([vocab.index(c) for c in text], dtype=np.int64)
    starts = np.arange(0, len(codes) - seq_len, step)
    windows = codes[starts[:, None] + np.arange(seq_len + 1)]
    return _make(windows[:, :-1].copy(), False), _make(windows[:, 1:].copy(), False), vocab
