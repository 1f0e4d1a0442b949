"""micrograd's demo workload: MLP 2-16-16-1 on 100 moons, max-margin loss + 1e-4·L2, SGD with decaying rate.

One training step (forward over all 100 points, loss, backward, update) for glassgrad (vectorised: the batch is
one (100, 2) tensor), PyTorch (the same code) and micrograd (its own demo code: a Value per number). glassgrad and
PyTorch run interleaved with many steps per timing; micrograd, about a thousand times slower, runs against
glassgrad separately with one step per timing. All three then train 100 steps from the demo's schedule and
report accuracy. Last, resident memory before and after 10,000 more glassgrad steps (graphs must be freed).

Run from the repository root:  .venv/bin/python bench/moons.py  [--rounds R] [--number N] [--clock cpu|wall]
"""

from __future__ import annotations

import argparse
import os
import random
import time

import numpy as np
import torch
from micrograd import nn as mnn
from micrograd.engine import Value
from threadpoolctl import threadpool_limits

import glassgrad as gg
from _common import compare, machine_facts

ALPHA, STEPS = 1e-4, 100


def glassgrad_trainer(x: np.ndarray, y: np.ndarray, weights: list[np.ndarray]):
    model = gg.nn.Sequential(gg.nn.Linear(2, 16), gg.nn.ReLU(), gg.nn.Linear(16, 16), gg.nn.ReLU(),
                             gg.nn.Linear(16, 1)).double()
    model.load_state_dict(dict(zip(model.state_dict(), weights)))
    params = list(model.parameters())
    opt = gg.optim.SGD(params, lr=1.0)
    xt, yt = gg.tensor(x), gg.tensor(y.reshape(-1, 1))

    def step(k: int = 0) -> float:
        opt.param_groups[0]["lr"] = 1.0 - 0.9 * k / STEPS
        scores = model(xt)
        loss = gg.relu(1 - yt * scores).mean() + ALPHA * sum((p * p).sum() for p in params)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return float(((yt.data > 0) == (scores.data > 0)).mean())

    return step


def torch_trainer(x: np.ndarray, y: np.ndarray, weights: list[np.ndarray]):
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
                                torch.nn.Linear(16, 1)).double()
    model.load_state_dict(dict(zip(model.state_dict(), (torch.tensor(w) for w in weights))))
    params = list(model.parameters())
    opt = torch.optim.SGD(params, lr=1.0)
    xt, yt = torch.tensor(x), torch.tensor(y.reshape(-1, 1))

    def step(k: int = 0) -> float:
        opt.param_groups[0]["lr"] = 1.0 - 0.9 * k / STEPS
        scores = model(xt)
        loss = torch.relu(1 - yt * scores).mean() + ALPHA * sum((p * p).sum() for p in params)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return float(((yt > 0) == (scores > 0)).double().mean())

    return step


def micrograd_trainer(x: np.ndarray, y: np.ndarray, weights: list[np.ndarray]):
    """The demo notebook's loop, verbatim in substance, on the same initial weights."""
    model = mnn.MLP(2, [16, 16, 1])
    w1, b1, w2, b2, w3, b3 = weights
    for layer, w, b in zip(model.layers, (w1, w2, w3), (b1, b2, b3)):
        for neuron, row, bias in zip(layer.neurons, w, b):
            for wi, v in zip(neuron.w, row):
                wi.data = float(v)
            neuron.b.data = float(bias)
    inputs = [list(map(Value, row)) for row in x.tolist()]

    def step(k: int = 0) -> float:
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y.tolist(), scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        total = data_loss + ALPHA * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / STEPS
        for p in model.parameters():
            p.data -= lr * p.grad
        return sum((yi > 0) == (si.data > 0) for yi, si in zip(y.tolist(), scores)) / len(scores)

    return step


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=200, help="steps per timing for glassgrad and torch")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    parser.add_argument("--memory-steps", type=int, default=10_000)
    args = parser.parse_args()
    threadpool_limits(1, user_api="blas")
    torch.set_num_threads(1)
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    print(machine_facts(1), f"| NumPy BLAS threads 1 | clock: {args.clock}")
    x, labels = gg.data.moons(100, noise=0.1, seed=1)
    x, y = x.data.astype(np.float64), labels.data * 2.0 - 1.0
    random.seed(1337)
    gg.manual_seed(1337)
    shapes = [(16, 2), (16,), (16, 16), (16,), (1, 16), (1,)]
    rng = np.random.default_rng(1337)
    weights = [rng.uniform(-1, 1, s) for s in shapes]  # micrograd's init law, shared by all three

    fast = compare({"glassgrad": glassgrad_trainer(x, y, weights), "torch": torch_trainer(x, y, weights)},
                   rounds=args.rounds, number=args.number, clock=clock,
                   title="moons step (100 points, MLP 2-16-16-1, hinge + L2, SGD)")
    slow = compare({"glassgrad": glassgrad_trainer(x, y, weights), "micrograd": micrograd_trainer(x, y, weights)},
                   rounds=max(3, args.rounds // 3), number=1, clock=clock, title="the same step against micrograd")
    print(f"\nglassgrad/torch = {fast['glassgrad'] / fast['torch']:.2f} (goal ≤ 1.0);  "
          f"micrograd/torch = {slow['micrograd'] / fast['torch']:,.0f} (micrograd's step over torch's, both medians)")

    results = {}
    for name, make in (("glassgrad", glassgrad_trainer), ("torch", torch_trainer), ("micrograd", micrograd_trainer)):
        step = make(x, y, weights)
        accuracy = [step(k) for k in range(STEPS)]
        results[name] = accuracy[-1]
    print("accuracy after 100 steps (same weights, data, schedule): "
          + ", ".join(f"{k} {v:.0%}" for k, v in results.items()))

    step = glassgrad_trainer(x, y, weights)
    for _ in range(1000):
        step()
    before = rss_mb()
    for _ in range(args.memory_steps):
        step()
    after = rss_mb()
    print(f"resident memory: {before:.1f} MB after 1,000 warm-up steps, {after:.1f} MB after {args.memory_steps:,} "
          f"more: growth {after - before:+.2f} MB (goal < 5 MB)")


if __name__ == "__main__":
    main()
