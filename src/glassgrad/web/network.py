"""One playground run: the data, the network a config describes, its optimizer, and training in bounded chunks.

Everything is float64 (the numbers the page shows are the engine's own, to the last digit), and everything is
seeded by the config: the same config gives the same starting weights and the same batches, which is what makes
a shared URL reproduce a run.
"""

from __future__ import annotations

import base64
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import glassgrad as gg
from glassgrad import nn
from glassgrad.nn import functional as F
from glassgrad.web.schemas import (
    MAX_CLASSES,
    MAX_FEATURES,
    MAX_ROWS,
    MAX_STEPS_PER_REQUEST,
    REGRESSION_SETS,
    NetworkConfig,
)

MODULES = {"identity": nn.Identity, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "tanh": nn.Tanh,
           "sigmoid": nn.Sigmoid}
# the inputs a 2-D dataset offers, as TensorFlow Playground's: name shown, and how glassgrad computes it from x1, x2
FEATURES: dict[str, tuple[str, Callable[[gg.Tensor, gg.Tensor], gg.Tensor]]] = {
    "x1": ("x1", lambda a, b: a), "x2": ("x2", lambda a, b: b), "x1sq": ("x1²", lambda a, b: a ** 2),
    "x2sq": ("x2²", lambda a, b: b ** 2), "x1x2": ("x1·x2", lambda a, b: a * b),
    "sinx1": ("sin(x1)", lambda a, b: gg.sin(a)), "sinx2": ("sin(x2)", lambda a, b: gg.sin(b)),
}
HISTORY = 2000  # loss values kept per session
GRID = 100  # decision-boundary resolution per axis
PICTURE = 20  # resolution per axis of each neuron's picture
TRAIN_SECONDS = 1.0  # a train request stops after this much work; its reply says how many steps ran
_SEEDING = threading.Lock()  # gg's random generator is process-wide, like torch's: seed and draw in one go
_QUIET = np.errstate(over="ignore", invalid="ignore", divide="ignore")  # a diverging run is reported, not warned


class PlaygroundError(ValueError):
    """A request that is well-formed but cannot be served (e.g. a loss that does not fit the data): a 400."""


@dataclass
class Dataset:
    x: np.ndarray  # (n, features) float64
    y: np.ndarray  # (n,) float64 class labels or regression targets
    feature_names: list[str]
    source: str
    task: str | None = None  # 'classification' or 'regression' where the file's reader decided; None: from y

    @property
    def classes(self) -> int:
        """How many classes the targets name (0 for a regression, or targets that are not small whole numbers)."""
        if self.task == "regression":
            return 0
        if self.task == "classification" or (np.all(self.y == np.round(self.y)) and self.y.min() >= 0
                                             and self.y.max() < MAX_CLASSES):
            return int(self.y.max()) + 1
        return 0


def builtin_dataset(config: NetworkConfig) -> Dataset:
    """The config's inline rows, or its built-in 2-D dataset generated with its seed."""
    if config.data is not None:
        x = np.asarray(config.data.x, dtype=np.float64)
        names = [f"x{i + 1}" for i in range(x.shape[1])]
        return Dataset(x, np.asarray(config.data.y, dtype=np.float64), names, "inline")
    n, noise, seed = config.samples, config.noise, config.seed
    if config.dataset in REGRESSION_SETS:  # TensorFlow Playground's two regressions, on [−1, 1]²
        x, y = getattr(gg.data, config.dataset)(n, noise=noise, seed=seed)
    elif config.dataset == "blobs":  # three Gaussian clusters; noise widens them
        x, y = gg.data.blobs(n, centers=3, std=1.0 + 10.0 * noise, seed=seed)
    elif config.dataset == "spirals":  # two arms, as in TensorFlow Playground
        x, y = gg.data.spirals(n, classes=2, noise=noise, seed=seed)
    else:
        x, y = getattr(gg.data, config.dataset)(n, noise=noise, seed=seed)
    return Dataset(np.asarray(x._data, dtype=np.float64), np.asarray(y._data, dtype=np.float64).reshape(-1),
                   ["x1", "x2"], config.dataset)


