"""A training checkpoint (model, optimizer, epoch) saved and resumed: the resumed run continues identically."""
import io

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
x = torch.linspace(-1, 1, 8).reshape(4, 2)
y = torch.tensor([[1.0], [0.0], [0.5], [2.0]])


def make():
    m = nn.Linear(2, 1)
    with torch.no_grad():
        m.weight.copy_(torch.tensor([[0.3, -0.2]]))
        m.bias.zero_()
    return m, torch.optim.Adam(m.parameters(), lr=0.1)


def train(m, opt, steps):
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(m(x), y)
        loss.backward()
        opt.step()
    return loss.item()


model, opt = make()
train(model, opt, 3)
buf = io.BytesIO()
torch.save({"epoch": 3, "model": model.state_dict(), "optimizer": opt.state_dict()}, buf)
print("continued", train(model, opt, 3))
buf.seek(0)
ckpt = torch.load(buf)
model2, opt2 = make()
model2.load_state_dict(ckpt["model"])
opt2.load_state_dict(ckpt["optimizer"])
print("epoch", ckpt["epoch"], "resumed", train(model2, opt2, 3))
print(model2.weight.tolist(), model.weight.tolist())
