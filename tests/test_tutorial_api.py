"""Names the best-known beginner material reaches for (PyTorch's own tensor tutorial, the makemore lectures, the
device lines of the current tutorials), each checked against PyTorch itself."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import glassgrad as gg


def same(ours: gg.Tensor, theirs: torch.Tensor) -> None:
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch."), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize("kw", [{}, {"base": 2.0}, {"dtype": "float64"}])
def test_logspace_matches_torch(kw: dict) -> None:
    same(gg.logspace(-1, 2, 7, **{k: getattr(gg, v) if k == "dtype" else v for k, v in kw.items()}),
         torch.logspace(-1, 2, 7, **{k: getattr(torch, v) if k == "dtype" else v for k, v in kw.items()}))


def test_nelement_is_numel() -> None:
    assert gg.zeros(3, 4).nelement() == torch.zeros(3, 4).nelement() == 12


def test_mv_values_gradients_and_errors_match_torch() -> None:
    a, v = np.random.default_rng(0).normal(size=(3, 4)), np.arange(4.0)
    ga, gv = gg.tensor(a, requires_grad=True), gg.tensor(v, requires_grad=True)
    ta, tv = torch.tensor(a, requires_grad=True), torch.tensor(v, requires_grad=True)
    same(gg.mv(ga, gv), torch.mv(ta, tv))
    ga.mv(gv).pow(2).sum().backward()
    ta.mv(tv).pow(2).sum().backward()
    same(ga.grad, ta.grad)
    same(gv.grad, tv.grad)
    for bad in (np.ones(5), np.ones((4, 1))):
        with pytest.raises(RuntimeError) as theirs:
            torch.mv(ta, torch.tensor(bad))
        with pytest.raises(RuntimeError) as ours:
            gg.mv(ga, gg.tensor(bad))
        assert str(ours.value) == str(theirs.value)


def test_multinomial_draws_by_weight_with_torchs_shapes_and_errors() -> None:
    gen = gg.Generator().manual_seed(2147483647)
    w = gg.tensor([0.0, 1.0, 3.0])
    draws = gg.multinomial(w, num_samples=20000, replacement=True, generator=gen)
    assert draws.dtype == gg.int64 and draws.shape == (20000,)
    counts = np.bincount(draws.numpy(), minlength=3) / 20000
    np.testing.assert_allclose(counts, [0.0, 0.25, 0.75], atol=0.02)   # weights need not sum to 1
    again = gg.multinomial(w, 20000, True, generator=gg.Generator().manual_seed(2147483647))
    assert (again.numpy() == draws.numpy()).all()                        # seeded: the same stream again
    rows = gg.multinomial(gg.tensor([[1.0, 1.0, 0.0], [0.0, 1.0, 2.0]]), 2)   # without replacement
    assert rows.shape == torch.multinomial(torch.tensor([[1.0, 1.0, 0.0], [0.0, 1.0, 2.0]]), 2).shape
    assert sorted(rows[0].tolist()) == [0, 1] and sorted(rows[1].tolist()) == [1, 2]
    # PyTorch's CPU kernel would draw a zero-weight category here; glassgrad says why it cannot (as torch on GPU)
    with pytest.raises(RuntimeError, match="not enough non-negative category to sample"):
        gg.multinomial(gg.tensor([0.0, 0.0, 2.0]), 2)
    assert isinstance(gg.multinomial(w, 1).item(), int)
    for weights, n, replace in (([1.0, -1.0], 1, True), ([0.0, 0.0], 1, True), ([1.0, float("nan")], 1, True),
                                ([1.0, 2.0], 3, False)):
        with pytest.raises(RuntimeError) as theirs:
            torch.multinomial(torch.tensor(weights), n, replace)
        with pytest.raises(RuntimeError) as ours:
            gg.multinomial(gg.tensor(weights), n, replace)
        assert str(ours.value) in str(theirs.value), (str(ours.value), str(theirs.value))


def test_device_lines_of_current_tutorials_give_cpu() -> None:
    for m in (gg, torch):
        device = m.accelerator.current_accelerator().type if m.accelerator.is_available() else "cpu"
        mps = "mps" if m.backends.mps.is_available() else "cpu"
        assert (device, mps, m.cuda.is_available()) == ("cpu", "cpu", False)
        m.backends.cudnn.deterministic, m.backends.cudnn.benchmark = True, False   # settable, as in torch


def test_next_functions_reach_leaves_through_accumulate_grad() -> None:
    """The tensor tutorial's walk: loss.grad_fn.next_functions[0][0]... ends at AccumulateGrad, as in PyTorch."""
    seen = []
    for m in (gg, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = (x * 2).sum()
        acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
        assert acc.variable is x
        seen.append((type(acc).__name__, acc.name(), acc.next_functions, repr(acc).split(" object")[0]))
    assert seen[0] == seen[1]


def test_out_writes_into_the_given_tensor_as_in_the_tensor_tutorial() -> None:
    results = []
    for m in (gg, torch):
        t = m.ones(4, 4)
        t[:, 1] = 0
        y3, z3 = m.rand_like(t), m.rand_like(t)
        r = m.matmul(t, t.T, out=y3)
        m.mul(t, t, out=z3)
        s = m.sum(m.ones(2, 3), 1, out=m.empty(2))
        results.append((r is y3, y3.numpy().copy(), z3.numpy().copy(), s.numpy().copy()))
    assert results[0][0] and results[1][0]
    for a, b in zip(results[0][1:], results[1][1:]):
        np.testing.assert_array_equal(a, b)


def test_out_resizes_with_torchs_warning_and_refuses_autograd_and_bad_casts() -> None:
    for m in (gg, torch):
        o = m.empty(3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.mul(m.ones(2, 2), m.ones(2, 2), out=o)
        assert tuple(o.shape) == (2, 2) and o.numpy().tolist() == [[1.0, 1.0], [1.0, 1.0]]
        assert any("was resized since it had shape [3]" in str(w.message) for w in caught)
        x = m.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match=r"mul\(\): functions with out=\.\.\. arguments don't support "
                                               "automatic differentiation"):
            m.mul(x, x, out=m.empty(2))
        with m.no_grad():
            assert not m.mul(x, x, out=m.empty(2)).requires_grad
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
            m.mul(m.ones(2), m.ones(2), out=m.empty(2, dtype=m.int64))


def test_sequential_and_module_list_edit_like_lists_as_in_pytorch() -> None:
    """`model[2] = nn.Linear(...)` (the fine-tuning idiom), del, insert, pop, + and += renumber as torch does."""
    def edits(nn) -> list:
        out = []
        s = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
        s[1] = nn.ELU()
        out.append(repr(s))
        del s[0]
        out.append(list(s._modules))
        s.insert(1, nn.ReLU())
        out += [repr(s), repr(s.pop(0)), repr(s), hasattr(s, "2")]
        ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
        ml[-1] = nn.ELU()
        del ml[0]
        ml.insert(0, nn.Tanh())
        out += [repr(ml), repr(ml.pop(1)), repr(ml), repr(s + nn.Sequential(nn.ReLU()))]
        ml += nn.ModuleList([nn.ReLU()])
        out.append(repr(ml))
        for c in (s, ml):
            with pytest.raises(IndexError, match="index 5 is out of range"):
                c[5] = nn.ReLU()
        return out

    assert edits(gg.nn) == edits(torch.nn)
    seq = gg.nn.Sequential(gg.nn.Linear(2, 2), gg.nn.ReLU())
    seq[1] = gg.nn.Tanh()                        # the chain forward runs follows the edit
    x = gg.tensor([[3.0, -1.0]])
    np.testing.assert_allclose(seq(x).detach().numpy(), np.tanh(seq[0](x).detach().numpy()))


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "amax", "amin", "argmax", "argmin", "prod", "std",
                                  "var", "logsumexp", "median"])
