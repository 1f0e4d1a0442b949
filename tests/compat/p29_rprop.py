"""Rprop: only the gradient's sign matters (float64)."""
import torch

w = torch.tensor([3.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
opt = torch.optim.Rprop([w], lr=0.1, etas=(0.5, 1.2), step_sizes=(1e-6, 1.0))
for _i in range(25):
    opt.zero_grad()
    loss = (w ** 2 * torch.tensor([1.0, 10.0, 100.0], dtype=torch.float64)).sum()
    loss.backward()
    opt.step()
print(loss.item(), w.tolist())
print(opt.state[w]["step_size"].tolist())
