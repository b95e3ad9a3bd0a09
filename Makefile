# Two entry points, each sets up what it needs on a fresh machine with Python 3.11:
#   make serve   build the site and serve it on http://127.0.0.1:8000/ (reloads rebuild what an edit changes)
#   make test    lint, type-check and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test test-fast lint browser-deps bench schema vendor-decap editor

# Serving and building need the package alone (`pip install -e .`); the tests also need the
# test toolchain and the network tools' libraries (`.[test,tools]`).
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: pyproject.toml $(BIN)/.installed
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,tools]'
	touch $@

serve: $(BIN)/.installed
	$(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:8000

build: $(BIN)/.installed
	$(BIN)/mkdocs build --strict

# Debian's Chromium for the browser tests, cairo and DejaVu for material's social cards
# (tests/test_ecosystem.py); axe-core and the Nu checker from npm.
browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@{ ldconfig -p | grep -q libcairo.so.2 && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcairo2 fonts-dejavu-core >/dev/null; }
	@[ ! -f package-lock.json ] || [ -d node_modules ] || npm ci --silent --no-audit --no-fund

lint: $(BIN)/.installed-test
	$(BIN)/ruff check plugins tests $(wildcard bench)
	$(BIN)/mypy

test: $(BIN)/.installed-test browser-deps lint
	$(BIN)/pytest

# The tests that build no site, run no command and start no browser (markers: pyproject.toml).
test-fast: $(BIN)/.installed-test
	$(BIN)/pytest -q -m "not slow and not browser"

bench: $(BIN)/.installed-test
	$(BIN)/python bench/run.py

# The form editor against this checkout on http://127.0.0.1:8081/admin/ (no account, no network).
editor: $(BIN)/.installed
	$(BIN)/factcheck editor

# Refresh the vendored Decap CMS build from npm at the version package.json's `vendored` pins.
vendor-decap:
	bash scripts/vendor-decap.sh
