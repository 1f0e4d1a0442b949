"""The playground in a real browser (Debian's Chromium through Playwright): what a learner sees is the engine's.

A uvicorn server runs in a thread on a free localhost port. Each test drives the page as a user would and
compares the numbers it shows with glassgrad computing the same example directly in the test; every page must
finish without console errors. Screenshots go to test-artifacts/ (git-ignored) for a human to look at.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from safetensors.numpy import load as load_safetensors

import glassgrad as gg
from glassgrad.nn import functional as F

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium: apt-get install chromium")
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    import uvicorn

    from glassgrad.web.server import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    yield pg
    context.close()
    assert problems == [], problems


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=20_000)
    settle(page)


def settle(page) -> None:
    """Wait until the page's requests are answered (the page marks the body busy while one is in flight)."""
    page.wait_for_selector("body:not(.busy)", timeout=20_000)
    expect(page.locator("#error")).to_be_hidden()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"playground-{name}.png"), full_page=True)


def build(page, *, dataset="moons", rows=40, hidden="3", activations=("tanh", "sigmoid"), loss="bce",
          optimizer="sgd", lr="0.1", batch="8", seed="5") -> None:
    page.select_option("#dataset", dataset)
    page.fill("#samples", str(rows))
    page.fill("#hidden", hidden)
    page.dispatch_event("#hidden", "change")
    page.select_option("#loss", loss)
    for i, act in enumerate(activations, 1):
        page.select_option(f"#activations select[data-layer='{i}']", act)
    page.select_option("#optimizer", optimizer)
    page.fill("#lr", lr)
    page.fill("#batch", batch)
    page.fill("#seed", seed)
    page.click("#build")
    settle(page)


def session_path(page) -> str:
    """/api/sessions/<id>: the page's own session, read from its download link."""
    return page.get_attribute("#download", "href").rsplit("/", 1)[0]


def network(page, base_url: str) -> tuple[list[np.ndarray], list[np.ndarray], dict]:
    """The page's current weights (through the safetensors download) and its dataset."""
    path = session_path(page)
    tensors = load_safetensors(httpx.get(base_url.rstrip("/") + path + "/model.safetensors").content)
    layers = sorted({int(k.split(".")[0]) for k in tensors})
    data = httpx.get(base_url.rstrip("/") + path + "/data").json()
    return [tensors[f"{i}.weight"] for i in layers], [tensors[f"{i}.bias"] for i in layers], data


def shown(page, selector: str) -> float:
    return float(page.locator(selector).first.inner_text())


# ------------------------------------------------------------------------------------------------ tests
def test_backward_steps_show_the_engines_numbers(page, base_url):
    open_page(page, base_url)
    build(page)
    expect(page.locator("#graph .neuron")).to_have_count(2 + 3 + 1)
    page.fill("#example", "7")
    page.dispatch_event("#example", "change")
    settle(page)

    # glassgrad, in the test: the same example through the page's weights, float64, gradients kept
    weights, biases, data = network(page, base_url)
    x = gg.tensor([data["x"][7]], dtype=gg.float64)
    w1, b1, w2, b2 = (gg.tensor(a, dtype=gg.float64, requires_grad=True) for a in
                      (weights[0], biases[0], weights[1], biases[1]))
    z1 = x @ w1.T + b1
    a1 = gg.tanh(z1)
    z2 = a1 @ w2.T + b2
    y_hat = gg.sigmoid(z2)
    for t in (z1, a1, z2, y_hat):
        t.retain_grad()
    loss = F.binary_cross_entropy(y_hat, gg.tensor([[data["y"][7]]], dtype=gg.float64))
    loss.backward()

    page.click("#step-backward")
    settle(page)
    expect(page.locator("#step-title")).to_contain_text("Backward: the loss")
    assert shown(page, "#step-panel tr.term td.num span.num") == pytest.approx(y_hat.grad.item(), rel=1e-5)
    page.click("#step-next")
    settle(page)
    expect(page.locator("#step-title")).to_contain_text("Backward: layer 2, neuron 1")
    expect(page.locator("#node-2-0")).to_have_class("neuron active")
    assert shown(page, "#step-panel [data-key=delta]") == pytest.approx(z2.grad.item(), rel=1e-5)
    for k in range(3):
        page.click("#step-next")
        settle(page)
        expect(page.locator("#step-title")).to_contain_text(f"Backward: layer 1, neuron {k + 1}")
        expect(page.locator(f"#node-1-{k}")).to_have_class("neuron active")
        expect(page.locator(f"#link-2-0-{k}")).to_have_class("link path")  # the path the gradient came along
        assert shown(page, "#step-panel [data-key=upstream]") == pytest.approx(a1.grad.data[0, k], rel=1e-5)
        assert shown(page, "#step-panel [data-key=delta]") == pytest.approx(z1.grad.data[0, k], rel=1e-5)
        grads = [float(t) for t in page.locator("#step-panel table.terms").nth(1).locator(
            "tr.term td:last-child").all_inner_texts()]
        assert grads == pytest.approx(list(w1.grad.data[k]) + [b1.grad.data[k]], rel=1e-5)
    shot(page, "backward-step")

    page.locator(".link-hit[data-layer='1'][data-row='2'][data-col='1']").dispatch_event("click")
    settle(page)
    expect(page.locator("#weight-panel")).to_be_visible()
    assert shown(page, "#weight-panel [data-key=engine]") == pytest.approx(w1.grad.data[2, 1], rel=1e-5)
    assert shown(page, "#weight-panel [data-key=central]") == pytest.approx(w1.grad.data[2, 1], rel=1e-5)
    expect(page.locator("#weight-panel p.ok")).to_contain_text("✓")
    expect(page.locator("#link-1-2-1")).to_have_class("link selected")
    shot(page, "weight-derivation")


