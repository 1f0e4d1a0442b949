"""The creation calls a tutorial's first cell uses: Tensor(), zeros/ones_like, full_like, arange, reshape, dtypes."""
import torch

a = torch.Tensor([1, 2, 3])
print(a.dtype == torch.float32, a.tolist())
b = torch.tensor([[1, 2], [3, 4]])
print(b.dtype == torch.int64, b.shape[0], b.size(1), b.numel(), b.dim())
print(torch.zeros_like(a).tolist(), torch.ones(2, 2).sum().item(), torch.full_like(a, 7).tolist())
print(torch.arange(0, 10, 3).tolist(), torch.linspace(0, 1, 5).tolist(), torch.eye(2).tolist())
c = torch.arange(12).reshape(3, 4).float()
print(c.mean().item(), c.sum(dim=0).tolist(), c.max().item(), c.argmax().item(), c[1:, ::2].tolist())
print(c.t().shape[0], c.view(-1).shape[0], torch.cat([c, c]).shape[0], torch.stack([c, c]).shape[0])
print(c.double().dtype == torch.float64, c.long().dtype == torch.int64, torch.is_tensor(c), torch.numel(c))