def test_reductions_take_numpys_axis_and_keepdims_as_torch_does(name: str) -> None:
    """d2l writes A.sum(axis=1, keepdims=True); makemore writes P.sum(1, keepdims=True)."""
    a = np.arange(12.0).reshape(3, 4) / 7
    for kw in ({"axis": 1}, {"dim": 0, "keepdims": True}, {"axis": 1, "keepdims": True}):
        ours, theirs = getattr(gg.tensor(a), name)(**kw), getattr(torch.tensor(a), name)(**kw)
        ours = ours[0] if isinstance(ours, tuple) else ours
        theirs = theirs[0] if isinstance(theirs, tuple) else theirs
        same(ours, theirs)
        ours, theirs = getattr(gg, name)(gg.tensor(a), **kw), getattr(torch, name)(torch.tensor(a), **kw)
        same(ours[0] if isinstance(ours, tuple) else ours, theirs[0] if isinstance(theirs, tuple) else theirs)


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "softmax", "log_softmax", "sort", "argsort", "unbind",
                                  "squeeze", "unsqueeze"])
def test_dim_functions_take_axis_as_torch_does(name: str) -> None:
    a = np.arange(1.0, 7.0).reshape(2, 3) / 5
    ours, theirs = getattr(gg.tensor(a), name)(axis=1), getattr(torch.tensor(a), name)(axis=1)
    ours = ours[0] if isinstance(ours, tuple) else ours
    theirs = theirs[0] if isinstance(theirs, tuple) else theirs
    same(ours, theirs)
    assert tuple(gg.cat([gg.tensor(a)] * 2, axis=1).shape) == tuple(torch.cat([torch.tensor(a)] * 2, axis=1).shape)


