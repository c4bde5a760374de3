# The two commands a new machine needs (only Python 3.11+ and the system tools):
#   make demo   set up g287 in .venv, import the bundled real ICE workbooks, print the summary
#   make test   set up the test dependencies in .venv and run lint, types and the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test quick checks install install-test browser ocr lint typecheck pytest bench clean

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

# OCR of scanned MOA pages uses Debian's Tesseract (optional: without it scans are flagged only).
ocr:
	@command -v tesseract >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y -qq tesseract-ocr >/dev/null || \
	    { apt-get update -qq && apt-get install -y -qq tesseract-ocr >/dev/null; } || \
	    echo "could not install tesseract-ocr: scanned MOAs will be flagged, not OCR'd" >&2; \
	  else echo "install Debian's tesseract-ocr package to OCR scanned MOAs" >&2; fi; }

PORT ?= 8287
demo: install
	$(BIN)/g287 demo --serve --port $(PORT)

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

# Test processes: most tests wait on subprocesses, servers and databases, so three
# processes keep two cores busy.
WORKERS ?= 3

pytest:
	$(BIN)/pytest -n $(WORKERS)

# Lint, types and the tests side by side, after the set-up.
checks:
	$(MAKE) --no-print-directory -j3 --output-sync=target lint typecheck pytest

test: install-test browser ocr
	$(MAKE) --no-print-directory checks

# The inner loop: no slow or browser tests (and no PostgreSQL unless its URL is set).
quick:
	$(BIN)/pytest -n $(WORKERS) -q -m "not slow and not browser"

# Figures and full commands (with the 500-list history and Datasette) in docs/benchmarks.md.
bench: install-test browser
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_lookup.py --n 1000
	$(BIN)/python benchmarks/bench_history.py
	-$(BIN)/python benchmarks/bench_simulate.py  # exits 1 when a target is missed
	command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_page.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
