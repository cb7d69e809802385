# DataSud: `make run` serves the platform with demo data, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL used by the second pass of the test suite (skipped when unreachable, except
# in CI where it is required). The browser tests (real Chromium) run in the first pass only:
# they test pages, not the database.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/datasud

.PHONY: install run demo worker test test-sqlite test-postgres lint format bench bench-datastore bench-geo bench-load \
	messages clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Front-end packages from the npm registry, pinned and hash-checked by package-lock.json
# (MapLibre for the maps, axe-core for the browser tests), fetched by a small Python script
# so that nothing but Python is needed (tools/npm_lock_install.py; npm itself works too).
node_modules/.installed: package.json package-lock.json
	$(PYTHON) tools/npm_lock_install.py --lock package-lock.json --dest node_modules
	touch $@

demo: install
	$(BIN)/datasud migrate --noinput
	$(BIN)/datasud createcachetable
	$(BIN)/datasud load_demo --if-empty
	$(BIN)/datasud load_datastore_demo
	$(BIN)/datasud load_employment
	$(BIN)/datasud load_programmes_demo
	$(BIN)/datasud load_arcep
	$(BIN)/datasud import_trainings --format lheo --demo datasud/trainings/data/demo-offres-lheo.xml

run: demo
	$(BIN)/datasud collectstatic --noinput --verbosity 0
	@echo "DataSud: http://$(HOST):$(PORT)/  (admin: $(BIN)/datasud createadmin)"
	$(BIN)/datasud runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check datasud tests benchmarks tools

format: install
	$(BIN)/ruff format datasud tests benchmarks
	$(BIN)/ruff check --fix datasud tests benchmarks

test: lint test-sqlite test-postgres

# The suite runs on every core (pytest-xdist; each worker has its own test database),
# tests of one module or class together so that their shared fixtures are built once.
PYTEST_PARALLEL ?= -n auto --dist loadscope
# Bytecode is kept even where the environment says not to (PYTHONDONTWRITEBYTECODE): each
# worker of each pass would otherwise compile the project and rewrite the test modules again
# (7 of the 16 s of CPU a worker spends collecting); __pycache__ is ignored by git.
PYTEST_ENV ?= PYTHONDONTWRITEBYTECODE=

test-sqlite: install
	$(PYTEST_ENV) $(BIN)/pytest $(PYTEST_PARALLEL)

test-postgres: install
	@if $(BIN)/python -m datasud.dbcheck "$(PG_TEST_URL)"; then \
		$(PYTEST_ENV) DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest $(PYTEST_PARALLEL) -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is required in CI but $(PG_TEST_URL) is unreachable"; exit 1; \
	else \
		echo "PostgreSQL unreachable at $(PG_TEST_URL): PostgreSQL pass skipped"; \
	fi

bench: install
	$(BIN)/python benchmarks/run_all.py

# Datasette and sqlite-utils, pinned, in their own venv: peers to compare with, never
# dependencies of the platform.
.venv-bench/.installed: benchmarks/requirements-peers.txt
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet -r benchmarks/requirements-peers.txt
	touch $@

bench-datastore: install .venv-bench/.installed
	$(BIN)/python benchmarks/bench_datastore.py --write-docs

# pygeoapi, pinned, in its own venv: the peer of the OGC API Features benchmark.
.venv-pygeoapi/.installed: benchmarks/requirements-pygeoapi.txt
	test -x .venv-pygeoapi/bin/python || $(PYTHON) -m venv .venv-pygeoapi
	.venv-pygeoapi/bin/pip install --quiet -r benchmarks/requirements-pygeoapi.txt
	touch $@

bench-geo: install .venv-pygeoapi/.installed
	$(BIN)/python benchmarks/bench_geo.py --write-docs

# 64 clients on loopback for 60 s, then a 10-minute soak watching the server's memory.
bench-load: install
	$(BIN)/python benchmarks/bench_load.py --clients 64 --duration 60 --soak 600 --write-docs

# A separate background worker (production runs it with DATASUD_TASKS=database).
worker: install
	$(BIN)/datasud db_worker --queue-name '*'

clean:
	rm -rf $(VENV) .venv-bench var .pytest_cache .ruff_cache node_modules
