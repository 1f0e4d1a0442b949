"""gg.autograd.Function (custom ops) and gg.autograd.functional against PyTorch, and how explain shows a custom op."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import glassgrad as gg

R = np.random.default_rng(0)


def _custom(lib):
    class MyCube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x**3 * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * ctx.k * x**2 * g, None

    class Clip(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            ctx.flags = ctx.needs_input_grad
            return (x * w).clamp(min=0)

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            mask = (x * w > 0).to(g.dtype)
            return g * mask * w, (g * mask * x).sum(0)

    return MyCube, Clip


@pytest.mark.parametrize("create_graph", [False, True])
def test_custom_function_matches_torch_first_and_second_order(create_graph: bool) -> None:
    x, w = R.standard_normal((4, 3)), R.standard_normal(3)
    results = []
    for lib in (gg, torch):
        cube, clip = _custom(lib)
        a, b = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = clip.apply(cube.apply(a, 0.5), b)
        gx, gw = lib.autograd.grad(y.sum(), (a, b), create_graph=create_graph)
        second = lib.autograd.grad((gx * gx).sum(), a)[0].detach().numpy() if create_graph else None
        results.append((y.detach().numpy(), gx.detach().numpy(), gw.detach().numpy(), second,
                        type(y.grad_fn).__name__ if lib is torch else y.grad_fn.name()))
    (*ours, our_name), (*theirs, their_name) = results
    for a, b in zip(ours, theirs):
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert our_name == their_name == "ClipBackward"


def test_needs_input_grad_and_saved_tensor_versions() -> None:
    cube, clip = _custom(gg)
    x, w = gg.randn(2, 3, requires_grad=True), gg.randn(3)
    y = clip.apply(x, w)
    assert y.grad_fn is not None and y.requires_grad
    w += 1  # changed after it was saved for backward
    with pytest.raises(RuntimeError, match="saved tensor 1 of ClipBackward is at version 1; expected version 0"):
        y.sum().backward()
    with gg.no_grad():
        assert not clip.apply(x, w).requires_grad


def test_backward_returning_the_wrong_number_or_shape_of_gradients_is_an_error() -> None:
    class Bad(gg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    with pytest.raises(RuntimeError, match="BadBackward returned an incorrect number of gradients"):
        Bad.apply(gg.ones(2, requires_grad=True)).sum().backward()

    class Shape(Bad):
        @staticmethod
        def backward(ctx, g):
            return g.sum()

    with pytest.raises(RuntimeError, match=r"invalid gradient at index 0 - got \[\] but expected shape"):
        Shape.apply(gg.ones(2, requires_grad=True)).sum().backward()


def test_explain_shows_a_custom_function_by_its_name_and_values() -> None:
    cube, _ = _custom(gg)
    x = gg.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = cube.apply(x, 0.5).sum()
    trace = gg.explain(y)
    text = str(trace)
    assert "MyCube(x, 0.5)" in text and "MyCube.backward(g)" in text
    np.testing.assert_allclose(x.grad.data, [1.5, 6.0])
    assert trace.grad(x).tolist() == [1.5, 6.0]


# --------------------------------------------------------------------------------------- autograd.functional

X, Y = R.standard_normal((3, 2)), R.standard_normal((3, 2))



FUNCS = {
    "tanh product": lambda x, y: (x * y).tanh().sum(0) * x[0],
    "exp": lambda x, y: (x.exp() + y * 2).sum(1),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_jacobian_vjp_jvp_match_torch(name: str) -> None:
    f = FUNCS[name]
    for create_graph in (False, True):
        ours = gg.autograd.functional.jacobian(f, (gg.tensor(X), gg.tensor(Y)), create_graph=create_graph)
        theirs = torch.autograd.functional.jacobian(f, (torch.tensor(X), torch.tensor(Y)), create_graph=create_graph)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-12, atol=1e-14)
            assert a.requires_grad == b.requires_grad
    v = R.standard_normal(f(gg.tensor(X), gg.tensor(Y)).shape)
    (o1, (a1, a2)) = gg.autograd.functional.vjp(f, (gg.tensor(X), gg.tensor(Y)), gg.tensor(v))
    (t1, (b1, b2)) = torch.autograd.functional.vjp(f, (torch.tensor(X), torch.tensor(Y)), torch.tensor(v))
    for a, b in [(o1, t1), (a1, b1), (a2, b2)]:
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-12, atol=1e-14)
    (o1, j1) = gg.autograd.functional.jvp(f, (gg.tensor(X), gg.tensor(Y)), (gg.tensor(Y), gg.tensor(X)))
    (t1, k1) = torch.autograd.functional.jvp(f, (torch.tensor(X), torch.tensor(Y)), (torch.tensor(Y),
                                                                                     torch.tensor(X)))
    np.testing.assert_allclose(j1.data, k1.numpy(), rtol=1e-12, atol=1e-14)


def test_hessian_and_hvp_match_torch() -> None:
    g = lambda x: (x**3).sum() * x.sin().sum()  # noqa: E731
    np.testing.assert_allclose(gg.autograd.functional.hessian(g, gg.tensor(X)).data,
                               torch.autograd.functional.hessian(g, torch.tensor(X)).numpy(), rtol=1e-12)
    h2 = lambda x, y: (x * y.exp()).sum()  # noqa: E731
    ours = gg.autograd.functional.hessian(h2, (gg.tensor(X), gg.tensor(Y)))
    theirs = torch.autograd.functional.hessian(h2, (torch.tensor(X), torch.tensor(Y)))
    for i in range(2):
        for j in range(2):
            np.testing.assert_allclose(ours[i][j].data, theirs[i][j].numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gg.autograd.functional.hvp(g, gg.tensor(X), gg.tensor(Y))[1].data,
                               torch.autograd.functional.hvp(g, torch.tensor(X), torch.tensor(Y))[1].numpy(),
                               rtol=1e-12)
    from glassgrad.autograd.functional import jacobian  # the import path PyTorch code uses

    assert jacobian is gg.autograd.functional.jacobian
