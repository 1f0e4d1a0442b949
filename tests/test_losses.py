"""Every loss against PyTorch (values and gradients, float64), finite differences, and extreme inputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassgrad as gg
import glassgrad.nn.functional as F
from glassgrad.ops.table import TABLE

RNG = np.random.default_rng(0)


def _pair(a: np.ndarray, requires_grad: bool = True) -> tuple[gg.Tensor, torch.Tensor]:
    g = gg.tensor(a, requires_grad=requires_grad and a.dtype.kind == "f")
    t = torch.tensor(a, requires_grad=requires_grad and a.dtype.kind == "f")
    return g, t


def _check_against_torch(gg_fn, torch_fn, arrays: list[np.ndarray], upstream: bool = False) -> None:
    """Same loss value and same gradient for every float input, in float64."""
    pairs = [_pair(a) for a in arrays]
    out_g = gg_fn(*[p[0] for p in pairs])
    out_t = torch_fn(*[p[1] for p in pairs])
    np.testing.assert_allclose(out_g.data, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    seed = RNG.standard_normal(out_g.shape)
    out_g.backward(gg.tensor(seed))
    out_t.backward(torch.tensor(seed))
    for (g, t), a in zip(pairs, arrays):
        if a.dtype.kind == "f":
            np.testing.assert_allclose(g.grad.data, t.grad.numpy(), rtol=1e-9, atol=1e-12)


LOGITS = RNG.standard_normal((6, 4))
LABELS = np.array([0, 3, 1, 1, 2, 3])
WEIGHT = np.array([0.5, 2.0, 1.0, 3.0])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore", [False, True])
def test_cross_entropy_matches_torch(reduction: str, smoothing: float, weighted: bool, ignore: bool) -> None:
    labels = LABELS.copy()
    if ignore:
        labels[2] = -100
    w = WEIGHT if weighted else None
    _check_against_torch(
        lambda x, y: F.cross_entropy(x, y, None if w is None else gg.tensor(w), reduction=reduction,
                                     label_smoothing=smoothing),
        lambda x, y: TF.cross_entropy(x, y, None if w is None else torch.tensor(w), reduction=reduction,
                                      label_smoothing=smoothing),
        [LOGITS, labels])


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_cross_entropy_with_probability_targets_matches_torch(reduction: str) -> None:
    probs = np.exp(RNG.standard_normal((6, 4)))
    probs /= probs.sum(1, keepdims=True)
    _check_against_torch(lambda x, p: F.cross_entropy(x, p, reduction=reduction, label_smoothing=0.1),
                         lambda x, p: TF.cross_entropy(x, p, reduction=reduction, label_smoothing=0.1),
                         [LOGITS, probs])


def test_cross_entropy_single_sample_matches_torch() -> None:
    _check_against_torch(F.cross_entropy, TF.cross_entropy, [LOGITS[0], np.array(2)])


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n() -> None:
    x = gg.tensor(LOGITS, requires_grad=True)
    F.cross_entropy(x, gg.tensor(LABELS)).backward()
    e = np.exp(LOGITS - LOGITS.max(1, keepdims=True))
    expected = (e / e.sum(1, keepdims=True) - np.eye(4)[LABELS]) / len(LABELS)
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)


def test_cross_entropy_backward_reuses_the_forward_exponentials() -> None:
    """The node keeps e^(x−max) and its row sums; backward reads them without changing them (a second backward
    adds the same gradient again) and frees them after a backward without retain_graph."""
    x = gg.tensor(LOGITS, requires_grad=True)
    loss = F.cross_entropy(x, gg.tensor(LABELS))
    e, total = loss.grad_fn.saved
    softmax = np.exp(LOGITS) / np.exp(LOGITS).sum(1, keepdims=True)
    np.testing.assert_allclose(e / total, softmax, rtol=1e-12)
    loss.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    np.testing.assert_allclose(first, (softmax - np.eye(4)[LABELS]) / len(LABELS), rtol=1e-12)
    loss.backward()
    np.testing.assert_allclose(x.grad.data, 2 * first, rtol=1e-12)
    assert loss.grad_fn.saved is None


def test_cross_entropy_is_one_node() -> None:
    x = gg.tensor(LOGITS, requires_grad=True)
    loss = F.cross_entropy(x, gg.tensor(LABELS))
    assert loss.grad_fn.op is TABLE["cross_entropy"]
    assert loss.grad_fn.next_functions[0][0].variable is x


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_matches_torch(reduction: str) -> None:
    logp = np.log(np.exp(LOGITS) / np.exp(LOGITS).sum(1, keepdims=True))
    labels = LABELS.copy()
    labels[0] = 1
    _check_against_torch(lambda x, y: F.nll_loss(x, y, gg.tensor(WEIGHT), reduction=reduction, ignore_index=1),
                         lambda x, y: TF.nll_loss(x, y, torch.tensor(WEIGHT), reduction=reduction, ignore_index=1),
                         [logp, labels])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_matches_torch(reduction: str) -> None:
    _check_against_torch(lambda a, b: F.mse_loss(a, b, reduction), lambda a, b: TF.mse_loss(a, b, reduction=reduction),
                         [RNG.standard_normal((3, 5)), RNG.standard_normal((3, 5))])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("pos_weight", [None, np.array([0.5, 3.0, 1.0])])
def test_bce_with_logits_matches_torch(reduction: str, pos_weight: np.ndarray | None) -> None:
    w = RNG.uniform(0.5, 2, (4, 3))
    pw_g = None if pos_weight is None else gg.tensor(pos_weight)
    pw_t = None if pos_weight is None else torch.tensor(pos_weight)
    _check_against_torch(
        lambda x, y: F.binary_cross_entropy_with_logits(x, y, gg.tensor(w), reduction, pw_g),
        lambda x, y: TF.binary_cross_entropy_with_logits(x, y, torch.tensor(w), reduction=reduction, pos_weight=pw_t),
        [RNG.standard_normal((4, 3)) * 3, RNG.uniform(0, 1, (4, 3))])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_matches_torch(reduction: str) -> None:
    _check_against_torch(lambda p, y: F.binary_cross_entropy(p, y, reduction=reduction),
                         lambda p, y: TF.binary_cross_entropy(p, y, reduction=reduction),
                         [RNG.uniform(0.05, 0.95, (4, 3)), RNG.uniform(0, 1, (4, 3))])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_l1_huber_smooth_l1_match_torch(reduction: str) -> None:
    a, b = RNG.standard_normal((4, 5)) * 2, RNG.standard_normal((4, 5))
    _check_against_torch(lambda x, y: F.l1_loss(x, y, reduction), lambda x, y: TF.l1_loss(x, y, reduction=reduction),
                         [a, b])
    _check_against_torch(lambda x, y: F.huber_loss(x, y, reduction, 0.7),
                         lambda x, y: TF.huber_loss(x, y, reduction=reduction, delta=0.7), [a, b])
    _check_against_torch(lambda x, y: F.smooth_l1_loss(x, y, reduction, 0.5),
                         lambda x, y: TF.smooth_l1_loss(x, y, reduction=reduction, beta=0.5), [a, b])


def test_loss_modules_forward_their_options() -> None:
    x, y = gg.tensor(LOGITS, requires_grad=True), gg.tensor(LABELS)
    expected = TF.cross_entropy(torch.tensor(LOGITS), torch.tensor(LABELS), torch.tensor(WEIGHT),
                                label_smoothing=0.3).item()
    loss = gg.nn.CrossEntropyLoss(weight=gg.tensor(WEIGHT), label_smoothing=0.3)(x, y)
    assert loss.item() == pytest.approx(expected, rel=1e-12)
    a, b = RNG.standard_normal(5), RNG.standard_normal(5)
    assert gg.nn.HuberLoss(delta=0.5)(gg.tensor(a), gg.tensor(b)).item() == pytest.approx(
        TF.huber_loss(torch.tensor(a), torch.tensor(b), delta=0.5).item(), rel=1e-12)
    assert gg.nn.MSELoss(reduction="sum")(gg.tensor(a), gg.tensor(b)).item() == pytest.approx(
        ((a - b) ** 2).sum(), rel=1e-12)


# ------------------------------------------------------------------------- finite differences, second order


def _f64(shape: tuple[int, ...], low: float | None = None, high: float | None = None) -> gg.Tensor:
    a = RNG.standard_normal(shape) if low is None else RNG.uniform(low, high, shape)
    return gg.tensor(a, dtype=gg.float64, requires_grad=True)


CASES = {
    "cross_entropy": (lambda x: F.cross_entropy(x, gg.tensor(LABELS), gg.tensor(WEIGHT), label_smoothing=0.1),
                      lambda: [_f64((6, 4))]),
    "cross_entropy/soft": (lambda x, p: F.cross_entropy(x, p, reduction="none"),
                           lambda: [_f64((3, 4)), _f64((3, 4), 0.0, 1.0)]),
    "nll_loss": (lambda x: F.nll_loss(x, gg.tensor(LABELS), reduction="sum"), lambda: [_f64((6, 4))]),
    "mse_loss": (lambda a, b: F.mse_loss(a, b), lambda: [_f64((3, 4)), _f64((3, 4))]),
    "binary_cross_entropy_with_logits": (
        lambda x, y: F.binary_cross_entropy_with_logits(x, y, pos_weight=gg.tensor([2.0, 0.5, 1.0])),
        lambda: [_f64((2, 3)), _f64((2, 3), 0.0, 1.0)]),
    "binary_cross_entropy": (lambda p, y: F.binary_cross_entropy(p, y, reduction="none"),
                             lambda: [_f64((2, 3), 0.1, 0.9), _f64((2, 3), 0.0, 1.0)]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_loss_op_gradcheck(case: str) -> None:
    fn, inputs = CASES[case]
    assert gg.gradcheck(fn, inputs())


@pytest.mark.parametrize("case", sorted(CASES))
def test_loss_op_gradgradcheck(case: str) -> None:
    fn, inputs = CASES[case]
    assert gg.gradgradcheck(fn, inputs())


def test_every_loss_op_in_the_table_has_a_case() -> None:
    loss_ops = {name for name, op in TABLE.items() if op.__module__ == "glassgrad.ops.loss"}
    assert loss_ops == {c.split("/")[0] for c in CASES}


# ---------------------------------------------------------------------------------------- extreme inputs


def test_cross_entropy_is_finite_at_huge_logits() -> None:
    x = gg.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, gg.tensor([1, 1]))
    loss.backward()
    assert loss.item() == pytest.approx(1e4, rel=1e-6)  # sample 0 is wrong by 2e4, sample 1 right: mean 1e4
    assert np.all(np.isfinite(x.grad.data))
    np.testing.assert_allclose(x.grad.data, [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]], atol=1e-6)


def test_bce_with_logits_is_finite_at_huge_logits() -> None:
    x = gg.tensor([1e4, -1e4, 50.0], requires_grad=True)
    y = gg.tensor([0.0, 1.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.data, [1e4, 1e4, np.log1p(np.exp(-50.0))], rtol=1e-6)
    np.testing.assert_allclose(x.grad.data, [1.0, -1.0, 0.0], atol=1e-6)


def test_bce_clamps_log_at_minus_100() -> None:
    p = gg.tensor([0.0, 1.0], requires_grad=True)
    loss = F.binary_cross_entropy(p, gg.tensor([1.0, 0.0]), reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.data, [100.0, 100.0])
    assert np.all(np.isfinite(p.grad.data))


# ------------------------------------------------------------------------------------------------ errors


def test_cross_entropy_errors_name_the_shapes() -> None:
    with pytest.raises(ValueError, match=r"expected target of shape \[6\].*got \[6, 1\]"):
        F.cross_entropy(gg.tensor(LOGITS), gg.tensor(LABELS.reshape(6, 1)))
    with pytest.raises(IndexError, match="target 4 is out of bounds for 4 classes"):
        F.cross_entropy(gg.tensor(LOGITS), gg.tensor([0, 1, 2, 3, 4, 0]))
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.cross_entropy(gg.tensor(LOGITS), gg.tensor(LABELS), reduction="avg")
    with pytest.raises(ValueError, match=r"input shape \[3\] and target shape \[3, 1\] differ"):
        F.mse_loss(gg.zeros(3), gg.zeros(3, 1))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(gg.tensor([1.5]), gg.tensor([1.0]))
