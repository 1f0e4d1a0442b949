"""The report: one self-contained HTML file, opened in headless Chromium with the network cut off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import glassgrad.lessons as lessons
from glassgrad import cli

SECTIONS = ["summary", "lessons", "pictures", "training", "cnn", "cnn-summary",
            *(f"lesson-{name}" for name in lessons.LESSONS)]
FIGURES = ["fig-graph", "fig-contour", "fig-contour-model", "fig-lr-sweep", "fig-grad-norms", "fig-perceptron-loss",
           "fig-training-loss", "fig-training-norms", "fig-digits", "fig-decision-boundary", "fig-cnn-loss",
           "fig-cnn-digits"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(cli.cli, ["report", "--quick", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.stdout


def test_prints_its_path_and_a_mark_per_article_number(built: tuple[Path, str]) -> None:
    out, stdout = built
    path = Path(stdout.strip().splitlines()[-1])
    assert path == (out / "report.html").resolve() and path.is_file()
    assert "✓ dC/dw1: glassgrad 6, article 6" in stdout and "✓ ∂L/∂w: glassgrad -20, article -20" in stdout
    assert "✗" not in stdout
    checks = len(re.findall(r"^    [✓✗] ", stdout, re.M))
    assert checks > 80 and stdout.count("✓") == checks + len(lessons.LESSONS)  # one per number, one per lesson
    assert (out / "digits" / "model.safetensors").is_file()


def test_self_contained(built: tuple[Path, str]) -> None:
    text = (built[0] / "report.html").read_text(encoding="utf-8")
    assert "<script" not in text and "<link" not in text and "@import" not in text
    for url in re.findall(r"""(?:src|href)=['"]([^'"]+)""", text):
        assert url.startswith(("data:", "#")), url
    assert not re.search(r"url\((?!['\"]?data:)", text)


def test_sections_and_numbers_present(built: tuple[Path, str]) -> None:
    text = (built[0] / "report.html").read_text(encoding="utf-8")
    for ident in SECTIONS + FIGURES:
        assert f"id='{ident}'" in text, ident
    total = len(re.findall(r"^    ✓ ", built[1], re.M))
    assert f"{total}/{total} ✓" in text
    assert "dy estimate for dx=0.5" in text and "w after one update" in text  # the article numbers, by name
    assert "∂E/∂w₂ = ∂E/∂ŷ · ∂ŷ/∂z₂ · ∂z₂/∂w₂" in text  # glassgrad's derivation of seed 003
    assert "class='gg-graph'" in text  # the explain feature's computation graph, inline
    assert "conv1 (Conv2d)" in text and "first 16 of 32 channels" in text  # the CNN's δ maps, conv2's cut at 16
    assert text.count("<figure class='gg-map'>") >= 16 + 16


def test_opens_in_chromium_without_errors(built: tuple[Path, str]) -> None:
    from playwright.sync_api import sync_playwright

    path = (built[0] / "report.html").resolve()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            outside: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", lambda route: (outside.append(route.request.url), route.abort())
                       if not route.request.url.startswith(("file:", "data:")) else route.continue_())
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            for ident in SECTIONS + FIGURES:
                assert page.locator(f"#{ident}").count() == 1, ident
            images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.src])")
            assert len(images) >= len(FIGURES)
            for complete, width, src in images:
                assert complete and width > 0 and src.startswith("data:image/")
            assert page.locator("#lessons .lesson").count() == len(lessons.LESSONS)
            assert page.locator("td.bad").count() == 0
            assert errors == [] and outside == []
        finally:
            browser.close()
