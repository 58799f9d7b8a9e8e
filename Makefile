# One entry point for newcomers and CI. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: example test lint types docs bench clean

$(BIN)/mkdocs: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## Run the example site at http://127.0.0.1:8000 (live reload).
example: $(BIN)/mkdocs
	$(BIN)/mkdocs serve -f example_site/mkdocs.yml

## Lint, type-check and run the whole test suite (the command CI runs).
test: $(BIN)/mkdocs lint types
	$(BIN)/pytest

lint: $(BIN)/mkdocs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(BIN)/mkdocs
	$(BIN)/mypy

## Build this project's documentation, strictly, with the plugin itself.
docs: $(BIN)/mkdocs
	$(BIN)/mkdocs build --strict

bench: $(BIN)/mkdocs
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) site example_site/site dist .pytest_cache .mypy_cache .ruff_cache
