"""Worksheets: reproducible from the seed, nicely dividing numbers, answers right by independent arithmetic."""

from __future__ import annotations

import math

import pytest

from glassgrad import worksheet

SEEDS = range(12)


def _exercise(seed: int, level: int, title: str) -> worksheet.Exercise:
    return next(e for e in worksheet.make(seed, level).exercises if e.title == title)


def test_same_seed_same_sheet_and_different_seeds_differ() -> None:
    assert worksheet.make(5, 2).to_markdown(True) == worksheet.make(5, 2).to_markdown(True)
    assert len({worksheet.make(s, 3).to_markdown() for s in SEEDS}) > 6


@pytest.mark.parametrize("level", [1, 2, 3])
def test_numbers_divide_nicely(level: int) -> None:
    for seed in SEEDS:
        for e in worksheet.make(seed, level).exercises:
            for v in [*e.answers.values(), *e.given.values()]:
                assert round(v, 4) == pytest.approx(v, abs=1e-12), (e.title, v)
                assert abs(v) < 1000


@pytest.mark.parametrize("seed", SEEDS)
def test_answers_by_independent_arithmetic(seed: int) -> None:
    g = _exercise(seed, 1, "Two weights in a chain").given
    a = _exercise(seed, 1, "Two weights in a chain").answers
    assert (a["dC/dw1"], a["dC/dw2"]) == (g["x"] * g["w2"], g["x"] * g["w1"])
    assert a["w1'"] == pytest.approx(g["w1"] - 0.01 * g["x"] * g["w2"])
    e = _exercise(seed, 2, "A perceptron and the chain rule")
    g, a = e.given, e.answers
    assert a["dC/dw"] == pytest.approx(2 * (g["i"] * g["w"] - g["y"]) * g["i"])
    e = _exercise(seed, 2, "The four steps of training")
    assert e.answers["dL/dw"] == pytest.approx(-2 * (e.given["y"] - e.given["w"] * e.given["x"]) * e.given["x"])
    e = _exercise(seed, 3, "A sigmoid network by hand, with deltas")
    g, a = e.given, e.answers
    assert a["δ2"] == -0.125 and a["dE/dw2"] == -0.0625  # σ(0) = 1/2: δ₂ = −(1 − ½)·¼
    assert a["dE/dw1"] == pytest.approx(-0.125 * g["w2"] * 0.25 * g["x"])
    e = _exercise(seed, 3, "The cost over m examples")
    g = e.given
    per = [2 * (g[f"i{k}"] * g["w"] - g[f"y{k}"]) * g[f"i{k}"] for k in (1, 2)]
    assert e.answers["dJ/dw"] == pytest.approx(sum(per) / 2)


def test_network_exercise_all_nine_gradients() -> None:
    e = _exercise(3, 3, "The 1-1-2-1 linear network: all 9 gradients")
    v, a = e.given, e.answers
    a1 = v["w1"] * v["x"] + v["b1"]
    a21, a22 = v["w2_1"] * a1 + v["b2_1"], v["w2_2"] * a1 + v["b2_2"]
    f = v["w3_1"] * a21 + v["w3_2"] * a22 + v["b3"]
    dl = -2 * (v["y"] - f)
    d21, d22 = dl * v["w3_1"], dl * v["w3_2"]
    d1 = d21 * v["w2_1"] + d22 * v["w2_2"]
    assert a == pytest.approx({"w1": d1 * v["x"], "b1": d1, "w2_1": d21 * a1, "b2_1": d21, "w2_2": d22 * a1,
                               "b2_2": d22, "w3_1": dl * a21, "w3_2": dl * a22, "b3": dl})


def test_markdown_and_latex_render_and_are_balanced(tmp_path) -> None:
    sheet = worksheet.make(1, 3)
    md, key = sheet.to_markdown(), sheet.to_markdown(answers=True)
    assert "pen and paper" in md and "**Answer.**" not in md and key.count("**Answer.**") == 3
    for answers in (False, True):
        tex = sheet.to_latex(answers)
        assert tex.startswith("\\documentclass") and tex.rstrip().endswith("\\end{document}")
        assert tex.count("{") == tex.count("}") and tex.count("$") % 2 == 0
        assert "\\begin{enumerate}" in tex and ("Answer" in tex) == answers
        assert tex.isascii()  # pdflatex needs no extra packages
    paths = sheet.write(tmp_path)
    assert sorted(p.name for p in paths) == sorted(
        ["worksheet-level3-seed1.md", "worksheet-level3-seed1.tex", "worksheet-level3-seed1-answers.md",
         "worksheet-level3-seed1-answers.tex"])
    assert paths[0].read_text() == md


def test_latex_escapes_specials_outside_math() -> None:
    assert worksheet._latex_text("50% of a_b & $a_b$") == "50\\% of a\\_b \\& $a_b$"


def test_bad_level() -> None:
    with pytest.raises(ValueError, match="level must be 1, 2 or 3"):
        worksheet.make(0, 4)


def test_estimate_exercise_true_change() -> None:
    e = _exercise(0, 1, "The derivative as an estimate of change")
    g = e.given
    assert e.answers["true change"] == pytest.approx((g["x"] + g["dx"]) ** g["power"] - g["x"] ** g["power"])
    assert e.answers["dy/dx"] == g["power"] * g["x"] ** (g["power"] - 1)
    assert not math.isclose(e.answers["estimate"], e.answers["true change"])
