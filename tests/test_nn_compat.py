"""The torch.nn names tutorials reach for: activations as modules, small-model losses, distances, parameter
containers, module hooks, initialisers and nn.utils, each against PyTorch (values and gradients, float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassgrad as gg
import glassgrad.nn.functional as F

R = np.random.default_rng(0)
X1, X2 = R.standard_normal((4, 5)), R.standard_normal((4, 5))
SIGNS = np.array([1.0, -1.0, 1.0, -1.0])


def _both(fn, *arrays: np.ndarray) -> None:
    """fn(namespace, functional, *leaves) on glassgrad and on torch: same value, same gradient of every input."""
    ours = [gg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    a, b = fn(gg, F, *ours), fn(torch, TF, *theirs)
    np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-10, atol=1e-12)
    up = R.standard_normal(a.shape)
    a.backward(gg.tensor(up))
    b.backward(torch.tensor(up))
    for g, t in zip(ours, theirs):
        expected = np.zeros(t.shape) if t.grad is None else t.grad.numpy()
        np.testing.assert_allclose(np.zeros(g.shape) if g.grad is None else g.grad.data, expected, rtol=1e-9,
                                   atol=1e-12)


LOSSES = {
    "normalize": lambda m, f, a, b: f.normalize(a, dim=1),
    "normalize p=1 dim=0": lambda m, f, a, b: f.normalize(a, p=1.0, dim=0),
    "cosine_similarity": lambda m, f, a, b: f.cosine_similarity(a, b),
    "cosine_similarity broadcast": lambda m, f, a, b: f.cosine_similarity(a, b[:1], dim=-1),
    "pairwise_distance": lambda m, f, a, b: f.pairwise_distance(a, b),
    "kl_div batchmean": lambda m, f, a, b: f.kl_div(f.log_softmax(a, 1), f.softmax(b, 1), reduction="batchmean"),
    "kl_div log_target": lambda m, f, a, b: f.kl_div(f.log_softmax(a, 1), f.log_softmax(b, 1), reduction="sum",
                                                     log_target=True),
    "kl_div zeros in target": lambda m, f, a, b: f.kl_div(a, f.relu(b), reduction="none"),
    "cosine_embedding_loss": lambda m, f, a, b: f.cosine_embedding_loss(a, b, m.tensor(SIGNS), margin=0.2),
    "margin_ranking_loss": lambda m, f, a, b: f.margin_ranking_loss(a[:, 0], b[:, 0], m.tensor(SIGNS), margin=0.3),
    "hinge_embedding_loss": lambda m, f, a, b: f.hinge_embedding_loss(a, m.tensor(np.sign(X2))),
    "soft_margin_loss": lambda m, f, a, b: f.soft_margin_loss(a, m.tensor(np.sign(X2)), reduction="sum"),
    "triplet_margin_loss": lambda m, f, a, b: f.triplet_margin_loss(a, b, a * 0.5 + 1, swap=True),
    "poisson_nll_loss full": lambda m, f, a, b: f.poisson_nll_loss(a, b.abs() * 3, full=True),
    "poisson_nll_loss rates": lambda m, f, a, b: f.poisson_nll_loss(a.abs(), b.abs(), log_input=False),
    "smooth_l1_loss": lambda m, f, a, b: f.smooth_l1_loss(a, b, beta=0.5),
    "huber_loss": lambda m, f, a, b: f.huber_loss(a, b, delta=0.7, reduction="sum"),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_functional_matches_torch(name: str) -> None:
    _both(LOSSES[name], X1, X2)


MODULE_LOSSES = [
    ("KLDivLoss", {"reduction": "batchmean"}, lambda m, l, a, b: l(m.log_softmax(a, 1), m.softmax(b, 1))),
    ("CosineEmbeddingLoss", {"margin": 0.1}, lambda m, l, a, b: l(a, b, m.tensor(SIGNS))),
    ("MarginRankingLoss", {"margin": 0.5}, lambda m, l, a, b: l(a[:, 1], b[:, 1], m.tensor(SIGNS))),
    ("HingeEmbeddingLoss", {}, lambda m, l, a, b: l(a.abs(), m.tensor(np.sign(X2)))),
    ("SoftMarginLoss", {}, lambda m, l, a, b: l(a, m.tensor(np.sign(X2)))),
    ("TripletMarginLoss", {"margin": 2.0}, lambda m, l, a, b: l(a, b, b * 2)),
    ("PoissonNLLLoss", {}, lambda m, l, a, b: l(a, b.abs())),
    ("SmoothL1Loss", {"beta": 2.0}, lambda m, l, a, b: l(a, b)),
    ("HuberLoss", {"delta": 0.5}, lambda m, l, a, b: l(a, b)),
]


@pytest.mark.parametrize("name,kwargs,call", MODULE_LOSSES, ids=[c[0] for c in MODULE_LOSSES])
def test_loss_modules_match_torch(name: str, kwargs: dict, call) -> None:
    _both(lambda m, f, a, b: call(m, getattr(m.nn, name)(**kwargs), a, b), X1, X2)


ACTIVATIONS = [("ELU", {"alpha": 0.7}), ("SiLU", {}), ("Mish", {}), ("Hardtanh", {"min_val": -0.5, "max_val": 2.0}),
               ("ReLU6", {}), ("LogSigmoid", {}), ("Softsign", {}), ("PReLU", {}), ("PReLU", {"num_parameters": 3})]


@pytest.mark.parametrize("name,kwargs", ACTIVATIONS, ids=[f"{n}{k}" for n, k in ACTIVATIONS])
def test_activation_modules_match_torch(name: str, kwargs: dict) -> None:
    ours, theirs = getattr(gg.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    x = R.standard_normal((2, 3, 4)) * 4
    a, b = gg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yb = ours.double()(a), theirs.double()(b)
    np.testing.assert_allclose(ya.data, yb.detach().numpy(), rtol=1e-10, atol=1e-12)
    (ya * ya).sum().backward()
    (yb * yb).sum().backward()
    np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-9, atol=1e-12)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-9)


def test_prelu_checks_the_channel_count() -> None:
    with pytest.raises(RuntimeError, match="prelu: mismatch of parameter numbers and input channel size"):
        gg.nn.PReLU(3)(gg.ones(2, 4))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_on_spatial_inputs_matches_torch(reduction: str) -> None:
    x, y = R.standard_normal((2, 3, 4, 2)), R.integers(0, 3, (2, 4, 2))
    y[0, 1, 1] = -100
    w = np.array([0.3, 1.0, 2.0])
    _both(lambda m, f, a: f.cross_entropy(a, m.tensor(y), m.tensor(w), reduction=reduction, label_smoothing=0.1), x)
    _both(lambda m, f, a: f.nll_loss(f.log_softmax(a, 1), m.tensor(y), reduction=reduction), x)
    _both(lambda m, f, a, p: f.cross_entropy(a, f.softmax(p, 1), reduction=reduction), x, R.standard_normal(x.shape))


def test_cross_entropy_on_spatial_inputs_checks_the_target_shape() -> None:
    with pytest.raises(ValueError, match=r"expected target of shape \[2, 4\] for input of shape \[2, 3, 4\]"):
        F.cross_entropy(gg.zeros(2, 3, 4), gg.tensor([[0, 1, 2]]))


# ------------------------------------------------------------------------------------------- containers


def test_parameter_list_and_dict_register_their_parameters() -> None:
    class Net(gg.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.ws = gg.nn.ParameterList([gg.nn.Parameter(gg.ones(2)), gg.zeros(3)])  # a tensor becomes a Parameter
            self.named = gg.nn.ParameterDict({"scale": gg.nn.Parameter(gg.ones(1))})
            self.named["shift"] = gg.zeros(1)
            self.heads = gg.nn.ModuleDict({"a": gg.nn.Linear(2, 1)})

    net = Net()
    assert list(net.state_dict()) == ["ws.0", "ws.1", "named.scale", "named.shift", "heads.a.weight", "heads.a.bias"]
    assert isinstance(net.ws[1], gg.nn.Parameter) and net.ws[1].requires_grad and len(net.ws) == 2
    assert "scale" in net.named and list(net.named.keys()) == ["scale", "shift"]
    assert "a" in net.heads and net.heads.pop("a") is not None and "a" not in net.heads
    assert sum(p.numel() for p in net.parameters()) == 7
    assert net.ws[0].name == "ws.0"  # explanations name it by its path


def test_get_submodule_apply_and_requires_grad() -> None:
    net = gg.nn.Sequential(gg.nn.Linear(2, 3), gg.nn.Sequential(gg.nn.ReLU(), gg.nn.Linear(3, 1)))
    assert net.get_submodule("1.1") is net[1][1] and net.get_submodule("") is net
    assert net.get_parameter("1.1.bias") is net[1][1].bias
    with pytest.raises(AttributeError, match="Sequential has no attribute `7`"):
        net.get_submodule("1.7")
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "Sequential", "Sequential"]  # children first, as in PyTorch
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


# ------------------------------------------------------------------------------------------------ hooks


def _twin_nets() -> tuple:
    ours = gg.nn.Sequential(gg.nn.Linear(3, 4), gg.nn.Tanh(), gg.nn.Linear(4, 2)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    return ours, theirs


def test_forward_hooks_see_and_replace_what_torch_hooks_do() -> None:
    x = R.standard_normal((5, 3))
    results = []
    for net, lib in zip(_twin_nets(), (gg, torch)):
        seen = []
        h1 = net[1].register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        h2 = net[1].register_forward_hook(lambda m, args, out, seen=seen: seen.append(np.array(out.detach().numpy())))
        h3 = net[2].register_forward_hook(lambda m, args, out: out + 1)
        y1 = net(lib.tensor(x)).detach().numpy()
        for h in (h1, h2, h3):
            h.remove()
        y2 = net(lib.tensor(x)).detach().numpy()
        results.append((seen, y1, y2))
    (s_a, a1, a2), (s_b, b1, b2) = results
    assert len(s_a) == len(s_b) == 1
    np.testing.assert_allclose(s_a[0], s_b[0], rtol=1e-12)
    np.testing.assert_allclose(a1, b1, rtol=1e-12)
    np.testing.assert_allclose(a2, b2, rtol=1e-12)


def test_full_backward_hook_gets_torch_grad_input_and_grad_output_and_can_replace_them() -> None:
    x = R.standard_normal((5, 3))
    results = []
    for net, lib in zip(_twin_nets(), (gg, torch)):
        seen = []

        def record(m, gin, gout, seen=seen):
            seen.append([None if g is None else np.array(g.detach().numpy()) for g in (*gin, *gout)])

        handles = [net[0].register_full_backward_hook(record), net[1].register_full_backward_hook(record),
                   net[1].register_full_backward_hook(lambda m, gin, gout: (gin[0] * 3,))]
        net(lib.tensor(x)).sum().backward()
        grad = net[0].weight.grad.numpy().copy()
        for h in handles:
            h.remove()
        net.zero_grad()
        net(lib.tensor(x)).sum().backward()
        results.append((seen, grad, net[0].weight.grad.numpy()))
    (s_a, g_a, plain_a), (s_b, g_b, plain_b) = results
    assert [[g is None for g in row] for row in s_a] == [[g is None for g in row] for row in s_b] == [
        [False, False], [True, False]]  # Tanh's input, then the first Linear's (its input needs no grad)
    for row_a, row_b in zip(s_a, s_b):
        for a, b in zip(row_a, row_b):
            if a is not None:
                np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(g_a, g_b, rtol=1e-12)
    np.testing.assert_allclose(plain_a, plain_b, rtol=1e-12)
    np.testing.assert_allclose(g_a, 3 * plain_a, rtol=1e-12)


# ------------------------------------------------------------------------------------------- init, utils


def test_eye_orthogonal_and_trunc_normal() -> None:
    gg.manual_seed(0)
    w = gg.nn.init.eye_(gg.empty_like(gg.ones(3, 5)) if hasattr(gg, "empty_like") else gg.ones(3, 5))
    np.testing.assert_array_equal(w.data, torch.nn.init.eye_(torch.ones(3, 5)).numpy())
    for shape in [(3, 5), (5, 3), (4, 2, 3)]:
        q = gg.nn.init.orthogonal_(gg.zeros(*shape, dtype=gg.float64), gain=2.0).data.reshape(shape[0], -1)
        small = q @ q.T if shape[0] <= q.shape[1] else q.T @ q
        np.testing.assert_allclose(small, 4 * np.eye(min(q.shape)), atol=1e-12)
    t = gg.nn.init.trunc_normal_(gg.zeros(20000), mean=1.0, std=2.0, a=-1.0, b=2.0).data
    assert t.min() >= -1.0 and t.max() <= 2.0
    ref = torch.nn.init.trunc_normal_(torch.zeros(200000), mean=1.0, std=2.0, a=-1.0, b=2.0).numpy()
    assert abs(t.mean() - ref.mean()) < 0.03 and abs(t.std() - ref.std()) < 0.03  # same distribution


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_matches_torch(norm_type: float) -> None:
    ours, theirs = _twin_nets()
    x = R.standard_normal((5, 3)) * 10
    ours(gg.tensor(x)).pow(2).sum().backward()
    theirs(torch.tensor(x)).pow(2).sum().backward()
    n_a = gg.nn.utils.clip_grad_norm_(ours.parameters(), 1.5, norm_type)
    n_b = torch.nn.utils.clip_grad_norm_(theirs.parameters(), 1.5, norm_type)
    assert abs(n_a.item() - n_b.item()) <= 1e-9 * n_b.item()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-9)
    gg.nn.utils.clip_grad_value_(ours.parameters(), 0.01)
    torch.nn.utils.clip_grad_value_(theirs.parameters(), 0.01)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-9)


def test_clip_grad_norm_refuses_a_nonfinite_norm_when_asked() -> None:
    w = gg.tensor([1.0, 2.0], requires_grad=True)
    (w * float("inf")).sum().backward()
    with pytest.raises(RuntimeError, match="non-finite"):
        gg.nn.utils.clip_grad_norm_([w], 1.0, error_if_nonfinite=True)


def test_parameters_to_vector_and_back() -> None:
    ours, theirs = _twin_nets()
    v = gg.nn.utils.parameters_to_vector(ours.parameters())
    np.testing.assert_array_equal(v.data, torch.nn.utils.parameters_to_vector(theirs.parameters()).detach().numpy())
    assert v.requires_grad and v.shape == (26,)
    gg.nn.utils.vector_to_parameters(gg.arange(26, dtype=gg.float64), ours.parameters())
    assert ours[0].weight.data[0].tolist() == [0.0, 1.0, 2.0] and ours[2].bias.data.tolist() == [24.0, 25.0]


def _hooked(m) -> tuple:
    """What hooks registered with prepend= and with_kwargs= see and return, under glassgrad or torch (m)."""
    class Scale(m.nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale

    net, order = Scale(), []
    net.register_forward_hook(lambda mod, a, o: order.append("a"))
    net.register_forward_hook(lambda mod, a, o: order.append("b"), prepend=True)
    net.register_forward_hook(lambda mod, a, kw, o: order.append(("kw", dict(kw))), with_kwargs=True)
    net.register_forward_pre_hook(lambda mod, a, kw: order.append(("pre", dict(kw))), with_kwargs=True)
    net.register_forward_pre_hook(lambda mod, a: order.append("first"), prepend=True)
    first = net(m.ones(2), scale=3.0)
    h1 = net.register_forward_pre_hook(lambda mod, a, kw: ((a[0] * 2,), {"scale": kw["scale"] + 1}),
                                       with_kwargs=True)
    h2 = net.register_forward_hook(lambda mod, a, kw, o: o + kw["scale"], with_kwargs=True)
    second = net(m.ones(2), scale=3.0)
    h1.remove(), h2.remove()
    third = net(m.ones(2), scale=3.0)
    net.register_forward_pre_hook(lambda mod, a, kw: 5, with_kwargs=True)
    with pytest.raises(RuntimeError, match=r"forward pre-hook must return None or a tuple of \(new_args, "
                                           r"new_kwargs\), but got 5\."):
        net(m.ones(2))
    return order, first.tolist(), second.tolist(), third.tolist()


def test_forward_hooks_prepend_and_with_kwargs_run_as_in_torch() -> None:
    """The order hooks run in (prepend=True goes first) and what with_kwargs hooks see and may replace."""
    assert _hooked(gg) == _hooked(torch)


def test_custom_function_nodes_are_named_as_torch_names_them() -> None:
    names = []
    for m in (gg, torch):
        class Square(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 2 * x * g

        y = Square.apply(m.ones(2, requires_grad=True))
        names.append((y.grad_fn.name(), repr(y.grad_fn).split(" object")[0].split(".")[-1],
                      repr(y).split("grad_fn=")[1], (y * 2).grad_fn.name()))
    assert names[0] == names[1] == ("SquareBackward", "SquareBackward", "<SquareBackward>)", "MulBackward0")
    assert repr(y.grad_fn).startswith("<torch.autograd.function.SquareBackward object at ")


@pytest.mark.parametrize("make", [lambda m, **kw: m.nn.Conv1d(2, 3, 3, **kw),
                                  lambda m, **kw: m.nn.Conv2d(2, 3, 3, **kw),
                                  lambda m, **kw: m.nn.ConvTranspose2d(2, 3, 3, **kw),
                                  lambda m, **kw: m.nn.Embedding(5, 3, **kw)])
def test_conv_and_embedding_layers_take_device_and_dtype(make) -> None:
    for m in (gg, torch):
        layer = make(m, device="cpu", dtype=m.float64)
        assert layer.weight.dtype == m.float64 and tuple(layer.weight.shape) == tuple(make(torch).weight.shape)
        assert make(m, device=m.device("cpu")).weight.dtype == m.float32
    with pytest.raises(RuntimeError, match="CPU only"):
        make(gg, device="cuda")
    assert gg.nn.Conv1d(1, 2, 3, 1, 0, 1, 1, True, "zeros", "cpu", gg.float64).weight.dtype == gg.float64


def test_conv_layers_check_their_arguments_once_with_torchs_words() -> None:
    for cls in ("Conv1d", "Conv2d", "ConvTranspose2d"):
        for m in (gg, torch):
            with pytest.raises(ValueError, match="must both be divisible by groups|divisible by groups"):
                getattr(m.nn, cls)(3, 4, 3, groups=2)


def _always_called(m) -> tuple:
    """What forward hooks see when forward raises, with and without always_call=True, under glassgrad or torch."""
    class Fails(m.nn.Module):
        def forward(self, x, fail=False):
            if fail:
                raise ValueError("forward failed")
            return x * 2

    def failing_hook(mod, a, o):
        seen.append("failing")
        raise KeyError("hook failed")

    net, seen = Fails(), []
    net.register_forward_hook(lambda mod, a, o: seen.append(("plain", o if o is None else o.tolist())))
    net.register_forward_hook(lambda mod, a, o: seen.append(("always", o if o is None else o.tolist())) or "r",
                              always_call=True)
    net.register_forward_hook(lambda mod, a, kw, o: seen.append(("kw", dict(kw), o)), with_kwargs=True,
                              always_call=True)
    ok = net(m.ones(2))  # every hook once; the "r" the always hook returns is what the next one sees, and returned
    with pytest.raises(ValueError, match="forward failed"):
        net(m.ones(2), fail=True)
    net.register_forward_hook(failing_hook, always_call=True)
    with pytest.warns(UserWarning) as warned, pytest.raises(ValueError, match="forward failed"):
        net(m.ones(2), fail=True)
    with pytest.raises(KeyError, match="hook failed"):  # a hook's own error: the always hooks before it ran already
        net(m.ones(2))
    return ok, seen, [str(w.message) for w in warned]


def test_always_call_forward_hooks_run_when_forward_raises_as_in_torch() -> None:
    ours, theirs = _always_called(gg), _always_called(torch)
    assert ours == theirs and theirs[2] == ["module forward hook with ``always_call=True`` raised an exception that "
                                            "was silenced as another error was raised in forward: 'hook failed'"]
