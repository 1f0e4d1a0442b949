"""gg.train and plain loops train for real (moons, digits); history, NaN stop, graphs freed step after step."""

from __future__ import annotations

import gc
import math
import weakref

import numpy as np
import pytest

import glassgrad as gg
from glassgrad import nn, optim
from glassgrad.data import DataLoader, TensorDataset
from glassgrad.train import History, TrainingStopped, evaluate


def _accuracy(model: nn.Module, x: gg.Tensor, y: gg.Tensor) -> float:
    with gg.no_grad():
        out = model(x).numpy()
    pred = out.argmax(1) if out.shape[1] > 1 else (out[:, 0] > 0).astype(np.int64)
    return float((pred == y.numpy()).mean())


def test_moons_reach_97_percent_with_a_plain_loop() -> None:
    """micrograd's demo: MLP 2-16-16-1, max-margin loss + L2, SGD, full batch; vectorised."""
    gg.manual_seed(0)
    x, y = gg.data.moons(100, noise=0.1, seed=1)
    sign = gg.tensor(y.numpy() * 2.0 - 1.0).reshape(-1, 1)
    model = nn.MLP([2, 16, 16, 1])
    opt = optim.SGD(model.parameters(), lr=1.0)
    for k in range(200):
        opt.param_groups[0]["lr"] = 1.0 - 0.9 * k / 200
        opt.zero_grad()
        loss = gg.relu(1 - sign * model(x)).mean() + 1e-4 * sum((p * p).sum() for p in model.parameters())
        loss.backward()
        opt.step()
    assert _accuracy(model, x, y) >= 0.97


def test_digits_reach_95_percent_test_accuracy_with_gg_train() -> None:
    gg.manual_seed(0)
    xtr, ytr = gg.data.digits("train")
    xte, yte = gg.data.digits("test")
    model = nn.MLP([64, 64, 10])
    opt = optim.Adam(model.parameters(), lr=3e-3)
    history = gg.train(model, nn.CrossEntropyLoss(), opt, DataLoader(TensorDataset(xtr, ytr), 32, shuffle=True,
                                                                     seed=0),
                       epochs=8, val_loader=DataLoader(TensorDataset(xte, yte), 256), progress=False)
    assert history.stopped is None
    assert _accuracy(model, xte, yte) >= 0.95
    assert history.epochs[-1]["val_accuracy"] == pytest.approx(_accuracy(model, xte, yte))
    assert history.epochs[-1]["loss"] < history.epochs[0]["loss"]
    assert len(history.loss) == 8 * math.ceil(len(ytr) / 32)


def test_history_records_each_layers_gradient_norm() -> None:
    gg.manual_seed(1)
    x, y = gg.data.blobs(40, centers=3, seed=0)
    model = nn.MLP([2, 8, 3])
    norms = {"fc1": [], "fc2": []}

    class Spy(optim.SGD):
        def step(self, closure=None):
            for name in norms:
                layer = getattr(model, name)
                norms[name].append(math.sqrt(float((layer.weight.grad.numpy().astype(np.float64) ** 2).sum()
                                                   + (layer.bias.grad.numpy().astype(np.float64) ** 2).sum())))
            return super().step(closure)

    history = gg.train(model, nn.CrossEntropyLoss(), Spy(model.parameters(), lr=0.1),
                       DataLoader(TensorDataset(x, y), 10), epochs=2, progress=False)
    assert isinstance(history, History) and list(history.grad_norms) == ["fc1", "fc2"]
    for name in norms:
        np.testing.assert_allclose(history.grad_norms[name], norms[name], rtol=1e-5)
    assert len(history.loss) == 8 and "accuracy" in history.epochs[0]


def test_training_stops_on_nan_with_a_clear_message() -> None:
    x = gg.tensor([[1.0], [2.0], [float("nan")], [3.0]])
    y = gg.tensor([[1.0], [2.0], [3.0], [4.0]])
    model = nn.Linear(1, 1)
    before = model.weight.detach().numpy().copy()
    with pytest.warns(TrainingStopped, match=r"loss became nan at epoch 1, batch 2 \(step 2\)"):
        history = gg.train(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.0),
                           DataLoader(TensorDataset(x, y), 2), epochs=3, progress=False)
    assert "smaller learning rate" in history.stopped
    assert len(history.loss) == 1
    np.testing.assert_array_equal(model.weight.data, before)


def test_progress_bar_shows_loss_accuracy_and_speed(capsys) -> None:
    x, y = gg.data.blobs(20, centers=2, seed=0)
    gg.train(nn.MLP([2, 4, 2]), nn.CrossEntropyLoss(), optim.SGD(nn.MLP([2, 2]).parameters(), lr=0.1),
             DataLoader(TensorDataset(x, y), 5), epochs=1, progress=True)
    err = capsys.readouterr().err
    assert "epoch 1/1" in err and "loss=" in err and "acc=" in err and "samples/s=" in err


def test_evaluate_restores_training_mode() -> None:
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    x, y = gg.data.blobs(10, centers=2, seed=0)
    result = evaluate(model, nn.CrossEntropyLoss(), DataLoader(TensorDataset(x, y), 4))
    assert model.training and set(result) == {"loss", "accuracy"}


def test_graphs_are_freed_after_each_step() -> None:
    """Nothing from a finished step stays alive: no intermediate tensor and no graph node (memory stays flat)."""
    gg.manual_seed(0)
    model = nn.MLP([8, 16, 4])
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = gg.randn(32, 8), gg.randint(0, 4, (32,))
    refs = []
    for _ in range(50):
        opt.zero_grad()
        out = model(x)
        loss = nn.functional.cross_entropy(out, y)
        loss.backward()
        opt.step()
        refs += [weakref.ref(out), weakref.ref(loss), weakref.ref(loss.grad_fn), weakref.ref(out.grad_fn)]
        del out, loss
    gc.disable()
    try:
        alive = sum(r() is not None for r in refs)
    finally:
        gc.enable()
    assert alive == 0
