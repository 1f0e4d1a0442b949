"""Renderers and views of a trace: text, Markdown, LaTeX, JSON (against its documented schema), SVG, HTML in a real
browser, plus broadcasting and path-sum notes, code sites, gradient checks and layer diagnostics."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import glassgrad as gg
from glassgrad.explain.format import number

DOCS = Path(__file__).resolve().parent.parent / "docs" / "explain-json.md"
CHROMIUM = "/usr/bin/chromium"


pytestmark = pytest.mark.usefixtures("float64")


def small_program():
    """A little of everything: broadcasting, a shared node, a named station, a reduction."""
    x = gg.tensor([1.0, -2.0, 0.5], requires_grad=True, name="x")
    w = gg.tensor(np.arange(12.0).reshape(4, 3) / 10, requires_grad=True, name="w_1")
    h = w * x  # (4, 3): x broadcast over axis 0
    h.name = "h"
    out = (gg.tanh(h) * h).sum()  # h used twice
    out.name = "loss%"
    return x, w, h, out


def test_broadcast_and_path_sums_are_explained():
    x, w, h, out = small_program()
    trace = gg.explain(out)
    notes = [e.broadcast for s in trace.steps for e in s.edges if e.broadcast]
    assert notes == ["summed over axis 0: (3,) was broadcast to (4, 3)"]
    h_step = next(s for s in trace.steps if s.vertex.label == "h")
    assert len(h_step.contributions) == 2
    np.testing.assert_allclose(sum(g for _, g in h_step.contributions), h_step.upstream)
    np.testing.assert_allclose(trace.grad(x), x.grad.data)
    text = trace.to_text(max_width=200)
    assert "summed over axis 0: (3,) was broadcast to (4, 3)" in text and "sum over 2 paths" in text


def test_sites_name_the_line_of_user_code():
    with gg.explain.record():
        a = gg.tensor(3.0, requires_grad=True)
        b = a * a  # the line the step names
    trace = gg.explain(b)
    assert trace.steps[0].vertex.site.endswith("b = a * a  # the line the step names")
    assert "test_explain_render.py" in trace.to_text(max_width=400)
    c = gg.tensor(3.0, requires_grad=True) * 2
    assert gg.explain(c).steps[0].vertex.site is None  # off by default: the engine pays nothing


def test_explain_leaves_grad_alone_when_asked_and_graph_stays_usable():
    x, w, h, out = small_program()
    trace = gg.explain(out, accumulate=False)
    assert x.grad is None
    out.backward()  # the explainer retained the graph; backward then frees it
    np.testing.assert_allclose(trace.derivation(x).value, x.grad.data, rtol=1e-12)
    with pytest.raises(RuntimeError, match="graph was freed"):
        gg.explain(out)


def test_clear_errors():
    x, w, h, out = small_program()
    trace = gg.explain(out)
    with pytest.raises(KeyError, match="not part of the graph"):
        trace.derivation(gg.tensor(1.0, requires_grad=True, name="stranger"))
    c = gg.tensor(2.0, name="c")
    with pytest.raises(RuntimeError, match="does not require grad"):
        gg.explain((x * c).sum()).derivation(c)
    with pytest.raises(RuntimeError, match="implicitly created only for scalar"):
        gg.explain(x * 2)


def test_tensor_stations_sum_their_parts_and_show_each_local_derivative():
    x, w, h, out = small_program()
    d = gg.explain(out).derivation(x)
    eq_h, eq_x = d.equations
    assert eq_h.tensor and [" · ".join(f.label for f in q.factors) for q in eq_h.parts] == [
        "∂loss%/∂(tanh h) · ∂(tanh h)/∂h", "∂loss%/∂((tanh h)·h) · ∂((tanh h)·h)/∂h (direct)"]
    np.testing.assert_allclose(sum(q.value for q in eq_h.parts), eq_h.value, rtol=1e-12)
    np.testing.assert_allclose(eq_x.value, x.grad.data, rtol=1e-12)
    text = str(d)
    tanh_local = 1 - np.tanh(h.data) ** 2  # tanh's local derivative, its own values
    g_tanh = h.data * 1.0  # ∂loss%/∂(tanh h) = h (loss% = sum(tanh h · h))
    assert f"this part of ∂loss%/∂h = ∂loss%/∂(tanh h) ⊙ (1 − tanh²h) = {number(g_tanh, 4)} ⊙ " \
           f"{number(tanh_local, 4)} = {number(g_tanh * tanh_local, 4)}" in text
    assert f"summed over axis 0: (3,) was broadcast to (4, 3) = {number(x.grad.data, 4)}" in text  # h = w_1 * x


# --------------------------------------------------------------------------------------------- renderers


def balanced(latex: str) -> None:
    body = re.sub(r"\\[{}]", "", latex)
    depth = 0
    for ch in body:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, "a } closes nothing"
    assert depth == 0, "unclosed {"
    assert latex.count(r"\left") == latex.count(r"\right")
    envs = re.findall(r"\\(begin|end)\{(\w+\*?)\}", latex)
    stack = []
    for kind, name in envs:
        if kind == "begin":
            stack.append(name)
        else:
            assert stack and stack.pop() == name
    assert not stack


def test_latex_is_balanced_escaped_and_ascii():
    x, w, h, out = small_program()
    latex = gg.explain(out).to_latex()
    balanced(latex)
    assert latex.isascii(), sorted({ch for ch in latex if not ch.isascii()})
    assert r"w_{1}" in latex and r"\text{loss\%}" in latex  # names: subscripts, and % escaped
    assert "%" not in latex.replace(r"\%", "")  # a bare % would comment out the rest of the line
    assert r"\begin{tabular}" in latex and r"\begin{align*}" in latex


def test_markdown_table_is_well_formed():
    x, w, h, out = small_program()
    trace = gg.explain(out)
    md = trace.to_markdown()
    table = [line for line in md.splitlines() if line.startswith("|")]
    from glassgrad.explain.render import rows

    assert len(table) == 2 + len(rows(trace))
    cells = {len(re.split(r"(?<!\\)\|", line)) for line in table}
    assert len(cells) == 1  # every row has the same number of cells
    assert md.count("```") % 2 == 0 and md.count("$$") % 2 == 0
    balanced("\n".join(md.split("$$")[1::2]))


def test_json_follows_the_documented_schema():
    x, w, h, out = small_program()
    trace = gg.explain(out)
    doc = json.loads(trace.to_json())
    spec = DOCS.read_text()
    assert doc["schema"] == "glassgrad.explain/1"
    for section, obj in [("Top level", doc), ("`nodes[i]`", doc["nodes"][0]), ("`edges[i]`", doc["edges"][0]),
                         ("`steps[i]`", doc["steps"][0]), ("`derivations[i]`", doc["derivations"][0])]:
        table = spec.split(f"## {section}")[1].split("\n## ")[0]
        documented = set(re.findall(r"^\| `(\w+)`", table, re.M)) | set(re.findall(r"`(\w+)` / `(\w+)`", table)[0]
                                                                          if "/ `" in table else ())
        assert set(obj) == documented, f"{section}: {set(obj) ^ documented}"
    ids = {n["id"] for n in doc["nodes"]}
    assert ids == set(range(len(doc["nodes"])))
    assert all(e["to"] in ids and (e["from"] is None or e["from"] in ids) for e in doc["edges"])
    by_name = {n["name"]: n for n in doc["nodes"] if n["name"]}
    np.testing.assert_allclose(by_name["x"]["grad"], x.grad.data)
    np.testing.assert_allclose(by_name["w_1"]["grad"], w.grad.data)
    assert [s["node"] for s in doc["steps"]] == [s.vertex.id for s in trace.steps]
    assert doc["layers"] == []  # no nn layers in this program
    gg.manual_seed(0)
    net = gg.nn.Sequential(gg.nn.Linear(2, 2), gg.nn.ReLU(), gg.nn.Linear(2, 1))
    layer_doc = gg.explain(net(gg.randn(3, 2)).sum(), model=net).to_dict()["layers"]
    table = spec.split("## `layers[i]`")[1]
    assert set(layer_doc[0]) == set(re.findall(r"^\| `(\w+)`", table, re.M))
    np.testing.assert_allclose(layer_doc[1]["grad_weight"], net[2].weight.grad.data)
    edge = next(e for e in doc["edges"] if e["broadcast"])
    assert edge["broadcast"] == "summed over axis 0: (3,) was broadcast to (4, 3)"


def test_json_summarises_large_tensors_and_non_finite_values():
    from glassgrad.explain.render import json_value

    assert json_value(np.arange(2000.0))["shape"] == [2000]
    assert json_value(np.array([1.0, np.inf, np.nan])) == [1.0, "inf", "nan"]
    assert json_value(np.float64(2.5)) == 2.5


def test_svg_parses_and_draws_every_node_and_the_highlighted_path():
    x, w, h, out = small_program()
    trace = gg.explain(out)
    graph = trace.graph(highlight=x)
    root = ET.fromstring(graph.svg)
    ns = "{http://www.w3.org/2000/svg}"
    groups = root.iter(f"{ns}g")
    nodes = {g.get("id") for g in groups if "node" in (g.get("class") or "").split()}
    assert nodes == {f"v{v.id}" for v in trace.vertices}
    hot = {g.get("id") for g in root.iter(f"{ns}g") if g.get("class") == "edge hl"}
    h_id, x_id = trace.vertex(h).id, trace.vertex(x).id
    assert f"e{h_id}_1" in hot and f"e{h_id}_0" not in hot  # the edge h ← x, not h ← w
    assert {g.get("id") for g in root.iter(f"{ns}g") if g.get("class") == "node named"} >= {f"v{x_id}", f"v{h_id}"}
    texts = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
    assert "grad" in texts and "value" in texts
    dot = trace.to_dot(highlight=x)
    assert dot.startswith("digraph") and dot.count("->") == sum(e.source is not None for v in trace.vertices
                                                                 for e in v.edges)
    assert "color=red" in dot


def test_large_graphs_collapse_by_layer():
    x = gg.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(100):
        y = gg.sin(y) * 1.01
    trace = gg.explain(y)
    graph = trace.graph(max_nodes=60)
    root = ET.fromstring(graph.svg)
    boxes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if "layer" in (g.get("class") or "")]
    assert graph.collapsed and 30 <= len(boxes) <= 60  # 201 depths, merged into at most 60 boxes
    assert sum(int(g.get("data-count")) for g in boxes) == len(trace.vertices)


def test_networks_collapse_by_nn_layer():
    gg.manual_seed(0)
    net = gg.nn.Sequential(gg.nn.Linear(2, 4), gg.nn.ReLU(), gg.nn.Linear(4, 4), gg.nn.Tanh(), gg.nn.Linear(4, 1))
    trace = gg.explain((net(gg.randn(3, 2)) ** 2).mean(), model=net)
    root = ET.fromstring(trace.graph(max_nodes=5).svg)
    svg = "{http://www.w3.org/2000/svg}"
    boxes = [g for g in root.iter(f"{svg}g") if "layer" in (g.get("class") or "")]
    heads = [g.find(f"{svg}text").text.split(":")[0] for g in boxes]
    members = [set(g.find(f"{svg}title").text.split(", ")) for g in boxes]
    assert heads == ["layer 1", "layer 2", "layer 3"]  # the input data joins the layer that reads it
    assert {"0.weight", "0.bias"} <= members[0] and {"2.weight", "2.bias"} <= members[1]
    assert {"4.weight", "4.bias"} <= members[2]
    assert sum(int(g.get("data-count")) for g in boxes) == len(trace.vertices)


class _TagBalance(HTMLParser):
    """Every element opened is closed, in order (void elements aside)."""

    VOID = {"meta", "br", "img", "input", "hr", "link", "path", "rect"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, f"</{tag}> closes nothing open"


def test_html_is_well_formed():
    x, w, h, out = small_program()
    checker = _TagBalance()
    checker.feed(gg.explain(out).to_html())
    assert checker.stack == []


def test_jupyter_shows_at_most_200_rows_of_a_long_trace():
    x = gg.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(300):
        y = gg.sin(y)
    shown = gg.explain(y)._repr_html_()
    assert shown.count("<tr class='gg-step'>") == 200 and "100 more rows" in shown


def test_jupyter_reprs():
    x, w, h, out = small_program()
    trace = gg.explain(out)
    assert "<table" in trace._repr_html_() and "<svg" in trace._repr_html_()
    assert "∂loss%/∂x" in trace.derivation(x)._repr_html_()
    assert trace.graph()._repr_svg_().startswith("<svg")
    assert "<pre" in trace.check(x)._repr_html_()


def chromium_path() -> str | None:
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


def test_html_renders_in_a_real_browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium: install Debian's with `apt-get install -y chromium` (make test does)")
    x, w, h, out = small_program()
    trace = gg.explain(out)
    page_html = trace.to_html()
    assert page_html.startswith("<!DOCTYPE html>") and "<script" not in page_html and "http" not in page_html.replace(
        "http://www.w3.org/2000/svg", "")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path,
                                    args=["--no-sandbox", "--headless", "--disable-gpu",
                                          "--disable-background-networking"])
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_content(page_html)
            from glassgrad.explain.render import rows

            assert page.locator("tr.gg-step").count() == len(rows(trace))
            assert page.locator("svg.gg-graph g.node").count() == len(trace.vertices)
            box = page.locator("svg.gg-graph").bounding_box()
            assert box["width"] > 100 and box["height"] > 50  # drawn, not collapsed to nothing
            assert "∂loss%/∂x" in page.inner_text("body")
            assert errors == []
        finally:
            browser.close()


# ------------------------------------------------------------------------------------------ check, layers


def test_check_detects_a_wrong_gradient():
    x, w, h, out = small_program()
    trace = gg.explain(out)
    good = trace.check(w)
    assert good.ok and good.error < 1e-7 and good.total_elements == 12 and len(good.elements) == 8
    trace.vertex(w).grad = trace.vertex(w).grad * 1.01  # what a wrong backward formula would produce
    bad = trace.check(w)
    assert not bad.ok and bad.error == pytest.approx(0.01 / 1.01, rel=1e-3)
    assert "MISMATCH" in str(bad)


def test_check_sweep_survives_steps_that_leave_the_domain():
    x = gg.tensor(0.3, requires_grad=True, name="x")
    check = gg.explain(gg.log(x)).check(x)  # x − 0.5 < 0: log is nan there, and no warning escapes
    rows = {r.h: r for r in check.sweep}
    assert np.isnan(rows[0.5].central) and check.ok and 1e-8 <= check.best_step <= 1e-3
    assert rows[1e-6].central == pytest.approx(1 / 0.3, rel=1e-8)


def test_layer_diagnostics_dead_relus_and_saturated_sigmoids():
    gg.manual_seed(0)
    net = gg.nn.Sequential(gg.nn.Linear(4, 6), gg.nn.ReLU(), gg.nn.Linear(6, 6), gg.nn.Sigmoid(), gg.nn.Linear(6, 1))
    with gg.no_grad():
        net[0].bias.data[:2] = -100.0  # units 1, 2 never fire
        net[2].bias.data[3] = 9.0  # unit 4 saturates: σ' ≈ 1e-4
    x = gg.randn(8, 4)
    table = gg.explain((net(x) ** 2).mean(), model=net).deltas()
    diags = {layer.name: " | ".join(layer.diagnostics) for layer in table.layers}
    assert "dead units: 2 of 6 (units 1, 2)" in diags["0 (Linear)"]
    assert "saturated units: 1 of 6 (units 4)" in diags["2 (Linear)"]
    assert "dead" not in diags["2 (Linear)"] and "saturated" not in diags["0 (Linear)"]
    assert np.all(table.layers[0].grad_weight[:2] == 0)


def test_layer_diagnostics_vanishing_and_exploding():
    gg.manual_seed(0)
    deep = [gg.nn.Linear(3, 3) for _ in range(10)]
    layers = []
    for lin in deep:
        with gg.no_grad():
            lin.weight.data *= 0.1
        layers += [lin, gg.nn.Sigmoid()]
    net = gg.nn.Sequential(*layers)
    table = gg.explain(net(gg.randn(4, 3)).sum(), model=net).deltas()
    first = table.layers[0]
    assert any(d.startswith("vanishing gradient") for d in first.diagnostics)
    assert first.grad_norm / table.layers[-1].grad_norm < 1e-3
    big = gg.nn.Linear(3, 3)
    with gg.no_grad():
        big.weight.data *= 1e4
    table = gg.explain((gg.nn.Sequential(big, gg.nn.Linear(3, 1))(gg.randn(2, 3)) ** 2).sum()).deltas()
    assert any(d.startswith("exploding gradient") for _, d in table.diagnostics)


def test_unnamed_graphs_get_automatic_labels():
    a, b = gg.tensor(2.0, requires_grad=True), gg.tensor(3.0, requires_grad=True)
    c = gg.tensor([1.0, 2.0])
    out = ((a * b + 1) * c).sum()
    trace = gg.explain(out, names=False)  # without the caller's variable names (a, b, c, out)
    labels = [v.label for v in trace.vertices]
    assert labels == ["x1", "x2", "x1·x2", "x1·x2 + 1", "[1, 2]", "(x1·x2 + 1)·[1, 2]", "f"]
    d = trace.derivation(a)
    eq_top, eq_mid, eq_a = d.equations  # the vector it is scaled to; the number x1·x2 + 1 (its two parts); a
    assert eq_top.tensor and not eq_mid.tensor and len(eq_mid.parts) == 2 and len(eq_a.parts) == 1
    assert [q.factors[0].label for q in eq_mid.parts] == ["∂f/∂((x1·x2 + 1)·[1, 2])[0]",
                                                          "∂f/∂((x1·x2 + 1)·[1, 2])[1]"]
    assert [float(q.value) for q in eq_mid.parts] == [1.0, 2.0]
    assert "∂f/∂x1 = ∂f/∂(x1·x2 + 1) · ∂(x1·x2 + 1)/∂(x1·x2) · ∂(x1·x2)/∂x1" in str(d)  # 2 ops: their chain
    assert "3 · 1 · 3" in str(d) and str(d).endswith("= 9")
    assert float(d.value) == 3.0 * 3.0


def test_non_scalar_outputs_take_a_gradient_like_backward():
    x = gg.tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    y = x * x
    y.name = "y"
    trace = gg.explain(y, gradient=gg.tensor([1.0, 0.5, -1.0]))
    np.testing.assert_allclose(trace.derivation(x).value, [2.0, 2.0, -6.0])
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0, -6.0])
    assert trace.check(x).ok


def test_a_derivation_of_a_scalar_path_shows_the_root_gradient_factor():
    w = gg.tensor(2.0, requires_grad=True, name="w")
    y = w * 3
    y.name = "y"
    d = gg.explain(y, gradient=gg.tensor(0.5)).derivation(w)
    (part,) = d.equations[-1].parts
    assert [(f.label, f.text(), float(f.value)) for f in part.factors] == [("g", "g", 0.5), ("∂y/∂w", "3", 3.0)]
    assert float(d.value) == 1.5
