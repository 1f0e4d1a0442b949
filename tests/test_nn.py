"""gg.nn against torch.nn: same weights in, same outputs and gradients out (float64); state dicts; reprs."""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import pytest
import torch

import glassgrad as gg
from glassgrad import nn

RNG = np.random.default_rng(2)


def _copy_into_torch(ours: nn.Module, theirs: torch.nn.Module) -> None:
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})


def _compare(ours: nn.Module, theirs: torch.nn.Module, x: np.ndarray, tol: float = 1e-12) -> None:
    """Outputs, input gradients and parameter gradients agree for a random upstream gradient."""
    xg = gg.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    out_g, out_t = ours(xg), theirs(xt)
    np.testing.assert_allclose(out_g.data, out_t.detach().numpy(), rtol=tol, atol=tol)
    seed = RNG.standard_normal(out_g.shape)
    out_g.backward(gg.tensor(seed))
    out_t.backward(torch.tensor(seed))
    np.testing.assert_allclose(xg.grad.data, xt.grad.numpy(), rtol=tol, atol=tol)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=tol, atol=tol, err_msg=name)


def test_linear_default_init_follows_pytorch_bounds() -> None:
    gg.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = layer.weight.data, layer.bias.data
    assert w.shape == (300, 400) and b.shape == (300,) and w.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert np.abs(b).max() <= bound and np.abs(b).max() > 0.95 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)  # U(-a, a) has std a/√3
    theirs = torch.nn.Linear(400, 300)
    assert float(theirs.weight.detach().abs().max()) <= bound  # the same law in PyTorch


def test_manual_seed_makes_init_reproducible() -> None:
    gg.manual_seed(3)
    a = nn.MLP([4, 8, 2])
    gg.manual_seed(3)
    b = nn.MLP([4, 8, 2])
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


@pytest.mark.parametrize("make", [
    lambda m: m.Sequential(m.Linear(5, 4), m.ReLU(), m.Linear(4, 3)),
    lambda m: m.Sequential(m.Linear(5, 4, bias=False), m.Tanh(), m.Linear(4, 3), m.Sigmoid()),
    lambda m: m.Sequential(m.Linear(5, 6), m.LeakyReLU(0.2), m.Linear(6, 3), m.GELU()),
    lambda m: m.Sequential(m.Linear(5, 6), m.GELU(approximate="tanh"), m.Softplus(beta=2.0), m.Linear(6, 3),
                           m.Softmax(dim=1)),
    lambda m: m.Sequential(m.Linear(5, 6), m.LayerNorm(6), m.ReLU(), m.Linear(6, 3), m.LogSoftmax(dim=-1)),
    lambda m: m.Sequential(m.Linear(5, 6), m.BatchNorm1d(6), m.Identity(), m.Linear(6, 3)),
], ids=["relu", "tanh-sigmoid", "leaky-gelu", "gelu-tanh-softplus-softmax", "layernorm", "batchnorm"])
def test_layers_match_torch(make) -> None:
    ours, theirs = make(nn).double(), make(torch.nn).double()
    _copy_into_torch(ours, theirs)
    _compare(ours, theirs, RNG.standard_normal((7, 5)))


def test_batchnorm_running_statistics_and_eval_match_torch() -> None:
    ours, theirs = nn.BatchNorm1d(4).double(), torch.nn.BatchNorm1d(4).double()
    for _ in range(3):
        x = RNG.standard_normal((8, 4)) * 3 + 1
        ours(gg.tensor(x))
        theirs(torch.tensor(x))
    for k, v in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), rtol=1e-12, err_msg=k)
    ours.eval()
    theirs.eval()
    _compare(ours, theirs, RNG.standard_normal((5, 4)))


def test_batchnorm_3d_input_and_cumulative_momentum_match_torch() -> None:
    ours = nn.BatchNorm1d(3, momentum=None, affine=False).double()
    theirs = torch.nn.BatchNorm1d(3, momentum=None, affine=False).double()
    for _ in range(2):
        _compare(ours, theirs, RNG.standard_normal((4, 3, 5)))
    np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(), rtol=1e-12)


def test_dropout_scales_kept_units_and_is_identity_in_eval() -> None:
    gg.manual_seed(0)
    drop = nn.Dropout(0.25)
    y = drop(gg.ones(20000)).numpy()
    kept = y != 0
    assert kept.mean() == pytest.approx(0.75, abs=0.02)
    np.testing.assert_allclose(y[kept], 1 / 0.75, rtol=1e-6)
    drop.eval()
    x = gg.ones(10)
    assert drop(x) is x


def test_flatten_and_mlp_names() -> None:
    assert nn.Flatten()(gg.zeros(2, 3, 4)).shape == (2, 12)
    mlp = nn.MLP([784, 256, 64, 10], activation="tanh")
    assert list(mlp.state_dict()) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"]
    assert [n for n, _ in mlp.named_children()] == ["fc1", "tanh1", "fc2", "tanh2", "fc3"]
    assert mlp.fc2.weight.shape == (64, 256)
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.MLP([2, 3, 2], activation="swish")


def test_mlp_loads_into_equivalent_torch_model() -> None:
    ours = nn.MLP([6, 5, 3], activation="relu").double()
    theirs = torch.nn.Sequential(OrderedDict(fc1=torch.nn.Linear(6, 5), relu1=torch.nn.ReLU(),
                                             fc2=torch.nn.Linear(5, 3))).double()
    _copy_into_torch(ours, theirs)
    _compare(ours, theirs, RNG.standard_normal((4, 6)))


