# make help lists the targets. Everything runs from the tree with the project venv (.venv).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help venv run test screenshots bench lint kafka bundle

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-12s %s\n", $$1, $$2}'

venv: $(STAMP) ## Create .venv and install requirements-dev.txt (again only when requirements change)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: venv ## Run the dashboard (app.py)
	$(PY) app.py

# pytest exits 5 when it collected no test: make treats that, like any non-zero code, as a failure.
test: venv ## Run every test; a skipped integration test fails the run
	$(PY) -m pytest tests

# Test runs save their screenshots in build/screenshots/; only this target rewrites the committed ones.
screenshots: venv ## Refresh the README's screenshots (docs/screenshots/) by running the browser tests
	IOC_SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest tests/browser

bench: venv ## Run the benchmarks (python -m bench)
	$(PY) -m bench

lint: venv ## ruff over the tree, mypy over ioc/ and streams/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy ioc streams

kafka: venv ## Run a local Kafka broker on 127.0.0.1:9092 (data in var/kafka) until Ctrl-C
	$(PY) -m streams.broker

BUNDLE := layouts/vendor
PLOTLY_VERSION = $(shell node -p "require('./$(BUNDLE)/package.json').dependencies['plotly.js']")

bundle: ## Rebuild the browser's plotly.js bundle with npm (after upgrading plotly; the result is committed)
	cd $(BUNDLE) && npm ci --no-audit --no-fund
	$(BUNDLE)/node_modules/.bin/esbuild $(BUNDLE)/plotly-ioc.js --bundle --minify --format=iife \
		--global-name=Plotly --target=es2016 --define:global=window --define:define.amd=false \
		--define:process.env.NODE_DEBUG=false --legal-comments=eof \
		--banner:js="/* plotly.js v$(PLOTLY_VERSION) (MIT), traces: scatter bar scattermap choroplethmap; see $(BUNDLE) */" \
		--outfile=layouts/assets/vendor/plotly-ioc.min.js
