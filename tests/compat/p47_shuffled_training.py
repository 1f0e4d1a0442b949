"""Shuffled mini-batches (num_workers and pin_memory as tutorials pass them): the order is random, so only the
batch structure is compared; the data seen per epoch is the same."""
import torch
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
x = torch.arange(24, dtype=torch.float32).reshape(12, 2)
loader = DataLoader(TensorDataset(x), batch_size=5, shuffle=True, num_workers=2, pin_memory=True)
sizes, total = [], 0.0
for (xb,) in loader:
    sizes.append(len(xb))
    total += xb.sum().item()
print(sizes, total, len(loader))
first = [b[0][:, 0].tolist() for b in loader]
print("random:", first)
g = torch.Generator()
g.manual_seed(3)
print(len(list(DataLoader(TensorDataset(x), batch_size=4, shuffle=True, generator=g))))
