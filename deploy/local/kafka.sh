#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft combined broker+controller) for local runs and tests.
# Artifacts come from Maven Central (deploy/local/kafka/pom.xml, version pinned there) into
# .local/kafka (git-ignored). Usage: kafka.sh install|start|stop|status
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
home="${LEDGERLINE_KAFKA_HOME:-$root/.local/kafka}"
port=${LEDGERLINE_KAFKA_PORT:-19092}
controller_port=${LEDGERLINE_KAFKA_CONTROLLER_PORT:-19093}
libs="$root/.local/kafka/libs"  # artifacts shared by every instance; data and logs per home
props="$home/server.properties"
pidfile="$home/kafka.pid"

install() {
  if [ -f "$libs/.complete" ]; then return; fi
  echo "kafka: fetching broker artifacts from Maven Central"
  mkdir -p "$libs"
  mvn -q -B -f "$root/deploy/local/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime
  touch "$libs/.complete"
}

write_properties() {
  mkdir -p "$home/data" "$home/logs"
  cat > "$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$home/data
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
# The log is the audit trail: nothing is deleted by age or size.
log.retention.ms=-1
log.retention.bytes=-1
PROPS
}

java_args=(-Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true
  -Dkafka.logs.dir="$home/logs"
  -Dlog4j2.configurationFile="$root/deploy/local/kafka/log4j2.yaml"
  -cp "$libs/*")

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

ready() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

start() {
  install
  if running; then echo "kafka: already running on 127.0.0.1:$port"; return; fi
  if ready; then echo "kafka: port $port is taken by another process (LEDGERLINE_KAFKA_PORT)" >&2; exit 1; fi
  write_properties
  if [ ! -f "$home/data/meta.properties" ]; then
    local cluster_id; cluster_id=$(java "${java_args[@]}" kafka.tools.StorageTool random-uuid)
    java "${java_args[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$props" \
      >"$home/logs/format.log" 2>&1
  fi
  nohup java "${java_args[@]}" kafka.Kafka "$props" >"$home/logs/stdout.log" 2>&1 &
  echo $! >"$pidfile"
  # Loading a large log (kept benchmark histories) takes a while: say so, and wait for it.
  for i in $(seq 1 360); do
    if ready; then echo "kafka: listening on 127.0.0.1:$port"; return; fi
    running || { echo "kafka: failed to start, see $home/logs" >&2; tail -20 "$home/logs/stdout.log" >&2; exit 1; }
    if [ $((i % 20)) -eq 0 ]; then echo "kafka: loading its log ($((i / 2)) s)..."; fi
    sleep 0.5
  done
  echo "kafka: not ready after 180 s, see $home/logs" >&2; exit 1
}

stop() {
  if ! running; then echo "kafka: not running"; rm -f "$pidfile"; return; fi
  local pid; pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  # A clean shutdown spares the next start a log recovery: give it time before killing.
  for _ in $(seq 1 240); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then echo "kafka: still running after 120 s, killing"; kill -KILL "$pid" || true; fi
  rm -f "$pidfile"; echo "kafka: stopped"
}

status() {
  if running && ready; then echo "kafka: running on 127.0.0.1:$port (pid $(cat "$pidfile"))"
  else echo "kafka: stopped"; return 3; fi
}

case "${1:-status}" in
  install) install ;; start) start ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
