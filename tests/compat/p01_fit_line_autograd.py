"""Fit y = 2x + 1 with two tensors and plain gradient descent (the first tutorial)."""
import torch

x = torch.linspace(-1, 1, 20).reshape(-1, 1)
y = 2 * x + 1
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.1
for epoch in range(50):
    loss = ((x * w + b - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    if epoch % 10 == 0:
        print(epoch, loss.item())
print("w", w.item(), "b", b.item())
