"""MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss and TripletMarginLoss, with gradients."""
import torch
import torch.nn as nn

x1 = torch.tensor([0.5, -0.3, 1.2, 0.0], requires_grad=True)
x2 = torch.tensor([0.1, 0.4, 1.0, -0.5])
y = torch.tensor([1.0, -1.0, -1.0, 1.0])
losses = [nn.MarginRankingLoss(margin=0.2)(x1, x2, y), nn.HingeEmbeddingLoss(margin=0.5)(x1, y),
          nn.SoftMarginLoss()(x1, y)]
sum(losses).backward()
print([v.item() for v in losses], x1.grad.tolist())
anchor = torch.tensor([[0.0, 1.0], [1.0, 1.0]], requires_grad=True)
positive = torch.tensor([[0.1, 0.9], [2.0, 1.0]])
negative = torch.tensor([[1.0, 0.0], [1.2, 1.1]])
loss = nn.TripletMarginLoss(margin=1.0)(anchor, positive, negative)
loss.backward()
print(loss.item(), anchor.grad.tolist())
