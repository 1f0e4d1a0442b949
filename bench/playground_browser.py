"""The playground's Play in Chromium: where each frame's CPU goes, per process, at one step per frame.

tests/test_web_browser.py prints the steps per second a learner sees; on a machine shared with other jobs that
figure mostly measures the other jobs. This bench measures what the page itself costs: over `--seconds` of Play
(2-8-8-1 tanh network on moons, 200 rows, batch 10, Adam, one step per frame) it reads the CPU time of each
Chromium process (/proc/PID/stat: the renderer runs the page, the GPU process composites in software, the
browser and utility processes carry the requests) and of this process (the uvicorn server in a thread; the
Playwright client idles meanwhile), and Chromium's own main-thread durations (CDP Performance.getMetrics), all
divided by the frames shown. With --trace, also the trace's totals for style, layout, paint, raster and the
compositor's draw. Chromium is Debian's (/usr/bin/chromium). Run from the repository root:
.venv/bin/python bench/playground_browser.py            # --seconds 5 --rounds 3 [--trace]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from _common import machine_facts
from glassgrad.web.server import served

CHROMIUM = "/usr/bin/chromium"
TRACED = ("UpdateLayoutTree", "Layout", "Paint", "RasterTask", "Display::DrawAndSwap")


def cpu_seconds() -> dict[str, float]:
    """CPU time (user + system) of each kind of process below this one, by Chromium's --type (or program name),
    and of this process ('server')."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        try:
            parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (ValueError, OSError):
            continue
    ours, grew = {os.getpid()}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in ours} - ours
        ours |= found
        grew = bool(found)
    ours.discard(os.getpid())
    out = {"server": time.process_time()}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in ours:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
        except OSError:
            continue
        kind = re.search(r"--type=(\S+)", command)
        name = kind.group(1) if kind else command.split()[0].rsplit("/", 1)[-1]
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def traced_ms(path: Path) -> dict[str, float]:
    """Total duration (ms) of the TRACED events over the whole trace, whatever thread ran them."""
    events = json.loads(path.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    totals = dict.fromkeys(TRACED, 0.0)
    for e in events:
        if e.get("ph") == "X" and e.get("name") in totals:
            totals[e["name"]] += e.get("dur", 0) / 1e3
    return totals


def one_round(browser, url: str, seconds: float, trace: bool) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    page.fill("#batch", "10")
    page.fill("#seed", "5")
    page.click("#build")
    page.wait_for_selector("body:not(.busy)")
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")

    def metrics() -> dict[str, float]:
        return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}

    def frames() -> int:
        return int(page.evaluate("document.body.dataset.frames || '0'"))

    def steps() -> float:
        return float(page.inner_text("#stats-step"))

    page.select_option("#per-frame", "1")
    page.click("#train-play")
    start = frames()
    while frames() < start + 10:  # Play is under way
        time.sleep(0.05)
    with tempfile.TemporaryDirectory() as tmp:
        if trace:
            browser.start_tracing(page=page, path=str(Path(tmp) / "trace.json"),
                                  categories=["devtools.timeline", "disabled-by-default-devtools.timeline",
                                              "toplevel", "cc", "viz"])
        cpu0, m0, f0, s0, t0 = cpu_seconds(), metrics(), frames(), steps(), time.monotonic()
        time.sleep(seconds)
        cpu1, m1, f1, s1, t1 = cpu_seconds(), metrics(), frames(), steps(), time.monotonic()
        if trace:
            browser.stop_tracing()
            spans = traced_ms(Path(tmp) / "trace.json")
    page.click("#train-pause")
    context.close()
    n = f1 - f0
    row = {"steps/s": (s1 - s0) / (t1 - t0), "frames/s": n / (t1 - t0), "load": os.getloadavg()[0]}
    row |= {f"{k} CPU": (cpu1[k] - cpu0.get(k, 0.0)) * 1e3 / n for k in cpu1}
    row |= {f"main {k}": (m1[k] - m0[k]) * 1e3 / n for k in ("TaskDuration", "RecalcStyleDuration", "LayoutDuration")}
    if trace:
        row |= {f"trace {k}": v / n for k, v in spans.items()}
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--trace", action="store_true", help="also sum the trace's style/layout/paint/raster/draw")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(machine_facts())
    with served() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        rows = [one_round(browser, url, args.seconds, args.trace) for _ in range(args.rounds)]
        browser.close()
    print(f"Play at 1 step per frame, 2-8-8-1 on moons, {args.rounds} rounds of {args.seconds:g} s; "
          "ms per frame shown unless marked; median (min–max)")
    for key in rows[0]:
        values = [r.get(key, 0.0) for r in rows]
        if not any(values):
            continue
        print(f"  {key:<28} {statistics.median(values):8.2f}  ({min(values):.2f}–{max(values):.2f})")


if __name__ == "__main__":
    main()
