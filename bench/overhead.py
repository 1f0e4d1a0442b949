"""Per-op overhead of autograd on one-element tensors: glassgrad against PyTorch and micrograd, in one process.

Two measurements, each interleaved over rounds (see _common.compare):
  1. `y = a*b + c; y.backward()` on 0-d tensors that require grad: 2 ops forward plus backward, fresh graph
     every call. Reported per call and per op (÷2).
  2. a scalar chain of N ops (default 100,000: y = y*w + c, alternately mul and add, w and c leaves), built
     and backpropagated: per op = total ÷ N.
On one-element tensors the arithmetic is nothing; what is timed is each library's per-op bookkeeping: creating
the output, recording the node, walking the graph and accumulating into .grad. torch runs with
torch.set_num_threads(1): multithreading cannot help a one-element op, and 1 thread is what the others get.
Python's garbage collector stays on (see _common.time_once; torch's import-time objects are frozen out of its scans,
see _common.settle_heap); the chain is also timed with it off, to show its share.

Run from the repository root:  .venv/bin/python bench/overhead.py  [--rounds R] [--chain N] [--clock cpu|wall]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable

import torch
from micrograd.engine import Value

import glassgrad as gg
from _common import compare, machine_facts


def one_op_cases() -> dict:
    """`a*b + c` forward and backward on fresh 0-d leaves' graph, for each library."""
    ga, gb, gc = (gg.tensor(v, requires_grad=True) for v in (2.0, 3.0, 1.0))
    ta, tb, tc = (torch.tensor(v, requires_grad=True) for v in (2.0, 3.0, 1.0))
    ma, mb, mc = Value(2.0), Value(3.0), Value(1.0)

    def glassgrad_step() -> None:
        (ga * gb + gc).backward()

    def torch_step() -> None:
        (ta * tb + tc).backward()

    def micrograd_step() -> None:
        (ma * mb + mc).backward()

    return {"glassgrad": glassgrad_step, "torch": torch_step, "micrograd": micrograd_step}


def chain_cases(n: int) -> dict:
    """A chain of `n` ops (y = y*w + c repeated n/2 times) built and backpropagated, for each library."""
    steps = n // 2
    gx, gw, gc = (gg.tensor(v, requires_grad=True) for v in (1.0, 0.9999, 0.001))
    tx, tw, tc = (torch.tensor(v, requires_grad=True) for v in (1.0, 0.9999, 0.001))
    mx, mw, mc = Value(1.0), Value(0.9999), Value(0.001)

    def chain(x, w, c) -> None:
        y = x
        for _ in range(steps):
            y = y * w + c
        y.backward()

    return {"glassgrad": lambda: chain(gx, gw, gc), "torch": lambda: chain(tx, tw, tc),
            "micrograd": lambda: chain(mx, mw, mc)}


def _without_gc(fn: Callable[[], None]) -> Callable[[], None]:
    """`fn` run with the garbage collector paused: what is left of a chain's cost without the collections that a
    graph of 100,000 live Python objects triggers (torch's graph lives in C++ and triggers none)."""

    def run() -> None:
        gc.disable()
        try:
            fn()
        finally:
            gc.enable()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per measurement")
    parser.add_argument("--number", type=int, default=2000, help="calls per round of the one-op step")
    parser.add_argument("--chain", type=int, default=100_000, help="ops in the scalar chain")
    parser.add_argument("--chain-rounds", type=int, default=5, help="interleaved rounds of the chain")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu: this thread's CPU time (every peer computes on it here), which other jobs on a "
                             "shared machine cannot inflate; wall: wall time")
    args = parser.parse_args()
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    torch.set_num_threads(1)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * args.chain))  # micrograd's topological sort recurses
    print(machine_facts(torch_threads=1) + f", {args.clock} clock")

    step = compare(one_op_cases(), rounds=args.rounds, number=args.number, baseline="torch", clock=clock,
                   title="y = a*b + c; y.backward()  (0-d tensors, 2 ops; time per call)")
    print("  per op (÷2):  " + ",  ".join(f"{k} {v / 2 * 1e6:.2f} µs" for k, v in step.items()))

    chain = compare(chain_cases(args.chain), rounds=args.chain_rounds, number=1, baseline="torch", clock=clock,
                    title=f"{args.chain:,}-op scalar chain (y = y*w + c), forward + backward")
    print("  per op:  " + ",  ".join(f"{k} {v / args.chain * 1e6:.2f} µs" for k, v in chain.items()))
    quiet = compare({k: _without_gc(f) for k, f in chain_cases(args.chain).items()}, rounds=args.chain_rounds,
                    number=1, baseline="torch", clock=clock,
                    title="  the same chain with Python's garbage collector off")
    print("  per op:  " + ",  ".join(f"{k} {v / args.chain * 1e6:.2f} µs" for k, v in quiet.items()))

    met = step["glassgrad"] <= step["torch"] and chain["glassgrad"] <= chain["torch"]
    print(f"goal glassgrad <= torch per op: {'met' if met else 'NOT met'} "
          f"(one op ×{step['glassgrad'] / step['torch']:.2f}, chain ×{chain['glassgrad'] / chain['torch']:.2f})")


if __name__ == "__main__":
    main()
