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
    "adadelta": ({}, optim.Adadelta, torch.optim.Adadelta),
    "adadelta-wd": ({"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.1, "maximize": True}, optim.Adadelta,
                    torch.optim.Adadelta),
    "adamax": ({}, optim.Adamax, torch.optim.Adamax),
    "adamax-wd": ({"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.1}, optim.Adamax, torch.optim.Adamax),
    "nadam": ({}, optim.NAdam, torch.optim.NAdam),
    "nadam-wd": ({"lr": 0.01, "weight_decay": 0.1, "momentum_decay": 0.01}, optim.NAdam, torch.optim.NAdam),
    "nadam-decoupled": ({"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}, optim.NAdam,
                        torch.optim.NAdam),
    "radam": ({"lr": 0.01}, optim.RAdam, torch.optim.RAdam),
    "radam-wd": ({"lr": 0.01, "betas": (0.5, 0.7), "weight_decay": 0.1}, optim.RAdam, torch.optim.RAdam),
    "radam-decoupled": ({"weight_decay": 0.1, "decoupled_weight_decay": True}, optim.RAdam, torch.optim.RAdam),
    "rprop": ({}, optim.Rprop, torch.optim.Rprop),
    "rprop-etas": ({"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.2)}, optim.Rprop, torch.optim.Rprop),
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
    for name in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "Rprop",
                 "LBFGS"]:
        ours, theirs = getattr(optim, name), getattr(torch.optim, name)
        mine = ours(p).defaults
        ref = {k: v for k, v in theirs(q).defaults.items() if k in mine}
        assert mine == {**mine, **{k: (tuple(v) if isinstance(v, tuple) else v) for k, v in ref.items()}}
        assert set(mine) <= set(theirs(q).defaults)


SCHEDULERS = {
    "step": lambda o, m: m.StepLR(o, step_size=3, gamma=0.5),
    "exponential": lambda o, m: m.ExponentialLR(o, gamma=0.9),
    "cosine": lambda o, m: m.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    "multistep": lambda o, m: m.MultiStepLR(o, milestones=[2, 5, 5, 11], gamma=0.3),
    "lambda": lambda o, m: m.LambdaLR(o, lambda e: 0.95**e + 0.01 * e),
    "lambda per group": lambda o, m: m.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.9**e]),
    "multiplicative": lambda o, m: m.MultiplicativeLR(o, lambda e: 0.97),
    "linear": lambda o, m: m.LinearLR(o, start_factor=0.2, total_iters=6),
    "linear down": lambda o, m: m.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=12),
    "constant": lambda o, m: m.ConstantLR(o, factor=0.25, total_iters=4),
    "polynomial": lambda o, m: m.PolynomialLR(o, total_iters=15, power=2.0),
    "warm restarts": lambda o, m: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01),
    "warm restarts T_mult=1": lambda o, m: m.CosineAnnealingWarmRestarts(o, T_0=4),
    "one cycle": lambda o, m: m.OneCycleLR(o, max_lr=[0.3, 0.1], total_steps=20),
    "one cycle linear 3-phase": lambda o, m: m.OneCycleLR(o, max_lr=0.2, epochs=4, steps_per_epoch=5,
                                                         anneal_strategy="linear", three_phase=True),
    "cyclic": lambda o, m: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3),
    "cyclic triangular2": lambda o, m: m.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=2,
                                                  step_size_down=3, mode="triangular2"),
    "cyclic exp_range": lambda o, m: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range",
                                                gamma=0.9, cycle_momentum=False),
    "sequential": lambda o, m: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1, total_iters=4),
                                                  m.CosineAnnealingLR(o, T_max=10)], milestones=[5]),
    "sequential 3": lambda o, m: m.SequentialLR(o, [m.ConstantLR(o, factor=0.5, total_iters=2),
                                                    m.ExponentialLR(o, gamma=0.8), m.StepLR(o, 3)],
                                                milestones=[4, 9]),
}


@pytest.mark.parametrize("sched", sorted(SCHEDULERS))
def test_schedulers_match_torch_rates_and_training(sched: str) -> None:
    make = SCHEDULERS[sched]
    rates: list = [[], []]

    def both(og, ot):
        pair = (make(og, lr_scheduler), make(ot, torch.optim.lr_scheduler))
        steps = [s.step for s in pair]

        def record(i):  # every rate get_last_lr reports along the way, and the momentum it set
            steps[i]()
            group = pair[i].optimizer.param_groups[0]
            rates[i].append((pair[i].get_last_lr(), group["momentum"]))

        for i, s in enumerate(pair):
            s.step = lambda i=i: record(i)
        return pair
    ours, theirs, opt_g, opt_t = _train_both(lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
                                             lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), steps=20,
                                             groups=True, scheduler=both)
    assert len(rates[0]) == 20
    np.testing.assert_allclose(np.array([r[0] for r in rates[0]]), np.array([r[0] for r in rates[1]]), rtol=1e-12)
    assert [r[1] for r in rates[0]] == pytest.approx([r[1] for r in rates[1]], rel=1e-12)
    np.testing.assert_allclose([g["lr"] for g in opt_g.param_groups], [g["lr"] for g in opt_t.param_groups],
                               rtol=1e-12)
    _assert_same_parameters(ours, theirs)


