"""BatchNorm1d in training mode (batch statistics, running averages) and in eval mode."""
import torch
import torch.nn as nn

bn = nn.BatchNorm1d(3, momentum=0.2)
x = torch.tensor([[1.0, 2.0, 3.0], [2.0, 0.0, -1.0], [0.5, 1.0, 1.0], [4.0, -2.0, 0.0]])
for _ in range(3):
    y = bn(x * 2 + 1)
print(y.tolist())
print(bn.running_mean.tolist(), bn.running_var.tolist(), bn.num_batches_tracked.item())
bn.eval()
print(bn(x).tolist())
y = bn(x)
y.sum().backward()
print(bn.weight.grad.tolist(), bn.bias.grad.tolist())
