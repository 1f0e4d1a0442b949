"""WeightedRandomSampler to balance classes: how many are drawn is fixed, which are drawn is random."""
import torch
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler

torch.manual_seed(1)
labels = torch.tensor([0, 0, 0, 0, 0, 0, 1, 1])
weights = torch.tensor([1 / 6] * 6 + [1 / 2] * 2)
sampler = WeightedRandomSampler(weights, num_samples=16, replacement=True)
loader = DataLoader(TensorDataset(labels), batch_size=4, sampler=sampler)
print(len(sampler), len(loader))
drawn = torch.cat([b[0] for b in loader])
print(len(drawn))
print("random:", drawn.tolist())
