"""manual_seed makes a run repeat exactly (the values themselves depend on the library's stream)."""
import torch
import torch.nn as nn

torch.manual_seed(42)
a = torch.randn(3)
m1 = nn.Linear(2, 2)
torch.manual_seed(42)
b = torch.randn(3)
m2 = nn.Linear(2, 2)
print(int((a == b).all()), int((m1.weight == m2.weight).all()))
print(torch.rand(4).shape[0], torch.randint(0, 5, (3,)).shape[0])
print(int(torch.randperm(6).sort().values.tolist() == list(range(6))))
print("random:", a.tolist())
