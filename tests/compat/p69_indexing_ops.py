"""gather, scatter, sort, topk and masked_fill, as used for accuracy, top-k and masking."""
import torch

scores = torch.tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.9]])
labels = torch.tensor([1, 0])
print(scores.gather(1, labels.unsqueeze(1)).squeeze(1).tolist())
values, idx = scores.sort(dim=1, descending=True)
print(values.tolist(), idx.tolist())
top = scores.topk(2, dim=1)
print(top.values.tolist(), top.indices.tolist())
print(torch.zeros(2, 3).scatter(1, labels.unsqueeze(1), 1.0).tolist())
print(scores.masked_fill(scores < 0.4, 0.0).tolist(), torch.where(scores > 0.4, scores, -scores).tolist())
