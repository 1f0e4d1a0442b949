"""CosineAnnealingWarmRestarts with T_mult = 2."""
import torch

w = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.5)
sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2, eta_min=0.01)
out = []
for _epoch in range(16):
    opt.step()
    sched.step()
    out.append(sched.get_last_lr()[0])
print(out)
