"""LambdaLR (a warm-up function) and MultiplicativeLR."""
import torch

w = torch.zeros(2, requires_grad=True)
opt = torch.optim.Adam([w], lr=0.01)
warmup = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lambda epoch: min(1.0, (epoch + 1) / 5))
lrs = []
for _ in range(8):
    opt.step()
    warmup.step()
    lrs.append(warmup.get_last_lr()[0])
print(lrs)
opt = torch.optim.SGD([w], lr=1.0)
mult = torch.optim.lr_scheduler.MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.9)
for _ in range(5):
    opt.step()
    mult.step()
print(mult.get_last_lr())
