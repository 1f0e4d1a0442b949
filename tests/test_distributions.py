"""gg.distributions against torch.distributions: log_prob, entropy, KL values and their gradients w.r.t. the
parameters (float64), properties, PyTorch's messages for misuse, and the draws' shapes, dtypes, support and
statistics (the streams differ, so never the draws themselves)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.distributions as TD

import glassgrad as gg
import glassgrad.distributions as D

R = np.random.default_rng(0)
LOGITS, LOGITS2 = R.standard_normal((3, 4)), R.standard_normal((3, 4))
PROBS = np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.0, 0.25, 0.25], [1.0, 2.0, 3.0, 4.0]])  # rows need not sum to 1
LOC, LOC2 = R.standard_normal(5), R.standard_normal(5)
SCALE, SCALE2 = np.exp(R.standard_normal(5)), np.exp(R.standard_normal(5))
P = np.array([0.1, 0.5, 0.9, 0.3, 0.0])
LOW, HIGH = np.array([-1.0, 0.0, 0.5]), np.array([1.0, 0.25, 2.0])

# (name, constructor over (lib, params), params, value(lib)), each parameter a leaf whose gradient is compared
CASES = {
    "Categorical logits": (lambda d, a: d.Categorical(logits=a[0]), [LOGITS], np.array([[0, 3, 1], [2, 2, 0]])),
    "Categorical probs": (lambda d, a: d.Categorical(probs=a[0]), [PROBS], np.array([0, 2, 3])),
    "Bernoulli probs": (lambda d, a: d.Bernoulli(probs=a[0]), [P], np.array([1.0, 0.0, 1.0, 0.0, 0.0])),
    "Bernoulli logits": (lambda d, a: d.Bernoulli(logits=a[0]), [LOC], np.array([1.0, 0.0, 1.0, 1.0, 0.0])),
    "Normal": (lambda d, a: d.Normal(a[0], a[1]), [LOC, SCALE], R.standard_normal((2, 5))),
    "Normal float scale": (lambda d, a: d.Normal(a[0], 0.7), [LOC], R.standard_normal(5)),
    "Uniform": (lambda d, a: d.Uniform(a[0], a[1]), [LOW, HIGH], np.array([0.0, 0.25, 0.5])),  # at high: −inf
}


def _leaves(arrays, lib):
    return [lib.tensor(a, requires_grad=True) for a in arrays]


def _grads(leaves) -> list[np.ndarray]:
    return [np.zeros(t.shape) if t.grad is None else np.asarray(t.grad.detach().numpy()) for t in leaves]


def _compare(a, b, ours, theirs) -> None:
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    if not b.requires_grad:  # e.g. a Normal's entropy with a constant scale
        assert not a.requires_grad
        return
    mask = np.isfinite(b.detach().numpy())  # ±inf (outside a support, KL to a zero probability): no gradient
    up = R.standard_normal(int(mask.sum()))
    (a[gg.tensor(mask)] * gg.tensor(up)).sum().backward()
    (b[torch.tensor(mask)] * torch.tensor(up)).sum().backward()
    for g, t in zip(_grads(ours), _grads(theirs)):
        np.testing.assert_allclose(g, t, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("what", ["log_prob", "entropy"])
def test_log_prob_and_entropy_match_torch(name: str, what: str) -> None:
    make, params, value = CASES[name]
    ours, theirs = _leaves(params, gg), _leaves(params, torch)
    dist_ours, dist_theirs = make(D, ours), make(TD, theirs)
    if what == "log_prob":
        a, b = dist_ours.log_prob(gg.tensor(value)), dist_theirs.log_prob(torch.tensor(value))
    else:
        a, b = dist_ours.entropy(), dist_theirs.entropy()
    _compare(a, b, ours, theirs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_properties_match_torch(name: str) -> None:
    make, params, _ = CASES[name]
    ours, theirs = make(D, _leaves(params, gg)), make(TD, _leaves(params, torch))
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    assert repr(ours) == repr(theirs).replace("torch.", "glassgrad.")
    assert ours.has_rsample == theirs.has_rsample
    names = ["mean", "mode", "variance", "stddev"] + (["probs", "logits", "param_shape"] if hasattr(theirs, "probs")
                                                     else [])
    for attr in names:
        a, b = getattr(ours, attr), getattr(theirs, attr)
        if isinstance(b, torch.Size):
            assert tuple(a) == tuple(b), attr
        else:
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12,
                                       err_msg=attr)


KL = {
    "Normal": (lambda d, a: (d.Normal(a[0], a[1]), d.Normal(a[2], a[3])), [LOC, SCALE, LOC2, SCALE2]),
    "Normal broadcast": (lambda d, a: (d.Normal(a[0], a[1]), d.Normal(0.0, 1.0)), [LOC, SCALE]),
    "Categorical logits": (lambda d, a: (d.Categorical(logits=a[0]), d.Categorical(logits=a[1])), [LOGITS, LOGITS2]),
    "Categorical zeros": (lambda d, a: (d.Categorical(probs=a[0]), d.Categorical(logits=a[1])), [PROBS, LOGITS2]),
    "Categorical q zero": (lambda d, a: (d.Categorical(logits=a[1]), d.Categorical(probs=a[0])), [PROBS, LOGITS2]),
}


@pytest.mark.parametrize("name", sorted(KL))
def test_kl_divergence_matches_torch(name: str) -> None:
    make, params = KL[name]
    ours, theirs = _leaves(params, gg), _leaves(params, torch)
    _compare(D.kl_divergence(*make(D, ours)), TD.kl_divergence(*make(TD, theirs)), ours, theirs)


def _message(fn) -> tuple[type, str]:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e), str(e).replace("torch.", "glassgrad.")
    raise AssertionError("no error")


MISUSE = {
    "negative scale": lambda d, t: d.Normal(0.0, -1.0),
    "negative scale in a batch": lambda d, t: d.Normal(t.zeros(3), t.tensor([1.0, -1.0, 2.0])),
    "neither probs nor logits": lambda d, t: d.Categorical(),
    "both probs and logits": lambda d, t: d.Bernoulli(probs=t.tensor([0.2]), logits=t.tensor([0.2])),
    "negative probs": lambda d, t: d.Categorical(probs=t.tensor([-0.2, 0.8])),
    "0-d probs": lambda d, t: d.Categorical(probs=t.tensor(0.2)),
    "class out of range": lambda d, t: d.Categorical(probs=t.tensor([0.2, 0.3, 0.5])).log_prob(t.tensor([0, 3])),
    "fractional class": lambda d, t: d.Categorical(logits=t.zeros(3)).log_prob(t.tensor([0.5])),
    "probability above 1": lambda d, t: d.Bernoulli(probs=t.tensor([1.2])),
    "not 0 or 1": lambda d, t: d.Bernoulli(t.tensor([0.2])).log_prob(t.tensor([2.0])),
    "low above high": lambda d, t: d.Uniform(1.0, 0.0),
    "outside the interval": lambda d, t: d.Uniform(0.0, 1.0).log_prob(t.tensor(2.0)),
    "log_prob of a float": lambda d, t: d.Normal(0.0, 1.0).log_prob(2.0),
    "not broadcastable": lambda d, t: d.Normal(t.zeros(3), 1.0).log_prob(t.zeros(2)),
    "no KL": lambda d, t: d.kl_divergence(d.Normal(0.0, 1.0), d.Categorical(logits=t.zeros(3))),
    "int sample_shape": lambda d, t: d.Normal(0.0, 1.0).sample(2),
}


@pytest.mark.parametrize("name", sorted(MISUSE))
def test_misuse_raises_torchs_error(name: str) -> None:
    assert _message(lambda: MISUSE[name](D, gg)) == _message(lambda: MISUSE[name](TD, torch))


def test_validate_args_false_skips_the_checks() -> None:
    assert D.Normal(0.0, -1.0, validate_args=False).scale.item() == -1.0
    assert np.isnan(D.Normal(0.0, 1.0, validate_args=False).log_prob(gg.tensor(np.nan)).item())


def test_samples_have_torchs_shapes_dtypes_and_support() -> None:
    gg.manual_seed(0)
    cat = D.Categorical(logits=gg.tensor(LOGITS))
    for ours, theirs, shape in [(cat, TD.Categorical(logits=torch.tensor(LOGITS)), (7, 2)),
                                (D.Bernoulli(gg.tensor(P)), TD.Bernoulli(torch.tensor(P)), (4,)),
                                (D.Normal(0.0, 1.0), TD.Normal(0.0, 1.0), (3, 2)),
                                (D.Uniform(gg.tensor(LOW), 2.0), TD.Uniform(torch.tensor(LOW), 2.0), ())]:
        a, b = ours.sample(shape), theirs.sample(shape)
        assert a.shape == tuple(b.shape) and str(a.dtype) == str(b.dtype).removeprefix("torch.")
        assert not a.requires_grad
        assert np.all(ours.support.check(a)) and np.all(theirs.support.check(b).numpy())


def test_sample_statistics() -> None:
    gg.manual_seed(1)
    n = 40000
    probs = PROBS[2] / PROBS[2].sum()
    counts = np.bincount(D.Categorical(probs=gg.tensor(PROBS[2])).sample((n,)).numpy(), minlength=4)
    np.testing.assert_allclose(counts / n, probs, atol=0.01)
    zero = D.Categorical(probs=gg.tensor(PROBS[1])).sample((n,)).numpy()
    assert 1 not in zero  # a class of probability 0 is never drawn
    np.testing.assert_allclose(D.Bernoulli(gg.tensor(P)).sample((n,)).numpy().mean(0), P, atol=0.01)
    x = D.Normal(gg.tensor(LOC), gg.tensor(SCALE)).sample((n,)).numpy()
    np.testing.assert_allclose(x.mean(0), LOC, atol=0.05 * SCALE.max())
    np.testing.assert_allclose(x.std(0), SCALE, rtol=0.02)
    u = D.Uniform(gg.tensor(LOW), gg.tensor(HIGH)).sample((n,)).numpy()
    assert np.all((u >= LOW) & (u < HIGH))
    np.testing.assert_allclose(u.mean(0), (LOW + HIGH) / 2, atol=0.01)


def test_rsample_is_reparameterised() -> None:
    """x = loc + ε·scale: ∂Σx/∂loc = n, ∂Σx/∂scale = Σε = Σ(x − loc)/scale; likewise low + u·(high − low)."""
    loc, scale = gg.tensor(LOC, requires_grad=True), gg.tensor(SCALE, requires_grad=True)
    x = D.Normal(loc, scale).rsample((6,))
    assert x.shape == (6, 5) and x.requires_grad
    x.sum().backward()
    np.testing.assert_allclose(loc.grad.numpy(), np.full(5, 6.0))
    np.testing.assert_allclose(scale.grad.numpy(), ((x.detach().numpy() - LOC) / SCALE).sum(0), rtol=1e-12)
    low, high = gg.tensor(LOW, requires_grad=True), gg.tensor(HIGH, requires_grad=True)
    u = D.Uniform(low, high).rsample((4,))
    u.sum().backward()
    frac = ((u.detach().numpy() - LOW) / (HIGH - LOW)).sum(0)
    np.testing.assert_allclose(high.grad.numpy(), frac, rtol=1e-12)
    np.testing.assert_allclose(low.grad.numpy(), 4 - frac, rtol=1e-12)


def test_reinforce_step_matches_torch() -> None:
    """The policy-gradient loss −Σ log π(a|s)·R of a tutorial, on actions given to both libraries."""
    w = R.standard_normal((4, 3))
    states, actions, returns = R.standard_normal((6, 4)), np.array([0, 2, 1, 1, 0, 2]), R.standard_normal(6)
    grads = []
    for lib, dist in ((gg, D), (torch, TD)):
        weight = lib.tensor(w, requires_grad=True)
        policy = dist.Categorical(logits=lib.tensor(states) @ weight)
        loss = -(policy.log_prob(lib.tensor(actions)) * lib.tensor(returns)).sum() - 0.01 * policy.entropy().mean()
        loss.backward()
        grads.append(weight.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)


def test_float32_parameters_give_float32_results() -> None:
    d = D.Normal(gg.zeros(2), 1.0)
    assert d.scale.dtype == gg.float32 and d.log_prob(gg.zeros(2)).dtype == gg.float32
    assert D.Categorical(logits=gg.zeros(3)).sample().dtype == gg.int64
    assert D.Bernoulli(0.3).sample().dtype == gg.float32
