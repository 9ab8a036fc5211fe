#!/usr/bin/env bash
# The four ledgerline services and the dashboard as local uvicorn processes, one port each,
# loopback only. Each service exposes the ASGI factory ledgerline_<pkg>.api.app:create_app
# with GET /health and GET /ready; the dashboard ledgerline_dashboard.app:create_app.
# Pid files and logs in .local/services/ (git-ignored).
# Usage: services.sh start|stop|status|restart [service ...]   (default: all five)
# Ports: LEDGERLINE_{CREDIT,INVOICING,CASH_APPLICATION,COLLECTIONS}_PORT (8101..8104),
# LEDGERLINE_DASHBOARD_PORT (8100); the dashboard reads the services on those ports unless
# LEDGERLINE_DASHBOARD_<SERVICE>_URL says otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
home="$root/.local/services"
uvicorn="$root/.venv/bin/uvicorn"
python="$root/.venv/bin/python"
start_timeout=${LEDGERLINE_SERVICE_START_TIMEOUT:-60}
stop_timeout=${LEDGERLINE_SERVICE_STOP_TIMEOUT:-15}
all=(credit invoicing cash-application collections dashboard)

package() {
  case "$1" in
    credit) echo ledgerline_credit ;; invoicing) echo ledgerline_invoicing ;;
    cash-application) echo ledgerline_cash ;; collections) echo ledgerline_collections ;;
    dashboard) echo ledgerline_dashboard ;;
    *) echo "services: unknown service '$1' (one of: ${all[*]})" >&2; exit 2 ;;
  esac
}

port() {
  local var default
  case "$1" in
    credit) var=LEDGERLINE_CREDIT_PORT default=8101 ;;
    invoicing) var=LEDGERLINE_INVOICING_PORT default=8102 ;;
    cash-application) var=LEDGERLINE_CASH_APPLICATION_PORT default=8103 ;;
    collections) var=LEDGERLINE_COLLECTIONS_PORT default=8104 ;;
    dashboard) var=LEDGERLINE_DASHBOARD_PORT default=8100 ;;
  esac
  echo "${!var:-$default}"
}

# Alive = exists and is not a zombie (an exited child nobody has reaped yet).
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }

pidfile() { echo "$home/$1.pid"; }
logfile() { echo "$home/$1.log"; }

# Running = the pid in the pid file is alive and is one of our uvicorn processes.
running() {
  local f; f=$(pidfile "$1")
  [ -f "$f" ] || return 1
  local pid; pid=$(cat "$f")
  alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q uvicorn
}

