"""register_full_backward_hook: gradient norms per layer, and a hook that scales the input gradient."""
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.linspace(-0.6, 0.6, p.numel()).reshape(p.shape))
norms = []
for layer in model:
    layer.register_full_backward_hook(lambda m, gin, gout: norms.append(gout[0].norm().item()))
model[1].register_full_backward_hook(lambda m, gin, gout: (gin[0] * 2,))
x = torch.tensor([[1.0, -2.0], [0.5, 0.5]], requires_grad=True)
model(x).sum().backward()
print(norms)
print(x.grad.tolist(), model[0].weight.grad.tolist())