def test_forward_steps_sum_the_products(page, base_url):
    open_page(page, base_url)
    build(page, hidden="2", activations=("relu", "sigmoid"))
    weights, biases, data = network(page, base_url)
    page.click("#step-next")
    settle(page)
    expect(page.locator("#step-title")).to_contain_text("Forward: layer 1, neuron 1")
    z = float(np.dot(weights[0][0], data["x"][0]) + biases[0][0])
    assert shown(page, "#step-panel .values [data-key=z]") == pytest.approx(z, rel=1e-5, abs=1e-9)
    assert shown(page, "#step-panel .values [data-key=a]") == pytest.approx(max(z, 0.0), rel=1e-5, abs=1e-9)


def test_training_lowers_the_loss(page, base_url):
    open_page(page, base_url)
    build(page, rows="200", hidden="8, 8", activations=("tanh", "tanh", "sigmoid"), optimizer="adam", lr="0.03",
          batch="16")
    page.click("#train-step")
    settle(page)
    first = shown(page, "#stats-loss")
    page.select_option("#per-frame", "10")
    page.click("#train-play")
    # step ≥ 200, awaited without wait_for_function: the page's Content-Security-Policy forbids the eval it uses
    expect(page.locator("#stats-step")).to_have_text(re.compile(r"^([2-9]\d\d|\d{4,})$"), timeout=30_000)
    page.click("#train-pause")
    expect(page.locator("#train-play")).to_be_enabled(timeout=20_000)
    settle(page)
    for _ in range(3):
        page.click("#train-epoch")
        settle(page)
    last = shown(page, "#stats-loss")
    assert last < 0.6 * first
    assert float(page.inner_text("#stats-accuracy").rstrip("%")) > 80
    assert page.locator("#grad-norms .bar").count() == 3
    state = httpx.get(base_url.rstrip("/") + session_path(page)).json()
    for toggle, key in ((False, "weight"), (True, "weight_grad")):  # links: width ∝ |w|, or |∂L/∂w| when toggled
        page.set_checked("#show-grads", toggle)
        l, k, j = max(((li + 1, k, j) for li, layer in enumerate(state["layers"])
                       for k, row in enumerate(layer[key]) for j in range(len(row))),
                      key=lambda t: abs(state["layers"][t[0] - 1][key][t[1]][t[2]]))
        widths = page.eval_on_selector_all("#graph line.link",
                                           "ls => ls.map(l => Number(l.getAttribute('stroke-width')))")
        assert float(page.get_attribute(f"#link-{l}-{k}-{j}", "stroke-width")) == max(widths)
    shot(page, "trained")


def test_upload_a_csv_and_train_on_it(page, base_url, tmp_path):
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(80, 2))
    label = (x[:, 0] * x[:, 1] > 0).astype(int)
    csv = tmp_path / "quadrants.csv"
    csv.write_text("u,v,label\n" + "\n".join(f"{a:.5f},{b:.5f},{c}" for (a, b), c in zip(x, label)) + "\n")
    open_page(page, base_url)
    page.set_input_files("#csv-file", str(csv))
    page.fill("#csv-target", "label")
    page.click("#csv-upload")
    settle(page)
    expect(page.locator("#data-source")).to_contain_text("upload: quadrants.csv, 80 rows")
    _, _, data = network(page, base_url)
    assert data["feature_names"] == ["u", "v"] and data["y"] == label.tolist()
    page.click("#train-epoch")
    settle(page)
    expect(page.locator("#stats-epoch")).to_have_text("1")
    shot(page, "uploaded-csv")


def test_a_shared_url_rebuilds_the_same_run(page, browser, base_url):
    open_page(page, base_url)
    build(page, hidden="4", activations=("relu", "sigmoid"), seed="11", lr="0.2")
    for _ in range(2):
        page.click("#train-epoch")
        settle(page)
    page.fill("#example", "3")
    page.dispatch_event("#example", "change")
    settle(page)
    url = page.url
    assert "steps=10" in url and "seed=11" in url and "ex=3" in url
    weights, _, _ = network(page, base_url)

    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    other.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_page(other, url)
    expect(other.locator("#stats-step")).to_have_text("10")
    assert other.input_value("#hidden") == "4" and other.input_value("#lr") == "0.2"
    assert other.input_value("#example") == "3"
    assert session_path(other) != session_path(page)  # a fresh session of its own
    again, _, _ = network(other, base_url)
    for a, b in zip(weights, again):
        np.testing.assert_array_equal(a, b)
    shot(other, "shared-url")
    other.close()
    assert errors == []


def test_lesson_shows_the_articles_numbers(page, base_url):
    open_page(page, base_url + "#lesson=seed004-one-weight")
    expect(page.locator("#lesson-text")).to_contain_text("∂L/∂w = −20")
    page.click("#step-backward")
    settle(page)
    page.click("#step-next")
    settle(page)
    grads = page.locator("#step-panel table.terms").nth(1).locator("tr.term td:last-child").all_inner_texts()
    assert [float(g) for g in grads] == [-20.0]
    assert page.get_attribute("#export-md", "href").endswith("format=markdown")
    markdown = httpx.get(base_url.rstrip("/") + page.get_attribute("#export-md", "href")).text
    assert "-20" in markdown
    shot(page, "lesson")
