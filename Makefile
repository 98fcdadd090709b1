# The two commands from the README: `make demo` and `make test`.
# Each creates .venv when it is missing and installs okrdesk with the
# reference plugins, so a fresh clone needs nothing else.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.okrdesk-installed
PLUGIN_PACKAGES := $(wildcard plugins/*/pyproject.toml)
LINTED := src tests benchmarks $(wildcard plugins)

.PHONY: demo test lint bench install browser cjk-font postgresql clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml $(PLUGIN_PACKAGES)
	$(BIN)/python -m pip install --quiet -e '.[test,warehouses]' $(foreach p,$(PLUGIN_PACKAGES),-e $(dir $(p)))
	touch $(STAMP)

demo: install
	$(BIN)/okrdesk demo

lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

# The HTML report is tested in a real headless Chromium, Debian's package.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the HTML report tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	    >/dev/null 2>&1 || echo "Could not install chromium (needs root and apt); the browser tests will fail."; }

# The browser tests look at Chinese text: without a CJK font Chromium draws boxes.
cjk-font:
	@fc-list :lang=zh family 2>/dev/null | grep -q . || { \
	  echo "Installing Debian's fonts-noto-cjk for the HTML report tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk) \
	    >/dev/null 2>&1 || echo "Could not install fonts-noto-cjk (needs root and apt); the browser tests will fail."; }


# The store tests run against a throwaway PostgreSQL server (tests/postgres_server.py)
# from Debian's package; OKRDESK_TEST_POSTGRES=skip skips them where there is none.
postgresql:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  echo "Installing Debian's postgresql for the store tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) \
	    >/dev/null 2>&1 || echo "Could not install postgresql (needs root and apt); the PostgreSQL tests will fail (OKRDESK_TEST_POSTGRES=skip skips them)."; }

# The suite runs on every core (pytest-xdist), four at most: each worker starts its own
# browser and PostgreSQL server when its tests need one. TEST_ARGS="-n 0" runs it in one.
TEST_ARGS ?= -n auto --maxprocesses=4

test: lint browser cjk-font postgresql
	$(BIN)/python -m pytest $(TEST_ARGS)

bench: install
	$(BIN)/python -m pytest benchmarks -p no:cacheprovider $(BENCH_ARGS)

clean:
	rm -rf $(VENV) okrdesk-demo .pytest_cache .mypy_cache .ruff_cache
