# ledgerline: local development and CI entry points. `make` (or `make help`) lists them.
# Everything runs on this machine without Docker: Kafka and PostgreSQL from deploy/local/,
# Python from the locked uv environment in .venv.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv/bin
LOCAL       := deploy/local
PYTEST_ARGS ?=
DEMO_CUSTOMERS ?= 300
DEMO_MONTHS    ?= 4
DEMO_SEED      ?= 42
DEMO_MARKER    := .local/demo-seeded
MYPY_PATHS  := libs/events/src $(wildcard services/*/src) ops/src dashboard/src

.PHONY: help setup infra services up demo down status test test-unit lint bench schemas

help: ## list the targets
	@echo "ledgerline make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

setup: ## install what a fresh Debian machine needs (safe to run again)
	@$(LOCAL)/setup.sh

infra: ## start Kafka (127.0.0.1:19092), PostgreSQL (127.0.0.1:15432) and Mailpit (SMTP 11025)
	@$(LOCAL)/postgres.sh start
	@$(LOCAL)/kafka.sh start
	@$(LOCAL)/mailpit.sh start

services: ## start the four services (ports 8101-8104) and the dashboard (8100)
	@$(LOCAL)/services.sh start

up: setup infra services demo ## everything: set-up, infrastructure, services, dashboard, demo data
	@echo
	@echo "ledgerline is up:"
	@echo "  dashboard         http://127.0.0.1:$${LEDGERLINE_DASHBOARD_PORT:-8100}/"
	@echo "                    sign in with a token: set -a; . .local/secrets.env; set +a; .venv/bin/ledgerline token --roles finance"
	@echo "  credit            http://127.0.0.1:$${LEDGERLINE_CREDIT_PORT:-8101}/docs"
	@echo "  invoicing         http://127.0.0.1:$${LEDGERLINE_INVOICING_PORT:-8102}/docs"
	@echo "  cash-application  http://127.0.0.1:$${LEDGERLINE_CASH_APPLICATION_PORT:-8103}/docs"
	@echo "  collections       http://127.0.0.1:$${LEDGERLINE_COLLECTIONS_PORT:-8104}/docs"
	@echo "  mail (Mailpit)    http://127.0.0.1:$${LEDGERLINE_MAILPIT_HTTP_PORT:-18025}/  every letter the letter post sends"
	@echo "  kafka $${LEDGERLINE_KAFKA_BOOTSTRAP:-127.0.0.1:19092}, postgresql $${LEDGERLINE_PG_DSN:-postgresql://postgres@127.0.0.1:15432/ledgerline}"
	@echo "Stop with: make down"

# Once per data directory: the marker lives in .local/ beside the data, so deleting .local/
# (a reset) seeds again. The simulated months are the last DEMO_MONTHS whole calendar months.
demo: ## seed the demo company through the real Kafka path (simulator; once, marker .local/demo-seeded)
	@if [ -f $(DEMO_MARKER) ]; then \
	  echo "demo: already seeded ($$(cat $(DEMO_MARKER))); delete $(DEMO_MARKER) to seed again"; \
	elif [ ! -x $(VENV)/ledgerline ]; then \
	  echo "demo: the simulator ($(VENV)/ledgerline simulate) is not installed: run make setup"; exit 1; \
	else \
	  start=$$(date -u -d "$$(date -u +%Y-%m-01) -$(DEMO_MONTHS) months" +%Y-%m-%d); \
	  echo "demo: simulating $(DEMO_CUSTOMERS) customers over $(DEMO_MONTHS) months from $$start (seed $(DEMO_SEED))"; \
	  if [ -z "$${LEDGERLINE_AUTH_JWT_SECRET:-}" ] && [ -f .local/secrets.env ]; then \
	    set -a; . ./.local/secrets.env; set +a; \
	  fi; \
	  $(VENV)/ledgerline simulate --customers $(DEMO_CUSTOMERS) --months $(DEMO_MONTHS) \
	    --seed $(DEMO_SEED) --start $$start \
	    --credit http://127.0.0.1:$${LEDGERLINE_CREDIT_PORT:-8101} \
	    --invoicing http://127.0.0.1:$${LEDGERLINE_INVOICING_PORT:-8102} \
	    --cash-application http://127.0.0.1:$${LEDGERLINE_CASH_APPLICATION_PORT:-8103} \
	    --collections http://127.0.0.1:$${LEDGERLINE_COLLECTIONS_PORT:-8104} && \
	  mkdir -p .local && \
	  echo "customers=$(DEMO_CUSTOMERS) months=$(DEMO_MONTHS) seed=$(DEMO_SEED) from $$start, $$(date -u +%FT%TZ)" \
	    > $(DEMO_MARKER); \
	fi

down: ## stop the services, Kafka, PostgreSQL and Mailpit
	@$(LOCAL)/services.sh stop
	@$(LOCAL)/kafka.sh stop
	@$(LOCAL)/postgres.sh stop
	@$(LOCAL)/mailpit.sh stop

status: ## show what is running
	@$(LOCAL)/postgres.sh status; $(LOCAL)/kafka.sh status; $(LOCAL)/mailpit.sh status; \
	  $(LOCAL)/services.sh status; true

test: setup infra ## the suite CI runs: unit + integration + fault smoke (starts infrastructure)
	$(VENV)/pytest -m "not soak" --durations=30 $(PYTEST_ARGS)

test-all: setup infra ## everything, the longer fault scenarios (soak) included
	$(VENV)/pytest $(PYTEST_ARGS)

test-unit: setup ## unit tests only (no Kafka, no PostgreSQL)
	$(VENV)/pytest -m "not integration" $(PYTEST_ARGS)

lint: setup ## ruff check + mypy (strict)
	@rc=0; \
	$(VENV)/ruff check . || rc=1; \
	$(VENV)/mypy $(MYPY_PATHS) || rc=1; \
	exit $$rc

.PHONY: faults
SEED   ?=
ROUNDS ?= 30
faults: setup ## every fault scenario + randomized soak on its own Kafka/PostgreSQL (SEED=n ROUNDS=n)
	seed=$(SEED); LEDGERLINE_FAULTS_SEED=$${seed:-$$(date +%s)} LEDGERLINE_FAULTS_ROUNDS=$(ROUNDS) \
	  $(VENV)/pytest tests/faults -s $(PYTEST_ARGS)

bench: ## benchmarks (bench/run.py)
	@if [ -f bench/run.py ]; then $(VENV)/python bench/run.py; \
	else echo "bench: not yet available (bench/run.py does not exist; see the issues)"; fi

schemas: ## export the events' JSON Schemas to libs/events/schemas/
	$(VENV)/ledgerline-export-schemas
