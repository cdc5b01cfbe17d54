# Two commands a newcomer needs: `make demo` and `make test` (each sets everything up first).
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup test lint demo bench clean dashboard chromium

setup: $(STAMP)

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.12+ (pyenv install 3.12)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev,dashboard,dashboard-test]"
	@touch $(STAMP)

# Debian's Chromium for the dashboard's end-to-end test (Playwright drives it; it never
# downloads a browser of its own). CI runs `make setup` as root.
CHROMIUM := /usr/bin/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "error: $(CHROMIUM) missing; install Debian's chromium package (apt-get install chromium) as root"; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# The browser dashboard on http://$(HOST):$(PORT)/ (Ctrl-C stops it).
HOST ?= 127.0.0.1
PORT ?= 8765
dashboard: setup
	$(BIN)/coprod dashboard --host $(HOST) --port $(PORT)

# Style, types and the layer contract (pyproject.toml: [tool.importlinter]).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: setup chromium lint
	$(BIN)/python -m pytest -q

# The main job: every governance scenario compared over replications, with a report.
demo: setup
	rm -rf runs/governance_comparison
	$(BIN)/coprod sweep experiments/governance_comparison.yaml --out runs/governance_comparison

bench: setup
	$(BIN)/python experiments/bench/bench_citizens.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
