# Two commands: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-browser soak mutate setup messages migrate demo lint clean bench lighthouse

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv -v0

setup: $(VENV)/.installed messages

migrate: setup
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_demo --site-url http://$(HOST):$(PORT)

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/"
	$(PY) manage.py runserver $(HOST):$(PORT)

CHROMIUM := /usr/bin/chromium
# Parallel test processes (pytest-xdist): each loads the demo once (tests/conftest.py, DemoSnapshot).
TEST_WORKERS ?= 2

# pytest's exit code 5 (no tests collected) fails here like any other failure.
test: setup
	@test -x $(CHROMIUM) || echo "\n!!!!!!!! browser tests SKIPPED: install chromium (apt-get install chromium) !!!!!!!!\n"
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal --cov --cov-report=term:skip-covered --durations=15 $(PYTEST_ARGS)
	@test -x $(CHROMIUM) || echo "\n!!!!!!!! browser tests SKIPPED: install chromium (apt-get install chromium) !!!!!!!!\n"

# The random journeys (tests/articles/test_journeys.py) for longer: many examples, shrunk to the shortest on failure.
# make soak SOAK_EXAMPLES=500 SOAK_STEPS=40; with DATABASE_URL=... on PostgreSQL.
SOAK_EXAMPLES ?= 200
SOAK_STEPS ?= 30
soak: setup
	REVIEW_JOURNEYS=$(SOAK_EXAMPLES) REVIEW_JOURNEY_STEPS=$(SOAK_STEPS) $(PY) -m pytest tests/articles/test_journeys.py $(PYTEST_ARGS)

# Mutation testing of the policies and the version state machine ([tool.mutmut] in pyproject.toml): about an hour,
# one mutant at a time. Survivors are listed at the end; `.venv/bin/mutmut show <id>` shows one. It stops at nothing.
mutate: messages
	-$(VENV)/bin/mutmut run $(MUTMUT_ARGS)
	$(VENV)/bin/mutmut results

# Only the real-browser tests (reader journeys, axe, layout, screenshots in tests/e2e/screenshots/).
test-browser: setup
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

# Every reader page at 1k and 100k versions (generated into review_bench_* PostgreSQL databases), served by
# gunicorn and measured with wrk next to a bare Django outside the project (bench/bare/, every % is of it); then the
# write operations through the services and readers during a tag rename (bench/writes.py; --skip-writes leaves them out).
# Table in bench/results.md, summary line last. Quick run: make bench BENCH_ARGS="--sizes 1000 --duration 2"
bench: setup
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/run.py $(BENCH_ARGS)

# Lighthouse (mobile) on the demo's reader pages, English and Arabic, light and dark; table in bench/lighthouse.md.
LIGHTHOUSE_VERSION := 12.8.2
lighthouse: setup
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium)
	@test -x bench/node_modules/.bin/lighthouse || npm install --prefix bench --no-save --no-package-lock --silent lighthouse@$(LIGHTHOUSE_VERSION)
	$(PY) -m bench.lighthouse

# ruff, and mypy (with django-stubs) over the typed core (pyproject's [tool.mypy] files); .pre-commit-config.yaml runs the same.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
	find locale -name '*.mo' -delete
