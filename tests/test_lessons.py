"""Every lesson reproduces its article's numbers; the expected figures here are typed from the articles and from
derivations on paper, never taken from the code under test."""

from __future__ import annotations

import math

import pytest

import glassgrad.lessons as lessons

RESULTS = {}


def result(name: str) -> lessons.LessonResult:
    if name not in RESULTS:
        RESULTS[name] = lessons.run(name)
    return RESULTS[name]


def computed(name: str, label: str) -> float:
    return result(name).checked(label).computed


SEED000 = [("dy/dx at x=2", 12.0), ("dy estimate for dx=0.01", 0.12), ("true dy for dx=0.01", 0.120601),
           ("y(2.01)", 8.120601), ("dy estimate for dx=0.5", 6.0), ("true dy for dx=0.5", 7.625),
           ("ŷ (one weight)", 8.0), ("cost (one weight)", -2.0), ("dC/dw", 2.0), ("cost at w=5", 0.0),
           ("ŷ (two weights)", 24.0), ("cost (two weights)", 14.0), ("dC/dw1", 6.0), ("dC/dw2", 8.0),
           ("w1 after update", 3.94), ("w2 after update", 2.92), ("ŷ change for w1+0.1", 0.6),
           ("ŷ change for w2+0.1", 0.8)]


@pytest.mark.parametrize("label, article", SEED000)
def test_seed000_numbers(label: str, article: float) -> None:
    assert computed("simplest", label) == pytest.approx(article, abs=1e-9)


def test_seed001_calculus() -> None:
    assert computed("chain-rule", "f(1.001) − f(1)") == pytest.approx(0.002, abs=1e-12)
    assert computed("chain-rule", "slope of f(x)=2x") == 2.0
    assert computed("chain-rule", "dg/dx") == 3.0
    assert computed("chain-rule", "dy/dg") == 2.0
    assert computed("chain-rule", "dy/dx (chain)") == 6.0
    assert computed("chain-rule", "dy/dx (two paths)") == pytest.approx(9 * 2.0**2)  # y = 3x³
    assert computed("chain-rule", "∂y/∂c") == 1.0
    assert computed("chain-rule", "∂y/∂(mx)") == 1.0
    assert computed("chain-rule", "∂y/∂m = x") == 3.0


# x = 2, y = 6: a1 = 1, a2 = (3, 2), f = 7, ∂L/∂f = 2, δ2 = (2, 4), δ1 = 2·2 + 4·1 = 8 (worked on paper)
NETWORK_GRADS = {"w[1]_1,1": 16.0, "b[1]_1": 8.0, "w[2]_1,1": 2.0, "b[2]_1": 2.0, "w[2]_2,1": 4.0, "b[2]_2": 4.0,
                 "w[3]_1,1": 6.0, "w[3]_1,2": 4.0, "b[3]_1": 2.0}


def test_seed001_network_all_nine_gradients() -> None:
    r = result("chain-rule")
    assert r.data["network_gradients"] == pytest.approx(NETWORK_GRADS, abs=1e-12)
    for k in NETWORK_GRADS:
        assert r.checked(f"∂L/∂{k} (finite differences)").ok
        assert r.checked(f"∂L/∂{k}").expected == NETWORK_GRADS[k]


def test_seed001_cost_is_mean_of_per_example_gradients() -> None:
    # examples (0, 4) and (4, 9), worked on paper: a1 = 0 → f = 3, ∂L/∂f = −2; a1 = 2 → a2 = (5, 3), f = 11,
    # ∂L/∂f = 4. ∂L/∂b[3] per example: 2, −2, 4 → mean 4/3; ∂L/∂w[1]: 16, 0, δ1 = 4·2 + 8·1 = 16 → 64 → 80/3
    assert computed("chain-rule", "∂J/∂b[3]_1 = mean of ∂L/∂b[3]_1") == pytest.approx(4 / 3)
    assert computed("chain-rule", "∂J/∂w[1]_1,1 = mean of ∂L/∂w[1]_1,1") == pytest.approx(80 / 3)


def test_seed002_perceptron() -> None:
    assert computed("perceptron", "a") == pytest.approx(1.2)
    assert computed("perceptron", "dC/da") == pytest.approx(1.4)
    assert computed("perceptron", "dC/dw") == pytest.approx(2.1)
    assert computed("perceptron", "w after one update") == pytest.approx(0.59)
    weights = result("perceptron").data["weights"]
    assert weights[:4] == pytest.approx([0.8, 0.59, 0.4745, 0.410975])  # w ← 0.55w + 0.15
    assert weights[-1] == pytest.approx(1 / 3, abs=1e-8)


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_seed003_sigmoid_network_deltas() -> None:
    # x = 1, w1 = 0.5, b1 = 0, w2 = −1, b2 = 0.5, y = 1 (the lesson's numbers), derived here independently
    a1 = _sigmoid(0.5)
    y_hat = _sigmoid(-a1 + 0.5)
    delta2 = -(1 - y_hat) * y_hat * (1 - y_hat)
    delta1 = delta2 * -1.0 * a1 * (1 - a1)
    assert computed("by-hand", "δ₂") == pytest.approx(delta2, rel=1e-12)
    assert computed("by-hand", "∂E/∂w₂") == pytest.approx(delta2 * a1, rel=1e-12)
    assert computed("by-hand", "δ₁") == pytest.approx(delta1, rel=1e-12)
    assert computed("by-hand", "∂E/∂w₁") == pytest.approx(delta1 * 1.0, rel=1e-12)
    assert computed("by-hand", "E") == pytest.approx(0.5 * (1 - y_hat) ** 2, rel=1e-12)


