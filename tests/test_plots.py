"""Plots are valid images, and the contour plot draws exactly the parameters the optimizer went through."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import glassgrad as gg
from glassgrad import plots
from glassgrad.lessons import micro

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _figures() -> dict[str, object]:
    x = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    return {
        "loss": plots.loss_curve({"a": [3.0, 2.0, 1.0], "b": [3.0, 1.0, 0.5]}, log=True),
        "contour": plots.loss_contour(micro.surface, {"a": np.array([[0.3, 1.6], [1.0, 1.0]])}),
        "sweep": plots.lr_sweep({0.1: [1.0, 0.5, 0.0], 0.5: [1.0, 2.0, 4.0]}),
        "norms": plots.gradient_norms({"sigmoid": [1e-6, 1e-3, 1e-1], "relu": [0.1, 0.2, 0.1]}),
        "boundary": plots.decision_boundary(lambda p: (p[:, 0] > 0.5).astype(int), x, np.array([0, 1, 0, 1]),
                                            resolution=40),
    }


@pytest.mark.parametrize("name", ["loss", "contour", "sweep", "norms", "boundary"])
def test_every_plot_saves_a_valid_png_and_svg(name: str, tmp_path) -> None:
    png, svg = plots.save(_figures()[name], tmp_path / name)
    assert png.read_bytes().startswith(PNG_MAGIC)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert sorted(os.listdir(tmp_path)) == [f"{name}.png", f"{name}.svg"]  # no temporary files left behind
    assert oct(png.stat().st_mode & 0o777) == "0o644"


def test_data_uri_and_bad_format() -> None:
    fig = plots.loss_curve([1.0, 0.5])
    assert plots.data_uri(fig).startswith("data:image/png;base64,iVBORw0KGgo")  # base64 of the PNG magic
    assert plots.data_uri(fig, "svg").startswith("data:image/svg+xml;base64,")
    with pytest.raises(ValueError, match="unsupported image format 'gif'"):
        plots.render(fig, "gif")


def _numpy_descent(start: tuple[float, float], lr: float, steps: int) -> np.ndarray:
    """Gradient descent on (u²−1)² + (v²−1)² with the gradient derived by hand: 4u(u²−1)."""
    p = np.array(start)
    visited = [p.copy()]
    for _ in range(steps):
        p = p - lr * 4 * p * (p**2 - 1)
        visited.append(p.copy())
    return np.array(visited)


def _optimizer_descent(start: tuple[float, float], lr: float, steps: int) -> np.ndarray:
    """The same descent with gg.optim.SGD, recording the parameters after every step."""
    u = gg.tensor(start[0], dtype=gg.float64, requires_grad=True)
    v = gg.tensor(start[1], dtype=gg.float64, requires_grad=True)
    opt = gg.optim.SGD([u, v], lr=lr)
    visited = [start]
    for _ in range(steps):
        opt.zero_grad()
        ((u**2 - 1) ** 2 + (v**2 - 1) ** 2).backward()
        opt.step()
        visited.append((u.item(), v.item()))
    return np.array(visited)


def test_contour_path_follows_the_optimizers_recorded_parameters() -> None:
    starts = micro.STARTS
    paths = {name: micro.descent_path(s, lr=0.05, steps=30) for name, s in starts.items()}
    for name, s in starts.items():
        np.testing.assert_allclose(paths[name], _optimizer_descent(s, 0.05, 30), rtol=0, atol=1e-12)
        np.testing.assert_allclose(paths[name], _numpy_descent(s, 0.05, 30), rtol=0, atol=1e-12)
    fig = plots.loss_contour(micro.surface, paths)
    drawn = {line.get_label(): line.get_xydata() for line in fig.axes[0].lines}
    for name in starts:
        np.testing.assert_array_equal(drawn[f"start {name}"], paths[name])
    assert {name: tuple(np.round(p[-1], 3)) for name, p in paths.items()} == {
        "a": (1.0, 1.0), "b": (-1.0, -1.0), "e": (-1.0, 1.0)}


def test_gradient_norm_bars_are_the_norms() -> None:
    norms = {"sigmoid": [1e-6, 1e-3, 1e-1], "relu": [0.1, 0.2, 0.1]}
    fig = plots.gradient_norms(norms)
    for ax, values in zip(fig.axes, norms.values()):
        assert [bar.get_height() for bar in ax.patches] == values


def test_decision_boundary_colours_the_plane_by_the_predicted_class() -> None:
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    fig = plots.decision_boundary(lambda p: (p[:, 0] + p[:, 1] > 1).astype(int), x, np.array([0, 1]),
                                  resolution=30)
    filled = fig.axes[0].collections[0]
    assert len(filled.get_paths()) >= 2  # both classes have a region


def test_model_contour_draws_the_sgd_parameters_of_a_real_model() -> None:
    """a = i·w + b fitted by gg.optim.SGD: the drawn path is the optimizer's, and matches a NumPy descent."""
    i, y = np.array([p[0] for p in micro.LINE_DATA]), np.array([p[1] for p in micro.LINE_DATA])
    paths = {name: micro.optimizer_path(s, lr=0.15, steps=40) for name, s in micro.LINE_STARTS.items()}
    for name, start in micro.LINE_STARTS.items():
        p = np.array(start)
        expected = [p.copy()]
        for _ in range(40):
            residual = i * p[0] + p[1] - y
            p = p - 0.15 * np.array([np.mean(2 * residual * i), np.mean(2 * residual)])
            expected.append(p.copy())
        np.testing.assert_allclose(paths[name], np.array(expected), rtol=0, atol=1e-12)
    fig = plots.loss_contour(micro.line_cost, paths, (-1.5, 4.5), (-4, 3.5), ("w", "b"))
    drawn = {line.get_label(): line.get_xydata() for line in fig.axes[0].lines}
    for name in paths:
        np.testing.assert_array_equal(drawn[f"start {name}"], paths[name])
    assert micro.line_cost(np.array(2.0), np.array(-1.0)) == 0.0


def test_image_grid_marks_wrong_predictions() -> None:
    images = np.zeros((3, 8, 8))
    fig = plots.image_grid(images, [1, 2, 3], [1, 7, 3], columns=3)
    titles = [(ax.get_title(), ax.title.get_color()) for ax in fig.axes]
    assert titles == [("1", "#11802a"), ("2 (is 7)", "#c21b1b"), ("3", "#11802a")]
    assert plots.render(fig).startswith(PNG_MAGIC)
