# The two commands a new machine needs (only Python 3.11+ and the system tools):
#   make demo   set up g287 in .venv, import the bundled real ICE workbooks, print the summary
#   make test   set up the test dependencies in .venv and run lint, types and the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test install install-test browser lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all]'

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all,test]'

# The browser tests drive Debian's Chromium (Playwright's own download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y -qq chromium chromium-driver >/dev/null || \
	    { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }; \
	  else echo "install Debian's chromium package for the browser tests" >&2; exit 1; fi; }

demo: install
	$(BIN)/g287 demo --serve

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest

test: install-test browser lint typecheck pytest

bench: install-test
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
