# Two entry points: `make run` and `make test`. Both create .venv and install on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-fast install core report bench countries docs clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# The compiled core (sim/_core.py): mypyc builds it where a C compiler is at hand, and again after an edit
# to one of its sources; elsewhere the Python sources run, with the same results.
core: $(STAMP)
	@$(BIN)/python scripts/build_core.py

install: $(STAMP) core

run: $(STAMP) core
	$(BIN)/airlift run scenarios/lose_hmeimim.yaml --force

test: $(STAMP) core
	$(BIN)/lint-imports
	$(BIN)/python -m mypy
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir build/site
	$(BIN)/python -m pytest -n 2
	AIRLIFT_PURE=1 $(BIN)/python -m pytest -n 2 -q -m pure_core

test-fast: $(STAMP) core
	$(BIN)/python -m pytest -n 2 -m "not slow" tests

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir build/site

bench: $(STAMP) core
	$(BIN)/python bench/bench.py

report: $(STAMP)
	$(BIN)/airlift report reach --force

countries: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,data]'
	$(BIN)/python scripts/build_countries.py

clean:
	rm -f sim/_compiled.json sim/_compiled.partial
	find sim -name '*.so' -delete
	rm -rf $(VENV) build *.egg-info
