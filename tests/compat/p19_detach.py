"""detach() stops the gradient: a target built from the model itself, and a frozen copy."""
import torch

w = torch.tensor([0.5, -1.5], requires_grad=True)
x = torch.tensor([2.0, 1.0])
pred = (w * x).sum()
target = (pred * 0.9).detach()
loss = (pred - target) ** 2
loss.backward()
print(loss.item(), w.grad.tolist(), target.requires_grad)
frozen = w.detach().clone()
frozen += 1
print(frozen.tolist(), w.tolist())
