"""Per-group learning rates, and changing the rate by hand inside the loop."""
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.linspace(-0.2, 0.4, p.numel()).reshape(p.shape))
opt = torch.optim.SGD([{"params": model[0].parameters(), "lr": 0.01}, {"params": model[1].parameters()}], lr=0.1,
                      momentum=0.9)
x, y = torch.tensor([[1.0, -1.0], [0.5, 2.0]]), torch.tensor([[0.5], [-0.5]])
for epoch in range(10):
    if epoch == 5:
        for g in opt.param_groups:
            g["lr"] *= 0.5
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
print(loss.item(), [g["lr"] for g in opt.param_groups])
print(opt.state_dict()["param_groups"][0]["params"], opt.state_dict()["param_groups"][1]["params"])
