# Kramfors styr. `make run` tries it out on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Tests run with DEBUG off, as in production, so they need some key.
TEST_SECRET_KEY ?= test-only-secret-key-never-used-in-production

.PHONY: install run test lint format check messages container-check bench loadtest loadtest-writes clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Kramfors styr needs Python 3.12 or newer; found " + sys.version.split()[0] + ". Set PYTHON=python3.12.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/.installed

# The demo: its own SQLite file (never the one a production run without
# DATABASE_URL would use), DEMO on (the demo users may log in), DEBUG on for
# runserver's static files, published follow-up readable without login.
DEMO_ENV := DATABASE_URL= SQLITE_PATH=$(CURDIR)/demo.sqlite3 DEMO=1 DEBUG=1 PUBLIC_ACCESS=1

run: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	@echo ""
	@echo "Demo users, all with the password 'demo':"
	@echo "  tjansteperson   official (tjänsteperson): municipal goals, years, periods, users"
	@echo "  sekreterare     secretary of Barn- och utbildningsnämnden"
	@echo "  sekreterare2    secretary of Socialnämnden"
	@echo "  fortroendevald  councillor (förtroendevald): reads"
	@echo "  revisor         auditor (revisor): reads everything, audit pages; edits nothing"
	@echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl+C stops)"
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite in a process per core (pytest-xdist), each with its own test
# database; TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= auto
test: install
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET_KEY)} DEBUG= $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=$(TEST_SECRET_KEY) $(BIN)/python manage.py makemigrations --check --dry-run
	SECRET_KEY=$(TEST_SECRET_KEY) $(BIN)/python manage.py check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the Swedish catalogue after changing interface text, then fill in
# the new msgstr entries and run `make messages` again to compile.
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l sv --ignore=.venv --ignore=staticfiles --ignore=tests
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

# Builds the production image on Debian trixie, runs it and checks that it
# answers (needs root, podman and buildah: see scripts/container-check.sh).
# Minutes long, so not part of .ci/run.
container-check:
	scripts/container-check.sh
# Page times, query counts, tree writes and memory on synthetic years of
# 1,000–50,000 nodes, in a database of its own (docs/performance.md).
# BENCH_ARGS="--sizes 1000,10000" runs fewer sizes.
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# gunicorn under wrk for 60 s on the demo year, in a database of its own.
loadtest: install
	bash bench/loadtest.sh

clean:
	rm -rf $(VENV) staticfiles

# 60 s of 32 connections mixing reads with secretaries saving assessments and
# officials adding goals, against gunicorn on 127.0.0.1 (uses DATABASE_URL if set).
loadtest-writes: install
	$(BIN)/python scripts/loadtest_writes.py --seconds 60 --connections 32
