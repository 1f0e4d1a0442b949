"""SGD with momentum, Nesterov, dampening and weight decay on one small regression (float64)."""
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
x = torch.linspace(-2, 2, 12).reshape(6, 2)
y = (x[:, :1] * 1.5 - x[:, 1:] * 0.5) + 0.2
for kwargs in [dict(lr=0.05), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, nesterov=True),
               dict(lr=0.05, momentum=0.5, dampening=0.1, weight_decay=0.01)]:
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.fill_(0.1)
        model.bias.fill_(0.0)
    opt = torch.optim.SGD(model.parameters(), **kwargs)
    for _ in range(15):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    print(loss.item(), model.weight.tolist(), model.bias.item())