def test_repr_matches_torch() -> None:
    def build(m):
        return m.Sequential(m.Linear(4, 3), m.ReLU(), m.Dropout(0.1), m.BatchNorm1d(3), m.LayerNorm(3),
                            m.LeakyReLU(), m.GELU(), m.Softplus(), m.Flatten(), m.Softmax(dim=1),
                            m.Sequential(m.Linear(3, 2, bias=False), m.Tanh()))

    assert repr(build(nn)) == repr(build(torch.nn))


def test_module_walks_like_torch() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
            self.heads = nn.ModuleList([nn.Linear(3, 1), nn.Linear(3, 1)])
            self.scale = nn.Parameter(gg.ones(1))
            self.register_buffer("count", gg.zeros(1))

        def forward(self, x):
            h = self.body(x)
            return sum(head(h) for head in self.heads) * self.scale

    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["scale", "body.0.weight", "body.0.bias", "heads.0.weight",
                                                        "heads.0.bias", "heads.1.weight", "heads.1.bias"]
    assert list(net.state_dict()) == ["scale", "count", "body.0.weight", "body.0.bias", "heads.0.weight",
                                      "heads.0.bias", "heads.1.weight", "heads.1.bias"]
    assert [n for n, _ in net.named_modules()] == ["", "body", "body.0", "body.1", "heads", "heads.0", "heads.1"]
    assert len(list(net.children())) == 2
    net.eval()
    assert not any(m.training for m in net.modules())
    out = net(gg.ones(4, 2))
    out.sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'scale'"):
        net.scale = gg.ones(1)


def test_load_state_dict_errors_are_pytorch_style() -> None:
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
    sd = model.state_dict()
    bad = dict(sd)
    del bad["0.bias"]
    bad["extra"] = gg.zeros(1)
    bad["2.weight"] = gg.zeros(3, 3)
    with pytest.raises(RuntimeError) as err:
        model.load_state_dict(bad)
    msg = str(err.value)
    assert msg.startswith("Error(s) in loading state_dict for Sequential:")
    assert 'Missing key(s) in state_dict: "0.bias".' in msg
    assert 'Unexpected key(s) in state_dict: "extra".' in msg
    assert ("size mismatch for 2.weight: copying a param with shape glassgrad.Size([3, 3]) from checkpoint, the "
            "shape in current model is glassgrad.Size([1, 2]).") in msg
    del bad["extra"], bad["2.weight"]
    result = model.load_state_dict(bad, strict=False)
    assert result.missing_keys == ["0.bias", "2.weight"] and result.unexpected_keys == []


def test_load_state_dict_copies_in_place() -> None:
    a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    w = b.weight
    b.load_state_dict(a.state_dict())
    assert b.weight is w
    np.testing.assert_array_equal(b.weight.data, a.weight.data)
    assert b.weight.data is not a.weight.data


def test_init_functions() -> None:
    gg.manual_seed(0)
    w = nn.Parameter(gg.zeros(200, 100))
    nn.init.xavier_uniform_(w)
    assert np.abs(w.data).max() <= math.sqrt(6 / 300)
    nn.init.kaiming_normal_(w, nonlinearity="relu")
    assert w.data.std() == pytest.approx(math.sqrt(2 / 100), rel=0.05)
    nn.init.xavier_normal_(w, gain=nn.init.calculate_gain("tanh"))
    assert w.data.std() == pytest.approx(5 / 3 * math.sqrt(2 / 300), rel=0.05)
    nn.init.constant_(w, 0.5)
    assert np.all(w.data == 0.5)
    nn.init.normal_(w, 1.0, 0.1)
    assert w.data.mean() == pytest.approx(1.0, abs=0.01)
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(torch.nn.init.calculate_gain("leaky_relu", 0.2))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(nn.Parameter(gg.zeros(3)))


def test_parameter_is_a_leaf_tensor_sharing_memory() -> None:
    t = gg.zeros(3)
    p = nn.Parameter(t)
    assert isinstance(p, gg.Tensor) and p.requires_grad and p.is_leaf
    p.data[0] = 1.0
    assert t.data[0] == 1.0
    assert repr(p).startswith("Parameter containing:\ntensor(")


def test_shape_errors_name_the_layer() -> None:
    with pytest.raises(RuntimeError, match=r"input has 4 features .* weight expects 3"):
        nn.Linear(3, 2)(gg.zeros(5, 4))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\): expected input \(N, 3\)"):
        nn.BatchNorm1d(3)(gg.zeros(5, 4))


def test_assigning_a_layer_before_super_init_is_explained() -> None:
    class Early(nn.Module):
        def __init__(self) -> None:
            self.size = 3  # plain attributes are fine, as in PyTorch
            self.fc = nn.Linear(self.size, 1)

    with pytest.raises(AttributeError, match=r"cannot assign Linear 'fc' before Module.__init__\(\) call"):
        Early()


def test_parameters_are_named_by_their_path_for_explanations() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.MLP([2, 3, 2])
            self.scale = nn.Parameter(gg.ones(1))

    net = Net()
    assert [p.name for p in net.parameters()] == [n for n, _ in net.named_parameters()]
    assert net.body.fc2.bias.name == "body.fc2.bias"
    out = net.body(gg.ones(1, 2))
    assert "fc2.weight" in str(gg.explain(out.sum()))
