"""Shared timing helpers for bench/: peers run in one process, interleaved, reported as medians and ratios.

Usage from a bench script (run from the repository root, e.g. `python bench/mlp.py`):

    from _common import compare, machine_facts
    print(machine_facts())
    medians = compare({"glassgrad": step_gg, "torch": step_torch}, rounds=15, number=100)

Interleaving (every round times each case once, in a rotating order) means a slow moment of a shared machine
hits all peers alike instead of one of them; the median over rounds then discards the outliers.
"""

from __future__ import annotations

import datetime
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable


def machine_facts(torch_threads: int | None = None) -> str:
    """One line naming what the figures were measured on: date, CPU cores, Python, NumPy, torch and threads."""
    import numpy as np

    parts = [
        datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        f"{os.cpu_count()} CPU cores",
        platform.processor() or platform.machine(),
        f"Python {sys.version.split()[0]}",
        f"NumPy {np.__version__}",
    ]
    try:
        import torch

        parts.append(f"torch {torch.__version__} ({torch.get_num_threads() if torch_threads is None else torch_threads}"
                     " threads)")
    except ImportError:
        parts.append("torch not installed")
    return ", ".join(parts)


def settle_heap() -> None:
    """Move every object alive now (the imports: torch alone brings ~150,000) out of the collector's sight.

    Python's full collections scan every tracked object of the process, so with torch imported next to them,
    glassgrad's and micrograd's graphs (Python objects) would pay for scanning torch's import-time heap, which a
    user of either library would not have loaded. gc.freeze() leaves the collector on for everything made later.
    """
    gc.collect()
    gc.freeze()


def time_once(fn: Callable[[], object], number: int, clock: Callable[[], float] = time.perf_counter) -> float:
    """Seconds per call of `fn`, over `number` back-to-back calls.

    Unlike timeit, the garbage collector stays on: a graph of Python objects costs collections that a C++ graph
    does not, and users pay them. Each batch starts from a fresh collection, so batches start alike.
    """
    gc.collect()
    start = clock()
    for _ in range(number):
        fn()
    return (clock() - start) / number


def compare(
    cases: dict[str, Callable[[], object]],
    rounds: int = 15,
    number: int = 1,
    warmup: int = 1,
    baseline: str | None = None,
    unit: str = "auto",
    title: str | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, float]:
    """Time every case, interleaved over `rounds`; print a table of medians and ratios; return the medians (s/call).

    Each round runs every case `number` times, in an order rotated by one each round. The ratio column is each
    case's median divided by the `baseline` case's median (the first case unless named): < 1 is faster.
    `clock` is wall time by default; time.thread_time counts only this thread's CPU time, which a busy shared
    machine cannot inflate (valid when every peer computes on the calling thread, e.g. with 1 BLAS thread).
    """
    names = list(cases)
    baseline = baseline or names[0]
    settle_heap()
    for name in names:  # warm caches, imports and lazy initialisation outside the timed rounds
        time_once(cases[name], warmup)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            samples[name].append(time_once(cases[name], number, clock))
    medians = {name: statistics.median(s) for name, s in samples.items()}
    print(format_table(medians, samples, baseline, unit, title))
    return medians


def _scale(seconds: float, unit: str) -> tuple[float, str]:
    if unit == "auto":
        unit = "µs" if seconds < 1e-3 else "ms" if seconds < 1 else "s"
    return seconds * {"s": 1, "ms": 1e3, "µs": 1e6, "us": 1e6, "ns": 1e9}[unit], unit


def format_table(medians: dict[str, float], samples: dict[str, list[float]], baseline: str, unit: str = "auto",
                 title: str | None = None) -> str:
    """Median, spread (min–max over rounds) and ratio to the baseline, one row per case."""
    rows = []
    width = max(len(n) for n in medians)
    base = medians[baseline]
    if title:
        rows.append(title)
    for name, m in medians.items():
        v, u = _scale(m, unit)
        lo, _ = _scale(min(samples[name]), u)
        hi, _ = _scale(max(samples[name]), u)
        rows.append(f"  {name:<{width}}  median {v:10.3f} {u:<2}  (min {lo:.3f}, max {hi:.3f}, "
                    f"{len(samples[name])} rounds)  ×{m / base:6.2f} vs {baseline}")
    return "\n".join(rows)
