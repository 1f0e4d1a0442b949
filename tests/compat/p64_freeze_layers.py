"""Freezing a layer with requires_grad_(False) (fine-tuning): only the head trains."""
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.linspace(0.1, 0.9, p.numel()).reshape(p.shape))
model[0].requires_grad_(False)
trainable = [p for p in model.parameters() if p.requires_grad]
print(len(trainable))
opt = torch.optim.SGD(trainable, lr=0.1)
x, y = torch.tensor([[1.0, 2.0], [2.0, 1.0]]), torch.tensor([[1.0], [0.0]])
for _ in range(10):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
print(loss.item(), model[0].weight.grad is None, model[0].weight.tolist(), model[2].weight.tolist())
