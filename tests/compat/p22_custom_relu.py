"""MyReLU: the tutorial's custom autograd.Function with ctx.save_for_backward, used inside a model."""
import torch


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


x = torch.tensor([[-1.0, 2.0, 0.5], [3.0, -0.2, 1.0]])
w1 = torch.tensor([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], requires_grad=True)
w2 = torch.tensor([[0.7], [-0.8]], requires_grad=True)
for t in range(5):
    y = MyReLU.apply(x.mm(w1)).mm(w2)
    loss = (y - 1).pow(2).sum()
    loss.backward()
    with torch.no_grad():
        w1 -= 0.05 * w1.grad
        w2 -= 0.05 * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
    print(t, loss.item())
