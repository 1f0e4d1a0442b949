"""F.interpolate and nn.Upsample against PyTorch: values and gradients on 3-D, 4-D and 5-D inputs for every
supported mode, with size= or scale_factor= (integer, fractional, shrinking) and align_corners, and its messages."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassgrad as gg
import glassgrad.nn.functional as F
from glassgrad import nn

R = np.random.default_rng(0)
SHAPES = {3: (2, 3, 5), 4: (2, 3, 4, 5), 5: (1, 2, 3, 4, 2)}
CASES = [
    (3, dict(size=9, mode="nearest")), (3, dict(scale_factor=2, mode="nearest")),
    (3, dict(scale_factor=0.5, mode="nearest")), (3, dict(size=7, mode="nearest-exact")),
    (3, dict(size=8, mode="linear")), (3, dict(scale_factor=1.7, mode="linear")),
    (3, dict(size=3, mode="linear", align_corners=True)), (3, dict(size=1, mode="linear", align_corners=True)),
    (3, dict(scale_factor=2.5, mode="linear", recompute_scale_factor=True)),
    (4, dict(scale_factor=2, mode="nearest")), (4, dict(size=(3, 7), mode="nearest")),
    (4, dict(scale_factor=(1.5, 0.6), mode="nearest")), (4, dict(size=(5, 3), mode="nearest-exact")),
    (4, dict(scale_factor=2, mode="bilinear")), (4, dict(size=(7, 3), mode="bilinear")),
    (4, dict(scale_factor=(1.3, 2.2), mode="bilinear")), (4, dict(size=6, mode="bilinear", align_corners=True)),
    (4, dict(scale_factor=3, mode="bilinear", align_corners=True)), (4, dict(size=(2, 2), mode="bilinear")),
    (5, dict(scale_factor=2, mode="nearest")), (5, dict(size=(4, 3, 5), mode="trilinear")),
    (5, dict(scale_factor=1.5, mode="trilinear", align_corners=True)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(("ndim", "kwargs"), CASES, ids=[f"{n}d-{k}" for n, k in CASES])
def test_interpolate_matches_torch(ndim: int, kwargs: dict, dtype: str) -> None:
    x = R.standard_normal(SHAPES[ndim]).astype(dtype)
    ours, theirs = gg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    a, b = F.interpolate(ours, **kwargs), TF.interpolate(theirs, **kwargs)
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == "float64" else dict(rtol=1e-6, atol=1e-6)
    assert a.shape == tuple(b.shape) and str(a.dtype) == dtype
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **tol)
    up = R.standard_normal(a.shape).astype(dtype)
    a.backward(gg.tensor(up))
    b.backward(torch.tensor(up))
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), **tol)


def test_upsample_module_matches_torch() -> None:
    x = R.standard_normal(SHAPES[4])
    for kwargs in [dict(scale_factor=2), dict(size=(3, 5), mode="bilinear", align_corners=True),
                   dict(scale_factor=(2, 3)), dict(size=3)]:
        ours, theirs = nn.Upsample(**kwargs), torch.nn.Upsample(**kwargs)
        assert repr(ours) == repr(theirs)
        np.testing.assert_allclose(ours(gg.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(), rtol=1e-12)


MISUSE = {
    "size and scale_factor": lambda f, t: f.interpolate(t.zeros(1, 1, 4, 4), size=2, scale_factor=2),
    "neither": lambda f, t: f.interpolate(t.zeros(1, 1, 4, 4)),
    "size of the wrong length": lambda f, t: f.interpolate(t.zeros(1, 1, 4, 4), size=(2,)),
    "scale_factor of the wrong length": lambda f, t: f.interpolate(t.zeros(1, 1, 4, 4), scale_factor=(2, 2, 2)),
    "linear on 4-D": lambda f, t: f.interpolate(t.zeros(1, 1, 4, 4), size=2, mode="linear"),
    "bilinear on 3-D": lambda f, t: f.interpolate(t.zeros(1, 1, 4), size=2, mode="bilinear"),
    "trilinear on 4-D": lambda f, t: f.interpolate(t.zeros(1, 1, 4, 4), size=2, mode="trilinear"),
    "align_corners with nearest": lambda f, t: f.interpolate(t.zeros(1, 1, 4), size=2, align_corners=True),
    "unknown mode": lambda f, t: f.interpolate(t.zeros(1, 1, 4, 4), size=2, mode="fake"),
    "1-D input": lambda f, t: f.interpolate(t.zeros(4), size=2),
    "empty output": lambda f, t: f.interpolate(t.zeros(1, 1, 4, 4), scale_factor=0.1),
    "empty 1-D output": lambda f, t: f.interpolate(t.zeros(1, 1, 4), size=0),
}


@pytest.mark.parametrize("name", sorted(MISUSE))
def test_misuse_raises_torchs_error(name: str, raised) -> None:
    assert raised(lambda: MISUSE[name](F, gg)) == raised(lambda: MISUSE[name](TF, torch))


NEAREST = [(ndim, kw) for ndim, kw in CASES if kw["mode"].startswith("nearest")]


@pytest.mark.parametrize(("ndim", "kwargs"), NEAREST, ids=[f"{n}d-{k}" for n, k in NEAREST])
def test_nearest_modes_resize_uint8_as_torch(ndim: int, kwargs: dict) -> None:
    x = R.integers(0, 256, SHAPES[ndim]).astype(np.uint8)
    a, b = F.interpolate(gg.tensor(x), **kwargs), TF.interpolate(torch.tensor(x), **kwargs)
    assert str(a.dtype) == "uint8" and a.numpy().tolist() == b.numpy().tolist()


REFUSED = [(dtype, n, kw) for dtype in ["int64", "int32", "int16", "int8", "bool", "uint8"] for n, kw in CASES
           if dtype != "uint8" or kw["mode"] in ("linear", "trilinear")]  # torch resizes uint8 in the other modes


@pytest.mark.parametrize(("dtype", "ndim", "kwargs"), REFUSED, ids=[f"{d}-{n}d-{k}" for d, n, k in REFUSED])
def test_integer_inputs_raise_torchs_not_implemented(dtype: str, ndim: int, kwargs: dict) -> None:
    x = R.integers(0, 2, SHAPES[ndim]).astype(dtype)
    with pytest.raises(NotImplementedError) as theirs:
        TF.interpolate(torch.tensor(x), **kwargs)
    with pytest.raises(NotImplementedError) as ours:
        F.interpolate(gg.tensor(x), **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_uint8_bilinear_is_refused_rather_than_rounded_differently() -> None:
    x = R.integers(0, 256, SHAPES[4]).astype(np.uint8)
    TF.interpolate(torch.tensor(x), size=(7, 3), mode="bilinear")  # torch's fixed-point image kernel takes it
    with pytest.raises(NotImplementedError, match="bilinear mode on uint8"):
        F.interpolate(gg.tensor(x), size=(7, 3), mode="bilinear")
