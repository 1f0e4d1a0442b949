"""Runtime and configuration names a tutorial reaches for, compared with PyTorch itself."""

import numpy as np
import pytest
import torch

import glassgrad as gg

_OPTIONS = [{}, {"precision": 2}, {"threshold": 5}, {"profile": "short"}, {"sci_mode": True}, {"sci_mode": False},
            {"linewidth": 40}, {"edgeitems": 1, "threshold": 3}, {"precision": 6, "linewidth": 120}]
_VALUES = [np.array([1.12345, 2.5, -3.0]), np.arange(10), np.linspace(0, 1, 2000), np.array([1e-5, 1.0, 123.0]),
           np.array([1.0, 2.0]), np.random.default_rng(0).normal(size=(6, 8)), np.arange(30.0).reshape(3, 10) / 7,
           np.arange(24).reshape(2, 3, 4), np.array([True, False]), np.array([1.5, np.nan, np.inf]), np.array(3.25),
           np.arange(2000).reshape(2, 10, 100), np.zeros((0, 3))]


@pytest.fixture
def restore_printoptions():
    yield
    torch.set_printoptions(profile="default")
    gg.set_printoptions(profile="default")


@pytest.mark.parametrize("options", _OPTIONS, ids=str)
def test_set_printoptions_prints_as_torch(options, restore_printoptions) -> None:
    torch.set_printoptions(**options)
    gg.set_printoptions(**options)
    for v in _VALUES:
        v = v.astype(np.float32) if v.dtype.kind == "f" else v
        assert repr(gg.tensor(v)) == repr(torch.tensor(v)), v


def test_repr_suffixes_wrap_at_the_line_width_as_torch(restore_printoptions) -> None:
    x = np.linspace(0, 1, 7, dtype=np.float64)
    assert repr(gg.tensor(x)) == repr(torch.tensor(x)).replace("torch", "glassgrad")
    y = gg.ones(3, requires_grad=True) * 2
    assert repr(y) == "tensor([2., 2., 2.], grad_fn=<MulBackward0>)" == repr(torch.ones(3, requires_grad=True) * 2)
    gg.set_printoptions(linewidth=30)
    torch.set_printoptions(linewidth=30)
    assert repr(gg.ones(3, requires_grad=True) * 2) == repr(torch.ones(3, requires_grad=True) * 2)


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_finfo_as_torch(name) -> None:
    a, b = gg.finfo(getattr(gg, name)), torch.finfo(getattr(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(a, attr) == getattr(b, attr), attr
    assert gg.finfo().eps == torch.finfo().eps


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_as_torch(name) -> None:
    a, b = gg.iinfo(getattr(gg, name)), torch.iinfo(getattr(torch, name))
    assert (a.bits, a.max, a.min, a.dtype) == (b.bits, b.max, b.min, b.dtype)


def test_dtype_questions_as_torch() -> None:
    names = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"]
    for p in names:
        for q in names:
            assert gg.promote_types(getattr(gg, p), getattr(gg, q)).name == str(
                torch.promote_types(getattr(torch, p), getattr(torch, q))).removeprefix("torch."), (p, q)
    x = gg.ones(2)
    assert isinstance(x.dtype, gg.dtype) and x.dtype == gg.float32
    assert gg.is_floating_point(x) and not gg.is_floating_point(gg.arange(3)) and not gg.is_complex(x)


def test_num_threads_remembered() -> None:
    before = gg.get_num_threads()
    gg.set_num_threads(1)
    assert gg.get_num_threads() == 1
    gg.set_num_threads(before)


@pytest.mark.parametrize("cast", ["half", "byte", "short", "char", "float", "double", "long", "int", "bool"])
def test_tensor_casts_and_sizes_as_torch(cast) -> None:
    a, b = getattr(gg.tensor([[1.5, -2.0, 3.0]]), cast)(), getattr(torch.tensor([[1.5, -2.0, 3.0]]), cast)()
    assert a.dtype.name == str(b.dtype).removeprefix("torch.") and a.tolist() == b.tolist()
    assert (a.element_size(), a.itemsize, a.nbytes, a.ndimension()) == (b.element_size(), b.itemsize, b.nbytes,
                                                                      b.ndimension())
    assert (a.is_floating_point(), a.is_complex(), a.is_cuda, a.get_device()) == (
        b.is_floating_point(), b.is_complex(), b.is_cuda, b.get_device())
