"""LBFGS with a closure fitting a cubic's coefficients (float64)."""
import torch

x = torch.linspace(-1, 1, 30, dtype=torch.float64)
y = 0.5 - x + 2 * x ** 3
coef = torch.zeros(4, dtype=torch.float64, requires_grad=True)
opt = torch.optim.LBFGS([coef], lr=1, max_iter=20, history_size=10)


def closure():
    opt.zero_grad()
    pred = coef[0] + coef[1] * x + coef[2] * x ** 2 + coef[3] * x ** 3
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    return loss


for i in range(3):
    loss = opt.step(closure)
    print(i, loss.item())
print([round(c, 6) for c in coef.tolist()])
