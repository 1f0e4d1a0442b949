"""gg.train: an optional, small training loop with a progress bar and a history worth plotting.

It runs the four steps of the articles (forward, loss, backward, update) over a DataLoader, records the loss of
every step and each layer's gradient norm, and stops (with a message saying where and what to try) the moment
the loss or a gradient stops being finite. A plain loop written by hand keeps working; nothing here is needed.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassgrad.autograd import no_grad
from glassgrad.nn.module import Module
from glassgrad.optim.optimizer import Optimizer
from glassgrad.tensor import Tensor


class TrainingStopped(UserWarning):
    """Training stopped early because the loss or a gradient became nan or inf."""


@dataclass
class History:
    """What happened: `loss` per step, `grad_norms[layer]` per step, one summary dict per epoch."""

    loss: list[float] = field(default_factory=list)
    grad_norms: dict[str, list[float]] = field(default_factory=dict)
    epochs: list[dict[str, float]] = field(default_factory=list)
    stopped: str | None = None


def _layers(model: Module) -> dict[str, list[Tensor]]:
    """Parameters grouped by the module that owns them ("fc1": [weight, bias]), in model order."""
    groups: dict[str, list[Tensor]] = {}
    for name, p in model.named_parameters():
        owner = name.rpartition(".")[0] or name
        groups.setdefault(owner, []).append(p)
    return groups


def _correct(out: Tensor, y: Tensor) -> int | None:
    """How many predictions are right, for class-index targets (argmax) or 0/1 targets of one logit."""
    o, t = out._data, y._data
    if o.ndim == 2 and o.shape[1] > 1 and t.dtype.kind in "iu" and t.shape == o.shape[:1]:
        return int((o.argmax(1) == t).sum())
    if o.size == t.size and np.all((t == 0) | (t == 1)):
        return int(((o.reshape(-1) > 0) == (t.reshape(-1) > 0.5)).sum())
    return None


def _progress(total: int, desc: str, enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - the cli extra installs it
        return None
    return tqdm(total=total, desc=desc, unit="batch", leave=True, dynamic_ncols=True)


def evaluate(model: Module, loss_fn: Callable[[Tensor, Tensor], Tensor], loader: Iterable) -> dict[str, float]:
    """Mean loss (and accuracy, for classification) over `loader`, in eval mode and without recording graphs."""
    was_training = model.training
    model.eval()
    total, seen, correct = 0.0, 0, 0
    counts = True
    with no_grad():
        for x, y in loader:
            out = model(x)
            n = len(y)
            total += float(loss_fn(out, y).item()) * n
            seen += n
            c = _correct(out, y)
            counts = counts and c is not None
            correct += c or 0
    model.train(was_training)
    result = {"loss": total / max(seen, 1)}
    if counts and seen:
        result["accuracy"] = correct / seen
    return result


def train(model: Module, loss_fn: Callable[[Tensor, Tensor], Tensor], optimizer: Optimizer, loader: Iterable,
          epochs: int = 1, *, val_loader: Iterable | None = None, scheduler: Any = None, progress: bool = True,
          track_grad_norms: bool = True) -> History:
    """Train for `epochs` passes over `loader` (batches of (x, y)); returns the History.

    `scheduler.step()` runs after each epoch (ReduceLROnPlateau gets the epoch's validation loss, or training
    loss). The progress bar shows loss, accuracy and samples per second; `progress=False` turns it off.
    """
    history = History()
    layers = _layers(model) if track_grad_norms else {}
    for name in layers:
        history.grad_norms[name] = []
    step = 0
    for epoch in range(1, epochs + 1):
        model.train()
        bar = _progress(len(loader) if hasattr(loader, "__len__") else None, f"epoch {epoch}/{epochs}", progress)
        start, total, seen, correct, counts = time.perf_counter(), 0.0, 0, 0, True
        for batch, (x, y) in enumerate(loader, 1):
            step += 1
            optimizer.zero_grad()
            out = model(x)
            loss = loss_fn(out, y)
            value = float(loss.item())
            if not math.isfinite(value):
                return _stop(history, bar, f"the loss became {value} at epoch {epoch}, batch {batch} (step {step})")
            loss.backward()
            if track_grad_norms:
                for name, params in layers.items():
                    norm = math.sqrt(sum(float(np.vdot(p.grad._data, p.grad._data)) for p in params
                                         if p.grad is not None))
                    history.grad_norms[name].append(norm)
                    if not math.isfinite(norm):
                        return _stop(history, bar, f"the gradient of layer {name!r} became {norm} at epoch {epoch}, "
                                                   f"batch {batch} (step {step})")
            optimizer.step()
            history.loss.append(value)
            n = len(y)
            total, seen = total + value * n, seen + n
            c = _correct(out, y)
            counts = counts and c is not None
            correct += c or 0
            if bar is not None:
                bar.update(1)
                bar.set_postfix(_postfix(total / seen, correct / seen if counts else None,
                                         seen / (time.perf_counter() - start)), refresh=False)
        summary = {"epoch": epoch, "loss": total / max(seen, 1), "seconds": time.perf_counter() - start}
        summary["samples_per_s"] = seen / summary["seconds"] if summary["seconds"] else math.inf
        if counts and seen:
            summary["accuracy"] = correct / seen
        if val_loader is not None:
            summary.update({f"val_{k}": v for k, v in evaluate(model, loss_fn, val_loader).items()})
        history.epochs.append(summary)
        if bar is not None:
            bar.set_postfix(_postfix(summary["loss"], summary.get("accuracy"), summary["samples_per_s"],
                                     summary.get("val_accuracy")))
            bar.close()
        if scheduler is not None:
            if hasattr(scheduler, "best"):  # ReduceLROnPlateau watches a metric
                scheduler.step(summary.get("val_loss", summary["loss"]))
            else:
                scheduler.step()
    return history


def _postfix(loss: float, accuracy: float | None, speed: float, val_accuracy: float | None = None) -> dict[str, str]:
    shown = {"loss": f"{loss:.4f}"}
    if accuracy is not None:
        shown["acc"] = f"{accuracy:.1%}"
    if val_accuracy is not None:
        shown["val_acc"] = f"{val_accuracy:.1%}"
    shown["samples/s"] = f"{speed:,.0f}"
    return shown


def _stop(history: History, bar: Any, what: str) -> History:
    message = (f"gg.train stopped: {what}; the weights were not updated with it. Try a smaller learning rate, "
               "check the inputs for nan/inf, or run the step inside gg.autograd.detect_anomaly() to find the op.")
    history.stopped = message
    if bar is not None:
        bar.close()
    warnings.warn(message, TrainingStopped, stacklevel=3)
    return history
