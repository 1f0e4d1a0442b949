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
    assert "∂f/∂w = x" in result.output and "= 2" in result.output
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
    out, leaves = build("-x*w + sigmoid(x)/2 - exp(w)**0.5 + abs(-x)", parse_values("x=2, w=-1"))
    out.backward()
    s = 1 / (1 + math.exp(-2.0))
    assert out.item() == pytest.approx(2 + s / 2 - math.exp(-0.5) + 2)
    assert leaves["x"].grad.item() == pytest.approx(1 + s * (1 - s) / 2 + 1)
    assert leaves["w"].grad.item() == pytest.approx(-2 - 0.5 * math.exp(-0.5))
    assert list(leaves) == ["x", "w"] and out.name == "f"


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
