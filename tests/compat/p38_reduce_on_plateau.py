"""ReduceLROnPlateau driven by a validation loss that stalls."""
import torch

w = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([w], lr=1.0)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
for epoch, val in enumerate([1.0, 0.9, 0.9, 0.9, 0.85, 0.85, 0.85, 0.85, 0.5, 0.5]):
    opt.step()
    sched.step(val)
    print(epoch, opt.param_groups[0]["lr"])
