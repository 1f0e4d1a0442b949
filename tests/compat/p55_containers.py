"""ModuleList, ModuleDict, ParameterList and ParameterDict: registered parameters and state dict keys."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
        self.heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(2) * (i + 1)) for i in range(2)])
        self.extra = nn.ParameterDict({"shift": nn.Parameter(torch.tensor([0.5, -0.5]))})

    def forward(self, x, head):
        for layer, s in zip(self.layers, list(self.scales) * 2):
            x = torch.tanh(layer(x) * s) + self.extra["shift"]
        return self.heads[head](x)


m = Model()
with torch.no_grad():
    for name, p in m.named_parameters():
        if "layers" in name or "heads" in name:
            p.copy_(torch.linspace(-0.3, 0.3, p.numel()).reshape(p.shape))
x = torch.tensor([[1.0, -1.0]])
print(m(x, "a").tolist(), m(x, "b").tolist())
print(len(list(m.parameters())), sum(p.numel() for p in m.parameters()), len(m.state_dict()))
m(x, "b").sum().backward()
print(m.scales[0].grad.tolist(), m.extra["shift"].grad.tolist())
