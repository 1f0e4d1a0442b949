"""gg.save / gg.load: safetensors files that torch reads (and writes) for the same model; atomic; clear errors."""

from __future__ import annotations

import io
import os
import subprocess
import sys
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
    with pytest.raises(gg.CheckpointError, match="cut.safetensors is corrupted: it does not match its checksum"):
        gg.load(cut)
    cut.write_bytes(raw[:30])
    with pytest.raises(gg.CheckpointError, match="is truncated: its header says"):
        gg.load(cut)
    flipped = bytearray(raw)
    flipped[-5] ^= 0xFF
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(bytes(flipped))
    with pytest.raises(gg.CheckpointError, match="does not match its checksum"):
        gg.load(bad)
    pt = tmp_path / "model.pt"
    torch.save({"w": torch.ones(2)}, pt)
    with pytest.raises(gg.CheckpointError, match="pickle/zip checkpoint.*never unpickles"):
        gg.load(pt)
    txt = tmp_path / "notes.txt"
    txt.write_text("hello, this is not a checkpoint at all")
    with pytest.raises(gg.CheckpointError, match="not a safetensors file"):
        gg.load(txt)
    assert issubclass(gg.CheckpointError, ValueError)


# ------------------------------------------------------------------------------- 0-d tensors, byte order, files


def test_zero_dim_tensors_round_trip_and_a_batchnorm_model_reloads(tmp_path) -> None:
    ours, _ = _pair()
    _warm(ours)
    gg.save(ours.state_dict(), tmp_path / "bn.safetensors")
    loaded = gg.load(tmp_path / "bn.safetensors")
    assert loaded["1.num_batches_tracked"].shape == () and loaded["1.num_batches_tracked"].item() == 1
    again, _ = _pair()
    again.load_state_dict(loaded)
    for (k, a), b in zip(ours.state_dict().items(), again.state_dict().values()):
        assert a.shape == b.shape and a.dtype == b.dtype, k
        np.testing.assert_array_equal(a.data, b.data)
    gg.save({"x": gg.tensor(2.5), "n": np.int64(3), "a": np.array(1.5, dtype=np.float32)}, tmp_path / "s.safetensors")
    s = gg.load(tmp_path / "s.safetensors")
    assert s["x"].shape == () and s["x"].item() == 2.5 and s["n"] == 3 and s["a"].shape == ()


def test_big_endian_and_strided_arrays_save_and_load_with_their_values(tmp_path) -> None:
    big = np.arange(6, dtype=">f8").reshape(2, 3)
    gg.save({"big": big, "t": big.T, "i": np.arange(4, dtype=">i4")}, tmp_path / "be.safetensors")
    back = gg.load(tmp_path / "be.safetensors")
    np.testing.assert_array_equal(back["big"].data, big)
    np.testing.assert_array_equal(back["t"].data, big.T)
    np.testing.assert_array_equal(back["i"].data, [0, 1, 2, 3])
    assert back["big"].dtype == np.float64 and back["i"].dtype == np.int32


