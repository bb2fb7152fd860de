# ParkOS: `make demo` serves a demo zone, `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PARKOS := $(VENV)/bin/parkos
export PARKOS_DATA_DIR ?= $(CURDIR)/var
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve test test-fast lint system-deps messages clean

install: $(VENV)/.installed src/parkos/static/vendor/.built
	@mkdir -p "$(PARKOS_DATA_DIR)"
	@PARKOS_ENV=development $(PARKOS) collectstatic --noinput -v0

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

src/parkos/static/vendor/.built: node_modules/.installed scripts/build_static.py
	$(PY) scripts/build_static.py
	@touch $@

demo: install
	$(PARKOS) migrate --noinput -v0
	$(PARKOS) demo
	@echo ""
	@echo "ParkOS demo: http://$(HOST):$(PORT)/   (API docs: http://$(HOST):$(PORT)/api/v1/docs)"
	@echo "Stop with Ctrl-C."
	@$(PARKOS) db_worker >"$(PARKOS_DATA_DIR)/worker.log" 2>&1 & worker=$$!; \
	  trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(PARKOS) runserver $(HOST):$(PORT) --noreload

system-deps:
	@bash scripts/system-deps.sh

lint: install
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts
	cd src && ../$(VENV)/bin/lint-imports --config ../pyproject.toml --no-cache

test: install system-deps lint
	PARKOS_ENV=test $(VENV)/bin/pytest

test-fast: install
	PARKOS_ENV=test $(VENV)/bin/pytest -m "not browser"

messages: install
	cd src/parkos && ../../$(PARKOS) makemessages -l zh_Hans --no-obsolete && ../../$(PARKOS) compilemessages

clean:
	rm -rf $(VENV) node_modules src/parkos/static/vendor var
