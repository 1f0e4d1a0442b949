"""Explanations of conv nets and recurrent nets: per-layer δ with feature maps, and backprop through time."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import glassgrad as gg
from glassgrad import nn
from glassgrad.explain import bptt


def test_bptt_norms_match_torch_cells_unrolled() -> None:
    """‖∂L/∂h_t‖ per step equals what torch gives for the same cell unrolled, with .retain_grad on each h_t."""
    gg.manual_seed(0)
    ours = nn.RNN(3, 5, dtype=gg.float64)
    x = np.random.default_rng(1).standard_normal((6, 2, 3))
    view = bptt(ours, gg.tensor(x))
    cell = torch.nn.RNNCell(3, 5).double()
    cell.load_state_dict({k.removesuffix("_l0"): torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    h, hs = torch.zeros(2, 5, dtype=torch.float64), []
    for t in range(6):
        h = cell(torch.tensor(x[t]), h)
        h.retain_grad()
        hs.append(h)
    h.sum().backward()
    np.testing.assert_allclose(view.norms["RNN"], [float(t.grad.norm()) for t in hs], rtol=1e-10)
    assert view.steps == 6 and view.norms["RNN"][-1] == pytest.approx(np.sqrt(10))  # ∂(Σh)/∂h_T is all ones


def test_tanh_rnn_vanishes_over_time_and_an_open_lstm_does_not() -> None:
    gg.manual_seed(0)
    rnn, lstm = nn.RNN(8, 16), nn.LSTM(8, 16)
    with gg.no_grad():
        lstm.bias_hh_l0[16:32] = 3.0  # forget gate open: c carries the gradient back
    view = bptt({"RNN (tanh)": rnn, "LSTM": lstm}, gg.randn(20, 4, 8))
    assert view.ratio("RNN (tanh)") < 1e-4 and view.ratio("LSTM") > 1e-2
    assert np.all(np.diff(view.norms["RNN (tanh)"][10:]) > 0)  # shrinking at every step back
    text = str(view)
    assert "RNN (tanh): vanishing: step 1 receives" in text and "LSTM: kept" in text
    assert text.count("t=") == 20 and "█" in text
    html = view.to_html()
    assert html.count("<tr>") == 21 and "vanishing" in html
    d = view.to_dict()
    assert d["steps"] == 20 and len(d["models"]["LSTM"]["norms"]) == 20
    with pytest.raises(ValueError, match="one-layer, one-direction"):
        bptt(nn.LSTM(8, 4, num_layers=2), gg.randn(3, 1, 8))


def test_bptt_takes_cells_and_a_loss() -> None:
    gg.manual_seed(2)
    cell = nn.LSTMCell(3, 4)
    x = gg.randn(5, 2, 3)
    view = bptt({"cell": cell}, x, loss=lambda h: (h ** 2).mean())
    hs, state = [], None
    for t in range(5):
        state = cell(x[t], state)
        hs.append(state[0])
    grads = gg.autograd.grad((hs[-1] ** 2).mean(), hs)
    np.testing.assert_allclose(view.norms["cell"], [np.linalg.norm(g.data) for g in grads], rtol=1e-6)


def test_deltas_of_a_conv_net_per_layer_with_feature_maps() -> None:
    gg.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(12, 2))
    x = gg.randn(2, 1, 4, 4)
    out = model(x)
    out.retain_grad()
    conv_out = model[0](x)
    loss = gg.nn.functional.cross_entropy(out, gg.tensor([0, 1]))
    table = gg.explain(loss, model=model, accumulate=False).deltas(model)
    assert [layer.name for layer in table.conv_layers] == ["0 (Conv2d)"]
    assert [layer.name for layer in table.layers] == ["4 (Linear)"]  # the linear layers keep their BP1-BP4
    conv = table.conv_layers[0]
    (expected,) = gg.autograd.grad(gg.nn.functional.cross_entropy(model[4](model[3](model[2](model[1](conv_out)))),
                                                                   gg.tensor([0, 1])), [conv_out])
    np.testing.assert_allclose(conv.delta, expected.data, rtol=1e-6)  # δ = ∂L/∂(conv output), as backward has it
    assert conv.delta.shape == (2, 3, 4, 4) and conv.grad_weight.shape == (3, 1, 3, 3)
    text = str(table)
    assert "3×1×3×3" in text and "∂loss/∂W = a ⋆ δ, the correlation of the input with δ" in text
    html = table._repr_html_()
    assert html.count("<figure class='gg-map'>") == 3 and html.count("<rect") == 3 * 16


def test_dead_channels_of_a_conv_layer_are_named() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 1), nn.ReLU())
    with gg.no_grad():
        model[0].weight.data[...] = [[[[1.0]]], [[[1.0]]]]
        model[0].bias.data[...] = [0.0, -100.0]  # channel 2 never fires
    loss = model(gg.rand(3, 1, 2, 2)).sum()
    table = gg.explain(loss, model=model, accumulate=False).deltas(model)
    assert any("dead channels: 1 of 2 (channels 2)" in d for _, d in table.diagnostics)
