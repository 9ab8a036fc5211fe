#!/usr/bin/env bash
# Project-owned mail server for local runs and tests: Mailpit (pinned, built with Go from the
# module proxy into .local/bin), SMTP and its HTTP API on loopback. It captures every mail the
# services send, so nothing reaches a real customer; its API lets tests and people read them.
# Usage: mailpit.sh install|start|stop|status
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=v1.33.1
bin="$root/.local/bin/mailpit"
home="${LEDGERLINE_MAILPIT_HOME:-$root/.local/mailpit}"
smtp_port=${LEDGERLINE_SMTP_PORT:-11025}
http_port=${LEDGERLINE_MAILPIT_HTTP_PORT:-18025}

install() {
  if [ -x "$bin" ] && [ -f "$bin.version" ] && [ "$(cat "$bin.version")" = "$version" ]; then return; fi
  command -v go >/dev/null || { echo "mailpit: needs Go (go install) to build $version" >&2; exit 1; }
  echo "mailpit: building github.com/axllent/mailpit@$version (about a minute, once)"
  mkdir -p "$(dirname "$bin")"
  GOBIN="$(dirname "$bin")" GOFLAGS=-mod=mod go install "github.com/axllent/mailpit@$version"
  echo "$version" >"$bin.version"
}

ready() { curl -fsS -o /dev/null "http://127.0.0.1:$http_port/readyz" 2>/dev/null; }

start() {
  install
  mkdir -p "$home"
  if ready; then echo "mailpit: already running (SMTP 127.0.0.1:$smtp_port)"; return; fi
  nohup "$bin" --smtp "127.0.0.1:$smtp_port" --listen "127.0.0.1:$http_port" \
    --database "$home/mailpit.db" --enable-chaos --smtp-auth-accept-any --smtp-auth-allow-insecure \
    --disable-version-check --quiet >"$home/mailpit.log" 2>&1 &
  echo $! >"$home/mailpit.pid"
  for _ in $(seq 1 100); do ready && break; sleep 0.1; done
  ready || { echo "mailpit: did not start, see $home/mailpit.log" >&2; tail -5 "$home/mailpit.log" >&2; exit 1; }
  echo "mailpit: SMTP 127.0.0.1:$smtp_port, mail and API http://127.0.0.1:$http_port/"
}

stop() {
  local pid
  pid=$(cat "$home/mailpit.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$home/mailpit.pid"; echo "mailpit: stopped"
  else echo "mailpit: not running"; fi
}

status() {
  if ready; then echo "mailpit: running (SMTP 127.0.0.1:$smtp_port, http://127.0.0.1:$http_port/)"
  else echo "mailpit: stopped"; return 3; fi
}

case "${1:-status}" in
  install) install ;; start) start ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