def test_one_cycle_cycles_adams_beta1_as_torch_does() -> None:
    ours, theirs = _models()
    og, ot = optim.Adam(ours.parameters(), lr=0.01), torch.optim.Adam(theirs.parameters(), lr=0.01)
    sg = lr_scheduler.OneCycleLR(og, max_lr=0.05, total_steps=6)
    st = torch.optim.lr_scheduler.OneCycleLR(ot, max_lr=0.05, total_steps=6)
    for _ in range(5):
        og.step(), ot.step(), sg.step(), st.step()
        assert og.param_groups[0]["betas"] == pytest.approx(ot.param_groups[0]["betas"], rel=1e-12)
        assert sg.get_last_lr() == pytest.approx(st.get_last_lr(), rel=1e-12)
    with pytest.raises(ValueError, match="Tried to step 7 times. The specified number of total steps is 6"):
        sg.step(), sg.step()
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        lr_scheduler.CyclicLR(optim.Rprop(ours.parameters()), 0.1, 1.0)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "Rprop"])
def test_optimizer_state_holds_tensors_as_torch_does(name: str) -> None:
    kwargs = {"momentum": 0.9, "lr": 0.1} if name in ("SGD", "RMSprop") else {}
    results = []
    for model, lib in zip(_models(), (gg, torch)):
        opt = getattr(lib.optim, name)(model.parameters(), **kwargs)
        for _ in range(3):
            opt.zero_grad()
            lib.nn.functional.mse_loss(model(lib.tensor(X)), lib.tensor(Y)).backward()
            opt.step()
        state = opt.state[next(iter(model.parameters()))]
        results.append({k: (type(v).__name__, tuple(v.shape), str(v.dtype).rsplit(".")[-1], v.numpy().copy())
                        for k, v in state.items()})
    ours, theirs = results
    assert ours.keys() == theirs.keys()
    for k in ours:
        assert ours[k][0] == "Tensor" and ours[k][1:3] == theirs[k][1:3], k
        np.testing.assert_allclose(ours[k][3], theirs[k][3], rtol=1e-9, atol=1e-12, err_msg=k)


@pytest.mark.parametrize("name", ["Adadelta", "Adamax", "NAdam", "RAdam", "Rprop"])
def test_new_optimizers_resume_from_their_state_dict(name: str) -> None:
    full, _, _, _ = _train_both(lambda p: getattr(optim, name)(p), lambda p: getattr(torch.optim, name)(p), steps=8)
    ours, _ = _models()
    opt = getattr(optim, name)(ours.parameters())
    x, y = gg.tensor(X), gg.tensor(Y)
    for k in range(8):
        if k == 4:
            resumed = getattr(optim, name)(ours.parameters())
            resumed.load_state_dict(opt.state_dict())
            opt = resumed
        opt.zero_grad()
        nn.functional.mse_loss(ours(x), y).backward()
        opt.step()
    for p, q in zip(ours.parameters(), full.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


@pytest.mark.parametrize("kwargs", [{}, {"lr": 0.5, "max_iter": 7, "history_size": 3},
                                    {"line_search_fn": "strong_wolfe"},
                                    {"line_search_fn": "strong_wolfe", "lr": 0.3, "max_iter": 5, "history_size": 2}])
def test_lbfgs_matches_torch(kwargs: dict) -> None:
    ours, theirs = _models()
    og, ot = optim.LBFGS(ours.parameters(), **kwargs), torch.optim.LBFGS(theirs.parameters(), **kwargs)
    losses = [[], []]
    for k, (model, opt, lib) in enumerate([(ours, og, gg), (theirs, ot, torch)]):
        def closure(model=model, opt=opt, lib=lib):
            opt.zero_grad()
            loss = lib.nn.functional.mse_loss(model(lib.tensor(X)), lib.tensor(Y))
            loss.backward()
            return loss

        for _ in range(4):
            losses[k].append(float(opt.step(closure)))
    assert losses[0] == pytest.approx(losses[1], rel=1e-9)
    assert og.state[next(iter(ours.parameters()))]["func_evals"] == ot.state[next(iter(theirs.parameters()))][
        "func_evals"]
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-7, atol=1e-9, err_msg=name)
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        optim.LBFGS(ours.parameters(), line_search_fn="backtracking")


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
