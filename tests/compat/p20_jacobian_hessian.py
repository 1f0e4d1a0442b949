"""torch.autograd.functional.jacobian and hessian of small functions (float64)."""
import torch
from torch.autograd.functional import hessian, jacobian


def f(x):
    return torch.stack([x[0] * x[1], torch.sin(x[0]) + x[1] ** 2, x.exp().sum()])


def energy(x):
    return (x ** 3).sum() + x[0] * x[1]


x = torch.tensor([0.5, 1.5], dtype=torch.float64)
print(jacobian(f, x).tolist())
print(hessian(energy, x).tolist())
j1, j2 = jacobian(lambda a, b: a * b + b, (x, x * 2))
print(j1.tolist(), j2.tolist())
