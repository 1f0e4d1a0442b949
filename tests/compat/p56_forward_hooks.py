"""Capturing intermediate activations with forward hooks (feature extraction), then removing them."""
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.linspace(-0.5, 0.7, p.numel()).reshape(p.shape))
features = {}


def save(name):
    def hook(module, inputs, output):
        features[name] = output.detach()
    return hook


handles = [model[0].register_forward_hook(save("fc1")), model[1].register_forward_hook(save("relu"))]
pre = model[2].register_forward_pre_hook(lambda module, args: (args[0] * 0.5,))
out = model(torch.tensor([[1.0, 2.0, -1.0]]))
print(features["fc1"].tolist(), features["relu"].tolist(), out.tolist())
for h in handles + [pre]:
    h.remove()
features.clear()
print(model(torch.tensor([[1.0, 2.0, -1.0]])).tolist(), len(features))
