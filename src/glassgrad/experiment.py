"""A training run as the command line and the report do it: data (a built-in set or a CSV), a model (an MLP, or a
small CNN for the digits), an optimizer,
`gg.train` with its progress bar, then a checkpoint and pictures. One place, so both tell the same story."""

from __future__ import annotations

import json
import warnings
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

import glassgrad as gg
from glassgrad import plots
from glassgrad.train import TrainingStopped

TOY = ("moons", "circles", "xor", "spirals", "blobs")
DATASETS = ("digits", *TOY)
CNN_CHANNELS = (16, 32, 64)  # feature maps of the two conv layers, units of the hidden linear layer
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop", "adagrad": "Adagrad"}


@dataclass(frozen=True)
class Config:
    dataset: str = "digits"  # a built-in name or the path of a CSV file
    target: str | None = None  # the CSV's target column (name or index); default: the last column
    hidden: tuple[int, ...] = (64,)
    activation: str = "relu"
    optimizer: str = "adam"
    lr: float = 0.01
    epochs: int = 10
    batch_size: int = 64
    seed: int = 0
    test_fraction: float = 0.2
    model: str = "mlp"  # "mlp", or "cnn" (the digits only: their rows are 8×8 images)


@dataclass
class Data:
    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int  # 0 for regression
    feature_names: list[str]  # names of the input columns (axis labels of 2-D pictures)


@dataclass
class Run:
    config: Config
    data: Data
    model: Any
    losses: list[float]  # per step
    grad_norms: dict[str, list[float]]  # per layer (its weight and bias together), per step
    train_accuracy: float
    test_accuracy: float  # R² for regression


def load(config: Config) -> Data:
    """The data of a run, split into train and test reproducibly from the seed."""
    name = config.dataset
    if name == "digits":
        x_train, y_train = gg.data.digits("train", config.test_fraction, config.seed)
        x_test, y_test = gg.data.digits("test", config.test_fraction, config.seed)
        return Data(name, x_train._data, y_train._data, x_test._data, y_test._data, 10,
                    [f"pixel {r},{c}" for r in range(8) for c in range(8)])
    if name in TOY:
        x, y = getattr(gg.data, name)(n=400, seed=config.seed)
        x, y, names = x._data, y._data, [f"x{i + 1}" for i in range(x.shape[1])]
    else:
        path = Path(name)
        if not path.is_file():
            raise ValueError(f"unknown dataset {name!r}: give one of {', '.join(DATASETS)} or the path of a CSV file")
        table = gg.data.from_csv(path, target=_column(config.target))
        x, y = table.tensors[0]._data, table.tensors[1]._data
        names = table.feature_names
    y = y.reshape(-1) if y.ndim > 1 and y.shape[1] == 1 else y
    order = np.random.default_rng(config.seed).permutation(len(x))
    n_test = max(1, int(round(len(x) * config.test_fraction)))
    if len(x) - n_test < 1:
        raise ValueError(f"{name} has {len(x)} rows: too few to keep {n_test} for testing and still train")
    test, train = order[:n_test], order[n_test:]
    classes = int(y.max()) + 1 if y.dtype.kind in "iu" else 0
    if classes and y.min() < 0:
        raise ValueError(f"{name}: class labels must be 0, 1, 2, …; found {int(y.min())}")
    return Data(Path(name).stem, x[train], y[train], x[test], y[test], classes, names)


def _column(target: str | None) -> int | str:
    """A CSV target given on the command line: a column index ("3", "-1") or a column name; default the last."""
    if target is None:
        return -1
    return int(target) if target.lstrip("-").isdigit() else target


MODELS = ("mlp", "cnn")


def digits_cnn(classes: int = 10) -> Any:
    """A LeNet-style CNN for the 8×8 digits, fed their rows of 64 pixels: unflatten, two 3×3 conv → ReLU → 2×2
    max-pool stages (16 and 32 feature maps), dropout, then two linear layers. Its state dict loads into the
    torch.nn.Sequential of the same OrderedDict of torch layers."""
    nn = gg.nn
    return nn.Sequential(OrderedDict(
        unflatten=nn.Unflatten(1, (1, 8, 8)),
        conv1=nn.Conv2d(1, CNN_CHANNELS[0], 3, padding=1), relu1=nn.ReLU(), pool1=nn.MaxPool2d(2),
        conv2=nn.Conv2d(CNN_CHANNELS[0], CNN_CHANNELS[1], 3, padding=1), relu2=nn.ReLU(), pool2=nn.MaxPool2d(2),
        flatten=nn.Flatten(), dropout=nn.Dropout(0.25), fc1=nn.Linear(CNN_CHANNELS[1] * 4, CNN_CHANNELS[2]),
        relu3=nn.ReLU(),
        fc2=nn.Linear(CNN_CHANNELS[2], classes)))


