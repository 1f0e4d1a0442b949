"""OneCycleLR per batch: the rate and SGD's momentum over a whole cycle."""
import torch

w = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.01, momentum=0.9)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, steps_per_epoch=5, epochs=3)
for step in range(15):
    opt.step()
    sched.step() if step < 14 else None
    print(step, sched.get_last_lr()[0], opt.param_groups[0]["momentum"])
