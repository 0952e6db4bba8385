# The two commands of the README: `make lab` (run) and `make test` (every test).
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
# jlpm follows npm's configured registry; no registry host is written in this repository.
export YARN_NPM_REGISTRY_SERVER ?= $(shell npm config get registry 2>/dev/null)
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: install install-lab lab test test-suites test-js lint-checks test-fast test-quick test-browser lint chromium clean hub hub-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Build the front end with jlpm and link it into the venv, so a rebuild is what the lab serves.
define build_frontend
	cd extension && jlpm install && jlpm build:prod
	jupyter labextension develop --overwrite .
endef

# What running the lab needs: pairlab editable with its runtime dependencies, no test tools
# (Spark, Playwright, trino and the rest of the test extra are most of a first run's download).
install-lab: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(build_frontend)

# Everything the tests need: the same, plus the test extra.
install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(build_frontend)

lab: install-lab
	$(BIN)/pairlab lab

# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium; }

# Style, one-way rooms (import-linter, lazy imports counted), types (mypy, strict), TypeScript.
lint: install lint-checks

# The same without the install (make test runs it beside the suites, after installing once).
lint-checks:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	@# Complexity the C901 gate lets through: radon must grade no function D or worse.
	@worse=$$($(BIN)/radon cc -n D -s src/pairlab); if [ -n "$$worse" ]; then \
	  echo "$$worse"; echo "radon: split the functions above (grade D or worse)" >&2; exit 1; fi
	cd extension && jlpm tsc --noEmit

# configurable-http-proxy for the cohort hub: from npm into the checkout (git-ignored), not global.
HUB_NODE := .hub-node
CHP := $(HUB_NODE)/node_modules/.bin/configurable-http-proxy
$(CHP):
	npm install --prefix $(HUB_NODE) --no-audit --no-fund --silent configurable-http-proxy@5

hub-deps: $(CHP)

# The example cohort hub (deploy/jupyterhub): ana, eli and fran share $PAIRLAB_HUB_PASSWORD.
hub: $(CHP)
	@test -n "$$PAIRLAB_HUB_PASSWORD" || { echo "make hub: set PAIRLAB_HUB_PASSWORD first \
	(the password ana, eli and fran log in with)" >&2; exit 2; }
	$(MAKE) install-lab
	$(BIN)/python -m pip install --quiet -e ".[hub]"
	$(BIN)/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

# Front-end state logic (timer, rotation order) with Node's own test runner.
test-js: install
	cd extension && jlpm build:lib && node --test test/

# Each run leaves JUnit XML in test-output/ (git-ignored): benchmarks/test_times.py sums it
# per test folder for docs/performance.md.
test-fast: install
	$(BIN)/pytest tests --junitxml=test-output/python.xml

# The loop while you work (after `make install`): no kernels, no browser, no slow tests, no
# lint, one worker per core (pytest-xdist); JUnit XML for benchmarks/test_times.py. Under
# 3 minutes on a quiet 2-core machine.
test-quick:
	$(BIN)/pytest tests -m "not kernel and not slow and not browser" -p no:cacheprovider \
	  -n auto --junitxml=test-output/quick.xml

# Browser tests get their own pytest run, without pytest-jupyter, whose event loop
# clashes with Playwright's sync API.
test-browser: install chromium $(CHP)
	$(BIN)/pytest tests -m browser -p no:pytest_jupyter.jupyter_server \
	  --junitxml=test-output/browser.xml

# Two lanes at once, so both cores stay busy to the end: the Python tests but promote and
# packaging in one pytest run; in the other the browser tests (their own run, without
# pytest-jupyter, whose event loop clashes with Playwright's sync API), then promote and
# packaging; lint beside them. Either lane alone was about 20 minutes of work for one core;
# the Python run alone, 27. The other runs' output follows the first's; any failing fails.
LANE2 := tests/promote tests/packaging
test-suites: install chromium $(CHP)
	@mkdir -p test-output
	@$(MAKE) --no-print-directory lint-checks > test-output/lint.log 2>&1 & lint=$$!; \
	( $(BIN)/pytest tests -m browser -p no:pytest_jupyter.jupyter_server \
	    --junitxml=test-output/browser.xml > test-output/browser.log 2>&1; browsers=$$?; \
	  $(BIN)/pytest $(LANE2) --junitxml=test-output/python-2.xml \
	    > test-output/python-2.log 2>&1; exit $$(( browsers || $$? )) ) & second=$$!; \
	$(BIN)/pytest tests $(LANE2:%=--ignore=%) --junitxml=test-output/python.xml; python=$$?; \
	wait $$second; seconds=$$?; wait $$lint; lints=$$?; \
	for log in browser python-2 lint; do \
	  echo "---- test-output/$$log.log ----"; cat test-output/$$log.log; done; \
	exit $$(( python || seconds || lints ))

test: test-js test-suites

clean:
	rm -rf $(VENV) extension/node_modules extension/lib src/pairlab/labextension dist