def test_seed004_four_steps_and_vanishing_gradients() -> None:
    assert computed("how-networks-learn", "L") == 4.0
    assert computed("how-networks-learn", "∂L/∂w") == -20.0
    assert computed("how-networks-learn", "w after update (lr 0.01)") == pytest.approx(2.2)
    assert computed("how-networks-learn", "L after update") == pytest.approx(1.0)
    assert result("how-networks-learn").data["sgd_losses"] == pytest.approx([4, 1, 0.25, 0.0625, 0.015625])
    norms = result("how-networks-learn").data["grad_norms"]
    assert norms["sigmoid"][0] / norms["sigmoid"][-1] < 1e-3
    assert norms["relu"][0] / norms["relu"][-1] > 0.1


def test_learning_rate_too_large_diverges() -> None:
    r = result("learning-rate")
    assert computed("learning-rate", "w after 1 step at r=0.5") == pytest.approx(0.8 - 0.5 * 2.1)
    assert abs(computed("learning-rate", "distance to 1/3 after 20 steps at r=0.5")) > 10
    assert abs(computed("learning-rate", "distance to 1/3 after 20 steps at r=0.4")) < 0.01
    sweep = r.data["lr_sweep"]
    assert sweep[0.5][-1] > sweep[0.5][0] and sweep[0.1][-1] < 1e-6


def test_different_starts_reach_different_minima() -> None:
    paths = result("many-starts").data["paths"]
    ends = {name: tuple(round(v, 6) for v in path[-1]) for name, path in paths.items()}
    assert ends == {"a": (1.0, 1.0), "b": (-1.0, -1.0), "e": (-1.0, 1.0)}


@pytest.mark.parametrize("name", list(lessons.LESSONS))
def test_every_lesson_passes_and_renders(name: str) -> None:
    r = result(name)
    assert r.checks and r.ok, [c.line() for c in r.checks if not c.ok]
    text = r.to_text()
    assert r.title in text and f"Checks: {len(r.checks)}/{len(r.checks)}" in text


def test_a_wrong_number_is_marked_wrong() -> None:
    bad = lessons.Check("dC/dw", 2.0, 2.5)
    assert not bad.ok and bad.line().startswith("✗")


def test_lookup_by_seed_number_and_unknown_name() -> None:
    assert lessons.get("2").name == "perceptron" and lessons.get("000").name == "simplest"
    with pytest.raises(lessons.UnknownLesson, match="choose one of: simplest"):
        lessons.get("nope")


def test_lessons_carry_glassgrads_derivations() -> None:
    """Each lesson's steps carry gg.explain's derivations, whose values are the gradients the lesson checks."""
    d_w2 = result("by-hand").steps[0].derivations[0]
    assert float(d_w2.value) == pytest.approx(computed("by-hand", "∂E/∂w₂"), rel=1e-12)
    assert "0.5 · 2·(y − ŷ) · (−1)" in str(d_w2)  # each op's own local derivative: ½, the square's, the minus's
    d_w1, d_w2 = result("simplest").steps[2].derivations
    assert (float(d_w1.value), float(d_w2.value)) == (6.0, 8.0)
    sigmoid_table, relu_table = result("how-networks-learn").steps[-1].derivations
    assert "vanishing gradient" in str(sigmoid_table) and "vanishing gradient" not in str(relu_table)
    for name in lessons.LESSONS:
        if lessons.get(name).seed is not None:
            assert any(s.derivations or s.trace for s in result(name).steps), name


def test_seed001_network_in_nn_layers_gives_the_same_nine_gradients() -> None:
    r = result("chain-rule")
    from glassgrad.lessons.seed001 import IN_LAYERS

    for name, (key, index) in IN_LAYERS.items():
        assert r.checked(f"∂L/∂{name} in {key}{list(index)}").computed == NETWORK_GRADS[name]
    table = next(s for s in r.steps if s.title.startswith("The same network")).derivations[0]
    assert "∂L/∂w^[1]_1,1 = a^[0]_1 δ^[1]_1 = (2)(8) = 16" in str(table)  # the article's w^[i]_{j,k}, BP4's order


def test_lessons_still_check_their_numbers_without_the_explain_feature(monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "glassgrad.explain", None)  # as if the explain package were missing
    for name in ("simplest", "by-hand", "how-networks-learn"):
        r = lessons.run(name)
        assert r.ok and all(not s.derivations and s.trace is None for s in r.steps)
    assert lessons.run("simplest").checked("dC/dw1").computed == 6.0
