"""CyclicLR (triangular2) with momentum cycling."""
import torch

w = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.CyclicLR(opt, base_lr=0.001, max_lr=0.1, step_size_up=4, mode="triangular2")
for step in range(20):
    opt.step()
    sched.step()
    print(step, sched.get_last_lr()[0], opt.param_groups[0]["momentum"])
