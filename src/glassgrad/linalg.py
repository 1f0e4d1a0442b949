"""glassgrad.linalg: PyTorch's torch.linalg names (the functions live in glassgrad.ops.linalg and ops.matrix)."""

from glassgrad import return_types
from glassgrad.ops.linalg import det, solve
from glassgrad.ops.linalg import inverse as inv
from glassgrad.ops.matrix import linalg_cross as cross
from glassgrad.ops.matrix import matrix_norm, matrix_power, norm, vector_norm
from glassgrad.ops.matrix import slogdet as _slogdet
from glassgrad.tensor import Tensor

__all__ = ["cross", "det", "inv", "matrix_norm", "matrix_power", "norm", "slogdet", "solve", "vector_norm"]


def slogdet(A: Tensor) -> return_types.linalg_slogdet:
    """torch.slogdet's (sign, logabsdet), under the type name PyTorch gives it in torch.linalg."""
    return return_types.linalg_slogdet(*_slogdet(A))
