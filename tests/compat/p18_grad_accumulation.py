"""Gradients accumulate across backward calls until zeroed (gradient accumulation over micro-batches)."""
import torch
import torch.nn as nn

model = nn.Linear(2, 1, bias=False)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[1.0, -1.0]]))
data = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
opt = torch.optim.SGD(model.parameters(), lr=0.01)
for micro in data.split(2):
    loss = model(micro).pow(2).mean() / 2
    loss.backward()
print(model.weight.grad.tolist())
opt.step()
opt.zero_grad()
print(model.weight.tolist(), model.weight.grad is None)
full = model(data).pow(2).mean()
full.backward()
print(full.item(), model.weight.grad.tolist())
