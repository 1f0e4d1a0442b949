"""gg.accelerator: PyTorch's device-agnostic accelerator checks, answered for a CPU-only library.

`torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"` (the device line
of PyTorch's current tutorials) gives "cpu".
"""

from __future__ import annotations


def is_available() -> bool:
    return False


def current_accelerator(check_available: bool = False) -> None:
    """None: there is no accelerator (PyTorch returns None too when it finds none)."""
    return None


def device_count() -> int:
    return 0
