# citizen-desk: `make run` starts the service, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint format bench clean

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "citizen-desk needs Python 3.11 or newer")'
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --config-settings editable_mode=compat -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/citizen-desk migrate
	$(BIN)/citizen-desk serve

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/faq_bench.py --quick
	$(BIN)/python bench/route_bench.py --quick
	$(BIN)/python bench/webhook_bench.py --quick

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
