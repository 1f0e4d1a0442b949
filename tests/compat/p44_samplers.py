"""SequentialSampler, BatchSampler and a DataLoader driven by a batch_sampler or a list of indices."""
import torch
from torch.utils.data import BatchSampler, DataLoader, SequentialSampler, TensorDataset

ds = TensorDataset(torch.arange(10) * 10)
print(list(SequentialSampler(ds)))
print(list(BatchSampler(SequentialSampler(ds), batch_size=3, drop_last=False)))
print(list(BatchSampler(range(7), batch_size=2, drop_last=True)))
loader = DataLoader(ds, batch_sampler=[[0, 9], [3, 4, 5]])
print([b[0].tolist() for b in loader], len(loader))
loader = DataLoader(ds, batch_size=2, sampler=[7, 1, 3])
print([b[0].tolist() for b in loader])
