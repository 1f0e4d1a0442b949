"""StepLR and MultiStepLR: the rate at each epoch, from get_last_lr()."""
import torch

w = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
rates = []
for _ in range(10):
    opt.step()
    sched.step()
    rates.append(sched.get_last_lr()[0])
print(rates)
opt = torch.optim.SGD([w], lr=1.0)
sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 5, 8], gamma=0.1)
for epoch in range(10):
    opt.step()
    sched.step()
    print(epoch, opt.param_groups[0]["lr"])