def build_model(config: Config, data: Data) -> Any:
    if config.model not in MODELS:
        raise ValueError(f"unknown model {config.model!r}; choose one of {', '.join(MODELS)}")
    if config.model == "cnn":
        if data.name != "digits":
            raise ValueError(f"the cnn model reads 8×8 images: it trains on the digits, not on {data.name}")
        return digits_cnn(data.classes)
    sizes = [data.x_train.shape[1], *config.hidden, max(data.classes, 1)]
    return gg.nn.MLP(sizes, activation=config.activation)


def optimizer(config: Config, model: Any) -> Any:
    if config.optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {config.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    return getattr(gg.optim, OPTIMIZERS[config.optimizer])(model.parameters(), lr=config.lr)


def accuracy(model: Any, x: np.ndarray, y: np.ndarray, classes: int) -> float:
    """Share of correct classes, or R² for regression."""
    with gg.no_grad():
        model.eval()
        out = model(gg.tensor(x, dtype=gg.float32))._data
        model.train()
    if classes:
        return float(np.mean(out.argmax(1) == y))
    y = y.reshape(out.shape)
    return float(1 - np.sum((y - out) ** 2) / max(np.sum((y - y.mean()) ** 2), 1e-12))


def predictor(model: Any) -> Any:
    """The class a model gives each row of a NumPy array (for decision-boundary pictures)."""

    def predict(points: np.ndarray) -> np.ndarray:
        with gg.no_grad():
            return model(gg.tensor(points, dtype=gg.float32))._data.argmax(1)

    return predict


def run(config: Config, progress: bool = True) -> Run:
    """Train the configured model with `gg.train` (its progress bar shows loss, accuracy and speed)."""
    gg.manual_seed(config.seed)
    data = load(config)
    model = build_model(config, data)
    loss_fn = gg.nn.CrossEntropyLoss() if data.classes else gg.nn.MSELoss()

    def loader(x: np.ndarray, y: np.ndarray, shuffle: bool) -> Any:
        y = gg.tensor(y) if data.classes else gg.tensor(y.reshape(len(y), -1), dtype=gg.float32)
        return gg.data.DataLoader(gg.data.TensorDataset(gg.tensor(x, dtype=gg.float32), y), config.batch_size,
                                  shuffle=shuffle, seed=config.seed)

    # a diverging run overflows on its way to nan: gg.train stops there and says so, raised below as one line
    with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", TrainingStopped)
        history = gg.train(model, loss_fn, optimizer(config, model), loader(data.x_train, data.y_train, True),
                           config.epochs, val_loader=loader(data.x_test, data.y_test, False), progress=progress)
    if history.stopped:
        raise ValueError(history.stopped)
    return Run(config, data, model, history.loss, history.grad_norms,
               accuracy(model, data.x_train, data.y_train, data.classes),
               accuracy(model, data.x_test, data.y_test, data.classes))


def save(run: Run, out_dir: str | Path) -> list[Path]:
    """Checkpoint (safetensors), the run's settings and results (JSON), and its pictures (PNG and SVG)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    checkpoint = out / "model.safetensors"
    gg.save(run.model.state_dict(), checkpoint)
    summary = {"config": asdict(run.config), "train_accuracy": run.train_accuracy, "test_accuracy":
               run.test_accuracy, "final_loss": run.losses[-1] if run.losses else None}
    paths = [checkpoint, plots.write_atomic(out / "run.json", json.dumps(summary, indent=2).encode())]
    for stem, fig in figures(run).items():
        paths += plots.save(fig, out / stem)
    return paths


def figures(run: Run) -> dict[str, Any]:
    """The run's pictures: loss per step, gradient norm per layer, and the decision boundary for 2-D data."""
    figs = {"loss": plots.loss_curve(run.losses, f"Training loss on {run.data.name}", log=True)}
    if run.grad_norms:
        figs["grad_norms"] = plots.loss_curve(run.grad_norms, "Gradient norm per layer", log=True)
        figs["grad_norms"].axes[0].set_ylabel("‖∂L/∂θ‖ of the layer's weights and bias")
    if run.data.x_train.shape[1] == 2 and run.data.classes:
        figs["decision_boundary"] = plots.decision_boundary(
            predictor(run.model), run.data.x_train, run.data.y_train, f"Decision boundary on {run.data.name}",
            labels=tuple(run.data.feature_names))
    return figs