def test_load_refuses_devices_pipes_and_directories_without_reading_them(tmp_path) -> None:
    with pytest.raises(gg.CheckpointError, match="/dev/zero is not a regular file"):
        gg.load("/dev/zero")  # (reading it would never end)
    with pytest.raises(gg.CheckpointError, match="is not a regular file"):
        gg.load(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # a writer end, so that opening it to read does not block
    try:
        with pytest.raises(gg.CheckpointError, match="is not a regular file"):
            gg.load(fifo)
    finally:
        os.close(fd)
    huge = tmp_path / "huge.safetensors"
    huge.write_bytes((10**12).to_bytes(8, "little") + b"{}")
    with pytest.raises(gg.CheckpointError, match="header length, 1000000000000 bytes, is over the"):
        gg.load(huge)
    with pytest.raises(gg.CheckpointError, match="header length.*is over the"):
        gg.load(io.BytesIO(b"\xff" * 8 + b"{" * 100))


def test_save_and_load_through_file_objects(tmp_path) -> None:
    state = {"w": gg.arange(6).float().reshape(2, 3), "step": 4, "lr": 0.5, "name": "adam", "off": None}
    buf = io.BytesIO()
    gg.save(state, buf)
    buf.seek(0)
    back = gg.load(buf)
    assert {k: v for k, v in back.items() if k != "w"} == {"step": 4, "lr": 0.5, "name": "adam", "off": None}
    np.testing.assert_array_equal(back["w"].data, state["w"].data)
    with open(tmp_path / "f.safetensors", "wb") as f:
        gg.save(state, f)
    with open(tmp_path / "f.safetensors", "rb") as f:
        np.testing.assert_array_equal(gg.load(f)["w"].data, state["w"].data)
    with pytest.raises(gg.CheckpointError, match="the file object is .*too short"):
        gg.load(io.BytesIO(b"{}"))


def test_load_takes_torchs_keywords_and_refuses_other_devices(tmp_path) -> None:
    path = tmp_path / "m.safetensors"
    gg.save({"w": gg.ones(2)}, path)
    for kw in ({}, {"weights_only": True}, {"weights_only": False}, {"map_location": "cpu"},
               {"map_location": torch.device("cpu")}, {"map_location": None}, {"map_location": {"cuda:0": "cpu"}},
               {"map_location": lambda storage, loc: storage, "weights_only": True}):
        np.testing.assert_array_equal(gg.load(path, **kw)["w"].data, [1.0, 1.0])
    with pytest.raises(RuntimeError, match="map_location='cuda:0': glassgrad tensors live on the CPU only"):
        gg.load(path, map_location="cuda:0")
    with pytest.raises(TypeError):
        gg.load(path, pickle_module=None)


def test_a_killed_save_leaves_a_temporary_that_the_next_save_removes(tmp_path) -> None:
    path = tmp_path / "m.safetensors"
    child = "import os, glassgrad as gg\\nos.write = None\\n"  # (unused: the child below is killed mid-write)
    del child
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)  # a process id that has exited (the state a killed save leaves)
    stale = tmp_path / f".m.safetensors.{dead_pid}.0123abcd.tmp"
    stale.write_bytes(b"\\0" * 1000)
    live = tmp_path / f".m.safetensors.{os.getpid()}.89abcdef.tmp"  # a save still running in this process
    live.write_bytes(b"")
    other = tmp_path / f".other.safetensors.{dead_pid}.0123abcd.tmp"  # another target's
    other.write_bytes(b"")
    gg.save({"w": gg.ones(2)}, path)
    assert sorted(os.listdir(tmp_path)) == sorted(["m.safetensors", live.name, other.name])
    np.testing.assert_array_equal(gg.load(path)["w"].data, [1.0, 1.0])


# ------------------------------------------------------------------------------------ optimizers resume exactly


def _optimizers() -> dict:
    return {
        "SGD": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        "Adam": lambda p: optim.Adam(p, lr=0.01, amsgrad=True), "AdamW": lambda p: optim.AdamW(p, lr=0.01),
        "Adamax": lambda p: optim.Adamax(p), "NAdam": lambda p: optim.NAdam(p), "RAdam": lambda p: optim.RAdam(p),
        "RMSprop": lambda p: optim.RMSprop(p, lr=0.01, momentum=0.9, centered=True),
        "Adagrad": lambda p: optim.Adagrad(p), "Adadelta": lambda p: optim.Adadelta(p),
        "Rprop": lambda p: optim.Rprop(p),
        "LBFGS": lambda p: optim.LBFGS(p, lr=0.5, max_iter=3, history_size=4),
    }


@pytest.mark.parametrize("name", list(_optimizers()))
def test_a_saved_optimizer_resumes_training_exactly(name: str, tmp_path) -> None:
    make = _optimizers()[name]
    x = gg.tensor(np.random.default_rng(3).standard_normal((8, 3)), dtype=gg.float32)
    y = gg.tensor(np.random.default_rng(4).standard_normal((8, 2)), dtype=gg.float32)

    def run(model: nn.Module, opt: optim.Optimizer, steps: int) -> None:
        def closure() -> gg.Tensor:
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            return loss

        for _ in range(steps):
            opt.step(closure)

    gg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, 2))
    opt = make(model.parameters())
    run(model, opt, 3)
    gg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, tmp_path / "ckpt.safetensors")
    run(model, opt, 3)

    gg.manual_seed(1)  # other initial weights: everything must come from the checkpoint
    resumed = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, 2))
    again = make(resumed.parameters())
    ckpt = gg.load(tmp_path / "ckpt.safetensors", map_location="cpu", weights_only=True)
    resumed.load_state_dict(ckpt["model"])
    again.load_state_dict(ckpt["optimizer"])
    assert ckpt["epoch"] == 3
    run(resumed, again, 3)
    for (k, a), b in zip(model.state_dict().items(), resumed.state_dict().values()):
        np.testing.assert_array_equal(b.data, a.data, err_msg=k)
    assert again.state_dict()["param_groups"] == opt.state_dict()["param_groups"]


# ------------------------------------------------------------------------------------------ corruption matrix


