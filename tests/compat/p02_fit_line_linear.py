"""nn.Linear, MSELoss and SGD: the same line, the module way."""
import torch
import torch.nn as nn

model = nn.Linear(1, 1)
with torch.no_grad():
    model.weight.fill_(0.3)
    model.bias.fill_(-0.2)
x = torch.arange(10, dtype=torch.float32).reshape(-1, 1) / 10
y = 3 * x - 0.5
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for _epoch in range(40):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
print(loss.item(), model.weight.item(), model.bias.item())
print(model(torch.tensor([[0.25]])).item())
