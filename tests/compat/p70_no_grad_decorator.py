"""@torch.no_grad() and the bare @torch.no_grad decorator on an evaluation function."""
import torch


@torch.no_grad()
def evaluate(w, x):
    return (w * x).sum()


@torch.no_grad
def evaluate_bare(w, x):
    return (w * x).sum()


w = torch.tensor([1.0, 2.0], requires_grad=True)
x = torch.tensor([3.0, 4.0])
a, b = evaluate(w, x), evaluate_bare(w, x)
print(a.item(), b.item(), int(a.requires_grad), int(b.requires_grad), int(torch.is_grad_enabled()))
