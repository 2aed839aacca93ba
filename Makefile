# The two front-door commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
DEMO_DIR ?= .demo
DEMO_PERSONS ?= 2000

.PHONY: run test lint typecheck unit install dev bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

install: $(STAMP_RUN)
dev: $(STAMP_DEV)

run: $(STAMP_RUN)
	$(BIN)/mpi demo $(DEMO_DIR) --persons $(DEMO_PERSONS)

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP_DEV)
	$(BIN)/mypy src tests

unit: $(STAMP_DEV)
	$(BIN)/pytest

test: lint typecheck unit

bench: $(STAMP_DEV)
	$(BIN)/pip install --quiet -e '.[dev,bench]'

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(DEMO_DIR)
