"""Warm-up then decay: SequentialLR of LinearLR and ExponentialLR; ConstantLR chained the same way."""
import torch

w = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=4)
decay = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
sched = torch.optim.lr_scheduler.SequentialLR(opt, schedulers=[warm, decay], milestones=[4])
for epoch in range(12):
    opt.step()
    sched.step()
    print(epoch, sched.get_last_lr()[0])
opt = torch.optim.SGD([w], lr=1.0)
seq = torch.optim.lr_scheduler.SequentialLR(opt, [torch.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=3),
                                                  torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)],
                                            milestones=[3])
print([(opt.step(), seq.step(), opt.param_groups[0]["lr"])[2] for _ in range(10)])
