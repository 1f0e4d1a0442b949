"""Explaining a 10,000-op graph: gg.explain (trace of every step) plus rendering it to text, against backward.

The graph: 2,500 repetitions of y ← tanh(y·w) + 0.5·y on float64 vectors of 3 (4 ops each, y shared by two
of them, so gradients are summed at every repetition), then a sum: 10,001 recorded ops. It is built once; the
explainer retains the graph (accumulate=False leaves .grad alone), so every round explains the same graph:

  backward         gg.autograd.grad(E, leaves, retain_graph=True): the engine alone, the floor
  explain          gg.explain(E, accumulate=False): the same walk with the observer recording each step
  explain + text   the above, then str(trace): the 10,002-row terminal table

Wall-clock medians come from _common.compare (interleaved rounds). On a shared machine wall time also counts the
time other processes held the CPU, so the process CPU time (time.process_time) of explain + text is printed too.
Goal: explain + text under 1 s.

Second part: the factored derivation of one first-layer weight element, trace.derivation(W^[1], index=(0, 0)),
of a 6-layer MLP 64 units wide (Linear(64, 64) six times, tanh between, MSE to a random target; one example,
as a textbook writes it, and a batch of 8). Timed: derivation + its text, and the whole of explain + derivation +
text (medians of interleaved rounds, wall and CPU); the text's size in kB (UTF-8). Goal: < 0.5 s, < 20 kB.
Run from the repository root:  .venv/bin/python bench/explain.py [--reps N] [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import glassgrad as gg
from _common import compare, machine_facts


def build(reps: int) -> tuple:
    w = gg.tensor(np.full(3, 0.9), requires_grad=True, name="w")
    x = gg.tensor(np.array([0.1, -0.2, 0.3]), requires_grad=True, name="x")
    y = x
    for _ in range(reps):
        y = gg.tanh(y * w) + y * 0.5
    return y.sum(), [w, x]


def mlp(batch: int, width: int = 64, layers: int = 6) -> tuple:
    """The MLP's loss and its first layer's weight (float32, as gg.nn builds it; seeded)."""
    gg.manual_seed(0)
    parts: list = []
    for _ in range(layers):
        parts += [gg.nn.Linear(width, width), gg.nn.Tanh()]
    net = gg.nn.Sequential(*parts[:-1])
    rng = np.random.default_rng(0)
    x = gg.tensor(rng.normal(size=(batch, width)), dtype=gg.float32)
    y = gg.tensor(rng.normal(size=(batch, width)), dtype=gg.float32)
    return gg.nn.functional.mse_loss(net(x), y), net


def mlp_derivation(batch: int, rounds: int) -> None:
    """Time and size the derivation of W^[1][0, 0] of the MLP at this batch size; print the figures."""
    loss, net = mlp(batch)
    weight = net[0].weight
    trace = gg.explain(loss, model=net, accumulate=False)
    text = str(trace.derivation(weight, index=(0, 0)))
    size = len(text.encode()) / 1000

    def whole() -> str:
        return str(gg.explain(loss, model=net, accumulate=False).derivation(weight, index=(0, 0)))

    medians = compare({"derivation + text": lambda: str(trace.derivation(weight, index=(0, 0))),
                       "explain + derivation + text": whole},
                      rounds=rounds, number=1, title=f"6-layer 64-wide MLP, batch {batch}: derivation of W^[1][0, 0]")
    cpu = []
    for _ in range(rounds):
        start = time.process_time()
        whole()
        cpu.append(time.process_time() - start)
    wall, cpu_median = medians["explain + derivation + text"], statistics.median(cpu)
    print(f"batch {batch}: text {size:.1f} kB, {len(text.splitlines())} lines; explain + derivation + text: wall "
          f"median {wall:.3f} s, CPU median {cpu_median:.3f} s ({'under' if min(wall, cpu_median) < 0.5 else 'OVER'} "
          f"0.5 s; {'under' if size < 20 else 'OVER'} 20 kB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2500, help="repetitions of the 4-op block (default 2500)")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print(machine_facts())
    for batch in (1, 8):
        mlp_derivation(batch, args.rounds)
    out, leaves = build(args.reps)
    trace = gg.explain(out, accumulate=False)
    text = str(trace)
    print(f"graph: {len(trace.steps)} ops, {len(trace.vertices)} tensors; text: {len(text.splitlines())} lines")
    medians = compare({
        "backward": lambda: gg.autograd.grad(out, leaves, retain_graph=True),
        "explain": lambda: gg.explain(out, accumulate=False),
        "explain + text": lambda: str(gg.explain(out, accumulate=False)),
    }, rounds=args.rounds, number=1, baseline="backward", title=f"{len(trace.steps)}-op graph, median of rounds")
    cpu = []
    for _ in range(args.rounds):
        start = time.process_time()
        str(gg.explain(out, accumulate=False))
        cpu.append(time.process_time() - start)
    total, cpu_total = medians["explain + text"], statistics.median(cpu)
    print(f"explain + text: wall median {total:.3f} s; CPU median {cpu_total:.3f} s, min {min(cpu):.3f} s "
          f"({args.rounds} rounds; {'under' if min(total, cpu_total) < 1 else 'OVER'} the 1 s goal)")


if __name__ == "__main__":
    main()
