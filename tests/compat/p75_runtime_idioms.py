"""Runtime idioms of older tutorials and test suites: legacy constructors, strides, bit tricks, scatter_reduce,
index_put, assert_close, and a saved random state replayed."""
import torch

x = torch.FloatTensor([[1, 2, 3], [4, 5, 6]])
print(x.dtype, torch.LongTensor([2.7, 3]).tolist(), torch.DoubleTensor(2, 2).shape, isinstance(x, torch.FloatTensor))
print(x.stride(), x.t().stride(), x.t().is_contiguous(), x.t().contiguous().stride(), 5.0 in x, 7 in x)
flags = torch.IntTensor([5, 3, 12])
print((flags ^ 1).tolist(), (flags << 2).tolist(), (flags >> 1).tolist(), (~flags).tolist(), (flags & 4).tolist())
flags |= 16
flags ^= torch.IntTensor([1, 1, 1])
print(flags.tolist(), (~torch.BoolTensor([True, False])).tolist())
w = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
src = torch.tensor([[0.5, 8.0, 2.0], [9.0, 1.5, 3.5]], requires_grad=True)
group = torch.tensor([[0, 1, 0], [1, 1, 0]])
total = 0
for how in ("sum", "prod", "mean", "amax", "amin"):
    out = w.scatter_reduce(0, group, src, reduce=how, include_self=how != "amin")
    print(how, out.tolist())
    total = total + out.sum()
counts = torch.zeros(4).index_put((torch.tensor([0, 2, 2]),), torch.tensor(1.0), accumulate=True)
total = total + w.index_put((torch.tensor([1]), torch.tensor([2])), torch.tensor(0.25)).pow(2).sum()
total.backward()
print(counts.tolist(), w.grad.tolist(), src.grad.tolist())
y = w.detach().clone()
y **= 2
y //= 3
y %= 4
print(y.tolist())
torch.testing.assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-7]))
try:
    torch.testing.assert_close(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.5, 3.0]))
except AssertionError as e:
    print(str(e).splitlines()[2:])
state = torch.get_rng_state()
a = torch.rand(3)
torch.set_rng_state(state)
print(torch.equal(a, torch.rand(3)), state.dtype)
m = torch.nn.Linear(2, 1).double()
print(m.weight.dtype, m.half().weight.dtype, m.type(torch.FloatTensor).weight.dtype)
