"""Vector-Jacobian and Jacobian-vector products."""
import torch
from torch.autograd.functional import jvp, vjp


def f(x):
    return x ** 2 + x.sum()


x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
v = torch.tensor([1.0, 0.0, -1.0], dtype=torch.float64)
out, g = vjp(f, x, v)
print(out.tolist(), g.tolist())
out, t = jvp(f, x, v)
print(out.tolist(), t.tolist())
