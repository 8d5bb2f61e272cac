#!/bin/sh
# make test: the whole suite on SQLite, then on PostgreSQL — from GONGHUI_TEST_POSTGRES_URL, or a
# throwaway cluster started here when PostgreSQL's binaries are installed.
set -eu
BIN=${BIN:-.venv/bin}
PYTEST_ARGS=${PYTEST_ARGS:-}

echo "== tests on SQLite =="
"$BIN/pytest" $PYTEST_ARGS

PG_URL=${GONGHUI_TEST_POSTGRES_URL:-}
PG_DIR=""
if [ -z "$PG_URL" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  PG_DIR=$(mktemp -d /tmp/gonghui-pg-XXXXXX)
  PG_PORT=${GONGHUI_TEST_PG_PORT:-55432}
  PG_URL=$(sh scripts/pg.sh start "$PG_DIR" "$PG_PORT")
  trap 'sh scripts/pg.sh stop "$PG_DIR"' EXIT INT TERM
fi
if [ -n "$PG_URL" ]; then
  echo "== tests on PostgreSQL =="
  GONGHUI_DATABASE_URL=$PG_URL "$BIN/pytest" $PYTEST_ARGS
else
  echo "== PostgreSQL not available: set GONGHUI_TEST_POSTGRES_URL or install postgresql-15 =="
  exit 1
fi
