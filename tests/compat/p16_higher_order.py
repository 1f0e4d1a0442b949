"""Second and third derivatives with autograd.grad(create_graph=True)."""
import torch

x = torch.tensor(2.0, requires_grad=True)
y = x ** 4 - 3 * x ** 2 + torch.sin(x)
(dy,) = torch.autograd.grad(y, x, create_graph=True)
(d2y,) = torch.autograd.grad(dy, x, create_graph=True)
(d3y,) = torch.autograd.grad(d2y, x)
print(y.item(), dy.item(), d2y.item(), d3y.item())
a = torch.tensor([1.0, 2.0], requires_grad=True)
g = torch.autograd.grad((a ** 3).sum(), a, create_graph=True)[0]
g.sum().backward()
print(g.tolist(), a.grad.tolist())
