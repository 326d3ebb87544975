# citizen-desk: `make run` starts the service, `make test` runs the whole suite.
# Dependencies install from requirements.lock (exact versions, hashes); `make lock` refreshes it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
UV_VERSION := 0.13.9
# The lock is resolved for this target (hashes of every file of each pinned version are kept).
LOCK_TARGET := --python-version 3.11 --python-platform x86_64-unknown-linux-gnu

.PHONY: install run test lint format bench clean lock

$(STAMP): pyproject.toml requirements.lock Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "citizen-desk needs Python 3.11 or newer")'
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --config-settings editable_mode=compat -e .
	@touch $(STAMP)

install: $(STAMP)

# Resolve pyproject.toml (with the test extra) and requirements.in into requirements.lock,
# keeping the pinned versions that still fit; `make lock UPGRADE=1` moves all to the newest.
lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml requirements.in --extra test --generate-hashes \
		$(LOCK_TARGET) --no-config --quiet --custom-compile-command 'make lock' \
		$(if $(UPGRADE),--upgrade) --output-file requirements.lock

$(BIN)/uv:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

run: install
	$(BIN)/citizen-desk migrate
	$(BIN)/citizen-desk serve

test: install
	$(BIN)/python -m pytest

# Style, the layers' import contracts (pyproject.toml [tool.importlinter]) and the types.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/faq_bench.py --quick
	$(BIN)/python bench/route_bench.py --quick
	$(BIN)/python bench/webhook_bench.py --quick

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
