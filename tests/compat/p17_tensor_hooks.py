"""A hook on a tensor changes the gradient that flows through it; the handle removes it."""
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x.register_hook(lambda grad: grad * 10)
(x * x).sum().backward()
print(x.grad.tolist())
h.remove()
x.grad = None
(x * x).sum().backward()
print(x.grad.tolist())
y = x * 3
y.register_hook(lambda g: print("seen", g.tolist()))
y.sum().backward()
print(x.grad.tolist())
