"""gg.train and plain loops train for real (moons, digits); history, NaN stop, graphs freed step after step."""

from __future__ import annotations

import gc
import math
import weakref
from collections import OrderedDict

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


def test_cnn_reaches_98_percent_on_the_digits_and_its_checkpoint_runs_in_torch() -> None:
    """The digits CNN (`glassgrad train digits --model cnn`) trained by experiment.run, then loaded into torch."""
    import torch

    from glassgrad import experiment

    run = experiment.run(experiment.Config(model="cnn", lr=0.005, epochs=15, batch_size=32), progress=False)
    assert run.test_accuracy >= 0.98
    assert np.mean(run.losses[-45:]) < 0.25  # the last epoch's steps (45 batches of 32)
    theirs = torch.nn.Sequential(OrderedDict(
        (name, getattr(torch.nn, type(m).__name__)(*_torch_args(m))) for name, m in run.model.named_children()))
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in run.model.state_dict().items()})
    run.model.eval(), theirs.eval()
    x = run.data.x_test[:50]
    with gg.no_grad():
        ours = run.model(gg.tensor(x)).data
    np.testing.assert_allclose(ours, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5)


def _torch_args(m: nn.Module) -> tuple:
    """The constructor arguments of the digits CNN's layers, read back from the glassgrad module."""
    if isinstance(m, nn.Conv2d):
        return m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding
    if isinstance(m, nn.Linear):
        return m.in_features, m.out_features
    if isinstance(m, nn.MaxPool2d):
        return (m.kernel_size,)
    if isinstance(m, nn.Unflatten):
        return m.dim, m.unflattened_size
    return (m.p,) if isinstance(m, nn.Dropout) else ()


class CharModel(nn.Module):
    """Embedding → LSTM → Linear: the next character at every position of a window."""

    def __init__(self, vocab: int, embed: int = 16, hidden: int = 64) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x: gg.Tensor) -> gg.Tensor:
        out, _ = self.lstm(self.embed(x))
        return self.head(out)


def test_character_lstm_learns_the_built_in_text() -> None:
    """From ln(26) ≈ 3.26 nats per character (a uniform guess) to below 0.6 in 40 full-batch Adam steps."""
    gg.manual_seed(0)
    x, y, vocab = gg.data.characters(seq_len=16, step=4)
    model = CharModel(len(vocab))
    opt = optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(40):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x).reshape(-1, len(vocab)), y.reshape(-1))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[0] == pytest.approx(math.log(len(vocab)), abs=0.1)
    assert losses[-1] < 0.6
    assert model.embed.weight.grad is not None and model.lstm.weight_hh_l0.grad.abs().sum().item() > 0
