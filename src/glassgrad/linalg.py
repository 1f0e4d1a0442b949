"""glassgrad.linalg: PyTorch's torch.linalg names (the functions live in glassgrad.ops.linalg and ops.matrix)."""

from glassgrad.ops.linalg import det, solve
from glassgrad.ops.linalg import inverse as inv
from glassgrad.ops.matrix import linalg_cross as cross
from glassgrad.ops.matrix import matrix_norm, matrix_power, norm, slogdet, vector_norm

__all__ = ["cross", "det", "inv", "matrix_norm", "matrix_power", "norm", "slogdet", "solve", "vector_norm"]