def csv_dataset(path: str, target: str | int | None, filename: str, task: str | None = None) -> Dataset:
    """An uploaded CSV through gg.data.from_csv (`task` None infers it), within the playground's size bounds."""
    try:
        ds = gg.data.from_csv(path, target=-1 if target is None else target, task=task)
    except (ValueError, IndexError, KeyError) as e:  # from_csv's messages name the line and column; not our path
        raise PlaygroundError(str(e).replace(path, filename)) from None
    x, y = (np.asarray(t._data, dtype=np.float64) for t in ds.tensors)
    if ds.task == "classification" and not 0 <= y.min() <= y.max() < MAX_CLASSES:
        how = f"inferred: {ds.inferred}" if ds.inferred else "task 'classification'"
        raise PlaygroundError(f"{filename}: the playground takes class labels 0 to {MAX_CLASSES - 1}; the target "
                              f"column {ds.target_name!r} has {int(y.min())} to {int(y.max())} ({how})")
    if x.ndim != 2 or not 1 <= x.shape[1] <= MAX_FEATURES:
        raise PlaygroundError(f"{filename}: the playground takes 1 to {MAX_FEATURES} feature columns, "
                              f"got {x.shape[1] if x.ndim == 2 else 0}")
    if not 1 <= len(x) <= MAX_ROWS:
        raise PlaygroundError(f"{filename}: the playground takes 1 to {MAX_ROWS} rows, got {len(x)}")
    names = list(ds.feature_names)
    return Dataset(x, y.reshape(-1), names, f"upload: {filename}", ds.task)


