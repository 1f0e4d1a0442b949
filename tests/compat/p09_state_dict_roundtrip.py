"""state_dict into a second model: the same outputs; strict loading reports missing keys."""
import torch
import torch.nn as nn

a = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
with torch.no_grad():
    for p in a.parameters():
        p.copy_(torch.linspace(-0.7, 0.9, p.numel()).reshape(p.shape))
b = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
b.load_state_dict(a.state_dict())
x = torch.tensor([[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]])
print(a(x).tolist(), b(x).tolist())
print(len(a.state_dict()), [tuple(v.shape) for v in a.state_dict().values()])
result = b.load_state_dict({k: v for k, v in a.state_dict().items() if k != "2.bias"}, strict=False)
print(len(result.missing_keys), len(result.unexpected_keys))
