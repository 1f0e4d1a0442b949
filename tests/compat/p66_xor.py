"""The classic: a 2-4-1 tanh network learns XOR (float64, fixed initial weights)."""
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())
with torch.no_grad():
    model[0].weight.copy_(torch.tensor([[0.5, -0.4], [0.3, 0.8], [-0.7, 0.2], [0.9, 0.6]]))
    model[0].bias.copy_(torch.tensor([0.1, -0.2, 0.05, 0.0]))
    model[2].weight.copy_(torch.tensor([[0.4, -0.6, 0.3, 0.2]]))
    model[2].bias.zero_()
opt = torch.optim.SGD(model.parameters(), lr=1.0, momentum=0.9)
loss_fn = nn.BCELoss()
for epoch in range(300):
    opt.zero_grad()
    loss = loss_fn(model(X), Y)
    loss.backward()
    opt.step()
    if epoch % 100 == 0:
        print(epoch, loss.item())
print(model(X).squeeze().tolist())
