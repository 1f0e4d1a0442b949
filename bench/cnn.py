"""One training step of a LeNet-style CNN (float32, SGD, cross-entropy): glassgrad vs PyTorch vs NumPy by hand.

Two inputs: 8×8 images (the size of scikit-learn's digits) and 28×28 random images (MNIST's size), at batch 32
and 128. The network is LeNet-5's shape: conv(1→6) → ReLU → 2×2 max-pool → conv(6→16) → ReLU → 2×2 max-pool →
Linear → ReLU → Linear → ReLU → Linear(→10); kernels 5×5 (the first padded by 2) at 28×28, 3×3 padded by 1 at
8×8. A step is forward, loss, backward and update, on the same data and initial weights for all three peers,
interleaved in one process (see _common.compare). The NumPy step is what a careful person writes by hand:
im2col (a strided view copied once) + one matmul per convolution, col2im by a loop over the kernel offsets,
max-pooling by reshaping into 2×2 blocks. NumPy's BLAS and torch get the same thread count (--threads, default 1;
then `--clock cpu` times the calling thread's CPU time, which other processes cannot inflate).

Run from the repository root:
    .venv/bin/python bench/cnn.py  [--threads T] [--clock cpu|wall] [--rounds R] [--number N] [--sizes 8,28]
"""

from __future__ import annotations

import argparse
import time
from collections import OrderedDict

import numpy as np
import torch
from numpy.lib.stride_tricks import as_strided
from threadpoolctl import threadpool_limits

import glassgrad as gg
from _common import compare, machine_facts

LR = 0.01


def lenet(nn, size: int):
    """LeNet-5's layers for size×size single-channel images (nn is glassgrad.nn or torch.nn)."""
    k, p = (5, 2) if size == 28 else (3, 1)
    after = ((size + 2 * p - k + 1) // 2 - k + 1 + (0 if size == 28 else 2 * p)) // 2
    return nn.Sequential(OrderedDict(
        conv1=nn.Conv2d(1, 6, k, padding=p), relu1=nn.ReLU(), pool1=nn.MaxPool2d(2),
        conv2=nn.Conv2d(6, 16, k, padding=0 if size == 28 else p), relu2=nn.ReLU(), pool2=nn.MaxPool2d(2),
        flatten=nn.Flatten(), fc1=nn.Linear(16 * after * after, 120), relu3=nn.ReLU(), fc2=nn.Linear(120, 84),
        relu4=nn.ReLU(), fc3=nn.Linear(84, 10)))


def make_data(batch: int, size: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch, 1, size, size)).astype(np.float32), rng.integers(0, 10, batch)


def glassgrad_step(x: np.ndarray, y: np.ndarray, weights: dict, size: int):
    model = lenet(gg.nn, size)
    model.load_state_dict(weights)
    opt = gg.optim.SGD(model.parameters(), lr=LR)
    xt, yt = gg.from_numpy(x), gg.from_numpy(y)
    cross_entropy = gg.nn.functional.cross_entropy

    def step() -> None:
        opt.zero_grad()
        cross_entropy(model(xt), yt).backward()
        opt.step()

    return step, [p.data for p in model.parameters()]


def torch_step(x: np.ndarray, y: np.ndarray, weights: dict, size: int):
    model = lenet(torch.nn, size)
    model.load_state_dict({k: torch.tensor(w) for k, w in weights.items()})
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    cross_entropy = torch.nn.functional.cross_entropy

    def step() -> None:
        opt.zero_grad()
        cross_entropy(model(xt), yt).backward()
        opt.step()

    return step, [p.detach().numpy() for p in model.parameters()]


# ------------------------------------------------------------------------------------------- NumPy by hand


def _im2col(x: np.ndarray, k: int, pad: int) -> tuple[np.ndarray, int]:
    """(N·OH·OW, C·k·k) columns of a stride-1 convolution, and OH."""
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, _ = x.shape
    o = h - k + 1
    sn, sc, sh, sw = x.strides
    win = as_strided(x, (n, o, o, c, k, k), (sn, sh, sw, sc, sh, sw))
    return win.reshape(n * o * o, c * k * k), o


def _col2im(cols: np.ndarray, shape: tuple, k: int, pad: int) -> np.ndarray:
    n, c, h, w = shape
    o = h + 2 * pad - k + 1
    cols = cols.reshape(n, o, o, c, k, k)
    out = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=cols.dtype)
    for i in range(k):
        for j in range(k):
            out[:, :, i:i + o, j:j + o] += cols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return out[:, :, pad:pad + h, pad:pad + w] if pad else out


