"""TransformerEncoderLayer and TransformerEncoder against PyTorch: torch's state dict copied in, outputs and the
gradients of the input and of every parameter compared (eval mode, float64), for post- and pre-norm, relu/gelu,
batch_first, attention and key-padding masks; the causal mask helper and torch's messages."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import glassgrad as gg
from glassgrad import nn

R = np.random.default_rng(0)
PAD = np.array([[False] * 5, [False] * 3 + [True] * 2])
BLOCKED = (R.random((5, 5)) < 0.3) & ~np.eye(5, dtype=bool)  # True: may not attend
CASES = {
    "post-norm": dict(),
    "pre-norm gelu": dict(norm_first=True, activation="gelu"),
    "batch_first": dict(batch_first=True),
    "batch_first pre-norm": dict(batch_first=True, norm_first=True),
    "no bias": dict(bias=False),
}
MASKS = {
    "no mask": {},
    "causal": dict(mask="causal"),
    "causal hint": dict(mask="causal", is_causal=True),
    "bool mask": dict(mask="bool"),
    "padding": dict(src_key_padding_mask=PAD),
    "causal and padding": dict(mask="causal", src_key_padding_mask=PAD),
}


def _pair(num_layers: int, final_norm: bool, **kwargs):
    theirs = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(
        8, 2, 16, dropout=0.1, dtype=torch.float64, **kwargs), num_layers,
        norm=torch.nn.LayerNorm(8, dtype=torch.float64) if final_norm else None, enable_nested_tensor=False)
    ours = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, dtype=gg.float64, **kwargs),
                                 num_layers, norm=nn.LayerNorm(8, dtype=gg.float64) if final_norm else None)
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn_like(p) * 0.5)  # non-trivial norms and biases too
    missing = ours.load_state_dict({k: gg.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    assert not getattr(missing, "missing_keys", None)
    return ours.eval(), theirs.eval()


def _masks(lib, spec: dict) -> dict:
    out = {}
    if spec.get("mask") == "causal":
        out["mask"] = lib.nn.Transformer.generate_square_subsequent_mask(5, dtype=lib.float64)
    elif spec.get("mask") == "bool":
        out["mask"] = lib.tensor(BLOCKED)
    if "src_key_padding_mask" in spec:
        out["src_key_padding_mask"] = lib.tensor(spec["src_key_padding_mask"])
    if "is_causal" in spec:
        out["is_causal"] = spec["is_causal"]
    return out


def _compare(ours, theirs, x: np.ndarray, spec: dict) -> None:
    a_in, b_in = gg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    a, b = ours(a_in, **_masks(gg, spec)), theirs(b_in, **_masks(torch, spec))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-10)
    up = R.standard_normal(a.shape)
    a.backward(gg.tensor(up))
    b.backward(torch.tensor(up))
    np.testing.assert_allclose(a_in.grad.numpy(), b_in.grad.numpy(), rtol=1e-5, atol=1e-10)
    ours_params = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(ours_params[name].grad.numpy(), p.grad.numpy(), rtol=1e-5, atol=1e-10,
                                   err_msg=name)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("mask", sorted(MASKS))
def test_encoder_matches_torch(case: str, mask: str) -> None:
    kwargs = CASES[case]
    ours, theirs = _pair(2, final_norm=True, **kwargs)
    shape = (2, 5, 8) if kwargs.get("batch_first") else (5, 2, 8)
    spec = dict(MASKS[mask])
    if "src_key_padding_mask" in spec and not kwargs.get("batch_first"):
        spec["src_key_padding_mask"] = PAD  # (N, S) either way
    _compare(ours, theirs, R.standard_normal(shape), spec)


def test_single_layer_and_unbatched_input_match_torch() -> None:
    ours, theirs = _pair(1, final_norm=False, activation="gelu")
    _compare(ours.layers[0], theirs.layers[0], R.standard_normal((5, 2, 8)), {})
    _compare(ours, theirs, R.standard_normal((5, 8)), {})


def test_state_dict_keys_and_repr_match_torch() -> None:
    theirs = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16), 3, enable_nested_tensor=False)
    ours = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 3)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert all(tuple(ours.state_dict()[k].shape) == tuple(v.shape) for k, v in theirs.state_dict().items())
    one = (nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 1),
           torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16), 1, enable_nested_tensor=False))
    assert repr(one[0]) == repr(one[1]).replace("NonDynamicallyQuantizableLinear", "Linear")
    w = [layer.linear1.weight for layer in ours.layers]
    assert w[0] is not w[1]  # copies of one layer, as in torch
    assert np.array_equal(w[0].detach().numpy(), w[1].detach().numpy())


def test_callable_activation_and_dropout_in_training() -> None:
    theirs = torch.nn.TransformerEncoderLayer(8, 2, 16, activation=torch.tanh, dtype=torch.float64).eval()
    ours = nn.TransformerEncoderLayer(8, 2, 16, activation=gg.tanh, dtype=gg.float64)
    ours.load_state_dict({k: gg.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    _compare(ours.eval(), theirs, R.standard_normal((5, 2, 8)), {})
    x = gg.tensor(R.standard_normal((5, 2, 8)))
    gg.manual_seed(0)
    trained, evaluated = ours.train()(x).detach().numpy(), ours.eval()(x).detach().numpy()
    assert not np.allclose(trained, evaluated)  # dropout is on in training


def test_square_subsequent_mask_matches_torch() -> None:
    np.testing.assert_array_equal(nn.Transformer.generate_square_subsequent_mask(4).numpy(),
                                  torch.nn.Transformer.generate_square_subsequent_mask(4).numpy())
    assert nn.Transformer.generate_square_subsequent_mask(3).dtype == gg.float32
    with pytest.raises(NotImplementedError, match="nn.TransformerEncoder"):
        nn.Transformer(d_model=8, nhead=2)  # the encoder–decoder model is not here: say so, not a TypeError


MISUSE = {
    "is_causal without a mask": lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16)(lib.zeros(5, 2, 8),
                                                                                      is_causal=True),
    "unknown activation": lambda lib: lib.nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    "heads do not divide d_model": lambda lib: lib.nn.TransformerEncoderLayer(8, 3),
    "wrong width": lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16)(lib.zeros(5, 2, 7)),
}


@pytest.mark.parametrize("name", sorted(MISUSE))
def test_misuse_raises_torchs_error(name: str, raised) -> None:
    assert raised(lambda: MISUSE[name](gg)) == raised(lambda: MISUSE[name](torch))
