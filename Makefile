# Cap Jeunes 62 — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
export RASA_TELEMETRY_ENABLED := false
export PYTHONDONTWRITEBYTECODE := 1

REPLICAS ?= 2
ACTION_SERVERS ?= 1

.PHONY: help install run run-prod train validate test lint communes constraints bench tools audit

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@test -x $(PY) || $$(scripts/find_python.sh) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade 'pip>=23' 'setuptools<71' wheel
	$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e . --config-settings editable_mode=compat
	$(PY) -m pip check
	@touch $@

# Browser tests drive Debian's Chromium with Playwright (never `playwright install`, which downloads a browser).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium

# nginx -t checks deploy/nginx/ (tests/deploy/); the package's service is not needed.
NGINX := /usr/sbin/nginx

$(NGINX):
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx

# Tools whose pins conflict with Rasa's (kubernetes-validate, pip-audit): a venv of their own, same Python.
TOOLS := .venv-tools
TOOLS_PACKAGES := kubernetes-validate==1.37.0 pip-audit==2.10.1

$(TOOLS)/.installed: Makefile
	@test -x $(TOOLS)/bin/python || $$(scripts/find_python.sh) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -q --upgrade 'pip>=23'
	$(TOOLS)/bin/python -m pip install -q $(TOOLS_PACKAGES)
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed $(CHROMIUM) $(NGINX) $(TOOLS)/.installed ## Create .venv and node_modules from the pinned sets, .venv-tools, and Debian's Chromium and nginx for the tests

run: install ## Install, train the model if needed, start the assistant (Rasa 127.0.0.1:5005, actions 5055)
	scripts/run_dev.sh

run-prod: install ## Production on this host: N Rasa replicas, M action servers, back office, PostgreSQL + Redis (scripts/run_prod.sh N M)
	scripts/run_prod.sh $(REPLICAS) $(ACTION_SERVERS)

train: install ## Train the model now (rasa train skips it when nothing changed)
	$(VENV)/bin/rasa train --config config.yml --domain domain.yml --data data --out models

validate: install ## rasa data validate, failing on warnings
	$(VENV)/bin/rasa data validate --fail-on-warnings --config config.yml --domain domain.yml --data data

test: install ## Lint, then run every test suite (what CI runs)
	$(VENV)/bin/ruff check bot actions rasa_ext scripts tests
	$(PY) -m pytest

lint: install ## Ruff on the Python code
	$(VENV)/bin/ruff check bot actions rasa_ext scripts tests

communes: node_modules/.installed $(VENV)/.installed ## Rebuild knowledge/communes/ from @etalab/decoupage-administratif
	$(PY) scripts/build_communes.py

bench: install ## Benchmarks (print numbers; never run in CI)
	$(PY) scripts/bench_orient.py
	$(PY) scripts/bench_rest.py
	$(PY) scripts/bench_load.py

tools: $(TOOLS)/.installed ## Create .venv-tools: kubernetes-validate and pip-audit, apart from Rasa's pins

audit: $(TOOLS)/.installed ## pip-audit on constraints.txt against audit-allowlist.txt (exit 1: new advisory; 3: audit not done)
	$(TOOLS)/bin/python scripts/audit.py

constraints: ## Re-freeze constraints.txt from the current .venv
	{ echo '# Verified set for Python 3.10 (pip check clean). Regenerate with `make constraints` after changing requirements.txt.'; \
	  $(PY) -m pip freeze --exclude-editable; } > constraints.txt

.PHONY: converse
converse: install ## Replay the persona openings of scripts/personas.yml and print how well they are served (never in CI)
	$(PY) scripts/converse.py

.PHONY: evaluate evaluate-reader
evaluate: install ## NLU 5-fold cross-validation, reports in reports/nlu/ (slow; never run in CI)
	$(PY) scripts/evaluate_nlu.py

evaluate-reader: install ## The message reader's entity F1 beside DIET's (ARGS=--heldout: on the held-out set; never in CI)
	$(PY) scripts/evaluate_reader.py $(ARGS)

.PHONY: backoffice browser
backoffice: install ## Start the back office alone (http://localhost:8080; BACKOFFICE_PORT to change)
	$(PY) -m bot backoffice

browser: install ## Browser tests of the back office (Playwright + Debian's Chromium, axe-core)
	$(PY) -m pytest tests/browser/test_backoffice.py -q
