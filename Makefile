# Two commands do all set-up on a fresh machine:
#   make demo   creates .venv, installs glassgrad with every extra, runs the main job (the report)
#   make test   installs what the tests need (Python packages and Debian's chromium) and runs the suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q --disable-pip-version-check

.PHONY: demo test lint bench clean

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e '.[all]'
	touch $@

$(VENV)/.test: $(VENV)/.base
	$(PIP) -e '.[all,test,bench]'
	touch $@

demo: $(VENV)/.base
	$(VENV)/bin/glassgrad report

/usr/bin/chromium:
	(apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || apt-get install -y chromium

test: $(VENV)/.test /usr/bin/chromium
	$(VENV)/bin/ruff check src tests bench
	$(PY) -m pytest -n 2

lint: $(VENV)/.test
	$(VENV)/bin/ruff check src tests bench

bench: $(VENV)/.test /usr/bin/chromium
	for b in overhead deep_chain mlp moons explain playground playground_browser cnn rnn; do $(PY) bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
