"""softmax/log_softmax along each dimension, and nn.Softmax/LogSoftmax modules."""
import torch
import torch.nn as nn
import torch.nn.functional as F

x = torch.tensor([[[1.0, 2.0], [3.0, 0.5]], [[-1.0, 0.0], [2.0, 2.0]]])
for dim in (0, 1, 2, -1):
    print(dim, F.softmax(x, dim=dim).flatten().tolist())
print(nn.LogSoftmax(dim=1)(x[0]).tolist(), nn.Softmax(dim=-1)(x[1]).sum(-1).tolist())
print(torch.logsumexp(x, dim=2).tolist())
