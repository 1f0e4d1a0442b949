"""The `glassgrad` command: lessons, explanations of any formula, training, worksheets, the report, the playground.

Exit status: 0 success; 1 an error (one line on stderr, no traceback); 2 a usage error; 3 a lesson's number
disagreed with its article. Set GLASSGRAD_DEBUG=1 to see the traceback of an unexpected error.
"""

from __future__ import annotations

import os
import sys
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
    from glassgrad.formula import FormulaError
    from glassgrad.lessons import UnknownLesson

    if isinstance(e, (FormulaError, UnknownLesson, ValueError, OSError)):
        return str(e).splitlines()[0] if str(e) else type(e).__name__
    return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''} (GLASSGRAD_DEBUG=1 shows the traceback)"


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
def lesson(name: str | None, no_explain: bool) -> None:
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
    click.echo(result.to_text(explain=not no_explain))
    if not result.ok:
        failed = sum(not c.ok for c in result.checks)
        click.echo(f"{failed} of {len(result.checks)} numbers disagree with the article", err=True)
        sys.exit(CHECK_FAILED)


@cli.command()
@click.argument("expr")
@click.option("--at", "at", required=True, metavar="x=2,w=4", help="The value of every variable of the formula.")
@click.option("--precision", type=click.IntRange(1, 17), default=4, show_default=True,
              help="Significant digits of the numbers shown.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "latex", "html", "json"]), default="text",
              show_default=True, help="How to render the explanation.")
def explain(expr: str, at: str, precision: int, fmt: str) -> None:
    """Differentiate formula EXPR at the given values and show every backward step and derivation.

    EXPR uses numbers, variables, + - * / ** and exp log sin cos tanh sigmoid relu sqrt abs, e.g.
    glassgrad explain "sigmoid(w*x + b)" --at w=0.5,x=2,b=-1. It is parsed, never evaluated by Python.
    """
    from glassgrad.formula import build, parse_values

    out, leaves = build(expr, parse_values(at))
    try:
        from glassgrad.explain import explain as explain_
    except ImportError:
        out.backward()
        click.echo(f"f = {out.item():.{precision}g}")
        for name, t in leaves.items():
            click.echo(f"∂f/∂{name} = {t.grad.item():.{precision}g}")
        return
    trace = explain_(out, precision=precision)
    if fmt != "text":
        click.echo({"markdown": trace.to_markdown, "latex": trace.to_latex, "html": trace.to_html,
                    "json": trace.to_json}[fmt]())
        return
    click.echo(str(trace))
    for t in leaves.values():
        click.echo("")
        click.echo(str(trace.derivation(t)))


@cli.command()
@click.option("--seed", type=int, default=0, show_default=True,
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
