"""random_split by lengths and by fractions: sizes are fixed, which samples go where is random."""
import torch
from torch.utils.data import TensorDataset, random_split

torch.manual_seed(0)
ds = TensorDataset(torch.arange(10))
train, val = random_split(ds, [8, 2])
print(len(train), len(val))
parts = random_split(ds, [0.5, 0.3, 0.2])
print([len(p) for p in parts])
print(sorted(i for p in parts for i in p.indices))
print("random:", train.indices)
