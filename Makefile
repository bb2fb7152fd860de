# ParkOS: `make demo` serves a demo zone, `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PARKOS := $(VENV)/bin/parkos
export PARKOS_DATA_DIR ?= $(CURDIR)/var
COVERAGE_FLOOR ?= 85
HOST ?= 127.0.0.1
PORT ?= 8000
# gunicorn processes (2 × cores − 1 on a small machine)
WORKERS ?= 3

.PHONY: install demo serve serve-only test test-fast lint lock system-deps messages clean

install: $(VENV)/.installed src/parkos/static/vendor/.built
	@mkdir -p "$(PARKOS_DATA_DIR)"
	@PARKOS_ENV=development $(PARKOS) collectstatic --noinput -v0

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -c requirements.lock -e ".[dev]"
	@touch $@

lock:  # after a change of dependencies in pyproject.toml: exact versions of everything installed
	$(PY) -m pip install -q --disable-pip-version-check -e ".[dev,load]"
	@{ echo "# Exact versions of every Python package ParkOS installs (runtime, dev and load), used as constraints by"; \
	   echo "# \`make install\`. Regenerate after changing pyproject.toml: make lock"; \
	   $(PY) -m pip freeze --exclude-editable | grep -v '^parkos'; } > requirements.lock

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

src/parkos/static/vendor/.built: node_modules/.installed scripts/build_static.py
	$(PY) scripts/build_static.py
	@touch $@

demo: install
	@echo "ParkOS: 建立或升级数据库（首次约一分钟）…"
	@$(PARKOS) migrate --noinput -v0
	@echo "ParkOS: 生成演示园区（约一分钟，已有数据则直接使用）…"
	@$(PARKOS) demo
	@$(MAKE) --no-print-directory serve-only

# the production stack on this machine: gunicorn workers (WhiteNoise serves the static files), kept database
# connections checked before use, and `parkos worker` (background jobs, the daily jobs at PARKOS_DAILY_AT, heartbeat)
serve: install
	@$(PARKOS) migrate --noinput -v0
	@$(MAKE) --no-print-directory serve-only

serve-only:
	@echo ""
	@echo "ParkOS: http://$(HOST):$(PORT)/   (API docs: http://$(HOST):$(PORT)/api/v1/docs, health: /healthz)"
	@echo "Stop with Ctrl-C. The worker's log: $(PARKOS_DATA_DIR)/worker.log"
	@$(PARKOS) worker >"$(PARKOS_DATA_DIR)/worker.log" 2>&1 & worker=$$!; \
	  trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  CONN_MAX_AGE=$${CONN_MAX_AGE:-60} $(VENV)/bin/gunicorn parkos.wsgi:application --workers $(WORKERS) \
	    --bind $(HOST):$(PORT) --timeout 120 --access-logfile - --access-logformat '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

system-deps:
	@bash scripts/system-deps.sh

lint: install
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts
	$(VENV)/bin/lint-imports --no-cache
	PARKOS_ENV=test $(VENV)/bin/mypy

# the whole suite (slow and browser tests included) on two workers, with the coverage floor
test: install system-deps lint
	PARKOS_ENV=test $(VENV)/bin/pytest -n 2 --dist worksteal --durations=25 --cov=parkos --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR)

# what a developer runs between commits: no browser, no slow tests (≤ 5 min on 2 cores)
test-fast: install
	PARKOS_ENV=test $(VENV)/bin/pytest -n 2 -m "not browser and not slow"

messages: install
	cd src/parkos && ../../$(PARKOS) makemessages -l zh_Hans --no-obsolete && ../../$(PARKOS) compilemessages

clean:
	rm -rf $(VENV) node_modules src/parkos/static/vendor var
