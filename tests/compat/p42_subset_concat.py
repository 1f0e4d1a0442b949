"""Subset and ConcatDataset (and Dataset + Dataset)."""
import torch
from torch.utils.data import ConcatDataset, DataLoader, Subset, TensorDataset

a = TensorDataset(torch.arange(5, dtype=torch.float32))
b = TensorDataset(torch.arange(100, 103, dtype=torch.float32))
both = ConcatDataset([a, b])
print(len(both), both[4][0].item(), both[5][0].item(), both[-1][0].item(), both.cumulative_sizes)
evens = Subset(both, [0, 2, 4, 6])
print(len(evens), [evens[i][0].item() for i in range(len(evens))])
print([batch[0].tolist() for batch in DataLoader(evens, batch_size=3)])
print(len(a + b))
