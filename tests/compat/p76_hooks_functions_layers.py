"""Module hooks with prepend= and with_kwargs=, a custom autograd Function's node name, and layers built with
device= and dtype= as current tutorials write them."""
import torch
import torch.nn as nn

device = "cpu"


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 2 * x * grad


class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 2, 3, padding=1, device=device, dtype=torch.float64)
        self.embed = nn.Embedding(4, 5, device=device, dtype=torch.float64)

    def forward(self, tokens, temperature=1.0):
        h = self.conv(self.embed(tokens).sum(1).unsqueeze(1)).sum(1)
        return torch.sigmoid(h / temperature)


torch.manual_seed(0)
gate = Gate()
with torch.no_grad():
    for p in gate.parameters():
        p.copy_(torch.linspace(-1, 1, p.numel(), dtype=torch.float64).reshape(p.shape))
log = []
gate.register_forward_pre_hook(lambda m, args, kwargs: (args, {"temperature": kwargs.get("temperature", 1.0) * 2}),
                               with_kwargs=True)
gate.register_forward_hook(lambda m, args, kwargs, out: log.append(("after", kwargs["temperature"])),
                           with_kwargs=True)
gate.register_forward_hook(lambda m, args, out: log.append(("first", tuple(out.shape))), prepend=True)
out = gate(torch.tensor([[0, 3, 1], [2, 2, 0]]), temperature=0.5)
print(log, out.dtype, gate.conv.weight.dtype)
loss = Square.apply(out).sum()
print(loss.grad_fn.name(), loss.grad_fn.next_functions[0][0].name())
loss.backward()
print(round(loss.item(), 6), gate.conv.weight.grad.flatten().tolist(), gate.embed.weight.grad.sum(1).tolist())