def numpy_step(x: np.ndarray, y: np.ndarray, weights: dict, size: int):
    names = list(weights)
    params = [weights[k].copy() for k in names]
    w1, b1, w2, b2, f1, c1, f2, c2, f3, c3 = params
    k, p1 = (5, 2) if size == 28 else (3, 1)
    p2 = 0 if size == 28 else 1
    rows = np.arange(len(y))
    n = len(y)

    def conv(a: np.ndarray, w: np.ndarray, b: np.ndarray, pad: int) -> tuple[np.ndarray, np.ndarray]:
        cols, o = _im2col(a, k, pad)
        out = cols @ w.reshape(len(w), -1).T
        out += b
        return out.reshape(n, o, o, -1).transpose(0, 3, 1, 2), cols

    def pool(a: np.ndarray) -> np.ndarray:
        c, h = a.shape[1], a.shape[2] // 2
        return a.reshape(n, c, h, 2, h, 2).max(axis=(3, 5))

    def unpool(a: np.ndarray, pooled: np.ndarray, g: np.ndarray) -> np.ndarray:
        c, h = pooled.shape[1], pooled.shape[2]
        mask = a.reshape(n, c, h, 2, h, 2) == pooled[:, :, :, None, :, None]
        return (mask * g[:, :, :, None, :, None]).reshape(a.shape)

    def conv_back(g: np.ndarray, cols: np.ndarray, w: np.ndarray, shape: tuple | None, pad: int) -> tuple:
        gm = g.transpose(0, 2, 3, 1).reshape(-1, len(w))
        dw = (gm.T @ cols).reshape(w.shape)
        db = gm.sum(axis=0)
        dx = None if shape is None else _col2im(gm @ w.reshape(len(w), -1), shape, k, pad)
        return dw, db, dx

    def step() -> float:
        z1, cols1 = conv(x, w1, b1, p1)
        a1 = np.maximum(z1, 0)
        q1 = pool(a1)
        z2, cols2 = conv(q1, w2, b2, p2)
        a2 = np.maximum(z2, 0)
        q2 = pool(a2)
        h0 = q2.reshape(n, -1)
        h1 = h0 @ f1.T
        h1 += c1
        r1 = np.maximum(h1, 0)
        h2 = r1 @ f2.T
        h2 += c2
        r2 = np.maximum(h2, 0)
        z = r2 @ f3.T
        z += c3
        z -= z.max(axis=1, keepdims=True)
        prob = np.exp(z)
        prob /= prob.sum(axis=1, keepdims=True)
        loss = -np.log(prob[rows, y]).mean()
        dz = prob
        dz[rows, y] -= 1
        dz /= n
        df3, dc3 = dz.T @ r2, dz.sum(axis=0)
        dr2 = dz @ f3
        dr2 *= h2 > 0
        df2, dc2 = dr2.T @ r1, dr2.sum(axis=0)
        dr1 = dr2 @ f2
        dr1 *= h1 > 0
        df1, dc1 = dr1.T @ h0, dr1.sum(axis=0)
        dq2 = (dr1 @ f1).reshape(q2.shape)
        dz2 = unpool(a2, q2, dq2) * (z2 > 0)
        dw2, db2, dq1 = conv_back(dz2, cols2, w2, q1.shape, p2)
        dz1 = unpool(a1, q1, dq1) * (z1 > 0)
        dw1, db1, _ = conv_back(dz1, cols1, w1, None, p1)
        for w, g in zip(params, (dw1, db1, dw2, db2, df1, dc1, df2, dc2, df3, dc3)):
            g *= LR
            w -= g
        return float(loss)

    return step, params


def check_same_training(x: np.ndarray, y: np.ndarray, weights: dict, size: int, steps: int = 3) -> None:
    """Before timing: the three steps compute the same thing (same weights after a few steps, float32)."""
    peers = [glassgrad_step(x, y, weights, size), torch_step(x, y, weights, size), numpy_step(x, y, weights, size)]
    for _ in range(steps):
        for step, _ in peers:
            step()
    for ours, theirs, hand in zip(*(p for _, p in peers)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-3, atol=1e-5)
        np.testing.assert_allclose(ours, hand, rtol=1e-3, atol=1e-5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=10, help="steps per timed batch")
    parser.add_argument("--sizes", default="8,28")
    parser.add_argument("--batches", default="32,128")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for NumPy and for torch")
    parser.add_argument("--clock", choices=("cpu", "wall"), default=None, help="default: cpu with 1 thread")
    args = parser.parse_args()
    clock_name = args.clock or ("cpu" if args.threads == 1 else "wall")
    clock = time.thread_time if clock_name == "cpu" else time.perf_counter
    threadpool_limits(args.threads, user_api="blas")
    torch.set_num_threads(args.threads)
    print(machine_facts(args.threads), f"| NumPy BLAS threads {args.threads} | clock: {clock_name}")
    ratios = {}
    for size in (int(s) for s in args.sizes.split(",")):
        gg.manual_seed(0)
        weights = {k: t.numpy().copy() for k, t in lenet(gg.nn, size).state_dict().items()}
        for batch in (int(b) for b in args.batches.split(",")):
            x, y = make_data(batch, size)
            check_same_training(x, y, weights, size)
            cases = {"glassgrad": glassgrad_step(x, y, weights, size)[0], "torch": torch_step(x, y, weights, size)[0],
                     "numpy by hand": numpy_step(x, y, weights, size)[0]}
            med = compare(cases, rounds=args.rounds, number=args.number, baseline="glassgrad", clock=clock,
                          title=f"LeNet-style CNN, SGD step, {size}×{size}, batch {batch} ({clock_name} time)")
            ratios[size, batch] = (med["glassgrad"] / med["torch"], med["glassgrad"] / med["numpy by hand"])
    print("\nsize  batch  glassgrad/torch  glassgrad/numpy-by-hand   (goals: ≤1.0 at 8×8, ≤1.5 at 28×28; ≤1.2)")
    for (size, batch), (vs_torch, vs_numpy) in ratios.items():
        print(f"{size:4d}  {batch:5d}  {vs_torch:15.2f}  {vs_numpy:23.2f}")


if __name__ == "__main__":
    main()
