"""Every `glassgrad` command run through click's CliRunner: exit codes, output, files written, one-line errors."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from glassgrad import cli

COMMANDS = ["lesson", "explain", "worksheet", "report", "serve", "train"]


def run(*args: str) -> object:
    return CliRunner().invoke(cli.cli, list(args), catch_exceptions=False)


def one_line_error(result: object, *fragments: str) -> None:
    """A failed command: non-zero exit, exactly one line of output, no traceback, the fragments in it."""
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    for f in fragments:
        assert f in lines[0]


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_everywhere(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0 and result.output.startswith("Usage: ")
    if not command:
        for c in COMMANDS:
            assert c in result.output


def test_lesson_list_and_run() -> None:
    listed = run("lesson")
    assert listed.exit_code == 0
    for name in ("simplest", "chain-rule", "perceptron", "by-hand", "how-networks-learn", "learning-rate"):
        assert name in listed.output
    result = run("lesson", "perceptron")
    assert result.exit_code == 0
    assert "✓ dC/dw: glassgrad 2.1, article 2.1" in result.output and "✗" not in result.output
    assert "∂C/∂w" in result.output  # glassgrad's derivation is part of the lesson
    steps = run("lesson", "perceptron", "--steps")
    assert steps.exit_code == 0 and "Backward pass of C" in steps.output and "local derivative" in steps.output
    by_seed = run("lesson", "0", "--no-explain")
    assert by_seed.exit_code == 0 and "Checks: 18/18" in by_seed.output and "∂y/∂x = 3·x^2" not in by_seed.output


def test_lesson_with_a_wrong_article_number_exits_3(monkeypatch) -> None:
    from glassgrad.lessons import seed002

    monkeypatch.setitem(seed002.ARTICLE, "dC/dw", 2.2)
    result = CliRunner().invoke(cli.cli, ["lesson", "perceptron"])
    assert result.exit_code == cli.CHECK_FAILED
    assert "✗ dC/dw: glassgrad 2.1, article 2.2" in result.output


def test_unknown_lesson() -> None:
    one_line_error(run("lesson", "backprop-101"), "unknown lesson 'backprop-101'", "simplest")


def test_explain_formula() -> None:
    result = run("explain", "x*w + sin(x)", "--at", "x=2,w=4")
    assert result.exit_code == 0, result.output
    assert "∂f/∂w = ∂f/∂(x·w) · ∂(x·w)/∂w" in result.output and "= 1 · x" in result.output  # the chain of its 2 ops
    assert result.output.rstrip().endswith("= 2")  # ∂f/∂w = x = 2
    assert "3.584" in result.output  # w + cos(2) = 4 − 0.4161
    as_json = run("explain", "x**3", "--at", "x=2", "--format", "json")
    assert as_json.exit_code == 0
    assert json.loads(as_json.output)  # valid JSON


@pytest.mark.parametrize("expr, at, fragment", [
    ("x^2", "x=1", "write x**2"),
    ("x*(w", "x=1,w=2", "malformed formula"),
    ("__import__('os').system('true')", "x=1", "unknown function"),
    ("x.real", "x=1", "Attribute is not allowed"),
    ("x + y", "x=1", "no value for y"),
    ("log(x)", "x=-1", "outside its domain"),
])
def test_explain_bad_formula(expr: str, at: str, fragment: str) -> None:
    one_line_error(run("explain", expr, "--at", at), fragment)


@pytest.mark.parametrize("at, fragment", [("x=two", "'two' is not a number"), ("x", "name=number pairs"),
                                          ("x=1,x=2", "x is given twice"), ("x=1,z=3", "does not use")])
def test_explain_bad_at(at: str, fragment: str) -> None:
    one_line_error(run("explain", "x*x", "--at", at), fragment)


def test_explain_names_the_intermediate_steps() -> None:
    """The staged circuit of the course notes: q = x + y, f = q·z at x = −2, y = 5, z = −4."""
    x, y, z = -2.0, 5.0, -4.0
    q = x + y
    result = run("explain", "q = x + y; f = q*z", "--at", "x=-2,y=5,z=-4")
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Backward pass of f = {q * z:g}" in out and "f = q·z" in out and "q = x + y" in out
    assert f"∂f/∂x = {z:g}\n  ∂f/∂y = {z:g}\n  ∂f/∂z = {q:g}\n" in out  # the leaves' gradients
    assert "\n∂f/∂q = z\n" in out  # the step's own derivation, named
    assert "\n∂f/∂x = ∂f/∂q · ∂q/∂x\n" in out  # the chain through the named step
    assert out.index("\n∂f/∂q = z") < out.index("\n∂f/∂x = ∂f/∂q")  # from the output down
    newline = run("explain", "q = x + y\nq*z", "--at", "x=-2,y=5,z=-4")  # newlines work too; unnamed output: f
    assert newline.exit_code == 0 and f"Backward pass of f = {q * z:g}" in newline.output
    assert "f = q·z" in newline.output


@pytest.mark.parametrize("expr, fragment", [
    ("q = x; f = q*2", "q = x gives x a second name: use x itself"),
    ("f = q*x; q = x + 1", "q is used before it is computed"),
    ("q = x + 1; r = x*2; r", "q is computed but not used by the output"),
    ("q = x + 1; r = q*2; x*3", "q, r are computed but not used"),
    ("x = 2; f = x*3", "x is given in --at and computed by the formula"),
    ("q = x + 1; q = x*2; q*3", "q is computed twice"),
    ("exp = x + 1; exp*2", "exp is a function"),
    ("f = x*2; f*3", "f names the output"),
    ("q, r = x, x", "named steps as name = formula"),
    ("q = x + 1; import os", "named steps as name = formula"),
    ("q = x + 1; x*q = 2", "malformed formula"),
])
def test_explain_bad_steps(expr: str, fragment: str) -> None:
    one_line_error(run("explain", expr, "--at", "x=1"), fragment)


def test_explain_a_formula_that_starts_with_minus_says_to_use_double_dash() -> None:
    refused = run("explain", "-x*w", "--at", "x=3,w=2")
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert "No such option '-x'" in refused.output
    assert 'goes after the options and --: glassgrad explain --at x=1 -- "-x*w"' in refused.output
    done = run("explain", "--at", "x=3,w=2", "--", "-x*w")  # what the message says works
    assert done.exit_code == 0 and "∂f/∂w = −x" in done.output and "Backward pass of f = -6" in done.output


def test_explain_at_names_are_normalised_as_the_formula_parser_does() -> None:
    import unicodedata

    assert unicodedata.normalize("NFKC", "𝑥") == unicodedata.normalize("NFKC", "ｘ") == "x"
    result = run("explain", "𝑥*w", "--at", "ｘ=2,w=3")  # mathematical italic x in the formula, fullwidth in --at
    assert result.exit_code == 0, result.output
    assert "∂f/∂w = x" in result.output and "∂f/∂x = w" in result.output and "Backward pass of f = 6" in result.output
    one_line_error(run("explain", "x*2", "--at", "x=1,ｘ=2"), "x is given twice")


def test_explain_needs_at() -> None:
    result = run("explain", "x*x")
    assert result.exit_code == 2 and "Missing option '--at'" in result.output


def test_worksheet_writes_sheet_and_key(tmp_path) -> None:
    result = run("worksheet", "--seed", "4", "--level", "3", "--out", str(tmp_path))
    assert result.exit_code == 0
    written = result.output.split()
    assert len(written) == 4 and all(p.startswith(str(tmp_path)) for p in written)
    assert (tmp_path / "worksheet-level3-seed4-answers.md").read_text().count("**Answer.**") == 3
    again = tmp_path / "again"
    run("worksheet", "--seed", "4", "--level", "3", "--out", str(again))
    assert (again / "worksheet-level3-seed4.tex").read_text() == (tmp_path / "worksheet-level3-seed4.tex").read_text()


def test_worksheet_bad_level() -> None:
    result = run("worksheet", "--level", "7")
    assert result.exit_code == 2 and "7 is not in the range 1<=x<=3" in result.output


def test_serve_calls_the_web_server(monkeypatch) -> None:
    import glassgrad.web.server as server

    calls = []
    monkeypatch.setattr(server, "run", lambda host, port: calls.append((host, port)))
    assert run("serve", "--port", "8123").exit_code == 0
    assert calls == [("127.0.0.1", 8123)]


def test_serve_without_the_web_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "glassgrad.web.server", None)  # import fails as if fastapi were missing
    one_line_error(run("serve"), "web playground is not available", "glassgrad[web]")


def test_main_returns_exit_status() -> None:
    assert cli.main(["lesson", "nope"]) == 1
    assert cli.main(["--version"]) == 0


def _csv(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


GOOD_CSV = "a,b,label\n" + "".join(f"{i % 3},{(i * 7) % 5},{int(i % 3 > (i * 7) % 5 / 2)}\n" for i in range(40))


def test_train_on_a_csv_writes_checkpoint_settings_and_plots(tmp_path) -> None:
    import glassgrad as gg

    data = _csv(tmp_path, "mine.csv", GOOD_CSV)
    out = tmp_path / "run"
    result = run("train", data, "--layers", "8", "--epochs", "2", "--batch-size", "8", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "mine: train accuracy" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["model.safetensors", "run.json", "loss.png", "loss.svg", "grad_norms.png",
                            "grad_norms.svg", "decision_boundary.png", "decision_boundary.svg"])
    state = gg.load(out / "model.safetensors")
    assert tuple(state["fc1.weight"].shape) == (8, 2) and tuple(state["fc2.weight"].shape) == (2, 8)
    settings = json.loads((out / "run.json").read_text())
    assert settings["config"]["hidden"] == [8] and settings["config"]["epochs"] == 2
    assert 0 <= settings["test_accuracy"] <= 1


def test_train_builtin_dataset_progress_and_accuracy(tmp_path) -> None:
    result = CliRunner().invoke(cli.cli, ["train", "moons", "--layers", "16,16", "--epochs", "15", "--lr", "0.02",
                                          "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "epoch 15/15" in result.stderr and "val_acc" in result.stderr  # gg.train's progress bar
    accuracy = float(result.stdout.split("test accuracy ")[1].split(",")[0])
    assert accuracy >= 0.9


@pytest.mark.parametrize("text, fragment", [
    ("a,b,label\n0,0,0\n1,1\n", "line 3 has 2 cells, expected 3"),
    ("a,b,label\n0,x,0\n1,1,1\n", "'x' is not a number"),
    ("a,b,label\n0,1,\n1,1,1\n", "target column 'label' is empty"),
    ("", "has no rows"),
])
def test_train_csv_problems(tmp_path, text: str, fragment: str) -> None:
    one_line_error(run("train", _csv(tmp_path, "bad.csv", text), "--out", str(tmp_path / "o")), fragment)


def test_train_bad_target_dataset_and_options(tmp_path) -> None:
    data = _csv(tmp_path, "mine.csv", GOOD_CSV)
    one_line_error(run("train", data, "--target", "nope"), "target column 'nope' not found")
    one_line_error(run("train", str(tmp_path / "missing.csv")), "unknown dataset", "CSV file")
    one_line_error(run("train", data, "--activation", "swish"), "unknown activation 'swish'")
    bad_layers = run("train", data, "--layers", "8,x")
    assert bad_layers.exit_code == 2 and "give hidden layer sizes as whole numbers" in bad_layers.output


def test_train_that_diverges_stops_with_one_clear_line(tmp_path) -> None:
    result = CliRunner().invoke(cli.cli, ["train", "moons", "--optimizer", "sgd", "--lr", "1e30", "--epochs", "2",
                                          "--out", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    error = result.stderr.rstrip().rsplit("\r", 1)[-1].splitlines()[-1]  # after the progress bar's last redraw
    assert result.stderr.count("Error: ") == 1 and error.startswith("Error: gg.train stopped: the loss became nan")
    assert "smaller learning rate" in error
    assert not (tmp_path / "model.safetensors").exists()


def test_formula_builds_the_program_without_eval(monkeypatch) -> None:
    import builtins
    import math

    from glassgrad.formula import build, parse_values

    def forbidden(*args: object) -> None:
        raise AssertionError("eval/exec must never run")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    out, leaves, steps = build("-x*w + sigmoid(x)/2 - exp(w)**0.5 + abs(-x)", parse_values("x=2, w=-1"))
    assert steps == {}
    out.backward()
    s = 1 / (1 + math.exp(-2.0))
    assert out.item() == pytest.approx(2 + s / 2 - math.exp(-0.5) + 2)
    assert leaves["x"].grad.item() == pytest.approx(1 + s * (1 - s) / 2 + 1)
    assert leaves["w"].grad.item() == pytest.approx(-2 - 0.5 * math.exp(-0.5))
    assert list(leaves) == ["x", "w"] and out.name == "f"


def test_formula_steps_are_named_tensors_of_one_program() -> None:
    from glassgrad.formula import build, parse_values

    out, leaves, steps = build("q = x + y; r = q*q; s = exp(r); s/q", parse_values("x=0.5,y=-0.25"))
    assert list(steps) == ["q", "r", "s"] and [t.name for t in steps.values()] == ["q", "r", "s"]
    assert out.name == "f" and steps["r"].grad_fn is not None and list(leaves) == ["x", "y"]
    out.backward()
    q = 0.25  # d/dx exp(q²)/q = exp(q²)·(2 − 1/q²), the same for y
    assert leaves["x"].grad.item() == pytest.approx(np.exp(q * q) * (2 - 1 / q ** 2), rel=1e-12)
    assert leaves["y"].grad.item() == leaves["x"].grad.item()
    named_out = build("q = x*2; g = q + 1", parse_values("x=1"))
    assert named_out[0].name == "g" and list(named_out[2]) == ["q"]


def test_train_refuses_target_for_a_builtin_dataset(tmp_path) -> None:
    result = run("train", "moons", "--target", "label", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "Traceback" not in result.output and "epoch" not in result.output
    assert "Invalid value for '--target': moons is a built-in dataset with its own target" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("cell, column", [("nan", "a"), ("inf", "b"), ("-inf", "a")])
def test_train_on_nan_or_inf_data_fails(tmp_path, cell: str, column: str) -> None:
    rows = GOOD_CSV.splitlines()
    row = rows[3].split(",")
    row["ab".index(column)] = cell
    rows[3] = ",".join(row)
    for seed in ("0", "1"):  # the bad row lands in the test split for one seed, in the training split for the other
        result = run("train", _csv(tmp_path, "bad.csv", "\n".join(rows) + "\n"), "--seed", seed, "--epochs", "1",
                     "--out", str(tmp_path / "o"))
        one_line_error(result, "bad.csv", cell.lstrip("-"))
        assert not (tmp_path / "o" / "model.safetensors").exists()


def test_train_on_a_nan_regression_target_fails(tmp_path) -> None:
    rows = "".join(f"{i / 10},{i % 3},{'nan' if i == 7 else i / 7}\n" for i in range(20))
    one_line_error(run("train", _csv(tmp_path, "reg.csv", "a,b,y\n" + rows), "--out", str(tmp_path / "o")),
                   "reg.csv", "nan")


@pytest.mark.parametrize("command", [["train", "moons"], ["worksheet"]])
def test_negative_seed_is_a_usage_error(command: list[str], tmp_path) -> None:
    result = run(*command, "--seed", "-1", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "Invalid value for '--seed': -1 is not in the range x>=0" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", [["train", "moons", "--epochs", "1"], ["report", "--quick"]])
def test_unwritable_out_fails_before_any_work(command: list[str], tmp_path) -> None:
    (tmp_path / "afile").write_text("not a folder")
    result = run(*command, "--out", str(tmp_path / "afile" / "run"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"Invalid value for '--out': cannot write into '{tmp_path / 'afile' / 'run'}'" in result.output
    assert "epoch" not in result.output and "✓" not in result.output  # neither training nor lessons ran


def test_train_csv_target_by_index_or_name(tmp_path) -> None:
    data = _csv(tmp_path, "cols.csv", "label,a,b\n" + "".join(line.split(",")[2] + "," + ",".join(
        line.split(",")[:2]) + "\n" for line in GOOD_CSV.splitlines()[1:]))
    by_name = run("train", data, "--target", "label", "--epochs", "1", "--out", str(tmp_path / "n"))
    by_index = run("train", data, "--target", "0", "--epochs", "1", "--out", str(tmp_path / "i"))
    assert by_name.exit_code == by_index.exit_code == 0
    assert by_name.stdout.splitlines()[0] == by_index.stdout.splitlines()[0]  # same run, same accuracies


def test_train_regression_csv_reports_r2(tmp_path) -> None:
    rng = np.random.default_rng(0)
    rows = "".join(f"{a:.4f},{b:.4f},{2 * a - b + 0.5:.4f}\n" for a, b in rng.uniform(0, 1, (200, 2)))
    data = _csv(tmp_path, "reg.csv", "a,b,y\n" + rows)
    result = run("train", data, "--layers", "16", "--epochs", "30", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    r2 = float(result.stdout.split("test R² ")[1].split(",")[0])
    assert r2 > 0.8
    assert not (tmp_path / "o" / "decision_boundary.png").exists()  # no classes, no boundary


def test_train_digits_with_the_cnn_model(tmp_path) -> None:
    import glassgrad as gg

    result = run("train", "digits", "--model", "cnn", "--epochs", "1", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "digits: train accuracy" in result.output
    state = gg.load(tmp_path / "model.safetensors")
    assert tuple(state["conv1.weight"].shape) == (16, 1, 3, 3) and tuple(state["fc2.weight"].shape) == (10, 64)
    assert json.loads((tmp_path / "run.json").read_text())["config"]["model"] == "cnn"
    bad = run("train", "moons", "--model", "cnn")
    assert bad.exit_code == 2 and "the cnn model reads 8×8 images" in bad.output
