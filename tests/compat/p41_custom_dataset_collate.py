"""A Dataset subclass returning dicts, the default collate, and a custom collate_fn padding sequences."""
import torch
from torch.utils.data import DataLoader, Dataset


class Sequences(Dataset):
    def __init__(self):
        self.items = [[1, 2, 3], [4, 5], [6], [7, 8, 9, 10]]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return {"seq": torch.tensor(self.items[i][:1], dtype=torch.float32), "length": len(self.items[i])}


def pad(batch):
    lengths = [len(s) for s in batch]
    out = torch.zeros(len(batch), max(lengths))
    for i, s in enumerate(batch):
        out[i, :len(s)] = torch.tensor(s, dtype=torch.float32)
    return out, torch.tensor(lengths)


for batch in DataLoader(Sequences(), batch_size=3):
    print(batch["seq"].tolist(), batch["length"].tolist())
raw = Sequences().items
for padded, lengths in DataLoader(raw, batch_size=2, collate_fn=pad):
    print(padded.tolist(), lengths.tolist())
