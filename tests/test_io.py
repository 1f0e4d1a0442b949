"""gg.save / gg.load: safetensors files that torch reads (and writes) for the same model; atomic; clear errors."""

from __future__ import annotations

import os
from collections import OrderedDict

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

import glassgrad as gg
from glassgrad import nn, optim


def _pair() -> tuple[nn.Module, torch.nn.Module]:
    ours = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(),
                                 torch.nn.Linear(8, 3)).double()
    return ours, theirs


def _warm(ours: nn.Module) -> None:
    """Change every tensor, running statistics included, so nothing matches by accident."""
    gg.manual_seed(4)
    for p in ours.parameters():
        p.data[...] = gg.randn(*p.shape, dtype=gg.float64).data
    ours(gg.randn(16, 6, dtype=gg.float64))


def test_glassgrad_file_loads_into_torch_with_identical_outputs(tmp_path) -> None:
    ours, theirs = _pair()
    _warm(ours)
    gg.save(ours.state_dict(), tmp_path / "model.safetensors")
    theirs.load_state_dict(load_file(tmp_path / "model.safetensors"))
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(0).standard_normal((5, 6))
    np.testing.assert_allclose(ours(gg.tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12)


def test_torch_file_loads_into_glassgrad_with_identical_outputs(tmp_path) -> None:
    ours, theirs = _pair()
    with torch.no_grad():
        theirs(torch.randn(16, 6, dtype=torch.float64))  # running statistics move away from 0/1
    save_file(theirs.state_dict(), tmp_path / "torch.safetensors")
    ours.load_state_dict(gg.load(tmp_path / "torch.safetensors"))
    assert int(ours[1].num_batches_tracked.item()) == 1
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(1).standard_normal((5, 6))
    np.testing.assert_allclose(ours(gg.tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12)


def test_mlp_names_round_trip_into_named_torch_sequential(tmp_path) -> None:
    ours = nn.MLP([4, 5, 2])
    gg.save(ours.state_dict(), tmp_path / "mlp.safetensors")
    theirs = torch.nn.Sequential(OrderedDict(fc1=torch.nn.Linear(4, 5), relu1=torch.nn.ReLU(),
                                             fc2=torch.nn.Linear(5, 2)))
    theirs.load_state_dict(load_file(tmp_path / "mlp.safetensors"))
    x = np.random.default_rng(2).standard_normal((3, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(gg.tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6)


def test_optimizer_state_round_trips_with_structure(tmp_path) -> None:
    model = nn.Linear(3, 2)
    opt = optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.9), amsgrad=True)
    for _ in range(3):
        opt.zero_grad()
        model(gg.ones(4, 3)).sum().backward()
        opt.step()
    gg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 7}, tmp_path / "ckpt.safetensors")
    ckpt = gg.load(tmp_path / "ckpt.safetensors")
    assert ckpt["epoch"] == 7
    groups = ckpt["optimizer"]["param_groups"]
    assert groups[0]["betas"] == (0.8, 0.9) and groups[0]["params"] == [0, 1] and groups[0]["amsgrad"] is True
    state = ckpt["optimizer"]["state"]
    assert set(state) == {0, 1} and state[0]["step"] == 3
    np.testing.assert_array_equal(state[1]["exp_avg"].data, opt.state[model.bias]["exp_avg"])
    restored = optim.Adam(model.parameters())
    restored.load_state_dict(ckpt["optimizer"])
    assert restored.param_groups[0]["lr"] == 0.01
    np.testing.assert_array_equal(restored.state[model.weight]["max_exp_avg_sq"],
                                  opt.state[model.weight]["max_exp_avg_sq"])
    assert list(load_file(tmp_path / "ckpt.safetensors")) == sorted([
        "model.weight", "model.bias", "optimizer.state.0.exp_avg", "optimizer.state.0.exp_avg_sq",
        "optimizer.state.0.max_exp_avg_sq", "optimizer.state.0.step", "optimizer.state.1.exp_avg",
        "optimizer.state.1.exp_avg_sq", "optimizer.state.1.max_exp_avg_sq", "optimizer.state.1.step"])


def test_save_is_atomic_and_leaves_no_temporary(tmp_path) -> None:
    path = tmp_path / "m.safetensors"
    gg.save({"w": gg.ones(2)}, path)
    with pytest.raises(TypeError, match="cannot store a object at w"):
        gg.save({"w": object()}, path)
    np.testing.assert_array_equal(gg.load(path)["w"].data, [1, 1])  # the old file is intact
    assert os.listdir(tmp_path) == ["m.safetensors"]
    with pytest.raises(TypeError, match=r"save model.state_dict\(\), not the model"):
        gg.save(nn.Linear(1, 1), path)


def test_load_rejects_truncated_corrupted_and_foreign_files(tmp_path) -> None:
    path = tmp_path / "m.safetensors"
    gg.save({"w": gg.arange(100).float()}, path)
    raw = path.read_bytes()
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(raw[:-40])
    with pytest.raises(ValueError, match="corrupted or truncated"):
        gg.load(cut)
    cut.write_bytes(raw[:30])
    with pytest.raises(ValueError, match="is truncated: its header says"):
        gg.load(cut)
    flipped = bytearray(raw)
    flipped[-5] ^= 0xFF
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(bytes(flipped))
    with pytest.raises(ValueError, match="tensor 'w' does not match its checksum"):
        gg.load(bad)
    pt = tmp_path / "model.pt"
    torch.save({"w": torch.ones(2)}, pt)
    with pytest.raises(ValueError, match="pickle/zip checkpoint.*never unpickles"):
        gg.load(pt)
    txt = tmp_path / "notes.txt"
    txt.write_text("hello, this is not a checkpoint at all")
    with pytest.raises(ValueError, match="not a safetensors file"):
        gg.load(txt)
