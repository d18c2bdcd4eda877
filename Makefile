# hoctap: `make run` (app + demo data on SQLite) and `make test` (SQLite, then PostgreSQL if one answers).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv migrate demo worker bench load messages clean

$(STAMP): requirements.lock
	@PYTHON_BIN=$$(scripts/find-python.sh) || exit 1; \
	  [ -x $(PY) ] || $$PYTHON_BIN -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

# The embedded set-up: SQLite under var/, DEBUG on, a development signing key, demo data. The worker
# runs the daily reminder job, enqueued every hour while the server runs (idempotent: a day's notices
# go out once; mail prints on the worker's console log, var/worker.log).
run: export DEBUG = 1
run: venv
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) load_territories
	$(MANAGE) ensure_dev_keys
	$(MANAGE) load_demo
	$(MANAGE) recover_jobs
	$(MANAGE) purge_uploads
	$(MANAGE) purge_exports
	@echo "Mở http://$(HOST):$(PORT)/ (Ctrl+C để dừng; tiến trình nền chạy cùng)."
	@trap 'kill 0' EXIT; $(MANAGE) db_worker --queue-name '*' >var/worker.log 2>&1 & \
	  while :; do $(MANAGE) send_reminders --enqueue >>var/reminders.log 2>&1; sleep 3600; done & \
	  $(MANAGE) runserver $(HOST):$(PORT)

test: venv
	@scripts/run-tests.sh

bench: venv
	$(PY) bench/run_all.py

# Load test of the busy season on PostgreSQL (bench/load/run.py: province database, gunicorn, the
# worker, Locust with stepped users; ≈ 5 minutes, 3 more the first time) → bench/results/load.json.
# LOAD_ARGS="--quick" for a short smoke run; "--steps 50,100,200 --step-seconds 60" to choose.
load: venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements-load.lock
	$(PY) bench/load/run.py $(LOAD_ARGS)

# After changing interface strings: refresh the English catalogue and compile it; translate the new
# entries (tests/core/test_english.py lists them), then run it again.
messages: venv
	DEBUG=1 $(MANAGE) makemessages -l en --no-obsolete --no-location --ignore ".venv/*" --ignore "bench/*" --ignore "tests/*" --ignore "var/*"
	DEBUG=1 $(MANAGE) compilemessages -l en -l vi --ignore ".venv/*"

clean:
	rm -rf $(VENV) var .pytest_cache
