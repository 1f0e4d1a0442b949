"""KLDivLoss (batchmean, log_target), cosine similarity, normalize and CosineEmbeddingLoss."""
import torch
import torch.nn as nn
import torch.nn.functional as F

p = torch.tensor([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])
q_logits = torch.tensor([[0.0, 1.0, 0.5], [1.0, -1.0, 2.0]], requires_grad=True)
kl = nn.KLDivLoss(reduction="batchmean")(F.log_softmax(q_logits, dim=1), p)
kl.backward()
print(kl.item(), q_logits.grad.tolist())
print(F.kl_div(F.log_softmax(q_logits, 1), p.log(), reduction="sum", log_target=True).item())
a = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 0.0]])
b = torch.tensor([[1.0, 0.0, 1.0], [1.0, 2.0, -3.0]])
print(F.cosine_similarity(a, b).tolist(), F.normalize(a, dim=1).tolist(), F.normalize(a, p=1, dim=0).tolist())
print(nn.CosineEmbeddingLoss(margin=0.1)(a, b, torch.tensor([1, -1])).item())
print(F.pairwise_distance(a, b).tolist())
