# Two commands set everything up on a fresh machine:
#   make run    creates .venv, installs mlkg, builds the default graph and serves it (Ctrl-C stops)
#   make test   creates .venv if needed, installs with test extras, runs the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out
PORT   ?= 8000

.PHONY: run build test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

build: $(VENV)/.installed
	$(BIN)/mlkg build --out $(OUT)

run: $(VENV)/.installed
	$(BIN)/mlkg build --out $(OUT)
	$(BIN)/mlkg serve --port $(PORT)

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/shapes.py
	$(BIN)/python benchmarks/load.py
	$(BIN)/python benchmarks/hostile.py

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
