"""One frame of the playground's Play, server side: what a 2-8-8-1 network on moons costs per frame shown.

While playing, the page sends one request per frame: `POST /train {"steps": 1}`, which trains one step and
returns the whole state (100 × 100 boundary, each neuron's 20 × 20 pictures of a and δ, weights, gradients,
losses) as JSON. The cases, timed interleaved by _common.compare:

  step        one optimizer step (batch 10), the training alone
  boundary    the 100 × 100 grid through the network: one forward of 10,000 points under no_grad
  pictures    the 20 × 20 grid forward with every z kept, and one gg.autograd.grad for every point's δ
  frame       a whole request's work: step + state + the response model's JSON (what uvicorn then sends)

1 / frame is the most frames per second the server can give one page on this machine (the browser's parse and
paint come on top; tests/test_web_browser.py measures the two together in Chromium). The process CPU time of a
frame is printed too: on a shared machine wall time also counts other processes. The Playground is the one
create_app makes, so NumPy's BLAS runs on one thread as in the server (see create_app). Run from the repository root:
.venv/bin/python bench/playground.py
"""

from __future__ import annotations

import time

from _common import compare, machine_facts
from glassgrad.web.schemas import NetworkConfig, TrainResult
from glassgrad.web.server import Playground, create_app
from glassgrad.web.sessions import SessionStore, Visitor

CONFIG = NetworkConfig(dataset="moons", samples=200, hidden=[8, 8], activations=["tanh", "tanh", "sigmoid"],
                       loss="bce", optimizer="adam", lr=0.03, batch_size=10)


def main() -> None:
    print(machine_facts())
    pg: Playground = create_app().state.playground
    who = Visitor(SessionStore.new_owner(), "127.0.0.1")
    sid = pg.create(CONFIG, who)["session_id"]
    with pg.store.use(sid, who) as run:
        run.train(500)  # a network mid-training, with a full loss history

        def frame() -> str:
            new = run.train(1)
            return TrainResult.model_validate({"state": pg.state(sid, run), "new_losses": new}).model_dump_json()

        medians = compare({"step": lambda: run.train(1), "boundary": run.boundary, "pictures": run.pictures,
                           "frame": frame}, rounds=15, number=20, baseline="frame",
                          title="playground, 2-8-8-1 on moons (200 rows, batch 10), per call")
        cpu = time.process_time()
        for _ in range(100):
            frame()
        cpu = (time.process_time() - cpu) / 100
    print(f"frame: {1 / medians['frame']:.0f} frames/s at most by wall time, {1 / cpu:.0f} by process CPU time "
          f"({cpu * 1e3:.2f} ms); response {len(frame()) / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
