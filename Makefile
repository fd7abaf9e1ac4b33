# advocacy: `make run` starts the whole product, `make test` checks it.
#
#   make run     install, migrate, fill demo data if the database is empty, then serve
#                http://127.0.0.1:${PORT:-5000}/ with a Celery worker and beat
#                (embedded Redis and SQLite unless REDIS_URL / DATABASE_URL are set;
#                the other variables are listed in worker/launch.py)
#   make test    install, then the suite on SQLite (with its coverage floor) and on PostgreSQL,
#                ruff, bandit, the import contract, mypy, the benchmark and fault smokes
#   make lint    ruff, bandit and the import contract (make imports) only
#   make typecheck  mypy on advocacy/ and worker/, no errors (part of make test)
#   make cov     the SQLite suite with its coverage, file by file (the floor is in make test)
#   make fmt     the fixes ruff makes by itself
#   make bench   speed at scale on PostgreSQL (10,000 ambassadors, 5 years; see bench/README.md)
#   make faults  the fault suite: own PostgreSQL and Redis, killed on purpose (bench/faults.py)
#   make bench-smoke   the benchmark in seconds, on tiny data (part of make test)
#   make faults-smoke  one short case of each fault, about 4 minutes (part of make test)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-advocacy

.PHONY: help install run test test-sqlite test-postgres lint imports translations \
	bench bench-smoke faults faults-smoke wrk postgres-then-faults typecheck fmt cov

help:
	@sed -n '1,16p' Makefile | sed 's/^# \{0,1\}//'

# Re-installs only when the lock file or pyproject.toml changed (or the venv is new).
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --require-hashes -r requirements.lock
	$(PY) -m pip install --no-deps -e .
	touch $@

# Translations are compiled when there are any; the browser tests use Debian's Chromium,
# installed here when it is missing and we are root (elsewhere: apt-get install chromium).
install: $(STAMP)
	@if [ -d advocacy/translations ]; then \
	  echo "$(VENV)/bin/pybabel compile -d advocacy/translations -f"; \
	  $(VENV)/bin/pybabel compile -d advocacy/translations -f; \
	fi
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	fi

run: install
	$(PY) -m worker.launch

# Two lanes side by side (one per core): the SQLite suite, and the PostgreSQL suite then
# the fault smoke (its own PostgreSQL and Redis). Each suite has Redis databases of its own;
# each lane's output is printed when it ends. The benchmark smoke runs last, alone.
test: install
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite postgres-then-faults
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory typecheck
	$(MAKE) --no-print-directory bench-smoke

postgres-then-faults:
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory faults-smoke

# The SQLite lane measures coverage: below the floor ([tool.coverage.report] fail_under) fails.
test-sqlite:
	env -u TEST_DATABASE_URL $(PY) -m pytest --cov --cov-report=

# The SQLite lane with the files whose lines the tests do not run, line by line.
cov: install
	env -u TEST_DATABASE_URL $(PY) -m pytest --cov --cov-report=term-missing

# The browser walk of every page (layout and axe-core: the same HTML on either database)
# runs in the SQLite suite; PG_PYTEST_ARGS= (empty) runs it on PostgreSQL as well.
PG_PYTEST_ARGS ?= --ignore=tests/e2e/test_every_page.py

test-postgres:
	TEST_DATABASE_URL=$${TEST_DATABASE_URL_PG:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	TEST_REDIS_URL=$${TEST_REDIS_URL_PG:-redis://127.0.0.1:6379/12} \
	TEST_WORKER_REDIS_URL=$${TEST_WORKER_REDIS_URL_PG:-redis://127.0.0.1:6379/11} \
	TEST_JOBS_REDIS_URL=$${TEST_JOBS_REDIS_URL_PG:-redis://127.0.0.1:6379/10} \
	  $(PY) -m pytest $(PG_PYTEST_ARGS)

lint: imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -c pyproject.toml -r advocacy worker -q

# The layers of docs/architecture.md: the contract is [tool.importlinter] in pyproject.toml.
imports: install
	$(VENV)/bin/lint-imports --no-cache

# mypy on advocacy/ and worker/ ([tool.mypy] in pyproject.toml): no errors, no baseline.
typecheck: install
	$(VENV)/bin/mypy

# The fixes ruff can make by itself (import order, pyupgrade, whitespace).
fmt: install
	$(VENV)/bin/ruff check --fix .

# Load tests use Debian's wrk, installed here when it is missing and we are root.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's wrk for the benchmarks"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; \
	  else echo "wrk is missing: apt-get install wrk" >&2; exit 1; fi; \
	fi

# BENCH_POSTGRES: server URL without a database (bench_* databases are created there).
bench: install wrk
	PYTHONPATH=. $(PY) bench/run.py

bench-smoke: install wrk
	PYTHONPATH=. $(PY) bench/run.py --smoke

faults: install wrk
	PYTHONPATH=. $(PY) bench/faults.py

faults-smoke: install wrk
	PYTHONPATH=. $(PY) bench/faults.py --smoke

# Extract every user-facing string and merge it into the nb, da and en catalogs.
translations:
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output \
	  --ignore-dirs=".* node_modules" \
	  -o advocacy/translations/messages.pot .
	$(VENV)/bin/pybabel update -i advocacy/translations/messages.pot -d advocacy/translations \
	  --no-fuzzy-matching --ignore-obsolete
