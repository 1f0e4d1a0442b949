"""PolynomialLR and ConstantLR, with two parameter groups at different rates."""
import torch

a, b = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
sched = torch.optim.lr_scheduler.PolynomialLR(opt, total_iters=6, power=2.0)
for _ in range(8):
    opt.step()
    sched.step()
    print(sched.get_last_lr())
opt = torch.optim.SGD([a], lr=0.2)
const = torch.optim.lr_scheduler.ConstantLR(opt, factor=0.25, total_iters=3)
print([(opt.step(), const.step(), const.get_last_lr()[0])[2] for _ in range(6)])
