"""RMSprop (plain, centered with momentum) and Adagrad (with lr_decay) on a quadratic bowl."""
import torch

target = torch.tensor([1.0, -2.0, 0.5])
for name, make in [("rmsprop", lambda p: torch.optim.RMSprop(p, lr=0.01)),
                   ("rmsprop-c", lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.9, centered=True)),
                   ("adagrad", lambda p: torch.optim.Adagrad(p, lr=0.3, lr_decay=0.01))]:
    w = torch.zeros(3, requires_grad=True)
    opt = make([w])
    for _ in range(30):
        opt.zero_grad()
        loss = ((w - target) ** 2).sum()
        loss.backward()
        opt.step()
    print(name, loss.item(), w.tolist())
