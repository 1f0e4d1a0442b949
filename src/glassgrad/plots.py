"""Pictures of learning: loss curves, a loss surface with descent paths, a learning-rate sweep, per-layer gradient
norms (sigmoid beside ReLU), a classifier's decision boundary, and the computation graph.

Every function returns a matplotlib `Figure` (Jupyter shows it inline) built without pyplot, on the Agg canvas,
so it works headless. `save` writes PNG and SVG atomically; `data_uri` inlines a figure into HTML.
"""

from __future__ import annotations

import base64
import io
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")


def _figure(width: float = 6.0, height: float = 4.0) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def loss_curve(losses: Sequence[float] | Mapping[str, Sequence[float]], title: str = "Loss",
               xlabel: str = "step", log: bool = False) -> Figure:
    """One curve per named run (or a single unnamed one)."""
    runs = losses if isinstance(losses, Mapping) else {"loss": losses}
    fig = _figure()
    ax = fig.add_subplot()
    for (name, values), color in zip(runs.items(), _COLORS * 4):
        ax.plot(np.arange(len(values)), np.asarray(values, dtype=float), label=str(name), color=color)
    ax.set(title=title, xlabel=xlabel, ylabel="loss")
    if log:
        ax.set_yscale("log")
    if len(runs) > 1:
        ax.legend()
    ax.grid(alpha=0.3)
    return fig


def loss_contour(surface: Callable[[np.ndarray, np.ndarray], np.ndarray], paths: Mapping[str, np.ndarray],
                 xlim: tuple[float, float] = (-2, 2), ylim: tuple[float, float] = (-2, 2),
                 labels: tuple[str, str] = ("u", "v"), title: str = "Gradient descent from several starts") -> Figure:
    """Contours of `surface` over two parameters with each descent path (start marked, arrows to the end)."""
    u, v = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
    z = surface(u, v)
    fig = _figure(6, 5.5)
    ax = fig.add_subplot()
    levels = np.quantile(z, np.linspace(0, 1, 25) ** 2)
    cs = ax.contourf(u, v, z, levels=np.unique(levels), cmap="viridis", alpha=0.85)
    ax.contour(u, v, z, levels=np.unique(levels), colors="white", linewidths=0.4, alpha=0.6)
    fig.colorbar(cs, ax=ax, label="cost")
    for (name, path), color in zip(paths.items(), ("#ff4136", "#ffdc00", "#ffffff", "#ff851b", "#f012be")):
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], "-o", color=color, markersize=2.5, linewidth=1.5, label=f"start {name}")
        ax.annotate(name, path[0], textcoords="offset points", xytext=(6, 6), color=color, fontweight="bold")
        ax.plot(*path[-1], marker="*", color=color, markersize=12, markeredgecolor="black")
    ax.set(title=title, xlabel=labels[0], ylabel=labels[1], xlim=xlim, ylim=ylim)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def lr_sweep(losses: Mapping[float, Sequence[float]], title: str = "Learning-rate sweep") -> Figure:
    """Loss over steps for each learning rate (log scale), and the final loss against the learning rate."""
    fig = _figure(10, 4)
    curves, finals = fig.subplots(1, 2)
    rates = sorted(losses)
    for lr, color in zip(rates, _COLORS * 4):
        values = _positive(losses[lr])
        curves.plot(np.arange(len(values)), values, color=color, label=f"lr {lr:g}")
    curves.set(title=title, xlabel="step", ylabel="loss", yscale="log")
    curves.legend(fontsize=7)
    curves.grid(alpha=0.3)
    finals.plot(rates, _positive([losses[lr][-1] for lr in rates]), "o-", color="#333333")
    finals.set(title="Final loss", xlabel="learning rate", ylabel="loss after the last step", yscale="log")
    finals.grid(alpha=0.3)
    return fig


def _positive(values: Sequence[float]) -> np.ndarray:
    """Values for a log axis: zeros (a loss reached exactly) are left out of the line instead of breaking it."""
    values = np.asarray(values, dtype=float)
    return np.where(values > 0, values, np.nan)


