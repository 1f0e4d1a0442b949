"""TensorDataset and DataLoader: batch shapes, len(loader), a training epoch over batches in order."""
import torch
from torch.utils.data import DataLoader, TensorDataset

x = torch.arange(20, dtype=torch.float32).reshape(10, 2) / 10
y = x.sum(dim=1, keepdim=True)
loader = DataLoader(TensorDataset(x, y), batch_size=4)
print(len(loader), len(loader.dataset))
model = torch.nn.Linear(2, 1)
torch.nn.init.zeros_(model.weight)
torch.nn.init.zeros_(model.bias)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    print(epoch, total / len(loader.dataset))
print([tuple(b[0].shape) for b in DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)])
