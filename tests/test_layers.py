"""Convolution, pooling, embedding, recurrent and attention layers against torch.nn (float64).

Each glassgrad module's state dict loads into the torch module of the same name (same keys, same shapes), and
then both give the same outputs, input gradients and parameter gradients for a random upstream gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import glassgrad as gg
from glassgrad import nn

RNG = np.random.default_rng(5)
TOL = 1e-6


def _outputs(out: Any) -> list:
    """A module's tensors, flattened: (out, h_n) and (out, (h_n, c_n)) alike; None entries dropped."""
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _outputs(o)]
    return [] if out is None else [out]


def _load(ours: nn.Module, theirs: torch.nn.Module) -> None:
    sd = ours.state_dict()
    assert list(sd) == list(theirs.state_dict()), "state-dict names differ from torch's"
    for k, v in theirs.state_dict().items():
        assert tuple(v.shape) == tuple(sd[k].shape), f"{k}: shape {sd[k].shape} vs torch {tuple(v.shape)}"
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in sd.items()})


def _compare(ours: nn.Module, theirs: torch.nn.Module, inputs: list, grads_of: list | None = None) -> None:
    """Same weights in, same outputs and gradients out; `inputs` are arrays (float ones require grad)."""
    xs = [gg.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    ts = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    outs, touts = _outputs(ours(*xs)), _outputs(theirs(*ts))
    assert len(outs) == len(touts)
    total_g, total_t = 0, 0
    for o, t in zip(outs, touts):
        assert o.shape == tuple(t.shape)
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=TOL, atol=TOL)
        seed = RNG.standard_normal(o.shape)
        total_g = total_g + (o * gg.tensor(seed)).sum()
        total_t = total_t + (t * torch.tensor(seed)).sum()
    total_g.backward()
    total_t.backward()
    for x, t in zip(xs, ts):
        if x.requires_grad:
            np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=TOL, atol=TOL)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        if q.grad is None:
            assert p.grad is None or not p.grad.data.any(), name
            continue
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=TOL, atol=TOL, err_msg=name)


def _pair(make: Callable) -> tuple[nn.Module, torch.nn.Module]:
    ours, theirs = make(nn).double(), make(torch.nn).double()
    _load(ours, theirs)
    return ours, theirs


CONV = [
    ("conv1d", lambda m: m.Conv1d(3, 4, 3), (2, 3, 9)),
    ("conv1d stride,pad,dil,groups", lambda m: m.Conv1d(4, 6, 2, stride=2, padding=1, dilation=2, groups=2), (1, 4, 8)),
    ("conv1d same", lambda m: m.Conv1d(2, 2, 4, padding="same", bias=False), (2, 2, 7)),
    ("conv2d", lambda m: m.Conv2d(3, 5, 3), (2, 3, 8, 7)),
    ("conv2d stride,pad", lambda m: m.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 0)), (1, 2, 7, 6)),
    ("conv2d dilation,groups", lambda m: m.Conv2d(4, 6, 3, dilation=2, groups=2, padding=2), (2, 4, 9, 9)),
    ("conv2d same even", lambda m: m.Conv2d(1, 3, 4, padding="same"), (3, 1, 5, 6)),
    ("conv2d depthwise", lambda m: m.Conv2d(3, 3, 3, groups=3, bias=False), (1, 3, 5, 5)),
    ("convtranspose2d", lambda m: m.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1), (2, 3, 4, 5)),
    ("convtranspose2d groups,dil", lambda m: m.ConvTranspose2d(4, 2, 2, groups=2, dilation=2), (1, 4, 3, 3)),
    ("maxpool2d", lambda m: m.MaxPool2d(2), (2, 3, 6, 7)),
    ("maxpool2d overlap", lambda m: m.MaxPool2d(3, stride=2, padding=1), (1, 2, 7, 7)),
    ("maxpool1d", lambda m: m.MaxPool1d(3, stride=2, padding=1), (2, 3, 9)),
    ("avgpool2d", lambda m: m.AvgPool2d(2), (2, 2, 6, 5)),
    ("avgpool2d pad,no-count", lambda m: m.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (1, 2, 7, 6)),
    ("avgpool2d divisor", lambda m: m.AvgPool2d(2, stride=1, divisor_override=3), (1, 1, 4, 4)),
    ("avgpool1d", lambda m: m.AvgPool1d(3, stride=2, padding=1), (2, 2, 8)),
    ("adaptiveavgpool2d", lambda m: m.AdaptiveAvgPool2d((3, 2)), (2, 2, 7, 5)),
    ("adaptiveavgpool2d None", lambda m: m.AdaptiveAvgPool2d((None, 1)), (1, 3, 4, 6)),
    ("batchnorm2d", lambda m: m.BatchNorm2d(3), (4, 3, 3, 2)),
    ("flatten-unflatten", lambda m: m.Sequential(m.Flatten(), m.Unflatten(1, (2, 6))), (2, 3, 2, 2)),
    ("lenet", lambda m: m.Sequential(m.Conv2d(1, 4, 3, padding=1), m.ReLU(), m.MaxPool2d(2), m.Conv2d(4, 8, 3),
                                     m.ReLU(), m.AdaptiveAvgPool2d(1), m.Flatten(), m.Linear(8, 3)), (2, 1, 8, 8)),
]


