#!/usr/bin/env bash
# Install everything and run the whole test suite: lint (ruff), types (mypy), then pytest on
# SQLite and again (all but the database-free tests/analysis and the browser tests) on a
# throwaway PostgreSQL server started here on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
TREPART_SETUP_TEST=1 bash scripts/setup.sh

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }
export PATH="$PWD/.venv/bin:$PATH"

log "ruff"
ruff check .
ruff format --check .
log "mypy"
mypy

work=$(mktemp -d /tmp/trepart-test.XXXXXX)
export TREPART_DATA_DIR="$work/data"
pg_data="$work/pg"
pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
as_pg=()
[ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
cleanup() {
  if [ -f "$pg_data/postmaster.pid" ]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

log "pytest on SQLite"
pytest -p no:cacheprovider "$@"

log "pytest on PostgreSQL"
mkdir -p "$pg_data"
[ "$(id -u)" = 0 ] && chown postgres "$pg_data" && chmod 755 "$work"
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_data" -U trepart --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
pg_port=$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -w -l "$pg_data/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data -c fsync=off -c full_page_writes=off" start >/dev/null
# tests/analysis is pure (no database; a test enforces that trepart.analysis imports no Django)
# and the browser tests (tests/e2e) check what the pages render and their accessibility, which
# the database does not change (every view is also tested on PostgreSQL through the test
# client), so both run once, in the SQLite pass.
DATABASE_URL="postgres://trepart@127.0.0.1:$pg_port/postgres" pytest -p no:cacheprovider \
  --ignore=tests/analysis --ignore=tests/e2e "$@"