def test_makemore_bigram_normalisation_runs_unchanged() -> None:
    for m in (gg, torch):
        counts = m.tensor([[3, 1, 0], [0, 2, 2], [1, 1, 1]], dtype=m.int32)
        p = (counts + 1).float()
        p /= p.sum(1, keepdims=True)
        expected = (counts.numpy() + 1) / (counts.numpy() + 1).sum(1, keepdims=True)
        np.testing.assert_allclose(p.numpy(), expected, rtol=1e-6)


def test_zero_d_tensors_format_as_their_number() -> None:
    """`print(f"loss {loss:.4f}")` and makemore's f'{nll/n}' print the number, as in PyTorch."""
    for spec in ("", ".4f", ">10.2e"):
        assert format(gg.tensor(2.0304279), spec) == format(torch.tensor(2.0304279), spec)
    assert f"{gg.tensor([1.0, 2.0])}" == str(gg.tensor([1.0, 2.0]))
    for m in (gg, torch):
        with pytest.raises(TypeError):
            format(m.tensor([1.0, 2.0]), ".2f")


@pytest.mark.parametrize("name", ["exp", "log", "log1p", "log2", "log10", "expm1", "tan", "sinh", "cosh", "sqrt",
                                  "sin", "cos", "tanh", "sigmoid", "erf", "erfc", "exp2", "asin", "acos", "atan",
                                  "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh",
                                  "arctanh", "logit"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_float_functions_of_integers_give_the_default_float(name: str, dtype: str) -> None:
    """torch.log(torch.tensor([1, 2])) is float32 (the default dtype), not float64."""
    data = [True, True] if dtype == "bool" else [1, 2]
    for method in (False, True):
        ours, theirs = gg.tensor(data, dtype=getattr(gg, dtype)), torch.tensor(data, dtype=getattr(torch, dtype))
        if method:
            same(getattr(ours, name)(), getattr(theirs, name)())
        else:
            same(getattr(gg, name)(ours), getattr(torch, name)(theirs))


def test_rounding_logical_where_and_in_place_forms_match_torch() -> None:
    a = np.array([-2.5, -1.5, -0.3, 0.0, 0.7, 1.5, 3.0])
    for name in ("floor", "ceil", "trunc", "fix", "frac", "square"):
        same(getattr(gg, name)(gg.tensor(a)), getattr(torch, name)(torch.tensor(a)))
        ours, theirs = gg.tensor(a), torch.tensor(a)
        getattr(ours, name + "_")()
        getattr(theirs, name + "_")()
        same(ours, theirs)
    for name in ("floor", "ceil", "trunc", "square", "reciprocal", "rsqrt"):   # integer inputs, torch's dtypes
        same(getattr(gg, name)(gg.tensor([1, 4, 9])), getattr(torch, name)(torch.tensor([1, 4, 9])))
    b = np.array([0.5, -1.0, 2.0, 0.0, -0.1, 1.0, 1.0])
    for name in ("logical_and", "logical_or", "logical_xor"):
        same(getattr(gg, name)(gg.tensor(a), gg.tensor(b)), getattr(torch, name)(torch.tensor(a), torch.tensor(b)))
        same(getattr(gg.tensor(a), name)(gg.tensor(b)), getattr(torch.tensor(a), name)(torch.tensor(b)))
    same(gg.logical_not(gg.tensor(a)), torch.logical_not(torch.tensor(a)))
    ga, ta = gg.tensor(a), torch.tensor(a)
    same(ga.where(ga > 0, gg.tensor(b)), ta.where(ta > 0, torch.tensor(b)))


def _both(fn) -> tuple:
    """fn(m) under glassgrad and under PyTorch."""
    return fn(gg), fn(torch)


TIES = [[1.0, 3.0, 3.0, 2.0, 5.0], [4.0, 4.0, 1.0, 0.0, 4.0], [2.0, np.nan, 0.5, np.nan, 9.0]]


@pytest.mark.parametrize("name", ["cummax", "cummin", "mode", "kthvalue"])
def test_ties_and_nans_pick_torchs_indices_and_send_the_gradient_there(name: str) -> None:
    data = np.array(TIES[:2] if name in ("mode", "kthvalue") else TIES)   # (NaN rows of mode: tested on their own)
    results = []
    for m in (gg, torch):
        x = m.tensor(data, requires_grad=True)
        args = (2, 1) if name == "kthvalue" else (1,)
        out = getattr(m, name)(x, *args)
        out.values.masked_fill(m.isnan(out.values), 0.0).pow(2).sum().backward()
        results.append((out.values, out.indices, x.grad))
    for ours, theirs in zip(*results):
        same(ours, theirs)
    assert results[0][1].numpy().tolist() == results[1][1].numpy().tolist()


def test_mode_of_integers_and_of_a_vector_matches_torch() -> None:
    ours, theirs = _both(lambda m: m.mode(m.tensor([[3, 1, 3, 1], [2, 2, 7, 7]]), 1, keepdim=True))
    same(ours.values, theirs.values), same(ours.indices, theirs.indices)
    ours, theirs = _both(lambda m: m.tensor([1.0, 2.0, 2.0, 3.0]).mode())
    same(ours.values, theirs.values), same(ours.indices, theirs.indices)


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_ranks_nans_and_shapes_match_torch(interpolation: str) -> None:
    q = [0.0, 0.1, 0.25, 0.5, 0.625, 5 / 6, 1.0]   # ranks on and halfway between elements
    for data, kw in ((np.arange(4.0), {}), (np.arange(7.0)[::-1].copy(), {}),
                     (np.array([[1.0, np.nan, 3.0, 2.0], [0.5, 1.5, -1.0, 4.0]]), {"dim": 1}),
                     (np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]]), {"dim": -1, "keepdim": True})):
        for fn in ("quantile", "nanquantile"):
            ours, theirs = _both(lambda m, fn=fn, data=data, kw=kw: getattr(m, fn)(
                m.tensor(data), m.tensor(q, dtype=m.float64), interpolation=interpolation, **kw))
            same(ours, theirs)
    same(*_both(lambda m: m.tensor(np.arange(6.0).reshape(2, 3)).quantile(0.4, keepdim=True)))


