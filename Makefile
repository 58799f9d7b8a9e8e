# One entry point for newcomers and CI. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: example test quick lint types docs wheel screenshots bench clean

$(BIN)/mkdocs: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## Run the example site at http://127.0.0.1:8000 (live reload).
example: $(BIN)/mkdocs
	$(BIN)/mkdocs serve -f example_site/mkdocs.yml

## Lint, type-check and run the whole test suite (the command CI runs), the tests marked `slow`
## and `clients` included. Those marked `clients` drive Debian's chromium and Java
## (default-jre-headless): .ci/run installs them.
test: $(BIN)/mkdocs lint types
	$(BIN)/pytest

## The quick loop, under a minute on 2 cores: every test but those marked `clients` (Chromium,
## the Nu checker, ProperDocs, pip) and `slow` (the corpus built again, sites at size), in two
## processes (pytest-xdist), with a short security campaign (QT_HYPOTHESIS_EXAMPLES, 100 in
## `make test`).
quick: $(BIN)/mkdocs
	QT_HYPOTHESIS_EXAMPLES=20 $(BIN)/pytest -n 2 -m "not clients and not slow"

lint: $(BIN)/mkdocs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(BIN)/mkdocs
	$(BIN)/mypy

## Build this project's documentation, strictly, with the plugin itself.
docs: $(BIN)/mkdocs
	$(BIN)/mkdocs build --strict

## Build the wheel into dist/ (tests/test_packaging.py checks what it contains).
wheel: $(BIN)/mkdocs
	$(BIN)/pip wheel --quiet --no-deps --no-build-isolation -w dist .

## Retake the documentation's screenshots, docs/assets/screenshots/*.png, in the browser tests.
screenshots: $(BIN)/mkdocs
	QT_UPDATE_SCREENSHOTS=1 $(BIN)/pytest tests/test_browser.py tests/test_math_browser.py

bench: $(BIN)/mkdocs
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) site example_site/site dist test-artifacts .pytest_cache .mypy_cache .ruff_cache
