"""clip_grad_norm_ (returns the norm before clipping) and clip_grad_value_ inside a training loop."""
import torch
import torch.nn as nn

model = nn.Linear(3, 1)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[1.0, -2.0, 3.0]]))
    model.bias.fill_(0.5)
x = torch.tensor([[10.0, 20.0, 30.0], [-5.0, 1.0, 2.0]])
y = torch.tensor([[0.0], [1.0]])
opt = torch.optim.SGD(model.parameters(), lr=0.01)
for step in range(3):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    print(step, loss.item(), norm.item(), model.weight.grad.norm().item())
    opt.step()
opt.zero_grad()
nn.functional.mse_loss(model(x), y).backward()
torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.5)
print(model.weight.grad.tolist(), model.bias.grad.tolist())