@pytest.mark.parametrize("call", [
    lambda m: m.quantile(m.tensor([1, 2]), 0.5), lambda m: m.quantile(m.tensor([1.0, 2.0]), 1.5),
    lambda m: m.quantile(m.tensor([1.0, 2.0]), m.tensor([0.5], dtype=m.float64)),
    lambda m: m.quantile(m.tensor([1.0, 2.0]), 0.5, interpolation="foo"),
    lambda m: m.quantile(m.tensor([[1.0, 2.0]]), m.tensor([[0.5]])), lambda m: m.quantile(m.tensor([]), 0.5),
    lambda m: m.kthvalue(m.ones(2, 3), 4, 1), lambda m: m.kthvalue(m.ones(2, 3), 0, 1),
    lambda m: m.nanmean(m.tensor([1, 2])), lambda m: m.aminmax(m.tensor([])),
    lambda m: m.bincount(m.tensor([-1, 2])), lambda m: m.bincount(m.tensor([[1, 2]])),
    lambda m: m.bincount(m.tensor([1, 2]), weights=m.tensor([1.0])),
])
def test_statistics_refuse_what_torch_refuses_with_its_message(call) -> None:
    with pytest.raises(RuntimeError) as theirs:
        call(torch)
    with pytest.raises(RuntimeError) as ours:
        call(gg)
    assert str(ours.value) == str(theirs.value)


