# Two entry points on a fresh machine: `make demo` and `make test`.
# Both create .venv, install what is missing (Debian packages when run as root,
# then pip), and run.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLEXVPN_YANG_DIR ?= $(abspath ../shared/yang)

.PHONY: demo test lint typecheck pytest goldens bench clean system-deps

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# libyang's Python binding builds against Debian's libyang2-dev.
system-deps:
	@if ! pkg-config --exists libyang 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libyang2-dev pkg-config >/dev/null; \
	  else \
	    echo "libyang2-dev is missing: run 'sudo apt-get install libyang2-dev pkg-config'" >&2; exit 1; \
	  fi; \
	fi
	@# The rollout's HTML report is checked in a headless browser by the tests.
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install chromium'" >&2; exit 1; \
	  fi; \
	fi

demo: $(STAMP)
	$(BIN)/flexvpn demo

lint: $(STAMP)
	$(BIN)/ruff check nornir_flexvpn tests benchmarks
	$(BIN)/ruff format --check nornir_flexvpn tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

# Regenerate payloads/<release>/<host>.xml from inventory/seed.
goldens: $(STAMP)
	$(BIN)/flexvpn goldens --inventory inventory/seed --out payloads

bench: $(STAMP)
	$(BIN)/python benchmarks/render.py

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