@pytest.mark.parametrize("name,make,shape", CONV, ids=[c[0] for c in CONV])
def test_conv_and_pool_layers_match_torch(name: str, make: Callable, shape: tuple) -> None:
    ours, theirs = _pair(make)
    x = RNG.permutation(int(np.prod(shape))).reshape(shape) * 0.01  # distinct values: max-pool has no ties
    _compare(ours, theirs, [x])


def test_unbatched_conv_and_pool_match_torch() -> None:
    ours, theirs = _pair(lambda m: m.Sequential(m.Conv2d(2, 3, 2), m.MaxPool2d(2)))
    _compare(ours, theirs, [RNG.standard_normal((2, 5, 5))])


def test_batchnorm2d_running_statistics_and_eval_match_torch() -> None:
    ours, theirs = _pair(lambda m: m.BatchNorm2d(3, momentum=0.2))
    for _ in range(3):
        x = RNG.standard_normal((4, 3, 2, 3))
        ours(gg.tensor(x))
        theirs(torch.tensor(x))
    np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(), atol=1e-12)
    ours.eval(), theirs.eval()
    _compare(ours, theirs, [RNG.standard_normal((2, 3, 2, 2))])


def test_default_inits_follow_pytorch_bounds() -> None:
    gg.manual_seed(0)
    conv = nn.Conv2d(8, 16, 3)
    bound = 1 / np.sqrt(8 * 9)  # kaiming_uniform(a=√5) is U(±1/√fan_in), the bias too
    assert np.abs(conv.weight.data).max() <= bound < np.abs(conv.weight.data).max() * 1.05
    assert np.abs(conv.bias.data).max() <= bound
    convt = nn.ConvTranspose2d(8, 4, 3)
    assert convt.weight.shape == (8, 4, 3, 3) and np.abs(convt.bias.data.numpy()).max() <= 1 / np.sqrt(4 * 9)
    lstm = nn.LSTM(5, 10)
    for p in lstm.parameters():
        assert np.abs(p.data.numpy()).max() <= 1 / np.sqrt(10)
    emb = nn.Embedding(1000, 8, padding_idx=3)
    assert abs(emb.weight.data.numpy().std() - 1) < 0.05 and not emb.weight.data.numpy()[3].any()
    mha = nn.MultiheadAttention(8, 2)
    assert not mha.in_proj_bias.data.numpy().any() and not mha.out_proj.bias.data.numpy().any()
    assert np.abs(mha.in_proj_weight.data.numpy()).max() <= np.sqrt(6 / (8 + 24))  # xavier_uniform on (24, 8)


def test_dropout2d_zeroes_whole_channels() -> None:
    gg.manual_seed(1)
    out = nn.Dropout2d(0.5)(gg.ones(8, 16, 3, 3)).data.numpy()
    per_channel = out.reshape(8, 16, -1)
    assert set(np.unique(per_channel)) == {0.0, 2.0}
    assert (per_channel.min(-1) == per_channel.max(-1)).all()  # each channel is all kept or all dropped
    assert 0.3 < (per_channel[..., 0] == 0).mean() < 0.7
    assert nn.Dropout2d(0.5).eval()(gg.ones(2, 2, 2, 2)).data.numpy().min() == 1


def test_embedding_rows_sum_the_gradients_of_every_lookup() -> None:
    ours, theirs = _pair(lambda m: m.Embedding(6, 3, padding_idx=1))
    idx = np.array([[0, 1, 4, 4], [4, 2, 1, 0]])
    _compare(ours, theirs, [idx])
    ours.zero_grad()
    seed = RNG.standard_normal(idx.shape + (3,))
    ours(gg.tensor(idx)).backward(gg.tensor(seed))
    g = ours.weight.grad.data.numpy()
    assert not g[1].any() and not g[3].any() and not g[5].any()  # padding row, rows never looked up
    np.testing.assert_allclose(g[4], seed[0, 2] + seed[0, 3] + seed[1, 0])  # three lookups of row 4, summed
    np.testing.assert_allclose(g[0], seed[0, 0] + seed[1, 3])


