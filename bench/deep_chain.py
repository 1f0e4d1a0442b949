"""A 1,000,000-op chain: backward time and peak memory, glassgrad against PyTorch.

The chain is y = y*w + c repeated 500,000 times on 0-d float32 tensors (w, c and the start x are leaves that
require grad), so 1,000,000 recorded ops: the graph walk must be iterative (no RecursionError) and must free
what it no longer needs.

Time: backward only (the chain is rebuilt, untimed, before each round), interleaved rounds, median; the forward
time of the same builds is printed too. torch runs with torch.set_num_threads(1). Python's garbage collector stays
on, with the import-time heap frozen out of its scans (see _common.settle_heap).

Memory, measured for each library in a fresh child process so that neither sees the other's freed memory:
  - peak RSS: the process's resident-set high-water mark (Linux VmHWM, reset through /proc/self/clear_refs just
    before the build) minus the RSS before the build; the same measure for both libraries, covering everything
    they allocate (Python objects, NumPy buffers, torch's C++ graph).
  - kept: RSS after backward (output still referenced, graph freed by backward) minus the RSS before the build.
  - for glassgrad also tracemalloc's peak (Python objects and NumPy buffers, which NumPy reports to tracemalloc);
    torch's C++ allocations are invisible to tracemalloc, so no such figure is given for it.

Run from the repository root:  .venv/bin/python bench/deep_chain.py  [--ops N] [--rounds R] [--clock cpu|wall]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from _common import format_table, machine_facts, settle_heap

LIBRARIES = ("glassgrad", "torch")


def leaves(lib: str) -> tuple:
    if lib == "torch":
        import torch

        torch.set_num_threads(1)
        return tuple(torch.tensor(v, requires_grad=True) for v in (1.0, 0.9999, 0.001))
    import glassgrad as gg

    return tuple(gg.tensor(v, requires_grad=True) for v in (1.0, 0.9999, 0.001))


def build(x, w, c, ops: int):
    y = x
    for _ in range(ops // 2):
        y = y * w + c
    return y


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def measure_memory(lib: str, ops: int, use_tracemalloc: bool) -> dict:
    """Build and backpropagate one chain; the figures in MiB (run in a child process: see the module docstring)."""
    x, w, c = leaves(lib)
    build(x, w, c, 1000).backward()  # warm up lazy initialisation before the baseline
    settle_heap()
    if use_tracemalloc:
        tracemalloc.start()
    before = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark to the current RSS
    y = build(x, w, c, ops)
    y.backward()
    figures = {"peak_rss": (_status_kib("VmHWM") - before) / 1024, "kept_rss": (_status_kib("VmRSS") - before) / 1024}
    if use_tracemalloc:
        figures["tracemalloc_peak"] = tracemalloc.get_traced_memory()[1] / 2**20
        figures["tracemalloc_kept"] = tracemalloc.get_traced_memory()[0] / 2**20
    return figures


def memory_in_child(lib: str, ops: int, use_tracemalloc: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", lib, "--ops", str(ops)] + (["--tracemalloc"] if use_tracemalloc else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def time_backward(ops: int, rounds: int, clock: Callable[[], float], collect_garbage: bool) -> tuple[dict, dict]:
    """Interleaved rounds: build each library's chain (timed as forward), then time its backward."""
    inputs = {lib: leaves(lib) for lib in LIBRARIES}
    settle_heap()
    forward: dict[str, list[float]] = {lib: [] for lib in LIBRARIES}
    backward: dict[str, list[float]] = {lib: [] for lib in LIBRARIES}
    for r in range(rounds):
        for lib in LIBRARIES[r % 2:] + LIBRARIES[:r % 2]:
            gc.collect()  # (the collector stays on unless --gc off, as in _common.time_once)
            if not collect_garbage:
                gc.disable()
            t0 = clock()
            y = build(*inputs[lib], ops)
            t1 = clock()
            y.backward()
            t2 = clock()
            gc.enable()
            del y
            forward[lib].append(t1 - t0)
            backward[lib].append(t2 - t1)
    return forward, backward


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1_000_000, help="ops in the chain")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    parser.add_argument("--gc", choices=("on", "off"), default="on",
                        help="off: pause Python's garbage collector while timing (to show its share of the forward)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu: this thread's CPU time (both libraries compute on it here), which other jobs on a "
                             "shared machine cannot inflate; wall: wall time")
    parser.add_argument("--child", choices=LIBRARIES, help=argparse.SUPPRESS)
    parser.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_memory(args.child, args.ops, args.tracemalloc)))
        return

    print(machine_facts(torch_threads=1) + f", {args.clock} clock, garbage collector {args.gc}")
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    forward, backward = time_backward(args.ops, args.rounds, clock, args.gc == "on")
    for title, samples in ((f"{args.ops:,}-op chain: backward", backward), ("  (its forward)", forward)):
        medians = {lib: statistics.median(s) for lib, s in samples.items()}
        print(format_table(medians, samples, "torch", title=title))
        print("  per op:  " + ",  ".join(f"{k} {v / args.ops * 1e6:.2f} µs" for k, v in medians.items()))

    print(f"{args.ops:,}-op chain: memory (MiB, each library in a fresh process)")
    for lib in LIBRARIES:
        m = memory_in_child(lib, args.ops, use_tracemalloc=False)
        line = f"  {lib:<9}  peak RSS {m['peak_rss']:8.1f}   kept after backward {m['kept_rss']:7.1f}"
        if lib == "glassgrad":
            t = memory_in_child(lib, args.ops, use_tracemalloc=True)
            line += f"   tracemalloc peak {t['tracemalloc_peak']:8.1f}, kept {t['tracemalloc_kept']:6.1f}"
        print(line + f"   ({m['peak_rss'] * 2**20 / args.ops:.0f} bytes/op peak)")


if __name__ == "__main__":
    main()
