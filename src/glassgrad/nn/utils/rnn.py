"""torch.nn.utils.rnn.pad_sequence: variable-length sequences stacked into one padded batch, differentiably
(packed sequences, PackedSequence and pack_padded_sequence, are not in glassgrad: the recurrent layers read
padded batches)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from glassgrad.functional import cat, stack
from glassgrad.tensor import Tensor, _make

__all__ = ["pad_sequence"]


def pad_sequence(sequences: Tensor | Sequence[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """(L_i, *) tensors → (max L, B, *), or (B, max L, *) with batch_first; padded with padding_value on the
    right (or left), in the first sequence's dtype, as PyTorch does."""
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    seqs = list(sequences.unbind(0) if isinstance(sequences, Tensor) else sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    first, longest = seqs[0], max(len(s) for s in seqs)
    padded = []
    for s in seqs:
        shape = (len(s),) + tuple(first.shape[1:])
        try:
            np.broadcast_shapes(s.shape, shape)
        except ValueError:
            i = next(i for i in range(len(shape) - 1, 0, -1) if s.shape[i] != shape[i])
            raise RuntimeError(f"The size of tensor a ({shape[i]}) must match the size of tensor b ({s.shape[i]}) at "
                               f"non-singleton dimension {i}") from None
        s = (s if s.dtype == first.dtype else s.to(first.dtype)).expand(shape)
        fill = _make(np.full((longest - len(s),) + shape[1:], padding_value).astype(first.dtype), False)
        padded.append(cat([s, fill] if padding_side == "right" else [fill, s]))
    return stack(padded, 0 if batch_first else 1)
