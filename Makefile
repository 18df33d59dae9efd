# Trafiktrygg: the two commands of the README are `make demo` and `make test`.
# Everything runs from the project's own virtual environment in .venv, created on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Map assets (Leaflet, plugins, fonts) from npm, copied into the package: needs Node.js + npm.
ASSETS := maps/static/vendor/MANIFEST.json
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help venv demo test bench clean distclean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

venv: $(STAMP) $(ASSETS)  ## create .venv, install the project with its dev tools and the map assets

# A failed `venv` (Debian without python3-venv) leaves a python but no pip: remove it.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 needed, not " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "could not create $(VENV): on Debian/Ubuntu install python3-venv" >&2; exit 1; }

# Re-install only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# npm ci --ignore-scripts with the committed lock file, then copy exactly the needed files.
$(ASSETS): package.json package-lock.json maps/assets/__init__.py maps/assets/sync.py | $(STAMP)
	$(BIN)/python -m maps.assets.sync

demo: venv  ## upgrade the database, load the Mjölby demo data, serve on http://127.0.0.1:8000
	$(BIN)/trafiktrygg db upgrade
	$(BIN)/trafiktrygg demo --if-empty
	$(BIN)/trafiktrygg serve --host $(HOST) --port $(PORT)

test: venv  ## ruff, import-linter and every test (SQLite and PostGIS)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(PYTEST_WORKERS)

bench: venv  ## run every benchmark script in bench/ (files starting with _ are helpers)
	@set -e; found=; for script in bench/[!_]*.py; do \
		[ -e "$$script" ] || continue; found=1; \
		echo "== $$script"; \
		$(BIN)/python "$$script"; \
	done; [ -n "$$found" ] || echo "no benchmark scripts in bench/"

clean:  ## remove caches and build output (keeps .venv and data/)
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis \
		test-artifacts bench/out
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean  ## also remove .venv (data/ is never deleted by make)
	rm -rf $(VENV)
