"""The device lines every tutorial starts with (CPU here): torch.device, cuda.is_available, .to(device)."""
import torch
import torch.nn as nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model = nn.Linear(2, 1).to(device)
with torch.no_grad():
    model.weight.fill_(0.5)
    model.bias.fill_(0.25)
x = torch.tensor([[1.0, 2.0]], device=device)
y = model(x.to(device)).cpu()
print(y.item(), x.device.type == "cpu", torch.cuda.is_available())
