"""An IterableDataset streaming samples; the DataLoader batches the stream."""
import torch
from torch.utils.data import DataLoader, IterableDataset


class Squares(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        for i in range(self.n):
            yield torch.tensor([float(i), float(i * i)])


for batch in DataLoader(Squares(7), batch_size=3):
    print(batch.tolist())
print([b.tolist() for b in DataLoader(Squares(5), batch_size=2, drop_last=True)])
print(sum(1 for _ in DataLoader(Squares(4), batch_size=None)))
