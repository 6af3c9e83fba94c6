# Set-up and the two jobs a newcomer needs: `make demo` and `make test`.
# The CPU wheel torch==2.13.0 is installed before the project so that sentence-transformers
# does not pull a multi-GB CUDA build.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Browser tests drive Debian's chromium (Playwright cannot download its own browser here).
# Installed when missing; where it cannot be, those tests are skipped with the reason.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	-@command -v apt-get >/dev/null && { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q chromium >/dev/null 2>&1; }; } \
	  || echo "chromium could not be installed: the browser tests will be skipped"

setup: $(STAMP) $(CHROMIUM)

demo: setup
	$(BIN)/recomentor demo

# Tests run on every core (pytest-xdist, at most four workers: each collects the whole suite
# first). A test file stays on one worker, so what its tests share (a trained model, a
# browser's server) is made once.
PARALLEL := -n auto --maxprocesses=4 --dist loadfile

# Bytecode is cached (in the ignored __pycache__ folders) even where the environment sets
# PYTHONDONTWRITEBYTECODE: otherwise every run compiles the package and the tests again, and
# the migration scripts each time a test migrates a database, a large part of the quick suite.
test: setup
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest $(PARALLEL)

test-fast: setup
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest $(PARALLEL) -m "not integration"

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/import.py

clean:
	rm -rf $(VENV) .recomentor .pytest_cache .mypy_cache .ruff_cache
