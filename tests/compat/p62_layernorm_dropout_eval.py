"""LayerNorm values and gradients; Dropout is the identity in eval mode and rescales in training."""
import torch
import torch.nn as nn

ln = nn.LayerNorm(4)
x = torch.tensor([[1.0, 2.0, 3.0, 5.0], [-1.0, 0.0, 0.5, 0.2]], requires_grad=True)
out = ln(x)
(out * torch.tensor([1.0, -1.0, 2.0, 0.5])).sum().backward()
print(out.tolist(), x.grad.tolist())
drop = nn.Dropout(p=0.5)
drop.eval()
print(drop(x).tolist(), drop.training)
drop.train()
kept = drop(torch.ones(1000))
print(sorted(set(kept.tolist())))
