"""Every activation module on the same inputs, and the gradients they pass back (float64: in float32 the
tails of GELU and Mish cancel to a few digits in any library)."""
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
x = torch.linspace(-3, 3, 9, requires_grad=True)
acts = [nn.ReLU(), nn.LeakyReLU(0.1), nn.ELU(alpha=0.5), nn.SiLU(), nn.GELU(), nn.GELU(approximate="tanh"),
        nn.Mish(), nn.Hardtanh(-2.0, 2.0), nn.ReLU6(), nn.Softplus(beta=2.0), nn.Softsign(), nn.LogSigmoid(),
        nn.Tanh(), nn.Sigmoid(), nn.PReLU(init=0.2)]
for act in acts:
    x.grad = None
    y = act(x * 2)
    y.sum().backward()
    print(type(act).__name__, y.tolist(), x.grad.tolist())
prelu = nn.PReLU(num_parameters=3, init=0.1)
out = prelu(torch.tensor([[-1.0, -2.0, 3.0], [1.0, -1.0, -1.0]]))
out.sum().backward()
print(out.tolist(), prelu.weight.grad.tolist())