def test_counts_and_histograms_match_torch() -> None:
    a = [[0, 1, 3], [2, 0, 0]]
    for kw in ({}, {"dim": 1}, {"dim": (0, 1)}):
        same(*_both(lambda m, kw=kw: m.count_nonzero(m.tensor(a), **kw)))
    same(*_both(lambda m: m.tensor(a, dtype=m.float32).count_nonzero(0)))
    for kw in ({}, {"minlength": 7}, {"weights": [0.5, 1.0, 2.0, 0.25]}, {"weights": [1, 2, 3, 4]}):
        same(*_both(lambda m, kw=kw: m.bincount(m.tensor([1, 1, 3, 0]), **{
            k: m.tensor(v, dtype=m.float64 if k == "weights" and v == [1, 2, 3, 4] else None) if k == "weights"
            else v for k, v in kw.items()})))
    same(*_both(lambda m: m.tensor([1, 1, 3]).bincount(m.tensor([0.5, 1.0, 2.0], dtype=m.float64))))
    same(*_both(lambda m: m.bincount(m.tensor([], dtype=m.int64))))
    x = np.random.default_rng(0).normal(size=50)
    for args in ({}, {"bins": 4, "min": 0, "max": 3}, {"bins": 7, "min": -1.0, "max": 1.0}, {"bins": 3}):
        same(*_both(lambda m, args=args: m.histc(m.tensor(x), **args)))
        same(*_both(lambda m, args=args: m.tensor(x, dtype=m.float32).histc(**args)))
    same(*_both(lambda m: m.histc(m.tensor([2.0, 2.0]), bins=4)))
    same(*_both(lambda m: m.histc(m.tensor([]), bins=4)))


def test_nan_reductions_std_var_mean_and_logcumsumexp_values_match_torch() -> None:
    a = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]])
    for kw in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}):
        same(*_both(lambda m, kw=kw: m.nansum(m.tensor(a), **kw)))
        same(*_both(lambda m, kw=kw: m.tensor(a).nanmean(**kw)))
    same(*_both(lambda m: m.nansum(m.tensor([1, 2, 3]))))
    b = np.arange(6.0).reshape(2, 3) ** 2
    for kw in ({}, {"dim": 1}, {"dim": 0, "unbiased": False}, {"dim": (0, 1), "correction": 0, "keepdim": True}):
        for name in ("std_mean", "var_mean"):
            for ours, theirs in zip(*_both(lambda m, name=name, kw=kw: getattr(m, name)(m.tensor(b), **kw))):
                same(ours, theirs)
    for kw in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}):
        for ours, theirs in zip(*_both(lambda m, kw=kw: m.aminmax(m.tensor(b), **kw))):
            same(ours, theirs)
    ours, theirs = _both(lambda m: m.tensor(b).aminmax(dim=1))
    same(ours.min, theirs.min), same(ours.max, theirs.max)
    same(*_both(lambda m: m.logcumsumexp(m.tensor([-1000.0, 0.0, 1.0, -np.inf, 800.0]), 0)))
    same(*_both(lambda m: m.tensor(b, dtype=m.float32).logcumsumexp(dim=-1)))


INVERSE = {"asin": [-1.0, 1.0, -1.5, 0.0, np.inf, np.nan], "acos": [-1.0, 1.0, 1.5, 0.3, -np.inf],
           "atan": [0.0, -np.inf, np.inf, 1e30, np.nan], "asinh": [0.0, -1e30, np.inf, -np.inf],
           "acosh": [1.0, 0.5, 0.0, -1.0, np.inf, 1e30], "atanh": [1.0, -1.0, 2.0, -0.0, 0.5],
           "exp2": [-np.inf, 200.0, -200.0, 0.0, 0.5], "logit": [0.0, 1.0, 0.5, -0.1, 1.1, np.nan]}


