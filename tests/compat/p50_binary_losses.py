"""BCELoss after a sigmoid, and BCEWithLogitsLoss with pos_weight and per-element weights."""
import torch
import torch.nn as nn

logits = torch.tensor([[0.3, -1.2], [2.0, 0.1], [-0.5, 0.7]], requires_grad=True)
target = torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
loss1 = nn.BCELoss()(torch.sigmoid(logits), target)
loss2 = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0, 0.5]))(logits, target)
loss3 = nn.BCEWithLogitsLoss(weight=torch.tensor([1.0, 3.0]), reduction="sum")(logits, target)
(loss1 + loss2 + loss3).backward()
print(loss1.item(), loss2.item(), loss3.item())
print(logits.grad.tolist())
