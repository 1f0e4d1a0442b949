"""One training step of a 784-256-10 MLP (float32, SGD, cross-entropy): glassgrad vs PyTorch vs NumPy by hand.

A step is forward, loss, backward and update, at batch sizes 32, 128 and 512, on the same random data and the
same initial weights. The three peers run interleaved in one process (see _common.compare). The hand-written
NumPy step is what a careful person writes without any library: the floor for glassgrad, which runs on NumPy.
NumPy's BLAS and torch get the same number of threads (--threads, default 1: on a small shared machine, more
BLAS threads than idle cores spin and make every figure noise), set with threadpoolctl and set_num_threads.
With one thread every peer computes on the calling thread, so `--clock cpu` (the default then) times that
thread's CPU time, which other processes on a shared machine cannot inflate; `--clock wall` times wall time.

Run from the repository root:
    .venv/bin/python bench/mlp.py  [--threads T] [--clock cpu|wall] [--rounds R] [--number N] [--batches 32,128,512]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

import glassgrad as gg
from _common import compare, machine_facts

LR = 0.01


def make_data(batch: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch, 784)).astype(np.float32), rng.integers(0, 10, batch)


def glassgrad_step(x: np.ndarray, y: np.ndarray, weights: list[np.ndarray]):
    model = gg.nn.Sequential(gg.nn.Linear(784, 256), gg.nn.ReLU(), gg.nn.Linear(256, 10))
    model.load_state_dict(dict(zip(("0.weight", "0.bias", "2.weight", "2.bias"), weights)))
    opt = gg.optim.SGD(model.parameters(), lr=LR)
    xt, yt = gg.from_numpy(x), gg.from_numpy(y)
    cross_entropy = gg.nn.functional.cross_entropy

    def step() -> None:
        opt.zero_grad()
        cross_entropy(model(xt), yt).backward()
        opt.step()

    return step, model


def torch_step(x: np.ndarray, y: np.ndarray, weights: list[np.ndarray]):
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    model.load_state_dict({k: torch.tensor(w) for k, w in zip(("0.weight", "0.bias", "2.weight", "2.bias"), weights)})
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    cross_entropy = torch.nn.functional.cross_entropy

    def step() -> None:
        opt.zero_grad()
        cross_entropy(model(xt), yt).backward()
        opt.step()

    return step, model


def numpy_step(x: np.ndarray, y: np.ndarray, weights: list[np.ndarray]):
    w1, b1, w2, b2 = (w.copy() for w in weights)
    rows = np.arange(len(y))
    n = len(y)

    def step() -> float:
        h = x @ w1.T
        h += b1
        a = np.maximum(h, 0)
        z = a @ w2.T
        z += b2
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.log(p[rows, y]).mean()
        dz = p
        dz[rows, y] -= 1
        dz /= n
        dw2 = dz.T @ a
        db2 = dz.sum(axis=0)
        da = dz @ w2
        da *= h > 0
        dw1 = da.T @ x
        db1 = da.sum(axis=0)
        for w, g in ((w1, dw1), (b1, db1), (w2, dw2), (b2, db2)):
            g *= LR
            w -= g
        return float(loss)

    return step, (w1, b1, w2, b2)


def check_same_training(x: np.ndarray, y: np.ndarray, weights: list[np.ndarray], steps: int = 5) -> None:
    """Before timing: the three steps compute the same thing (same weights after a few steps, float32)."""
    g, gm = glassgrad_step(x, y, weights)
    t, tm = torch_step(x, y, weights)
    n, nw = numpy_step(x, y, weights)
    for _ in range(steps):
        g(), t(), n()
    for ours, theirs, hand in zip(gm.parameters(), tm.parameters(), nw):
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(ours.data, hand, rtol=1e-4, atol=1e-5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=50, help="steps per timed batch")
    parser.add_argument("--batches", default="32,128,512")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for NumPy and for torch")
    parser.add_argument("--clock", choices=("cpu", "wall"), default=None, help="default: cpu with 1 thread")
    args = parser.parse_args()
    clock_name = args.clock or ("cpu" if args.threads == 1 else "wall")
    clock = time.thread_time if clock_name == "cpu" else time.perf_counter
    threadpool_limits(args.threads, user_api="blas")
    torch.set_num_threads(args.threads)
    print(machine_facts(args.threads), f"| NumPy BLAS threads {args.threads} | clock: {clock_name}")
    gg.manual_seed(0)
    init = gg.nn.Sequential(gg.nn.Linear(784, 256), gg.nn.ReLU(), gg.nn.Linear(256, 10))
    weights = [t.numpy().copy() for t in init.state_dict().values()]
    ratios = {}
    for batch in (int(b) for b in args.batches.split(",")):
        x, y = make_data(batch)
        check_same_training(x, y, weights)
        cases = {"glassgrad": glassgrad_step(x, y, weights)[0], "torch": torch_step(x, y, weights)[0],
                 "numpy by hand": numpy_step(x, y, weights)[0]}
        med = compare(cases, rounds=args.rounds, number=args.number, baseline="glassgrad", clock=clock,
                      title=f"784-256-10 MLP, SGD step, batch {batch} (per step, {clock_name} time)")
        ratios[batch] = (med["glassgrad"] / med["torch"], med["glassgrad"] / med["numpy by hand"])
    print("\nbatch  glassgrad/torch  glassgrad/numpy-by-hand   (goals: ≤0.9 at 32 and 128, ≤1.0 at 512; ≤1.1)")
    for batch, (vs_torch, vs_numpy) in ratios.items():
        print(f"{batch:5d}  {vs_torch:15.2f}  {vs_numpy:23.2f}")


if __name__ == "__main__":
    main()
