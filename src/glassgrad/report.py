"""The report: every lesson (✓/✗ per article number, with glassgrad's derivations and graphs), the pictures, and a
training run, in ONE self-contained HTML file. Images are data: URIs, styles inline, no scripts: it opens from
disk with no server and no network.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import glassgrad as gg
from glassgrad import plots
from glassgrad.lessons import Check, LessonResult, Step

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:0 auto;padding:0 20px 60px;
color:#1d1d28;line-height:1.45}
header{border-bottom:3px solid #335;margin-bottom:16px}h1{margin-bottom:4px}
h2{border-bottom:1px solid #ccd;padding-bottom:4px;margin-top:42px}
nav ul{columns:2;list-style:none;padding:0}nav a{text-decoration:none}
pre{background:#f6f6fa;border:1px solid #e3e3ec;border-radius:4px;padding:8px 10px;overflow-x:auto;font-size:13px}
pre.code{background:#1f2330;color:#e8e8f0}
table.checks{border-collapse:collapse;font-size:14px;margin:10px 0}
table.checks td,table.checks th{border:1px solid #ccd;padding:3px 8px;text-align:left}
table.checks th{background:#eef}
.ok{color:#11802a;font-weight:bold}.bad{color:#c21b1b;font-weight:bold}
.lesson{border:1px solid #dde;border-radius:6px;padding:4px 18px 12px;margin:18px 0;background:#fcfcff}
.step h4{margin-bottom:4px}.by{color:#557;font-size:13px;margin:4px 0 -4px}
pre.derivation{border-left:3px solid #c60}
figure{margin:18px 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#555;font-size:14px}
figure.wide{overflow-x:auto}figure.wide img{max-width:none}
details{margin:6px 0}summary{cursor:pointer;color:#335}
.summary{font-size:18px}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _figure(fig: Any, caption: str, ident: str, fmt: str = "png") -> str:
    return (f"<figure id='{_e(ident)}'><img alt='{_e(caption)}' src='{plots.data_uri(fig, fmt)}'>"
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def _step_html(step: Step) -> str:
    out = [f"<div class='step'><h4>{_e(step.title)}</h4><pre>{_e(step.text)}</pre>"]
    if step.code:
        out.append(f"<pre class='code'>{_e(step.code)}</pre>")
    shown = step.derivations or ([step.trace] if step.trace is not None else [])
    if shown:
        out.append("<p class='by'>glassgrad's own account (gg.explain):</p>")
    out += [f"<pre class='derivation'>{_e(d)}</pre>" for d in shown]
    out.append("</div>")
    return "".join(out)


def _checks_html(result: LessonResult) -> str:
    def values(c: Check) -> str:
        if c.is_claim:
            return f"<td colspan='2'>{'holds' if c.ok else 'does not hold'}</td>"
        return f"<td>{c.computed:.10g}</td><td>{c.expected:.10g}</td>"

    rows = "".join(f"<tr><td class='{'ok' if c.ok else 'bad'}'>{c.mark}</td><td>{_e(c.label)}</td>{values(c)}"
                   f"<td>{_e(c.source)}</td></tr>" for c in result.checks)
    return ("<table class='checks'><tr><th></th><th>number</th><th>glassgrad</th><th>expected</th>"
            f"<th>from</th></tr>{rows}</table>")


def lesson_html(result: LessonResult) -> str:
    """One lesson: its steps with derivations, the backward pass and graph (collapsed), and its checks."""
    seed = f" <small>(article {_e(result.seed)})</small>" if result.seed else " <small>(micro-lesson)</small>"
    passed = sum(c.ok for c in result.checks)
    verdict = f"<span class='{'ok' if result.ok else 'bad'}'>{passed}/{len(result.checks)} ✓</span>"
    out = [f"<article class='lesson' id='lesson-{_e(result.name)}'><h3>{_e(result.title)}{seed} {verdict}</h3>"]
    out += [_step_html(s) for s in result.steps]
    traces = [s.trace for s in result.steps if s.trace is not None]
    for i, trace in enumerate(dict.fromkeys(traces)):  # each trace once, in order (steps may share one)
        out.append(f"<details><summary>Backward pass {i + 1}: every step, and the computation graph</summary>"
                   f"{trace.to_html(full=False)}</details>")
    out.append(_checks_html(result) + "</article>")
    return "".join(out)


def pictures_html(results: dict[str, LessonResult]) -> str:
    """The lessons' pictures: descent paths on a contour, the learning-rate sweep, gradient norms, convergence."""
    figures = []
    if "many-starts" in results:
        r = results["many-starts"]
        figures.append(_figure(plots.loss_contour(r.data["surface"], r.data["paths"]),
                               "Gradient descent from three starts on f(u, v) = (u²−1)² + (v²−1)²: each start "
                               "ends in its own valley (seed 001's contour picture).", "fig-contour"))
        figures.append(_figure(plots.loss_contour(r.data["model_surface"], r.data["model_paths"], (-1.5, 4.5),
                                                  (-4, 3.5), ("w", "b"), "gg.optim.SGD on J(w, b) from three starts"),
                               "The cost of a = i·w + b over its two parameters, with the parameters gg.optim.SGD "
                               "went through from three starts: one bowl, one bottom at (2, −1).", "fig-contour-model"))
    if "learning-rate" in results:
        sweep = results["learning-rate"].data["lr_sweep"]
        figures.append(_figure(plots.lr_sweep(sweep), f"The perceptron trained with {len(sweep)} learning rates: "
                                                      "above 4/9 the loss grows.", "fig-lr-sweep"))
    if "how-networks-learn" in results:
        figures.append(_figure(plots.gradient_norms(results["how-networks-learn"].data["grad_norms"]),
                               "Per-layer gradient norms of a 12-layer network: sigmoid (left) vanishes towards "
                               "the input, ReLU (right) does not.", "fig-grad-norms"))
    if "by-hand" in results and results["by-hand"].steps[0].trace is not None:
        r = results["by-hand"]
        svg = plots.computation_graph(r.steps[0].trace, r.data["w₁"])
        figures.append(f"<figure id='fig-graph' class='wide'><img alt='computation graph' "
                       f"src='{plots.svg_data_uri(svg)}'>"
                       "<figcaption>Seed 003's network as glassgrad records it: value and gradient on every node, "
                       "the local derivative on every edge, the path from E back to w₁ highlighted.</figcaption>"
                       "</figure>")
    if "perceptron" in results:
        figures.append(_figure(plots.loss_curve(results["perceptron"].data["costs"], "Perceptron: cost per update",
                                                xlabel="update", log=True),
                               "Seed 002: the cost as w walks 0.8 → 0.59 → … → 1/3.", "fig-perceptron-loss"))
    return "<section id='pictures'><h2>Pictures</h2>" + "".join(figures) + "</section>"


