"""The `glassgrad` command: lessons, explanations of any formula, training, worksheets, the report, the playground.

Exit status: 0 success; 1 an error (one line on stderr, no traceback); 2 a usage error; 3 a lesson's number
disagreed with its article. Set GLASSGRAD_DEBUG=1 to see the traceback of an unexpected error.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

CHECK_FAILED = 3


class _Group(click.Group):
    """Turns every error raised by a command into one clear line (click's `Error: ...`) and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as e:  # noqa: BLE001 - the one place errors become messages
            if os.environ.get("GLASSGRAD_DEBUG"):
                raise
            raise click.ClickException(_message(e)) from None


def _message(e: Exception) -> str:
    """Bad input (ValueError, e.g. a malformed formula; LookupError, e.g. an unknown lesson; OSError) speaks for
    itself; anything else is named, as it is probably a bug."""
    text = str(e.args[0]) if isinstance(e, LookupError) and e.args else str(e)  # KeyError's str() adds quotes
    first = text.splitlines()[0] if text else type(e).__name__
    if isinstance(e, (ValueError, LookupError, OSError)):
        return first
    return f"{type(e).__name__}: {first} (GLASSGRAD_DEBUG=1 shows the traceback)"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="glassgrad", prog_name="glassgrad")
def cli() -> None:
    """glassgrad: backpropagation you can see through.

    Start with `glassgrad lesson` (the articles' worked examples), then `glassgrad explain "x*w + sin(x)"
    --at x=2,w=4`, and `glassgrad report` for everything in one HTML page.
    """


@cli.command()
@click.argument("name", required=False)
@click.option("--no-explain", is_flag=True, help="Only the prose and the checks, without glassgrad's derivations.")
@click.option("--steps", is_flag=True, help="Also print every backward pass node by node.")
def lesson(name: str | None, no_explain: bool, steps: bool) -> None:
    """List the lessons, or run lesson NAME (a name or an article seed number) with its step-by-step explanation.

    Every number the article prints is computed by glassgrad and checked: ✓ agrees, ✗ disagrees (exit status 3).
    """
    import glassgrad.lessons as lessons

    if name is None:
        width = max(len(n) for n in lessons.LESSONS)
        click.echo("Lessons (run one with `glassgrad lesson NAME`):")
        for lesson_ in lessons.LESSONS.values():
            seed = f"article {lesson_.seed}" if lesson_.seed else "micro-lesson"
            click.echo(f"  {lesson_.name:<{width}}  {seed:<12}  {lesson_.title}")
        return
    result = lessons.run(name)
    click.echo(result.to_text(explain=not no_explain, steps=steps and not no_explain))
    if not result.ok:
        failed = sum(not c.ok for c in result.checks)
        click.echo(f"{failed} of {len(result.checks)} numbers disagree with the article", err=True)
        sys.exit(CHECK_FAILED)


class _FormulaCommand(click.Command):
    """`explain`: a formula that starts with '-' reads as an option to click; the error says how to pass it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)  # (the parser consumes args)
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as e:
            formula = next((a for a in given if a.startswith(e.option_name)), e.option_name)
            raise click.UsageError(
                f"{e.format_message()} A formula that starts with '-' goes after the options and --: "
                f"glassgrad explain --at x=1 -- \"{formula}\" (or start it with a space or a bracket)", ctx) from None


def _writable(folder: Path) -> None:
    """The --out folder, made and probed for writing before any work: a run never fails after training."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as e:
        raise click.BadParameter(f"cannot write into {str(folder)!r}: {e.strerror or e}",
                                 param_hint="'--out'") from None


@cli.command(cls=_FormulaCommand)
@click.argument("expr")
@click.option("--at", "at", required=True, metavar="x=2,w=4", help="The value of every variable of the formula.")
@click.option("--precision", type=click.IntRange(1, 17), default=4, show_default=True,
              help="Significant digits of the numbers shown.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "latex", "html", "json"]), default="text",
              show_default=True, help="How to render the explanation.")
@click.option("--check", is_flag=True, help="Also check each gradient against finite differences (text only).")
def explain(expr: str, at: str, precision: int, fmt: str, check: bool) -> None:
    """Differentiate formula EXPR at the given values and show every backward step and derivation.

    EXPR uses numbers, variables, + - * / ** and exp log sin cos tanh sigmoid relu sqrt abs, e.g.
    glassgrad explain "sigmoid(w*x + b)" --at w=0.5,x=2,b=-1. Name intermediate steps as the articles do:
    glassgrad explain "q = x + y; f = q*z" --at x=-2,y=5,z=-4 (the last statement is the output). A formula
    that starts with '-' goes after the options and --: glassgrad explain --at x=1 -- "-x".
    It is parsed, never evaluated by Python.
    """
    import glassgrad as gg
    from glassgrad.formula import build, parse_values

    out, leaves, steps = build(expr, parse_values(at))
    trace = gg.explain(out, precision=precision)
    if fmt != "text":
        click.echo({"markdown": trace.to_markdown, "latex": trace.to_latex, "html": trace.to_html,
                    "json": trace.to_json}[fmt]())
        return
    click.echo(str(trace))
    for t in [*reversed(steps.values()), *leaves.values()]:  # from the output down, as backward goes
        click.echo("")
        click.echo(str(trace.derivation(t)))
        if check:
            click.echo(str(trace.check(t)))


