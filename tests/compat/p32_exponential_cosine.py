"""ExponentialLR and CosineAnnealingLR, and a loop that trains with them."""
import torch

w = torch.tensor([2.0], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.2, momentum=0.5)
sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.8)
for _epoch in range(8):
    opt.zero_grad()
    (w ** 2).sum().backward()
    opt.step()
    sched.step()
print(w.item(), sched.get_last_lr())
opt = torch.optim.SGD([w], lr=0.1)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.001)
print([round(x, 10) for x in [sched.get_last_lr()[0]] + [(opt.step(), sched.step(), sched.get_last_lr()[0])[2]
                                                        for _ in range(15)]])