healthy() {
  local url="http://127.0.0.1:$(port "$1")/health"
  if command -v curl >/dev/null; then
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null
  else
    "$python" -c "import sys, urllib.request as u; u.urlopen(sys.argv[1], timeout=2)" "$url" \
      2>/dev/null
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$(port "$1")") 2>/dev/null; }

# The ASGI factory: module:function.
factory() {
  if [ "$1" = dashboard ]; then echo ledgerline_dashboard.app:create_app
  else echo "$(package "$1").api.app:create_app"; fi
}

factory_present() {
  local module; module=$(factory "$1"); module=${module%%:*}
  "$python" - "$(package "$1")" "$module" <<'PY' 2>/dev/null
import importlib.util, sys
pkg, module = sys.argv[1], sys.argv[2]
sys.exit(0 if importlib.util.find_spec(pkg) and importlib.util.find_spec(module) else 1)
PY
}

# The dashboard reads the services where this script starts them.
export LEDGERLINE_DASHBOARD_CREDIT_URL=${LEDGERLINE_DASHBOARD_CREDIT_URL:-http://127.0.0.1:$(port credit)}
export LEDGERLINE_DASHBOARD_INVOICING_URL=${LEDGERLINE_DASHBOARD_INVOICING_URL:-http://127.0.0.1:$(port invoicing)}
export LEDGERLINE_DASHBOARD_CASH_APPLICATION_URL=${LEDGERLINE_DASHBOARD_CASH_APPLICATION_URL:-http://127.0.0.1:$(port cash-application)}
export LEDGERLINE_DASHBOARD_COLLECTIONS_URL=${LEDGERLINE_DASHBOARD_COLLECTIONS_URL:-http://127.0.0.1:$(port collections)}

# The services ask each other where this script starts them: collections fetches invoice
# copies from invoicing, invoicing's statements ask collections the interest not yet claimed.
export LEDGERLINE_INVOICING_URL=${LEDGERLINE_INVOICING_URL:-http://127.0.0.1:$(port invoicing)}
export LEDGERLINE_COLLECTIONS_URL=${LEDGERLINE_COLLECTIONS_URL:-http://127.0.0.1:$(port collections)}

# Time moves by itself: collections' daily run (promises settled as of the day, then the
# dunning run, at LEDGERLINE_DUNNING_SCHEDULE_AT, 06:00 UTC) is on in a stack started here.
# LEDGERLINE_DUNNING_REVIEW_REQUIRED=true makes a collector approve each day's letters
# (POST /dunning-runs/{run_id}/approve); LEDGERLINE_DUNNING_SCHEDULE_ENABLED=false turns it off.
export LEDGERLINE_DUNNING_SCHEDULE_ENABLED=${LEDGERLINE_DUNNING_SCHEDULE_ENABLED:-true}
# The letter post: each letter goes by e-mail (PDF attached) to the customer's contact in
# charge, through the project's Mailpit (make infra; read them at http://127.0.0.1:18025/),
# or to the print queue; LEDGERLINE_LETTER_POST_ENABLED=false turns it off.
export LEDGERLINE_LETTER_POST_ENABLED=${LEDGERLINE_LETTER_POST_ENABLED:-true}

# Access control: services refuse to start without a secret. One random secret per data
# directory, made once into .local/secrets.env (mode 600, git-ignored) unless the caller set
# LEDGERLINE_AUTH_JWT_SECRET; the dashboard checks sign-in tokens with it, `ledgerline`
# (simulate, token) its own: `set -a; . .local/secrets.env; set +a`.
load_secret() {
  local secrets="$root/.local/secrets.env"
  [ -z "${LEDGERLINE_AUTH_JWT_SECRET:-}" ] || return 0
  if [ ! -f "$secrets" ]; then
    mkdir -p "$root/.local"
    (umask 077; echo "LEDGERLINE_AUTH_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" >"$secrets")
  fi
  set -a; . "$secrets"; set +a
}

launch() {
  local svc=$1 pkg; pkg=$(package "$svc")
  rm -f "$(pidfile "$svc")"
  if ! factory_present "$svc"; then
    echo "$svc: ERROR: $(factory "$svc") does not exist yet (nothing to start)" >&2
    return 1
  fi
  if port_busy "$svc"; then
    echo "$svc: ERROR: port $(port "$svc") is already taken by another process" >&2
    return 1
  fi
  # setsid: own session, so a Ctrl-C in the calling terminal does not stop the service.
  # uvicorn's access log costs a log record per request; LEDGERLINE_ACCESS_LOG=1 turns it on.
  # uvloop and httptools (cash-application's dependencies) are picked up when installed.
  local access=--no-access-log
  [ "${LEDGERLINE_ACCESS_LOG:-0}" = 1 ] && access=--access-log
  setsid "$uvicorn" --factory "$(factory "$svc")" --host 127.0.0.1 --port "$(port "$svc")" \
    "$access" </dev/null >>"$(logfile "$svc")" 2>&1 &
  echo $! >"$(pidfile "$svc")"
  echo "$svc: starting (log $(logfile "$svc"))"
}

await_health() {
  local svc=$1 deadline=$((SECONDS + start_timeout))
  while [ $SECONDS -lt $deadline ]; do
    if ! running "$svc"; then
      echo "$svc: ERROR: exited during start-up; last log lines:" >&2
      tail -n 20 "$(logfile "$svc")" | sed 's/^/    /' >&2
      rm -f "$(pidfile "$svc")"
      return 1
    fi
    if healthy "$svc"; then
      echo "$svc: healthy on http://127.0.0.1:$(port "$svc")$([ "$svc" = dashboard ] || echo " (OpenAPI /docs)")"
      return 0
    fi
    sleep 0.3
  done
  echo "$svc: ERROR: /health did not answer within ${start_timeout}s, see $(logfile "$svc")" >&2
  return 1
}

start() {
  mkdir -p "$home"
  load_secret
  [ -x "$uvicorn" ] || { echo "services: $uvicorn missing: run make setup" >&2; exit 1; }
  local svc failed=0 started=()
  for svc in "$@"; do
    if running "$svc"; then
      echo "$svc: already running on http://127.0.0.1:$(port "$svc") (pid $(cat "$(pidfile "$svc")"))"
    elif launch "$svc"; then started+=("$svc")
    else failed=1; fi
  done
  for svc in "${started[@]+"${started[@]}"}"; do await_health "$svc" || failed=1; done
  return $failed
}

# TERM all, wait up to the timeout, then KILL what is left.
stop() {
  local svc pid pids=() names=()
  for svc in "$@"; do
    if running "$svc"; then
      pid=$(cat "$(pidfile "$svc")")
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$svc")
    else
      echo "$svc: not running"; rm -f "$(pidfile "$svc")"
    fi
  done
  local i waited=0
  for i in "${!pids[@]}"; do
    while alive "${pids[$i]}" && [ $waited -lt $((stop_timeout * 10)) ]; do
      sleep 0.1; waited=$((waited + 1))
    done
    if alive "${pids[$i]}"; then
      echo "${names[$i]}: did not stop within ${stop_timeout}s, killing" >&2
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
    rm -f "$(pidfile "${names[$i]}")"
    echo "${names[$i]}: stopped"
  done
}

status() {
  local svc rc=0
  for svc in "$@"; do
    if running "$svc" && healthy "$svc"; then
      echo "$svc: running on http://127.0.0.1:$(port "$svc") (pid $(cat "$(pidfile "$svc")"))"
    elif running "$svc"; then
      echo "$svc: running (pid $(cat "$(pidfile "$svc")")) but /health does not answer"; rc=3
    else
      echo "$svc: stopped"; rc=3
    fi
  done
  return $rc
}

cmd=${1:-status}
shift || true
[ $# -gt 0 ] || set -- "${all[@]}"
for svc in "$@"; do package "$svc" >/dev/null; done
case "$cmd" in
  start) start "$@" ;;
  stop) stop "$@" ;;
  restart) stop "$@"; start "$@" ;;
  status) status "$@" ;;
  *) echo "usage: $0 start|stop|status|restart [service ...]" >&2; exit 2 ;;
esac
