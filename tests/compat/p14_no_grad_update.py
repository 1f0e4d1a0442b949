"""Updates inside torch.no_grad() over model.parameters(), then model.zero_grad()."""
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.linspace(-0.3, 0.6, p.numel()).reshape(p.shape))
x = torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
y = torch.tensor([[1.0], [1.0], [0.0], [0.0]])
lr = 1.0
for t in range(100):
    loss = ((model(x) - y) ** 2).mean()
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= lr * param.grad
    if t % 25 == 0:
        print(t, loss.item())
print(model(x).squeeze().tolist())