class Run:
    """A network being trained on a dataset, one bounded chunk of steps per request."""

    def __init__(self, config: NetworkConfig, data: Dataset) -> None:
        self.config = config
        self.data = data
        self.input_names = data.feature_names if config.features is None else [FEATURES[f][0] for f in config.features]
        self.inputs = self.features(data.x)
        self.train_rows, self.test_rows = self._split()
        self.outputs = self._output_width()
        self.sizes = [self.inputs.shape[1], *config.hidden, self.outputs]
        self.plane = self._plane() if data.x.shape[1] == 2 else None
        self.reset()

    def features(self, x: np.ndarray) -> np.ndarray:
        """The network's inputs for raw rows `x`: the config's features of (x1, x2), or the columns themselves."""
        if self.config.features is None:
            return x
        if x.shape[1] != 2:
            raise PlaygroundError(f"features {self.config.features} are made from two columns x1, x2; this data has "
                                  f"{x.shape[1]}: leave features out (null) to use its columns as they are")
        with gg.no_grad():
            x1, x2 = gg.tensor(x[:, 0], dtype=gg.float64), gg.tensor(x[:, 1], dtype=gg.float64)
            return np.stack([np.asarray(FEATURES[f][1](x1, x2)._data) for f in self.config.features], axis=1)

    def _split(self) -> tuple[np.ndarray, np.ndarray]:
        """Training and test rows (sorted): a share `test_fraction` held out, chosen by the seed; one row trains."""
        n = len(self.data.x)
        held = min(int(n * self.config.test_fraction), n - 1)
        order = np.random.default_rng([self.config.seed, 1]).permutation(n)
        return np.sort(order[held:]), np.sort(order[:held])

    def _plane(self) -> dict:
        """The grids the page paints over the data (2-D data only): their extent, and what the network is fed
        at each point; the pictures' points also get the label of the nearest training example."""
        lo, hi = self.data.x.min(axis=0), self.data.x.max(axis=0)
        pad = np.maximum((hi - lo) * 0.1, 0.5)
        lo, hi = lo - pad, hi + pad
        extent = {"x_min": float(lo[0]), "x_max": float(hi[0]), "y_min": float(lo[1]), "y_max": float(hi[1])}

        def points(k: int) -> np.ndarray:  # row by row from the top, as the page draws
            gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], k), np.linspace(hi[1], lo[1], k))
            return np.stack([gx.ravel(), gy.ravel()], axis=1)

        pictures = points(PICTURE)
        train = self.data.x[self.train_rows]
        distance = (pictures ** 2).sum(1)[:, None] - 2 * pictures @ train.T + (train ** 2).sum(1)[None, :]
        nearest = self.train_rows[distance.argmin(axis=1)]
        return {"extent": extent, "boundary": self.features(points(GRID)), "points": pictures,
                "pictures": self.features(pictures), "labels": self.data.y[nearest]}

    def _output_width(self) -> int:
        loss, classes = self.config.loss, self.data.classes
        if loss == "cross_entropy":
            if classes < 2:
                raise PlaygroundError("loss 'cross_entropy' needs class labels 0, 1, … in the target column")
            return classes
        if loss == "bce" and (classes != 2 and not np.all((self.data.y >= 0) & (self.data.y <= 1))):
            raise PlaygroundError(f"loss 'bce' needs targets between 0 and 1; this data has {classes or 'non-class'} "
                                  "targets: use 'cross_entropy' for several classes or 'mse' for regression")
        if loss == "mse" and classes > 2:
            raise PlaygroundError(f"this data has {classes} classes: use loss 'cross_entropy' (one output per class)")
        return 1

    # ----------------------------------------------------------------------------------------- the network
    def reset(self) -> None:
        """Starting weights from the seed (or the config's explicit ones), a fresh optimizer, no history."""
        layers: list[nn.Module] = []
        with _SEEDING:
            gg.manual_seed(self.config.seed)
            for fan_in, fan_out, act in zip(self.sizes, self.sizes[1:], self.config.activations):
                layers += [nn.Linear(fan_in, fan_out, bias=self.config.bias, dtype=gg.float64), MODULES[act]()]
        self.model = nn.Sequential(*layers)
        if self.config.weights is not None:
            self._set_weights()
        self.optimizer = self._optimizer()
        self.batch_rng = np.random.default_rng(self.config.seed)
        self.order = np.arange(0)
        self.step = self.epoch = 0
        self.losses: deque[float] = deque(maxlen=HISTORY)
        self.history: deque[dict] = deque(maxlen=HISTORY)
        self._record()

    def linears(self) -> list[nn.Linear]:
        return list(self.model)[0::2]

    def activations(self) -> list[nn.Module]:
        return list(self.model)[1::2]

    def _set_weights(self) -> None:
        with gg.no_grad():
            for i, (layer, given) in enumerate(zip(self.linears(), self.config.weights)):
                w = np.asarray(given.weight, dtype=np.float64)
                if w.shape != tuple(layer.weight.shape):
                    raise PlaygroundError(f"weights[{i}].weight: layer {i + 1} is {layer.weight.shape[0]}×"
                                          f"{layer.weight.shape[1]} (out × in), got {w.shape[0]}×{w.shape[1]}")
                layer.weight._data[...] = w
                if given.bias is not None:
                    if layer.bias is None or len(given.bias) != layer.bias.shape[0]:
                        raise PlaygroundError(f"weights[{i}].bias: layer {i + 1} has "
                                              f"{0 if layer.bias is None else layer.bias.shape[0]} biases, "
                                              f"got {len(given.bias)}")
                    layer.bias._data[...] = np.asarray(given.bias, dtype=np.float64)

    def _optimizer(self) -> gg.optim.Optimizer:
        params, lr = self.model.parameters(), self.config.lr
        if self.config.optimizer == "adam":
            return gg.optim.Adam(params, lr=lr)
        return gg.optim.SGD(params, lr=lr, momentum=0.9 if self.config.optimizer == "momentum" else 0.0)

    def targets(self, rows: np.ndarray) -> gg.Tensor:
        return self.target_tensor(self.data.y[rows])

    def target_tensor(self, y: np.ndarray) -> gg.Tensor:
        if self.config.loss == "cross_entropy":
            return gg.tensor(y.astype(np.int64))
        return gg.tensor(y.reshape(-1, 1), dtype=gg.float64)

    def loss_of(self, out: gg.Tensor, target: gg.Tensor, reduction: str = "mean") -> gg.Tensor:
        if self.config.loss == "mse":
            return F.mse_loss(out, target, reduction=reduction)
        if self.config.loss == "bce":
            return F.binary_cross_entropy(out, target, reduction=reduction)
        return F.cross_entropy(out, target, reduction=reduction)

    def regularizer(self, weights: list[gg.Tensor]) -> gg.Tensor | None:
        """R = Σ w² (l2) or Σ |w| (l1) over every weight, biases left alone (as TensorFlow Playground does);
        the loss minimized is then data loss + λ·R, so each weight's gradient gains 2λw (l2) or λ·sign(w) (l1)."""
        kind = self.config.regularization
        if kind == "none":
            return None
        parts = [(w ** 2).sum() if kind == "l2" else w.abs().sum() for w in weights]
        r = sum(parts[1:], parts[0])
        r.name = "R"
        return r

    # ------------------------------------------------------------------------------------------- training
    def steps_per_epoch(self) -> int:
        return math.ceil(len(self.train_rows) / self.config.batch_size)

    def _next_batch(self) -> np.ndarray:
        if len(self.order) == 0:
            self.order = self.train_rows[self.batch_rng.permutation(len(self.train_rows))]
        rows, self.order = self.order[: self.config.batch_size], self.order[self.config.batch_size:]
        if len(self.order) == 0:
            self.epoch += 1
        return rows

    @_QUIET
    def train(self, steps: int | None = None, epochs: int | None = None,
              seconds: float = TRAIN_SECONDS) -> list[float]:
        """Take `steps` optimizer steps, or enough to finish `epochs` more epochs; return each step's loss.

        It stops early, after at least one step, once `seconds` have passed: a request's work is bounded whatever
        the network and batch, and the steps taken are the same ones, in the same order, however they are split.
        """
        if epochs is not None:
            left_in_epoch = math.ceil(len(self.order) / self.config.batch_size)
            steps = left_in_epoch + (epochs - (1 if left_in_epoch else 0)) * self.steps_per_epoch()
        if steps is None or steps > MAX_STEPS_PER_REQUEST:
            raise PlaygroundError(f"that is {steps} steps in one request; the limit is {MAX_STEPS_PER_REQUEST}: "
                                  "ask for fewer epochs, or a larger batch size")
        deadline = time.monotonic() + seconds
        new: list[float] = []
        while len(new) < steps and (not new or time.monotonic() < deadline):
            rows = self._next_batch()
            self.optimizer.zero_grad()
            loss = self.loss_of(self.model(gg.tensor(self.inputs[rows], dtype=gg.float64)), self.targets(rows))
            r = self.regularizer([layer.weight for layer in self.linears()])
            if r is not None:
                loss = loss + self.config.regularization_rate * r
            loss.backward()
            self.optimizer.step()
            value = float(loss.item())
            if not math.isfinite(value):
                raise PlaygroundError(f"the loss became {value} at step {self.step + 1}: the learning rate "
                                      f"{self.config.lr} is too large for this network; lower it and reset")
            self.step += 1
            self.losses.append(value)
            new.append(value)
        self._record()
        return new

    def _record(self) -> None:
        """Training and test loss now, for the curves (after each chunk of steps, and at the start)."""
        loss, test_loss = self.evaluate(self.train_rows)[0], self.evaluate(self.test_rows)[0]
        self.history.append({"step": self.step, "loss": finite_or_none(loss), "test_loss": finite_or_none(test_loss)})

    # ------------------------------------------------------------------------------------------ read-outs
    @_QUIET
    def predict(self, x: np.ndarray) -> np.ndarray:
        with gg.no_grad():
            return np.asarray(self.model(gg.tensor(x, dtype=gg.float64))._data)

    @_QUIET
    def evaluate(self, rows: np.ndarray) -> tuple[float | None, float | None]:
        """Data loss and accuracy over `rows` (accuracy for the classification losses only; None for no rows)."""
        if len(rows) == 0:
            return None, None
        out = self.predict(self.inputs[rows])
        y = self.data.y[rows]
        with gg.no_grad():
            loss = float(self.loss_of(gg.tensor(out, dtype=gg.float64), self.targets(rows)).item())
        if self.config.loss == "cross_entropy":
            return loss, float(np.mean(out.argmax(axis=1) == y))
        if self.config.loss == "bce":
            return loss, float(np.mean((out[:, 0] > 0.5) == (y > 0.5)))
        return loss, None  # mse: a regression, where accuracy means nothing

    @_QUIET
    def penalty(self) -> float | None:
        """λ·R of the current weights (None without regularization)."""
        with gg.no_grad():
            r = self.regularizer([layer.weight for layer in self.linears()])
        return None if r is None else self.config.regularization_rate * float(r.item())

    @_QUIET
    def boundary(self) -> dict | None:
        """The model's output at every point of a GRID × GRID square around the data (2-D data): one forward."""
        if self.plane is None:
            return None
        out = self.predict(self.plane["boundary"])
        classes, scale = None, [0.0, 1.0]
        if self.config.loss == "cross_entropy":
            p = np.exp(out - out.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            values, classes, kind = p.max(axis=1), _pack(p.argmax(axis=1), np.uint8), "classes"
        elif self.config.loss == "bce":
            values, kind = out[:, 0], "probability"
        else:  # a regression: coloured from the lowest to the highest training target
            y = self.data.y[self.train_rows]
            values, kind = out[:, 0], "regression"
            scale = [float(y.min()), float(y.max())] if y.max() > y.min() else [float(y.min()) - 1, float(y.max()) + 1]
        return {**self.plane["extent"], "nx": GRID, "ny": GRID, "kind": kind, "values": _pack(values),
                "classes": classes, "range": scale}

    @_QUIET
    def pictures(self) -> dict | None:
        """Each neuron's output a and its δ at every point of a PICTURE × PICTURE square (2-D data).

        The points go through the network as one batch; the loss is the sum over points of each point's data
        loss with the label of its nearest training example, so ∂loss/∂z at a point is that point's own δ
        (points do not interact), from one backward pass (gg.autograd.grad: the weights' .grad stay as they are).
        """
        if self.plane is None:
            return None
        a = gg.tensor(self.plane["pictures"], dtype=gg.float64)
        zs, acts = [], []
        for layer, module in zip(self.linears(), self.activations()):
            z = layer(a)
            a = module(z)
            zs.append(z)
            acts.append(a)
        loss = self.loss_of(a, self.target_tensor(self.plane["labels"]), reduction="sum")
        deltas = gg.autograd.grad(loss, zs)
        layers = [_layer_pictures(self.plane["pictures"], None)]
        layers += [_layer_pictures(np.asarray(a._data), np.asarray(d._data)) for a, d in zip(acts, deltas)]
        return {**self.plane["extent"], "nx": PICTURE, "ny": PICTURE, "layers": layers}

    def layer_snapshots(self) -> list[dict]:
        """Each layer's weights and the gradients of the last step, with the gradient norm per layer."""
        snaps = []
        for i, layer in enumerate(self.linears()):
            wg = layer.weight.grad
            bg = layer.bias.grad if layer.bias is not None else None
            snaps.append({
                "name": f"layer {i + 1}",
                "weight": _finite(layer.weight._data),
                "bias": None if layer.bias is None else _finite(layer.bias._data),
                "weight_grad": None if wg is None else _finite(wg._data),
                "bias_grad": None if bg is None else _finite(bg._data),
                "grad_norm": None if wg is None else float(np.linalg.norm(wg._data)),
            })
        return snaps


def _layer_pictures(outputs: np.ndarray, deltas: np.ndarray | None) -> dict:
    """One layer's pictures, (points × units) arrays packed unit by unit, each row-major over the grid."""
    out = np.nan_to_num(outputs.T)
    d = None if deltas is None else np.nan_to_num(deltas.T)
    return {"outputs": _pack(out), "deltas": None if d is None else _pack(d),
            "output_scale": float(np.abs(out).max(initial=0.0)),
            "delta_scale": None if d is None else float(np.abs(d).max(initial=0.0))}


def _pack(a: np.ndarray, dtype: type = np.float32) -> str:
    """An array as base64 of its little-endian float32 (or uint8) values: 10,000 numbers in 53 kB, not 200."""
    a = np.asarray(a, dtype=np.float64)
    if dtype is np.float32:
        a = np.clip(np.nan_to_num(a), -3e38, 3e38)
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()).decode()


def finite_or_none(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) else None


def _finite(a: np.ndarray) -> list:
    """Plain JSON numbers: NaN and ±inf (from a diverged run) become None-free finite sentinels."""
    return np.nan_to_num(np.asarray(a, dtype=np.float64), nan=0.0, posinf=1e308, neginf=-1e308).tolist()
