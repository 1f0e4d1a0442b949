"""gg.cuda: PyTorch's torch.cuda as seen from a machine without a GPU, so tutorials' device checks run.

glassgrad computes with NumPy on the CPU: `is_available()` is False and there are no devices to count.
"""

from __future__ import annotations


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Nothing to seed: there is no GPU stream (gg.manual_seed seeds glassgrad's)."""


manual_seed_all = manual_seed
