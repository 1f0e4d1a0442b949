"""Optimizers and schedulers against torch.optim: same weights, same data, N steps, same parameters (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import glassgrad as gg
from glassgrad import nn, optim
from glassgrad.optim import lr_scheduler

RNG = np.random.default_rng(1)
X = RNG.standard_normal((16, 3))
Y = RNG.standard_normal((16, 2))


def _models() -> tuple[nn.Module, torch.nn.Module]:
    gg.manual_seed(0)
    ours = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2)).double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    return ours, theirs


def _groups(model, lr_scale: bool) -> list:
    params = list(model.parameters())
    if not lr_scale:
        return params
    return [{"params": params[:2]}, {"params": params[2:], "lr": 0.02}]


def _train_both(make_ours, make_theirs, steps: int = 25, groups: bool = False, scheduler=None):
    ours, theirs = _models()
    opt_g, opt_t = make_ours(_groups(ours, groups)), make_theirs(_groups(theirs, groups))
    sched = scheduler(opt_g, opt_t) if scheduler else None
    x_g, y_g, x_t, y_t = gg.tensor(X), gg.tensor(Y), torch.tensor(X), torch.tensor(Y)
    for _ in range(steps):
        opt_g.zero_grad()
        nn.functional.mse_loss(ours(x_g), y_g).backward()
        opt_g.step()
        opt_t.zero_grad()
        torch.nn.functional.mse_loss(theirs(x_t), y_t).backward()
        opt_t.step()
        if sched:
            sched[0].step()
            sched[1].step()
    return ours, theirs, opt_g, opt_t


def _assert_same_parameters(ours: nn.Module, theirs: torch.nn.Module) -> None:
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=0, atol=1e-10, err_msg=name)


CONFIGS = {
    "sgd": ({"lr": 0.1}, optim.SGD, torch.optim.SGD),
    "sgd-momentum": ({"lr": 0.05, "momentum": 0.9}, optim.SGD, torch.optim.SGD),
    "sgd-dampening-wd": ({"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}, optim.SGD,
                         torch.optim.SGD),
    "sgd-nesterov": ({"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.02}, optim.SGD,
                     torch.optim.SGD),
    "sgd-maximize": ({"lr": 0.01, "momentum": 0.5, "weight_decay": 0.1, "maximize": True}, optim.SGD,
                     torch.optim.SGD),
    "adam": ({"lr": 0.01}, optim.Adam, torch.optim.Adam),
    "adam-wd-amsgrad": ({"lr": 0.01, "betas": (0.8, 0.95), "weight_decay": 0.1, "amsgrad": True}, optim.Adam,
                        torch.optim.Adam),
    "adamw": ({"lr": 0.01}, optim.AdamW, torch.optim.AdamW),
    "adamw-amsgrad": ({"lr": 0.02, "weight_decay": 0.3, "amsgrad": True}, optim.AdamW, torch.optim.AdamW),
    "rmsprop": ({}, optim.RMSprop, torch.optim.RMSprop),
    "rmsprop-centered-momentum": ({"lr": 0.005, "momentum": 0.9, "centered": True, "weight_decay": 0.01},
                                  optim.RMSprop, torch.optim.RMSprop),
    "adagrad": ({}, optim.Adagrad, torch.optim.Adagrad),
    "adagrad-decay": ({"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.05, "initial_accumulator_value": 0.1},
                      optim.Adagrad, torch.optim.Adagrad),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.parametrize("groups", [False, True])
def test_optimizer_matches_torch(name: str, groups: bool) -> None:
    kwargs, ours_cls, theirs_cls = CONFIGS[name]
    ours, theirs, _, _ = _train_both(lambda p: ours_cls(p, **kwargs), lambda p: theirs_cls(p, **kwargs),
                                     groups=groups)
    _assert_same_parameters(ours, theirs)


def test_defaults_match_torch() -> None:
    p = [nn.Parameter(gg.zeros(1))]
    q = [torch.nn.Parameter(torch.zeros(1))]
    for ours, theirs in [(optim.SGD, torch.optim.SGD), (optim.Adam, torch.optim.Adam), (optim.AdamW, torch.optim.AdamW),
                         (optim.RMSprop, torch.optim.RMSprop), (optim.Adagrad, torch.optim.Adagrad)]:
        mine = ours(p).defaults
        ref = {k: v for k, v in theirs(q).defaults.items() if k in mine}
        assert mine == {**mine, **{k: (tuple(v) if isinstance(v, tuple) else v) for k, v in ref.items()}}
        assert set(mine) <= set(theirs(q).defaults)


@pytest.mark.parametrize("sched", ["step", "exponential", "cosine"])
def test_schedulers_match_torch_rates_and_training(sched: str) -> None:
    make = {
        "step": lambda o, m: m.StepLR(o, step_size=3, gamma=0.5),
        "exponential": lambda o, m: m.ExponentialLR(o, gamma=0.9),
        "cosine": lambda o, m: m.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    }[sched]
    both = lambda og, ot: (make(og, lr_scheduler), make(ot, torch.optim.lr_scheduler))
    ours, theirs, opt_g, opt_t = _train_both(lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
                                             lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), steps=20,
                                             groups=True, scheduler=both)
    np.testing.assert_allclose([g["lr"] for g in opt_g.param_groups], [g["lr"] for g in opt_t.param_groups],
                               rtol=1e-12)
    _assert_same_parameters(ours, theirs)


def test_reduce_lr_on_plateau_matches_torch() -> None:
    p, q = [nn.Parameter(gg.zeros(1))], [torch.nn.Parameter(torch.zeros(1))]
    ours = lr_scheduler.ReduceLROnPlateau(optim.SGD(p, lr=1.0), patience=2, factor=0.5, cooldown=1, min_lr=0.1)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(torch.optim.SGD(q, lr=1.0), patience=2, factor=0.5,
                                                        cooldown=1, min_lr=0.1)
    metrics = [5, 4, 4, 4, 4, 4, 3.9999, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]
    lrs_g, lrs_t = [], []
    for m in metrics:
        ours.step(m)
        theirs.step(m)
        lrs_g.append(ours.get_last_lr()[0])
        lrs_t.append(theirs.get_last_lr()[0])
    assert lrs_g == pytest.approx(lrs_t, rel=1e-12)
    assert lrs_g[-1] == pytest.approx(0.1)


def test_optimizer_state_dict_resumes_exactly() -> None:
    kwargs = {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}
    full, _, _, _ = _train_both(lambda p: optim.Adam(p, **kwargs), lambda p: torch.optim.Adam(p, **kwargs), steps=10)
    ours, _ = _models()
    opt = optim.Adam(ours.parameters(), **kwargs)
    x, y = gg.tensor(X), gg.tensor(Y)

    def step(o):
        o.zero_grad()
        nn.functional.mse_loss(ours(x), y).backward()
        o.step()

    for _ in range(5):
        step(opt)
    resumed = optim.Adam(ours.parameters(), lr=999.0)
    resumed.load_state_dict(opt.state_dict())
    assert resumed.param_groups[0]["lr"] == 0.01
    for _ in range(5):
        step(resumed)
    for p, q in zip(ours.parameters(), full.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_torch_optimizer_state_loads_into_ours() -> None:
    """Momentum buffers taken from torch.optim.SGD continue training identically in gg.optim.SGD."""
    ours, theirs = _models()
    opt_t = torch.optim.SGD(theirs.parameters(), lr=0.05, momentum=0.9)
    x_t, y_t = torch.tensor(X), torch.tensor(Y)
    for _ in range(3):
        opt_t.zero_grad()
        torch.nn.functional.mse_loss(theirs(x_t), y_t).backward()
        opt_t.step()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    sd = opt_t.state_dict()
    opt_g = optim.SGD(ours.parameters(), lr=0.05, momentum=0.9)
    opt_g.load_state_dict({"state": {i: {k: v.numpy() for k, v in s.items()} for i, s in sd["state"].items()},
                           "param_groups": sd["param_groups"]})
    x_g, y_g = gg.tensor(X), gg.tensor(Y)
    for _ in range(4):
        opt_t.zero_grad()
        torch.nn.functional.mse_loss(theirs(x_t), y_t).backward()
        opt_t.step()
        opt_g.zero_grad()
        nn.functional.mse_loss(ours(x_g), y_g).backward()
        opt_g.step()
    _assert_same_parameters(ours, theirs)


def test_zero_grad_sets_to_none_or_zero() -> None:
    p = nn.Parameter(gg.ones(3))
    opt = optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.data, [0, 0, 0])
    opt.zero_grad()
    assert p.grad is None


@pytest.mark.parametrize("make", [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad])
def test_step_bumps_version_so_stale_graphs_refuse_backward(make) -> None:
    p = nn.Parameter(gg.ones(3))
    opt = make([p], lr=0.1)
    loss = (p * p).sum()
    loss.backward(retain_graph=True)
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_closure_is_called_with_grad_enabled() -> None:
    p = nn.Parameter(gg.tensor([2.0]))
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with gg.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 4.0
    assert p.item() == pytest.approx(2.0 - 0.25 * 4.0)


def test_bad_arguments_are_clear() -> None:
    p = nn.Parameter(gg.ones(1))
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.Adam([p], lr=-1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1"):
        optim.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="iterable of Tensors"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
