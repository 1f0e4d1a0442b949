"""A model written as an nn.Module subclass: layers in __init__, forward, parameter counts, named parameters."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 6)
        self.fc2 = nn.Linear(6, 2)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


net = Net()
with torch.no_grad():
    for name, p in net.named_parameters():
        p.copy_(torch.linspace(-1, 1, p.numel()).reshape(p.shape) * (0.5 if "bias" in name else 1))
print(sum(p.numel() for p in net.parameters()))
print(sum(p.numel() for p in net.parameters() if p.requires_grad))
print([tuple(p.shape) for p in net.parameters()])
x = torch.tensor([[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 0.0, 2.0]])
out = net(x)
print(out.tolist())
out.sum().backward()
print(net.fc1.weight.grad.sum().item(), net.fc2.bias.grad.tolist())
