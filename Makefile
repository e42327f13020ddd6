# Cadence — one target per habit. See README.md.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
ONLY ?=
# One pytest worker per core; each test file runs whole on one worker so data built
# once per module is built once.
PYTEST_PARALLEL ?= -n auto --dist loadfile
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo dev test test-fast test-browser lint bench venv venv-dev clean

## Set up and run Cadence with a demo organisation on http://127.0.0.1:$(PORT)
demo: venv
	scripts/ensure-pdf-libs.sh "$(VENV)"
	PORT=$(PORT) scripts/demo.sh

## The demo with Django's debug pages and tracebacks, for development
dev: venv
	scripts/ensure-pdf-libs.sh "$(VENV)"
	CADENCE_DEBUG=1 PORT=$(PORT) scripts/demo.sh

## Set up everything the tests need and run the whole suite
test: venv-dev
	scripts/ensure-chromium.sh
	scripts/ensure-pdf-libs.sh "$(VENV)"
	$(PY) -m pytest $(PYTEST_PARALLEL)

## The suite without the browser tests
test-fast: venv-dev
	scripts/ensure-pdf-libs.sh "$(VENV)"
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "not browser"

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check cadence tests bench
	$(VENV)/bin/mypy

## Benchmarks (ONLY=import|directory for one); prints one JSON object per line
bench: venv-dev
	@$(PY) -m bench $(ONLY)

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml scripts/venv.sh
	scripts/venv.sh "$(VENV)" ""
	touch $@

$(VENV)/.installed-dev: pyproject.toml scripts/venv.sh
	scripts/venv.sh "$(VENV)" "[dev]"
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) var build *.egg-info
