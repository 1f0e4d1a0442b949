"""Adadelta and Adamax on Rosenbrock's function (float64)."""
import torch

for make in [lambda p: torch.optim.Adadelta(p, lr=1.0), lambda p: torch.optim.Adadelta(p, lr=0.5, rho=0.8),
             lambda p: torch.optim.Adamax(p, lr=0.05), lambda p: torch.optim.Adamax(p, lr=0.02, weight_decay=0.1)]:
    xy = torch.tensor([-1.0, 1.5], dtype=torch.float64, requires_grad=True)
    opt = make([xy])
    for _ in range(40):
        opt.zero_grad()
        loss = (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2
        loss.backward()
        opt.step()
    print(loss.item(), xy.tolist())
