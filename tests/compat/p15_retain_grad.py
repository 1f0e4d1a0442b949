"""Gradients of intermediate results: retain_grad() on non-leaves, is_leaf, grad_fn presence."""
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.retain_grad()
z = (y ** 2).sum()
z.backward()
print(x.grad.tolist(), y.grad.tolist())
print(x.is_leaf, y.is_leaf, y.grad_fn is not None, x.grad_fn is None)
print(y.requires_grad, z.item())