def test_embedding_from_pretrained_freezes_by_default() -> None:
    w = gg.tensor(RNG.standard_normal((4, 2)))
    frozen, trained = nn.Embedding.from_pretrained(w), nn.Embedding.from_pretrained(w, freeze=False)
    assert not frozen.weight.requires_grad and trained.weight.requires_grad
    np.testing.assert_array_equal(frozen(gg.tensor([3, 0])).data.numpy(), w.data.numpy()[[3, 0]])
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(w.data.numpy()))
    np.testing.assert_array_equal(frozen(gg.tensor([[1, 2]])).data.numpy(), theirs(torch.tensor([[1, 2]])).numpy())
    with pytest.raises(IndexError, match=r"index out of range.*\[0, 4\)"):
        frozen(gg.tensor([4]))


RECURRENT = [
    ("rnn", lambda m: m.RNN(3, 4), [(5, 2, 3)]),
    ("rnn relu 2 layers", lambda m: m.RNN(3, 4, num_layers=2, nonlinearity="relu"), [(4, 2, 3)]),
    ("rnn bidirectional batch_first", lambda m: m.RNN(3, 4, batch_first=True, bidirectional=True), [(2, 5, 3)]),
    ("lstm", lambda m: m.LSTM(3, 5), [(6, 2, 3)]),
    ("lstm 2 layers bidirectional", lambda m: m.LSTM(3, 4, num_layers=2, bidirectional=True), [(5, 3, 3)]),
    ("lstm batch_first no bias", lambda m: m.LSTM(2, 3, bias=False, batch_first=True), [(2, 4, 2)]),
    ("lstm unbatched", lambda m: m.LSTM(3, 4), [(5, 3)]),
    ("gru", lambda m: m.GRU(3, 4), [(5, 2, 3)]),
    ("gru 2 layers bidirectional batch_first", lambda m: m.GRU(2, 3, 2, batch_first=True, bidirectional=True),
     [(3, 4, 2)]),
    ("rnncell", lambda m: m.RNNCell(3, 4), [(2, 3), (2, 4)]),
    ("lstmcell", lambda m: m.LSTMCell(3, 4), [(2, 3)]),
    ("grucell", lambda m: m.GRUCell(3, 4, bias=False), [(2, 3), (2, 4)]),
    ("gru given h0", lambda m: m.GRU(3, 4, num_layers=2), [(4, 2, 3), (2, 2, 4)]),
]


@pytest.mark.parametrize("name,make,shapes", RECURRENT, ids=[c[0] for c in RECURRENT])
def test_recurrent_layers_match_torch(name: str, make: Callable, shapes: list) -> None:
    ours, theirs = _pair(make)
    _compare(ours, theirs, [RNG.standard_normal(s) for s in shapes])


def test_lstm_with_initial_state_matches_torch() -> None:
    ours, theirs = _pair(lambda m: m.LSTM(3, 4, num_layers=2))
    x, h0, c0 = (RNG.standard_normal(s) for s in [(5, 2, 3), (2, 2, 4), (2, 2, 4)])
    out, (h, c) = ours(gg.tensor(x), (gg.tensor(h0), gg.tensor(c0)))
    tout, (th, tc) = theirs(torch.tensor(x), (torch.tensor(h0), torch.tensor(c0)))
    for a, b in [(out, tout), (h, th), (c, tc)]:
        np.testing.assert_allclose(a.data, b.detach().numpy(), atol=TOL)
    with pytest.raises(RuntimeError, match="Expected hidden size"):
        ours(gg.tensor(x), (gg.tensor(h0[:1]), gg.tensor(c0)))


def test_recurrent_reprs_match_torch() -> None:
    for make in [lambda m: m.LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True),
                 lambda m: m.RNN(3, 4, nonlinearity="relu", bias=False), lambda m: m.GRUCell(2, 3),
                 lambda m: m.Conv2d(2, 4, 3, stride=2, padding=1, groups=2, bias=False),
                 lambda m: m.ConvTranspose2d(2, 4, 3, stride=2, output_padding=1), lambda m: m.Conv1d(2, 2, 3),
                 lambda m: m.MaxPool2d(2), lambda m: m.AvgPool2d(3, 1), lambda m: m.AdaptiveAvgPool2d(1),
                 lambda m: m.Embedding(5, 2, padding_idx=0), lambda m: m.BatchNorm2d(3), lambda m: m.Dropout2d(),
                 lambda m: m.Unflatten(1, (2, 3))]:
        assert repr(make(nn)) == repr(make(torch.nn))