def page(results: list[LessonResult], sections: Sequence[tuple[str, str, str]] = ()) -> str:
    """The whole HTML document. `sections`: extra (id, title, html) sections, e.g. the training run."""
    by_name = {r.name: r for r in results}
    checks = [c for r in results for c in r.checks]
    passed = sum(c.ok for c in checks)
    verdict = "ok" if passed == len(checks) else "bad"
    nav = "".join(f"<li><a href='#lesson-{_e(r.name)}'>{_e(r.title)}</a></li>" for r in results)
    nav += "<li><a href='#pictures'>Pictures</a></li>"
    nav += "".join(f"<li><a href='#{_e(ident)}'>{_e(title)}</a></li>" for ident, title, _ in sections)
    summary_rows = "".join(
        f"<tr><td><a href='#lesson-{_e(r.name)}'>{_e(r.name)}</a></td><td>{_e(r.seed or '—')}</td>"
        f"<td class='{'ok' if r.ok else 'bad'}'>{sum(c.ok for c in r.checks)}/{len(r.checks)}</td></tr>"
        for r in results)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>glassgrad report</title><style>{_CSS}</style></head><body>"
        f"<header><h1>glassgrad report</h1><p>Backpropagation you can see through. glassgrad {gg.__version__}, "
        f"{_e(when)}.</p></header>"
        f"<p class='summary' id='summary'>Article numbers reproduced: <span class='{verdict}'>"
        f"{passed}/{len(checks)} ✓</span></p>"
        f"<table class='checks'><tr><th>lesson</th><th>article</th><th>checks</th></tr>{summary_rows}</table>"
        f"<nav><h2>Contents</h2><ul>{nav}</ul></nav>"
        "<section id='lessons'><h2>Lessons</h2>" + "".join(lesson_html(r) for r in results) + "</section>"
        + pictures_html(by_name)
        + "".join(f"<section id='{_e(ident)}'><h2>{_e(title)}</h2>{body}</section>" for ident, title, body in sections)
        + "<footer><p>Generated by <code>glassgrad report</code>. Self-contained: no scripts, no network.</p>"
          "</footer></body></html>")


def write(out_dir: str | Path, results: list[LessonResult],
          sections: Sequence[tuple[str, str, str]] = ()) -> Path:
    """Write report.html into `out_dir` atomically; returns its path."""
    return plots.write_atomic(Path(out_dir) / "report.html", page(results, sections).encode("utf-8"))