def _checkpoint(tmp_path) -> tuple[bytes, object]:
    """A real checkpoint (model with BatchNorm, Adam state, numbers and strings) and what it loads as."""
    gg.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters(), lr=0.01, amsgrad=True)
    model(gg.randn(5, 3)).sum().backward()
    opt.step()
    buf = io.BytesIO()
    gg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3, "note": "best"}, buf)
    raw = buf.getvalue()
    return raw, gg.load(io.BytesIO(raw))


def _same(a: object, b: object) -> bool:
    if isinstance(a, gg.Tensor):
        return (isinstance(b, gg.Tensor) and a.shape == b.shape and a.dtype == b.dtype
                and a.numpy().tobytes() == b.numpy().tobytes())
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _outcome(raw: bytes, original: object) -> str:
    try:
        loaded = gg.load(io.BytesIO(raw))
    except gg.CheckpointError:
        return "refused"
    return "identical" if _same(original, loaded) else "LOADED DIFFERENT VALUES"


def _region(raw: bytes, which: str) -> range:
    n = int.from_bytes(raw[:8], "little")
    return {"header length": range(0, 8), "header": range(8, 8 + n), "data": range(8 + n, len(raw))}[which]


@pytest.mark.parametrize("which", ["header length", "header", "data"])
def test_every_flipped_byte_of_a_checkpoint_is_refused(which: str, tmp_path) -> None:
    raw, original = _checkpoint(tmp_path)
    outcomes = {}
    for i in _region(raw, which):
        for mask in (0x01, 0x20, 0xFF):  # one bit, an ASCII case/space flip, every bit
            bad = bytearray(raw)
            bad[i] ^= mask
            outcomes.setdefault(_outcome(bytes(bad), original), []).append((i, mask))
    assert set(outcomes) <= {"refused", "identical"}, {k: v[:5] for k, v in outcomes.items()}
    assert outcomes.get("refused")


def test_every_truncation_and_extension_of_a_checkpoint_is_refused(tmp_path) -> None:
    raw, original = _checkpoint(tmp_path)
    cuts = [_outcome(raw[:n], original) for n in range(len(raw))]
    assert set(cuts) == {"refused"}
    for extra in (b"\0", b" ", b"\0" * 8, raw[-16:], raw):
        assert _outcome(raw + extra, original) == "refused"
    assert _outcome(raw, original) == "identical"


def test_a_foreign_safetensors_file_gives_no_error_but_checkpoint_error(tmp_path) -> None:
    """Files from other tools carry no checksum: a damaged one loads (what it now says) or is refused, always
    with CheckpointError, never a raw JSON, key or recursion error."""
    _, theirs = _pair()
    save_file(theirs.state_dict(), tmp_path / "torch.safetensors")
    raw = (tmp_path / "torch.safetensors").read_bytes()
    kinds = set()
    for i in range(0, 8 + int.from_bytes(raw[:8], "little")):
        for mask in (0x01, 0xFF):
            bad = bytearray(raw)
            bad[i] ^= mask
            try:
                gg.load(io.BytesIO(bytes(bad)))
                kinds.add("loaded")
            except gg.CheckpointError:
                kinds.add("refused")
    for n in range(len(raw)):
        with pytest.raises(gg.CheckpointError):
            gg.load(io.BytesIO(raw[:n]))
    assert "refused" in kinds


@pytest.mark.parametrize("header", [
    b"[" * 100_000, b'{"a": ' * 50_000, b'{"__metadata__": {"glassgrad.tree": "[[[["}}', b'{"__metadata__": 7}',
    b"[1, 2]", b'{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}',
    b'{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 8]}}', b'{"w": 5}', b'\xff\xfe{',
])
def test_hostile_headers_are_refused_with_checkpoint_error(header: bytes) -> None:
    raw = len(header).to_bytes(8, "little") + header + b"\0" * 4
    with pytest.raises(gg.CheckpointError):
        gg.load(io.BytesIO(raw))


def test_a_checksum_valid_file_with_a_forged_structure_is_refused(tmp_path) -> None:
    """Even a file whose checksum was recomputed after tampering must describe tensors that exist."""
    from glassgrad import io as gio

    st = gio._safetensors()
    for tree in ('{"T": "missing"}', '{"d": [[true, {"v": 1}]]}', '{"x": 1}', '{"l": 5}', "[" * 5000 + "]" * 5000):
        blob = bytearray(st.save({"w": np.ones(2, np.float32)}, metadata={gio._TREE: tree, gio._CRC: "00000000"}))
        at = gio._checksum_at(blob, 8 + int.from_bytes(blob[:8], "little"))
        blob[at:at + 8] = b"%08x" % gio._crc(blob, at)
        with pytest.raises(gg.CheckpointError, match="is corrupted: its structure entry"):
            gg.load(io.BytesIO(bytes(blob)))
