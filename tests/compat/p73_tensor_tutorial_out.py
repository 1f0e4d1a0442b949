"""PyTorch's "Tensors" tutorial: ones_like, indexing, cat, matmul/mul with out=, in-place add_, NumPy bridges."""
import numpy as np
import torch

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
x_np = torch.from_numpy(np.array(data))
print(torch.ones_like(x_data).tolist(), x_np.tolist())
tensor = torch.ones(4, 4)
tensor[:, 1] = 0
print(tensor[0].tolist(), tensor[:, 0].tolist(), tensor[..., -1].tolist())
print(torch.cat([tensor, tensor, tensor], dim=1).shape)
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
print(y1.tolist() == y2.tolist() == y3.tolist(), y3.tolist())
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(z3.tolist())
agg = tensor.sum()
print(agg.item(), type(agg.item()).__name__)
tensor.add_(5)
print(tensor.tolist())
t = torch.ones(5)
n = t.numpy()
t.add_(1)
print(t.tolist(), n.tolist())
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(t.tolist(), n.tolist())
print(torch.logspace(0, 2, 3).tolist(), torch.arange(6).nelement(), torch.mv(tensor, torch.ones(4)).tolist())
