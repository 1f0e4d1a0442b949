"""The old idioms: w.grad.data.zero_() and p.data updates (Tensor.data is a tensor sharing memory)."""
import torch

w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
for step in range(3):
    loss = (w ** 2).sum()
    loss.backward()
    w.data -= 0.1 * w.grad.data
    w.grad.data.zero_()
    print(step, loss.item(), w.tolist())
w.data.add_(torch.ones(3))
print(w.tolist(), w.requires_grad, w.data.requires_grad)
