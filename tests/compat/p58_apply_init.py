"""model.apply(init_fn) with nn.init, get_submodule, and the identity/orthogonal initialisers."""
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 2), nn.Sigmoid()))


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.25)
        nn.init.zeros_(m.bias)


model.apply(init_weights)
print(model(torch.tensor([[1.0, 2.0, 3.0]])).tolist())
inner = model.get_submodule("2.0")
print(inner.weight.sum().item(), inner.out_features)
nn.init.eye_(model[0].weight)
print(model[0].weight.tolist())
w = torch.empty(4, 3)
nn.init.orthogonal_(w)
print((w.t() @ w).round(decimals=5).tolist())