def training_html(digits: Any, moons: Any) -> str:
    """The training runs: the digits classifier (loss, per-layer gradient norms) and a 2-D classifier's boundary."""
    from glassgrad import experiment

    c = digits.config
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in (
        ("data", f"scikit-learn's 8×8 digits: {len(digits.data.x_train)} train, {len(digits.data.x_test)} test"),
        ("model", f"MLP {[digits.data.x_train.shape[1], *c.hidden, digits.data.classes]}, {c.activation}"),
        ("optimizer", f"{c.optimizer}, lr {c.lr}"), ("epochs × batch", f"{c.epochs} × {c.batch_size}"),
        ("steps", len(digits.losses)), ("final loss", f"{digits.losses[-1]:.4f}"),
        ("train accuracy", f"{digits.train_accuracy:.2%}"), ("test accuracy", f"{digits.test_accuracy:.2%}")))
    figs = experiment.figures(digits)
    out = [f"<table class='checks' id='training-summary'>{rows}</table>",
           _figure(figs["loss"], "Cross-entropy loss per step on the digits.", "fig-training-loss"),
           _figure(figs["grad_norms"], "Gradient norm of each layer (weights and bias) per step.",
                   "fig-training-norms")]
    shown = digits.data.x_test[:36]
    predicted = experiment.predictor(digits.model)(shown)
    out.append(_figure(plots.image_grid(shown.reshape(-1, 8, 8), predicted, digits.data.y_test[:36],
                                        title="The first 36 test digits and the classifier's answers"),
                       "Test digits the model never trained on, with its predictions (mistakes in red).",
                       "fig-digits"))
    boundary = experiment.figures(moons)["decision_boundary"]
    out.append(_figure(boundary, f"A 2-D classifier (MLP {[2, *moons.config.hidden, 2]}) on the moons data: "
                                 f"test accuracy {moons.test_accuracy:.2%}.", "fig-decision-boundary"))
    return "".join(out)


def cnn_html(cnn: Any) -> str:
    """The digits CNN: its run, its mistakes, and one backward pass layer by layer with the conv layers' δ maps."""
    import glassgrad as gg
    from glassgrad import experiment

    c = cnn.config
    layers = ", ".join(f"{name} {m.extra_repr()}" for name, m in cnn.model.named_children() if m.extra_repr())
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in (
        ("model", f"LeNet-style CNN: {layers}"), ("optimizer", f"{c.optimizer}, lr {c.lr}"),
        ("epochs × batch", f"{c.epochs} × {c.batch_size}"), ("final loss", f"{cnn.losses[-1]:.4f}"),
        ("train accuracy", f"{cnn.train_accuracy:.2%}"), ("test accuracy", f"{cnn.test_accuracy:.2%}")))
    out = [f"<table class='checks' id='cnn-summary'>{rows}</table>",
           _figure(experiment.figures(cnn)["loss"], "Cross-entropy loss per step of the CNN.", "fig-cnn-loss")]
    shown = cnn.data.x_test[:36]
    out.append(_figure(plots.image_grid(shown.reshape(-1, 8, 8), experiment.predictor(cnn.model)(shown),
                                        cnn.data.y_test[:36], title="The CNN's answers on the first 36 test digits"),
                       "The same test digits as above, classified by the CNN (mistakes in red).", "fig-cnn-digits"))
    cnn.model.eval()
    loss = gg.nn.functional.cross_entropy(cnn.model(gg.tensor(cnn.data.x_test[:8])), gg.tensor(cnn.data.y_test[:8]))
    deltas = gg.explain(loss, accumulate=False, model=cnn.model).deltas(cnn.model)
    out.append("<h3>One backward pass, layer by layer (8 test digits)</h3>"
               "<p>δ at each layer's output; for the conv layers, δ of the first digit's feature maps: where the loss "
               "wants each map to change. Max-pooling routes δ to one cell per 2×2 window, ReLU zeroes it where the "
               f"map was negative.</p>{deltas._repr_html_()}")
    return "".join(out)


def build(out_dir: str | Path = "report", results: list[LessonResult] | None = None, epochs: int = 10,
          progress: bool = True) -> Path:
    """Run every lesson (unless `results` are given), train the digits classifiers (an MLP and a CNN) and a 2-D
    one, write the report; returns its path. The digits MLP's checkpoint and the run's settings are saved beside
    the report.
    """
    import glassgrad.lessons as lessons
    from glassgrad import experiment

    results = lessons.run_all() if results is None else results
    digits = experiment.run(experiment.Config("digits", hidden=(64,), epochs=epochs, lr=0.005), progress)
    moons = experiment.run(experiment.Config("moons", hidden=(16, 16), epochs=max(3, epochs * 2), lr=0.02,
                                             batch_size=32), progress=False)
    cnn = experiment.run(experiment.Config("digits", model="cnn", epochs=epochs, lr=0.005, batch_size=32), progress)
    experiment.save(digits, Path(out_dir) / "digits")
    return write(out_dir, results, [("training", "Training a digits classifier", training_html(digits, moons)),
                                    ("cnn", "A convolutional network on the digits", cnn_html(cnn))])
