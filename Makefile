# League Portal — two commands: `make run` serves the portal, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Local commands run with DEBUG on: with DEBUG off the settings are production's and refuse to start without
# SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see README, Deploying).
LOCAL := DEBUG=true

.PHONY: run test setup migrate demo messages worker bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(LOCAL) $(PY) manage.py migrate --noinput

demo: migrate
	$(LOCAL) $(PY) manage.py load_demo

## make run: set up, migrate SQLite, load the demo and serve http://127.0.0.1:8000 (Celery eager)
run: demo
	$(LOCAL) $(PY) manage.py runserver $(HOST):$(PORT)

## make test: set up and run the whole suite (browser, PostgreSQL and worker tests skip when absent);
## PYTEST_ARGS="-n 2" spreads it over two processes (pytest-xdist; each file stays in one process)
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

## make messages: refresh and compile the Chinese catalogue after changing UI text
messages: setup
	$(LOCAL) $(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=tests --ignore=staticfiles
	$(LOCAL) $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

## make bench TIER=M: page timings on a generated province in PostgreSQL database lp_bench_<tier> (generated once
## when empty; BENCH_DATABASE_URL names the server); results appended to bench/RESULTS.md. Never part of make test.
TIER ?= S
bench: setup
	$(PY) bench/pages.py --tier $(TIER)

## make worker: a Celery worker with beat, for when REDIS_URL is set
worker: setup
	$(LOCAL) $(VENV)/bin/celery -A league_portal worker --beat --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
