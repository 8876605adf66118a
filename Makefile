# The README's two commands: `make demo` runs the main job, `make test` runs the test suite.
# Each one creates the virtual environment and installs everything on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,bench,dev,beam,plots]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) tools/end_to_end.py

test: $(STAMP)
	$(PY) -m ruff check keras_bert_lib tools benchmarks tests
	$(PY) -m pytest -p no:cacheprovider

# Day-to-day development: everything but the `slow` tier (real data, the real checkpoint,
# other processes; see tests/conftest.py).
test-fast: $(STAMP)
	$(PY) -m ruff check keras_bert_lib tools benchmarks tests
	$(PY) -m pytest -p no:cacheprovider -m "not slow"

# Every speed benchmark, ours and the peers interleaved: one table of ratios (JSON and PNG in
# runs/benchmarks). Run it alone on the machine.
bench: $(STAMP)
	$(PY) -m benchmarks

lint: $(STAMP)
	$(PY) -m ruff check keras_bert_lib tools benchmarks tests