ATTENTION = [
    ("plain", {}, {}),
    ("batch_first", {"batch_first": True}, {}),
    ("key padding mask", {}, {"key_padding_mask": np.array([[False, False, True], [False, True, True]])}),
    ("bool attn mask", {}, {"attn_mask": np.triu(np.ones((4, 3), dtype=bool), 1)}),
    ("float attn mask, per-head weights", {}, {"attn_mask": RNG.standard_normal((4, 3)),
                                               "average_attn_weights": False}),
]


@pytest.mark.parametrize("name,kw,call", ATTENTION, ids=[a[0] for a in ATTENTION])
def test_multihead_attention_matches_torch(name: str, kw: dict, call: dict) -> None:
    ours, theirs = _pair(lambda m: m.MultiheadAttention(6, 2, **kw))
    q, k, v = (RNG.standard_normal((2, 4, 6) if kw else (4, 2, 6)), RNG.standard_normal((2, 3, 6) if kw else (3, 2, 6)),
               RNG.standard_normal((2, 3, 6) if kw else (3, 2, 6)))
    extra_g = {a: gg.tensor(b) for a, b in call.items() if isinstance(b, np.ndarray)}
    extra_t = {a: torch.tensor(b) for a, b in call.items() if isinstance(b, np.ndarray)}
    flags = {a: b for a, b in call.items() if not isinstance(b, np.ndarray)}

    def fg(a: Any, b: Any, c: Any) -> Any:
        return ours(a, b, c, **extra_g, **flags)

    def ft(a: Any, b: Any, c: Any) -> Any:
        return theirs(a, b, c, **extra_t, **flags)

    fg.named_parameters, ft.named_parameters = ours.named_parameters, theirs.named_parameters
    _compare(fg, ft, [q, k, v])


def test_scaled_dot_product_attention_matches_torch() -> None:
    q, k, v = RNG.standard_normal((2, 3, 4, 5)), RNG.standard_normal((2, 3, 6, 5)), RNG.standard_normal((2, 3, 6, 2))
    float_mask, bool_mask = RNG.standard_normal((4, 6)), RNG.random((4, 6)) > 0.3
    bool_mask[:, 0] = True  # every query may attend somewhere
    for kw_g, kw_t in [({}, {}), ({"is_causal": True}, {"is_causal": True}), ({"scale": 0.3}, {"scale": 0.3}),
                       ({"attn_mask": gg.tensor(float_mask)}, {"attn_mask": torch.tensor(float_mask)}),
                       ({"attn_mask": gg.tensor(bool_mask)}, {"attn_mask": torch.tensor(bool_mask)})]:
        xs = [gg.tensor(a, requires_grad=True) for a in (q, k, v)]
        ts = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
        out = nn.functional.scaled_dot_product_attention(*xs, **kw_g)
        tout = torch.nn.functional.scaled_dot_product_attention(*ts, **kw_t)
        np.testing.assert_allclose(out.data, tout.detach().numpy(), atol=1e-10)
        seed = RNG.standard_normal(out.shape)
        out.backward(gg.tensor(seed))
        tout.backward(torch.tensor(seed))
        for x, t in zip(xs, ts):
            np.testing.assert_allclose(x.grad.data, t.grad.numpy(), atol=1e-10)


def test_layer_errors_name_the_shapes() -> None:
    with pytest.raises(RuntimeError, match=r"conv2d: Given groups=1, weight of size \[4, 3, 3, 3\].*3 channels, "
                                           r"but got 2"):
        nn.Conv2d(3, 4, 3)(gg.zeros(1, 2, 5, 5))
    with pytest.raises(RuntimeError, match="Calculated output size is too small"):
        nn.Conv2d(1, 1, 5)(gg.zeros(1, 1, 3, 3))
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        nn.MaxPool2d(2, padding=2)(gg.zeros(1, 1, 4, 4))
    with pytest.raises(RuntimeError, match=r"LSTM: expected input of shape \(seq_len, batch, 3\)"):
        nn.LSTM(3, 4)(gg.zeros(2, 2, 5))
    with pytest.raises(RuntimeError, match="indices.*to have one of the following scalar types"):
        nn.Embedding(3, 2)(gg.zeros(2))
