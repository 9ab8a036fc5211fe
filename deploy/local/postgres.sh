#!/usr/bin/env bash
# Project-owned PostgreSQL cluster for local runs and tests: initdb into .local/pgdata
# (git-ignored), own port, loopback only. Usage: postgres.sh install|start|stop|status
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
home="${LEDGERLINE_PG_HOME:-$root/.local/postgres}"
data="$home/data"
port=${LEDGERLINE_PG_PORT:-15432}

bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
  return 1
}

install() {
  bindir >/dev/null && return
  echo "postgres: installing the server from Debian's packages"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
}

# initdb/postgres refuse to run as root: use the 'postgres' system user then.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$home" postgres
    chown -R postgres "$home"
    runuser -u postgres -- "$@"
  else "$@"; fi
}

ready() { "$(bindir)/pg_isready" -q -h 127.0.0.1 -p "$port"; }

start() {
  install
  local bin; bin=$(bindir)
  mkdir -p "$home/run" "$home/logs"
  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$home/logs/initdb.log"
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$home/run'
max_connections = 300
shared_buffers = 512MB
fsync = on
synchronous_commit = on
# Rebuilds write millions of rows: with the default 1 GB of WAL a checkpoint starts every
# ~40 s and each one makes the next writes of every index page log the whole page again.
max_wal_size = 8GB
checkpoint_timeout = 15min
CONF
  fi
  if ready; then reporting_role "$bin"; echo "postgres: already running on 127.0.0.1:$port"; return; fi
  as_owner "$bin/pg_ctl" -D "$data" -o "-p $port" -l "$home/logs/postgres.log" -w -t 60 start >/dev/null
  "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -tc "select 1 from pg_database where datname='ledgerline'" \
    | grep -q 1 || "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres ledgerline
  reporting_role "$bin"
  echo "postgres: listening on 127.0.0.1:$port (database ledgerline, user postgres;" \
    "BI tools: user ledgerline_reporting, read-only)"
}

# The read-only role BI tools sign in with: it may connect and read the services' reporting
# views (each service grants them when it starts, runtime/reporting.py), nothing else. Its
# password: LEDGERLINE_REPORTING_PASSWORD (this local server trusts local connections anyway).
reporting_role() {
  "$1/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d ledgerline -v ON_ERROR_STOP=1 \
    -v password="${LEDGERLINE_REPORTING_PASSWORD:-reporting}" >/dev/null <<'SQL'
SELECT format('CREATE ROLE ledgerline_reporting LOGIN PASSWORD %L', :'password')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledgerline_reporting') \gexec
ALTER ROLE ledgerline_reporting SET default_transaction_read_only = on;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
}

stop() {
  if [ -f "$data/postmaster.pid" ]; then
    as_owner "$(bindir)/pg_ctl" -D "$data" -m fast -w stop >/dev/null && echo "postgres: stopped"
  else echo "postgres: not running"; fi
}

status() {
  if bindir >/dev/null && ready; then echo "postgres: running on 127.0.0.1:$port"
  else echo "postgres: stopped"; return 3; fi
}

case "${1:-status}" in
  install) install ;; start) start ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