def gradient_norms(norms: Mapping[str, Sequence[float]], title: str = "Gradient norm per layer") -> Figure:
    """One panel per activation: ‖∂L/∂W‖ of each layer from input to output, on a shared log scale."""
    fig = _figure(4 * len(norms) + 1, 4)
    axes = np.atleast_1d(fig.subplots(1, len(norms), sharey=True))
    for ax, (name, values), color in zip(axes, norms.items(), _COLORS):
        layers = np.arange(1, len(values) + 1)
        ax.bar(layers, np.asarray(values, dtype=float), color=color)
        ax.set(title=f"{name}", xlabel="layer (1 = nearest the input)", yscale="log")
        ax.grid(alpha=0.3, axis="y")
    axes[0].set_ylabel("‖∂L/∂W‖")
    fig.suptitle(title)
    return fig


def decision_boundary(predict: Callable[[np.ndarray], np.ndarray], x: np.ndarray, y: np.ndarray,
                      title: str = "Decision boundary", resolution: int = 200,
                      labels: tuple[str, str] = ("x₁", "x₂")) -> Figure:
    """The class `predict` gives every point of the plane, with the data points on top."""
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    pad = 0.1 * (x.max(0) - x.min(0)) + 1e-9
    lo, hi = x.min(0) - pad, x.max(0) + pad
    gu, gv = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    classes = np.asarray(predict(np.column_stack([gu.ravel(), gv.ravel()]))).reshape(gu.shape)
    fig = _figure(5.5, 5)
    ax = fig.add_subplot()
    ax.contourf(gu, gv, classes, levels=np.arange(classes.max() + 2) - 0.5, cmap="coolwarm", alpha=0.35)
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap="coolwarm", edgecolors="black", s=18)
    ax.set(title=title, xlabel=labels[0], ylabel=labels[1])
    return fig


def image_grid(images: np.ndarray, predicted: Sequence[int], actual: Sequence[int], columns: int = 12,
               title: str = "Predictions") -> Figure:
    """Small images with the predicted class above each; wrong predictions in red, with the right class."""
    rows = -(-len(images) // columns)
    fig = _figure(columns * 0.8, rows * 0.95 + 0.4)
    for k, (image, p, a) in enumerate(zip(images, predicted, actual)):
        ax = fig.add_subplot(rows, columns, k + 1)
        ax.imshow(image, cmap="gray_r")
        ax.set_title(f"{p}" if p == a else f"{p} (is {a})", fontsize=8, color="#11802a" if p == a else "#c21b1b")
        ax.set_axis_off()
    fig.suptitle(title)
    return fig


def render(fig: Figure, fmt: str = "png") -> bytes:
    """The figure's bytes as PNG or SVG."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"unsupported image format {fmt!r}; use 'png' or 'svg'")
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=100, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def data_uri(fig: Figure, fmt: str = "png") -> str:
    """The figure as a data: URI, for HTML that must not load anything from outside itself."""
    if fmt == "svg":
        return svg_data_uri(render(fig, "svg").decode())
    return f"data:image/png;base64,{base64.b64encode(render(fig, fmt)).decode()}"


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write to a temporary file beside `path`, then rename it into place: readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def save(fig: Figure, stem: str | Path, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """Write `stem.png` and `stem.svg` (or the chosen formats); returns their paths."""
    stem = Path(stem)
    return [write_atomic(stem.with_suffix(f".{fmt}"), render(fig, fmt)) for fmt in formats]


def computation_graph(trace: Any, highlight: Any = None) -> str:
    """The computation graph as SVG text, drawn by the explain feature (`trace.graph()`), not redrawn here."""
    return trace.graph(highlight).svg


def svg_data_uri(svg: str) -> str:
    """SVG text (e.g. the computation graph) as a data: URI, for an <img> that needs nothing from outside."""
    return f"data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}"
