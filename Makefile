# ksqlmv — the two commands a newcomer needs are `make demo` and `make test`.
# Every target that runs project code installs it into .venv first, so a fresh clone needs only
# Python 3.11+ and make.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime
KSQLDB_TESTS ?= ../shared/ksqldb-tests
PYTEST_ARGS ?=
BENCH_ARGS ?=
DEMO_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help demo test check bench conformance install clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The demo needs only the runtime dependencies; tests and checks add the development tools.
$(RUNTIME_STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "ksqlmv needs Python 3.11 or newer on PATH (python3.11, python3.12, ...)"; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $(RUNTIME_STAMP)

$(STAMP): $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install ksqlmv with its development tools

demo: $(RUNTIME_STAMP) ## Run the whole platform on the embedded stack, live in a browser
	$(BIN)/ksqlmv demo $(DEMO_ARGS)

test: $(STAMP) ## Run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: $(STAMP) ## Lint and type-check (ruff, mypy strict)
	$(BIN)/ruff check src tests bench dashboard producers
	$(BIN)/ruff format --check src tests bench dashboard producers
	$(BIN)/mypy

bench: $(STAMP) ## Run every benchmark and print one table of figures and targets
	$(BIN)/ksqlmv bench $(BENCH_ARGS)

conformance: $(STAMP) ## Run ksqlDB's functional test corpus on the engine and write the report
	$(BIN)/python -m ksqlmv.conformance --corpus $(KSQLDB_TESTS) --report conformance/report.json --quiet

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) .ksqlmv .pytest_cache .mypy_cache .ruff_cache