@pytest.mark.parametrize("name", sorted(INVERSE))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_inverse_trig_hyperbolic_exp2_logit_at_domain_edges_match_torch(name: str, dtype: str) -> None:
    """At and past the domain edges: inf and nan as PyTorch gives them, silently; in-place forms and out= too."""
    a = INVERSE[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same(getattr(gg, name)(gg.tensor(a, dtype=getattr(gg, dtype))),
             getattr(torch, name)(torch.tensor(a, dtype=getattr(torch, dtype))))
        ours, theirs = gg.tensor(a, dtype=getattr(gg, dtype)), torch.tensor(a, dtype=getattr(torch, dtype))
        getattr(ours, name + "_")()
        getattr(theirs, name + "_")()
        same(ours, theirs)
        out, tout = gg.empty(len(a), dtype=getattr(gg, dtype)), torch.empty(len(a), dtype=getattr(torch, dtype))
        getattr(gg, name)(gg.tensor(a, dtype=getattr(gg, dtype)), out=out)
        getattr(torch, name)(torch.tensor(a, dtype=getattr(torch, dtype)), out=tout)
        same(out, tout)


@pytest.mark.parametrize("eps", [0.0, 1e-6, 0.25, 0.5])
def test_logit_eps_clamps_the_input_and_zeroes_the_gradient_outside_as_torch(eps: float) -> None:
    a = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0] if eps else [0.1, 0.25, 0.5, 0.9]  # eps=0: the gradient at 0, 1 is inf
    x, t = gg.tensor(a, dtype=gg.float64, requires_grad=True), torch.tensor(a, dtype=torch.float64, requires_grad=True)
    y, ty = gg.logit(x, eps=eps), torch.logit(t, eps=eps)
    same(y, ty)
    y.sum().backward()
    ty.sum().backward()
    same(x.grad, t.grad)
    same(x.clone().logit_(eps), t.detach().clone().logit_(eps))


