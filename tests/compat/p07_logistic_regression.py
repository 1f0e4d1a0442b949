"""Binary classification: one logit, BCEWithLogitsLoss, sigmoid probabilities, thresholded predictions."""
import torch
import torch.nn as nn
import torch.nn.functional as F

x = torch.tensor([[-2.0], [-1.0], [-0.5], [0.3], [1.0], [2.5]])
y = torch.tensor([[0.0], [0.0], [1.0], [0.0], [1.0], [1.0]])
model = nn.Linear(1, 1)
nn.init.constant_(model.weight, 0.1)
nn.init.zeros_(model.bias)
opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
criterion = nn.BCEWithLogitsLoss()
for _step in range(30):
    opt.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    opt.step()
probs = torch.sigmoid(model(x))
print(loss.item(), probs.squeeze().tolist())
print(((probs > 0.5).float() == y).float().mean().item())
print(F.binary_cross_entropy(probs, y).item())
