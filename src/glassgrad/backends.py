"""gg.backends: the switches tutorials set for PyTorch's GPU and CPU back ends, so their first lines run.

glassgrad computes with NumPy on the CPU, deterministically: there is no MPS or CUDA back end to use, and the
cuDNN flags (`deterministic`, `benchmark`) can be set but change nothing.
"""

from __future__ import annotations

from types import SimpleNamespace


def _never() -> bool:
    return False


mps = SimpleNamespace(is_available=_never, is_built=_never)
cuda = SimpleNamespace(is_built=_never)
cudnn = SimpleNamespace(enabled=False, deterministic=False, benchmark=False, is_available=_never)
