# The two commands a new user needs: `make run` and `make test`. Both create .venv and install.
# The first interpreter on PATH that is Python 3.11 or newer (python3 itself when it is).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
	&& echo $$p && break; done)
PYTHON := $(PYTHON)
VENV := .venv
LINTED := $(wildcard src tests bench scripts)
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
RUN_STAMP := $(VENV)/.installed

.PHONY: run test lint types layers pytest bench clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "bezetting needs Python 3.11 or newer on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(RUN_STAMP)

# The demo organisation in ./var (seeded once; later runs reuse it), then the server.
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo is set in the spring-2020 surge: the server's clock starts on its second plan day.
DEMO_CLOCK_START ?= 2020-03-17T09:30:00+01:00

run: $(RUN_STAMP)
	$(BIN)/bezetting demo --no-logins  # serve prints them
	$(if $(DEMO_CLOCK_START),BEZETTING_DEMO_CLOCK_START=$(DEMO_CLOCK_START)) \
		$(BIN)/bezetting serve --host $(HOST) --port $(PORT)

test: $(STAMP) lint types layers pytest

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

types: $(STAMP)
	$(BIN)/mypy src bench

layers: $(STAMP)
	$(BIN)/lint-imports

# One worker process per core, at most four (each has its own SQLite files and PostgreSQL
# schema); PYTEST_WORKERS=0 runs every test in this process.
PYTEST_WORKERS ?= auto
pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --maxprocesses=4 $(PYTEST_ARGS)

# Benchmarks against the peers (minutes each; see docs/benchmarks.md). Not part of `make test`.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/staffing.py
	$(BIN)/python bench/simulate.py
	$(BIN)/python bench/forecast.py
	$(BIN)/python bench/schedule.py
	$(BIN)/python bench/planning.py
	$(BIN)/python bench/swaps.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis build src/*.egg-info
