# The two commands a new machine needs (only Python 3.11+ and the system tools):
#   make demo   set up g287 in .venv, import the bundled real ICE workbooks, print the summary
#   make test   set up the test dependencies in .venv and run lint, types and the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test install install-test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

demo: install
	$(BIN)/g287 demo

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest

test: install-test lint typecheck pytest

bench: install-test
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