def _agree(fn: Any, *arrays: Any, dtype: str = "float32") -> None:
    """fn(m, *tensors) under glassgrad and torch, silently (no NumPy warnings), compared with `same`."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same(fn(gg, *(gg.tensor(a, dtype=getattr(gg, dtype)) for a in arrays)),
             fn(torch, *(torch.tensor(a, dtype=getattr(torch, dtype)) for a in arrays)))


INF, NAN = np.inf, np.nan
EDGE = [0.0, -0.0, 1.5, -2.5, INF, -INF, NAN]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nan_to_num_xlogy_fmod_copysign_fmax_at_edge_values_match_torch(dtype: str) -> None:
    a = [0.0, 0.0, 0.0, 0.0, 1.5, -2.0, 2.0, NAN, 3.0, -0.0]
    b = [0.0, NAN, INF, -1.0, 0.0, 2.0, -3.0, 1.0, NAN, 4.0]
    for fn in (lambda m, x: m.nan_to_num(x), lambda m, x: m.nan_to_num(x, nan=-1.0, posinf=9.0, neginf=-9.0),
               lambda m, x: x.nan_to_num(posinf=1e30), lambda m, x: m.nan_to_num(x, 2.0),
               lambda m, x: m.signbit(x), lambda m, x: m.sinc(x), lambda m, x: m.deg2rad(x), lambda m, x: x.rad2deg(),
               lambda m, x: m.sgn(x), lambda m, x: m.negative(x), lambda m, x: x.positive()):
        _agree(fn, EDGE, dtype=dtype)
    for fn in (lambda m, x, y: m.xlogy(x, y), lambda m, x, y: m.fmod(x, y), lambda m, x, y: m.remainder(x, y),
               lambda m, x, y: m.copysign(x, y), lambda m, x, y: m.fmax(x, y), lambda m, x, y: m.fmin(x, y),
               lambda m, x, y: m.maximum(x, y), lambda m, x, y: m.atan2(x, y), lambda m, x, y: m.hypot(x, y),
               lambda m, x, y: m.logaddexp(x, y), lambda m, x, y: m.logaddexp2(x, y),
               lambda m, x, y: m.heaviside(x, y), lambda m, x, y: m.float_power(x, y)):
        _agree(fn, a, b, dtype=dtype)


def test_integer_inputs_promote_as_torch() -> None:
    i, j = [3, -7, 0, 5], [2, -2, 3, 5]
    for fn in (lambda m, x, y: m.atan2(x, y), lambda m, x, y: m.xlogy(x, y), lambda m, x, y: m.copysign(x, y),
               lambda m, x, y: m.fmod(x, y), lambda m, x, y: m.remainder(x, y), lambda m, x, y: m.fmax(x, y),
               lambda m, x, y: m.heaviside(x, y), lambda m, x, y: m.float_power(x, y),
               lambda m, x, y: m.addcmul(x, x, y, value=2), lambda m, x, y: m.xlogy(x, 3),
               lambda m, x, y: m.fmod(x, 2.5), lambda m, x, y: m.copysign(x, -1)):
        _agree(fn, i, j, dtype="int64")
    for fn in (lambda m, x: m.sinc(x), lambda m, x: m.deg2rad(x), lambda m, x: m.rad2deg(x), lambda m, x: m.sgn(x),
               lambda m, x: m.nan_to_num(x), lambda m, x: m.signbit(x), lambda m, x: m.float_power(x, 2)):
        _agree(fn, i, dtype="int64")
    _agree(lambda m, x, y: m.atan2(x, y.double()), [1.0, -1.0], [0.5, 0.5])  # float32 with float64: float64


def test_lerp_addcmul_addcdiv_in_place_out_and_errors_match_torch() -> None:
    a, b, w = [1.0, -2.0, 0.5], [3.0, 4.0, -1.0], [0.25, 0.5, 1.5]
    _agree(lambda m, x, y, z: m.lerp(x, y, z), a, b, w)
    _agree(lambda m, x, y, z: x.clone().lerp_(y, 0.75), a, b, w)
    _agree(lambda m, x, y, z: x.clone().addcmul_(y, z, value=-2), a, b, w)
    _agree(lambda m, x, y, z: x.clone().addcdiv_(y, z, value=0.5), a, b, w)
    _agree(lambda m, x, y, z: x.clone().atan2_(y).hypot_(z).copysign_(y).fmod_(z).xlogy_(z.abs()), a, b, w)
    _agree(lambda m, x, y, z: m.addcdiv(x, y, z, out=m.empty(3)), a, b, w)
    _agree(lambda m, x, y, z: m.hypot(x, y, out=m.empty(3)), a, b, w)
    for m in (gg, torch):
        with pytest.raises(RuntimeError, match="Integer division with addcdiv is no longer supported"):
            m.addcdiv(m.tensor([1.0]), m.tensor([1]), m.tensor([2]))
        with pytest.raises(RuntimeError, match="heaviside is not yet implemented for tensors with different dtypes"):
            m.heaviside(m.tensor([1.0]), m.tensor([1], dtype=m.float64))
        with pytest.raises(RuntimeError, match="on a bool tensor is not supported"):
            m.positive(m.tensor([True]))
        with pytest.raises(RuntimeError):  # a float result does not fit an integer tensor in place
            m.tensor([1, 2]).atan2_(m.tensor([1, 1]))
        with pytest.raises(RuntimeError, match="float_power_ has dtype Float but the operation's result requires"):
            m.tensor([1.0, 2.0]).float_power_(2)
    x = gg.tensor([1.0, 2.0])
    assert gg.positive(x) is x
    _agree(lambda m, x, y, z: x.clone().float_power_(y).clip_(max=2.0).clip_(0.5), a, b, w, dtype="float64")


def test_xlogy_gradient_is_zero_where_x_is_zero_as_torch() -> None:
    a, b = [0.0, 0.0, 2.0, 0.0], [0.0, 3.0, 0.5, INF]
    x, y = gg.tensor(a, requires_grad=True), gg.tensor([1.0, 3.0, 0.5, 2.0], requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor([1.0, 3.0, 0.5, 2.0], requires_grad=True)
    gg.xlogy(x, y).sum().backward()
    torch.xlogy(tx, ty).sum().backward()
    same(x.grad, tx.grad)
    same(y.grad, ty.grad)
    x = gg.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same(gg.xlogy(x, gg.tensor(b)), torch.xlogy(tx, torch.tensor(b)))
        gg.xlogy(x, gg.tensor(b)).sum().backward()
    torch.xlogy(tx, torch.tensor(b)).sum().backward()
    same(x.grad, tx.grad)


def test_sinc_at_zero_and_fmax_gradient_on_ties_and_nan_match_torch() -> None:
    x, t = gg.tensor([0.0, 0.5, -1.0], requires_grad=True), torch.tensor([0.0, 0.5, -1.0], requires_grad=True)
    gg.sinc(x).sum().backward()
    torch.sinc(t).sum().backward()
    same(x.grad, t.grad)
    a, b = [1.0, 2.0, NAN, 0.5], [1.0, NAN, 3.0, 0.25]
    for name in ("fmax", "fmin", "maximum", "minimum"):
        ga, gb = gg.tensor(a, requires_grad=True), gg.tensor(b, requires_grad=True)
        ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        getattr(gg, name)(ga, gb).sum().backward()
        getattr(torch, name)(ta, tb).sum().backward()
        same(ga.grad, ta.grad)
        same(gb.grad, tb.grad)


RESULT_CALLS = {
    "max": lambda m, x: m.max(x, 1), "min": lambda m, x: x.min(0), "sort": lambda m, x: m.sort(x),
    "topk": lambda m, x: x.topk(1), "kthvalue": lambda m, x: m.kthvalue(x, 1, 0), "mode": lambda m, x: x.mode(1),
    "median": lambda m, x: m.median(x, 0), "cummax": lambda m, x: m.cummax(x, 1), "cummin": lambda m, x: x.cummin(0),
    "aminmax": lambda m, x: m.aminmax(x), "slogdet": lambda m, x: m.slogdet(x),
    "linalg_slogdet": lambda m, x: m.linalg.slogdet(x), "max_0d": lambda m, x: m.max(x[0, 0], 0),
}


@pytest.mark.parametrize("name", list(RESULT_CALLS))
def test_named_tuple_results_print_and_unpack_as_torchs_return_types(name: str) -> None:
    ours, theirs = _both(lambda m: RESULT_CALLS[name](m, m.tensor([[1.0, 3.0], [2.0, 0.0]])))
    assert repr(ours) == str(ours) == repr(theirs).replace("torch.", "glassgrad.")
    assert type(ours).__name__ == type(theirs).__name__
    assert isinstance(ours, getattr(gg.return_types, type(theirs).__name__)) and len(ours) == len(theirs) == 2
    first, second = ours
    field = "sign" if "slogdet" in name else "min" if name == "aminmax" else "values"
    assert first is ours[0] is getattr(ours, field) and second is ours[1]
    same(first, theirs[0]), same(second, theirs[1])


NAN = float("nan")
MODE_ROWS = [[1, NAN, NAN], [NAN, NAN, NAN], [NAN], [NAN, 1, 1], [NAN, 2, 1], [1, NAN, 2], [NAN, NAN, 1, 1],
             [2, NAN, 2, NAN, NAN], [3, NAN, 1, 3, NAN, 1], [0, NAN, 0, NAN, 0], [5, 5, NAN, NAN, NAN, NAN]]


@pytest.mark.parametrize("row", MODE_ROWS, ids=[str(r) for r in MODE_ROWS])
def test_mode_counts_each_nan_once_as_torch(row: list) -> None:
    ours, theirs = _both(lambda m: m.tensor(row).mode())
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())  # (NaN equals NaN here)
    assert ours.indices.item() == theirs.indices.item()


@pytest.mark.parametrize("n", [17, 40, 300])
def test_mode_of_long_rows_with_ties_and_nans_picks_torchs_index(n: int) -> None:
    """Past 16 elements torch's sort is not stable: the index among equal values is where its quicksort puts it."""
    rng = np.random.default_rng(n)
    data = rng.integers(0, 4, (6, n)).astype(np.float64)
    data[3:][rng.random((3, n)) < 0.4] = np.nan
    for dim in (0, 1):
        ours, theirs = _both(lambda m, dim=dim: m.tensor(data).mode(dim))
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        assert ours.indices.numpy().tolist() == theirs.indices.numpy().tolist()
