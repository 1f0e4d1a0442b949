"""LSTM(32→64) over 50 time steps, batch 32 (float32): forward + backward, glassgrad vs PyTorch.

The loss is the mean of the outputs at every step, so the gradient flows back through all 50 steps (backprop
through time). glassgrad's LSTM is a composition of recorded ops (the input half of every step in one matmul,
then per step one matmul, the gates and the cell update); torch's is its fused CPU kernel. Same weights and input
for both, interleaved in one process (see _common.compare); torch and NumPy's BLAS get --threads threads
(default 1, and then `--clock cpu` times the calling thread's CPU time).

Run from the repository root:
    .venv/bin/python bench/rnn.py  [--threads T] [--clock cpu|wall] [--rounds R] [--number N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

import glassgrad as gg
from _common import compare, machine_facts

STEPS, BATCH, INPUT, HIDDEN = 50, 32, 32, 64


def glassgrad_step(x: np.ndarray, weights: dict):
    lstm = gg.nn.LSTM(INPUT, HIDDEN)
    lstm.load_state_dict(weights)
    xt = gg.from_numpy(x)

    def step() -> None:
        lstm.zero_grad()
        out, _ = lstm(xt)
        out.mean().backward()

    return step, lstm


def torch_step(x: np.ndarray, weights: dict):
    lstm = torch.nn.LSTM(INPUT, HIDDEN)
    lstm.load_state_dict({k: torch.tensor(w) for k, w in weights.items()})
    xt = torch.from_numpy(x)

    def step() -> None:
        lstm.zero_grad()
        out, _ = lstm(xt)
        out.mean().backward()

    return step, lstm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=5, help="steps per timed batch")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for NumPy and for torch")
    parser.add_argument("--clock", choices=("cpu", "wall"), default=None, help="default: cpu with 1 thread")
    args = parser.parse_args()
    clock_name = args.clock or ("cpu" if args.threads == 1 else "wall")
    clock = time.thread_time if clock_name == "cpu" else time.perf_counter
    threadpool_limits(args.threads, user_api="blas")
    torch.set_num_threads(args.threads)
    print(machine_facts(args.threads), f"| NumPy BLAS threads {args.threads} | clock: {clock_name}")
    gg.manual_seed(0)
    weights = {k: t.numpy().copy() for k, t in gg.nn.LSTM(INPUT, HIDDEN).state_dict().items()}
    x = np.random.default_rng(0).standard_normal((STEPS, BATCH, INPUT)).astype(np.float32)
    (g, gm), (t, tm) = glassgrad_step(x, weights), torch_step(x, weights)
    g(), t()
    for (name, p), q in zip(gm.named_parameters(), tm.parameters()):  # the same gradients before timing
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-3, atol=1e-6, err_msg=name)
    med = compare({"glassgrad": g, "torch": t}, rounds=args.rounds, number=args.number, baseline="glassgrad",
                  clock=clock, title=f"LSTM({INPUT}→{HIDDEN}), {STEPS} steps, batch {BATCH}: forward + backward "
                                     f"({clock_name} time)")
    print(f"\nglassgrad/torch {med['glassgrad'] / med['torch']:.2f}   (goal: ≤ 2.0)")


if __name__ == "__main__":
    main()
