# League Portal — two commands: `make run` serves the portal, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Local commands run with DEBUG on: with DEBUG off the settings are production's and refuse to start without
# SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see README, Deploying).
LOCAL := DEBUG=true

.PHONY: run test setup lock migrate demo messages worker bench backup restore clean

# Installs come from the lock files (every transitive version pinned, with hashes): every machine resolves the same.
# requirements*.txt name what the portal needs; `make lock` compiles them into requirements*.lock.
$(VENV)/.installed: requirements.lock requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

setup: $(VENV)/.installed

## make lock: after editing requirements*.txt, compile the locks (versions already locked are kept;
## UPGRADE=1 takes the newest each requirement allows). Python 3.11 as in the image; markers for every platform.
LOCK := $(VENV)/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock: setup
	$(LOCK) requirements.txt -o requirements.lock
	$(LOCK) requirements-dev.txt -c requirements.lock -o requirements-dev.lock

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

## make backup: the database of DATABASE_URL (PostgreSQL, pg_dump -Fc) and MEDIA_ROOT into backups/<UTC time>/
## with manifest.json (rows per table, SHA-256 per upload). BACKUP_DIR=path puts it elsewhere.
backup: setup
	$(LOCAL) $(PY) manage.py backup $(if $(BACKUP_DIR),--output "$(BACKUP_DIR)")

## make restore BACKUP=backups/<time> [TARGET=postgres://…/db] [FORCE=1]: into TARGET (default DATABASE_URL) and
## MEDIA_ROOT, checked against the manifest; a target with tables or uploads is refused unless FORCE=1.
restore: setup
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=backups/<time> [TARGET=postgres://…] [FORCE=1]" && exit 2)
	$(LOCAL) $(PY) manage.py restore "$(BACKUP)" $(if $(TARGET),--database-url "$(TARGET)") $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
