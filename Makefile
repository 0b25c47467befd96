# Two commands matter: `make serve` (set up, build, preview) and `make test` (set up, run every test).
# Everything else here is a step they depend on.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test setup bundle site lint check browser-deps bench clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Debian's Chromium and CJK fonts for the browser tests; never a downloaded browser build.
browser-deps:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "noto.*cjk" || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }

bundle: setup
	$(PY) -m generator bundle

check: setup
	$(PY) -m generator check

site: bundle
	$(BIN)/mkdocs build --strict

serve: bundle
	$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check calc generator tests
	$(BIN)/mypy

test: setup browser-deps bundle lint
	$(BIN)/pytest --cov=calc --cov-report=term-missing --cov-fail-under=95

bench: site browser-deps
	$(PY) scripts/bench.py

clean:
	rm -rf site dist build calc/rules.json .pytest_cache .coverage
