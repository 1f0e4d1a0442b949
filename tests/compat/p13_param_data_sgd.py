"""Hand-written SGD over model.parameters() through p.data, as older tutorials do."""
import torch
import torch.nn as nn

model = nn.Linear(2, 1)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[0.5, -0.5]]))
    model.bias.fill_(0.1)
x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [-1.0, 0.5]])
y = torch.tensor([[1.0], [2.0], [0.0]])
for _i in range(20):
    model.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    for p in model.parameters():
        p.data.sub_(0.05 * p.grad.data)
print(loss.item(), model.weight.data.tolist(), model.bias.data.item())