def _layers(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(v) for v in value.split(",") if v.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r}: give hidden layer sizes as whole numbers, e.g. 64,32") from None
    if any(v < 1 for v in sizes):
        raise click.BadParameter(f"{value!r}: layer sizes must be at least 1")
    return sizes


@cli.command()
@click.argument("dataset", default="digits")
@click.option("--target", help="CSV only: the target column, by name or index (default: the last column).")
@click.option("--model", type=click.Choice(["mlp", "cnn"]), default="mlp", show_default=True,
              help="mlp, or cnn: a small convolutional network for the 8×8 digits.")
@click.option("--layers", callback=_layers, default="64", show_default=True, metavar="64,32",
              help="MLP only: hidden layer sizes, comma-separated ('' for none).")
@click.option("--activation", default="relu", show_default=True,
              help="relu, tanh, sigmoid, gelu, leaky_relu, softplus or identity.")
@click.option("--optimizer", type=click.Choice(["sgd", "adam", "adamw", "rmsprop", "adagrad"]), default="adam",
              show_default=True)
@click.option("--lr", type=click.FloatRange(0, min_open=True), default=0.01, show_default=True, help="Learning rate.")
@click.option("--epochs", type=click.IntRange(1, 10_000), default=10, show_default=True)
@click.option("--batch-size", type=click.IntRange(1), default=64, show_default=True)
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True,
              help="Seeds the split, the weights and the shuffling.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the checkpoint and plots [default: runs/DATASET].")
def train(dataset: str, target: str | None, model: str, layers: tuple[int, ...], activation: str, optimizer: str,
          lr: float, epochs: int, batch_size: int, seed: int, out: Path | None) -> None:
    """Train an MLP classifier (or regressor) on DATASET: digits, moons, circles, xor, spirals, blobs, or a CSV.

    `--model cnn` trains a convolutional network instead (digits only).

    Shows a progress bar; saves the model (safetensors, loadable into the equivalent torch.nn model), the run's
    settings and results (run.json) and its plots (loss, gradient norms, decision boundary for 2-D data).
    """
    from glassgrad import experiment

    if target is not None and dataset in experiment.DATASETS:
        raise click.BadParameter(f"{dataset} is a built-in dataset with its own target; --target picks the target "
                                 "column of a CSV file", param_hint="'--target'")
    if model == "cnn" and dataset != "digits":
        raise click.BadParameter(f"the cnn model reads 8×8 images: it trains on the digits, not on {dataset}",
                                 param_hint="'--model'")
    out = out or Path("runs") / Path(dataset).stem
    _writable(out)
    config = experiment.Config(dataset, target, layers, activation, optimizer, lr, epochs, batch_size, seed,
                               model=model)
    run = experiment.run(config)
    metric = "accuracy" if run.data.classes else "R²"
    click.echo(f"{run.data.name}: train {metric} {run.train_accuracy:.4f}, test {metric} {run.test_accuracy:.4f}, "
               f"final loss {run.losses[-1]:.4f}")
    for path in experiment.save(run, out):
        click.echo(str(path))


@cli.command()
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True,
              help="Seed of the numbers: the same seed, the same sheet.")
@click.option("--level", type=click.IntRange(1, 3), default=1, show_default=True,
              help="1: derivatives and weights; 2: the chain rule and losses; 3: networks and deltas.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("worksheets"),
              show_default=True, help="Folder to write the sheet and its answer key into.")
def worksheet(seed: int, level: int, out: Path) -> None:
    """Write a pen-and-paper worksheet and a separate answer key (Markdown and LaTeX) with full derivations."""
    from glassgrad.worksheet import make

    for path in make(seed, level).write(out):
        click.echo(str(path))


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("report"), show_default=True,
              help="Folder for report.html (and the digits model's checkpoint).")
@click.option("--epochs", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Epochs of the digits classifier.")
@click.option("--quick", is_flag=True, help="Train for one epoch only (for a fast look, and for tests).")
def report(out: Path, epochs: int, quick: bool) -> None:
    """Run every lesson (✓/✗ per article number), train a digits classifier, write ONE self-contained HTML page.

    Prints the report's path. Exit status 3 when any lesson's number disagreed with its article.
    """
    import glassgrad.lessons as lessons
    from glassgrad import report as report_

    _writable(out)
    results = lessons.run_all()
    for r in results:
        click.echo(f"{'✓' if r.ok else '✗'} {r.title} ({sum(c.ok for c in r.checks)}/{len(r.checks)})")
        for c in r.checks:
            click.echo(f"    {c.line()}")
    path = report_.build(out, results, epochs=1 if quick else epochs)
    click.echo(str(path.resolve()))
    if not all(r.ok for r in results):
        sys.exit(CHECK_FAILED)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Serve the web playground (train and explain networks in the browser)."""
    try:
        from glassgrad.web.server import run
    except ImportError as e:
        raise click.ClickException(f"the web playground is not available ({e}); install it with "
                                   "pip install 'glassgrad[web]'") from None
    run(host, port)


def main(argv: list[str] | None = None) -> int:
    """The console entry point; returns the exit status instead of exiting when `argv` is given (for tests)."""
    try:
        cli.main(args=argv, prog_name="glassgrad", standalone_mode=True)
    except SystemExit as e:
        if argv is None:
            raise
        return e.code if isinstance(e.code, int) else 0 if e.code is None else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
