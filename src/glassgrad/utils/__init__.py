"""gg.utils: where PyTorch code looks for torch.utils.data (`from glassgrad.utils.data import DataLoader`)."""

from glassgrad.utils import data

__all__ = ["data"]
