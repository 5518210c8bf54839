#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft, combined broker+controller) on loopback for
# tests and CI. No Docker, no tarball download: the broker's jars come from
# Maven Central via scripts/services/kafka/pom.xml and are cached per version.
#
#   kafka.sh start|stop|kill|restart|status|env
#
# Env knobs (defaults):
#   KAFKA_VERSION   4.4.0 (see KAFKA.md for why)   KAFKA_PORT 19092 *
#   KAFKA_CONTROLLER_PORT 19093 *                  SERVICES_DIR <repo>/.services
#   KAFKA_CACHE ~/.cache/idp-kafka/<version>       KAFKA_HEAP_OPTS -Xms256m -Xmx512m
#   KAFKA_START_TIMEOUT 90 (s)   KAFKA_STOP_TIMEOUT 30 (s, then SIGKILL)
#   * once started, a data dir keeps its ports unless they are given again
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SERVICES_DIR="${SERVICES_DIR:-$REPO/.services}"

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
KAFKA_CACHE="${KAFKA_CACHE:-${HOME:-/root}/.cache/idp-kafka/$KAFKA_VERSION}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

LIBS="$KAFKA_CACHE/libs"
KDIR="$SERVICES_DIR/kafka"          # throwaway: config, pid, log, data
DATA="$KDIR/data"                   # log.dirs (topic data + KRaft metadata log)
PIDFILE="$KDIR/kafka.pid"
LOG="$KDIR/kafka.log"
PROPS="$KDIR/server.properties"
LOG4J="$KDIR/log4j2.properties"
# A data dir keeps the ports it was last started with unless they are given
# again: the tests run a bare `kafka.sh restart`, which must come back where
# KAFKA_BROKERS already points.
prop() { [[ -f "$PROPS" ]] && sed -n "s/^$1=.*127\.0\.0\.1:\([0-9]*\).*/\1/p" "$PROPS" | head -n 1; }
KAFKA_PORT="${KAFKA_PORT:-$(prop advertised.listeners || true)}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$(prop controller.quorum.voters || true)}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
# Any valid 16-byte base64url id will do; a fixed one saves a JVM start for
# `StorageTool random-uuid`. The data dir is throwaway, so uniqueness is moot.
CLUSTER_ID="${KAFKA_CLUSTER_ID:-aWRwLXRlc3Qta2Fma2EwMQ}"

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# True when $PIDFILE names a live JVM running *our* broker (guards against a
# stale pid file whose pid got reused by something else).
running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid; pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $PROPS" || return 1
  echo "$pid"
}

# Alive and not a zombie (a zombie still answers kill -0 until reaped, and
# PID 1 in some containers never reaps).
alive() { [[ -r "/proc/$1/stat" ]] && [[ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]]; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Fetch the broker jars once per version. A marker file is written only after
# a complete copy so an interrupted download is simply redone.
fetch_jars() {
  [[ -f "$KAFKA_CACHE/.complete" ]] && return 0
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch Kafka jars)"
  mkdir -p "$KAFKA_CACHE"
  (
    flock 9   # two concurrent starts must not download into the same folder
    [[ -f "$KAFKA_CACHE/.complete" ]] && exit 0
    log "fetching Kafka $KAFKA_VERSION jars with Maven into $LIBS (one-off)"
    rm -rf "$LIBS.tmp" && mkdir -p "$LIBS.tmp"
    if ! mvn -q -B -Dstyle.color=never -f "$HERE/kafka/pom.xml" \
        dependency:copy-dependencies \
        -Dkafka.version="$KAFKA_VERSION" \
        -DoutputDirectory="$LIBS.tmp" >"$KAFKA_CACHE/mvn.log" 2>&1; then
      tail -n 40 "$KAFKA_CACHE/mvn.log" >&2
      die "Maven could not fetch Kafka $KAFKA_VERSION (log: $KAFKA_CACHE/mvn.log)"
    fi
    ls "$LIBS.tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "no kafka_2.13 jar after Maven run"
    rm -rf "$LIBS" && mv "$LIBS.tmp" "$LIBS"
    touch "$KAFKA_CACHE/.complete"
  ) 9>"$KAFKA_CACHE/.lock"
}

write_config() {
  mkdir -p "$DATA"
  # Rewritten on every start so port changes apply; the data dir is kept.
  cat >"$PROPS" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA

auto.create.topics.enable=true
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
# 50 (the default) makes the first consumer group wait for 50 partitions.
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Tests restart the broker mid-stream: keep shutdown/recovery short. After a
# SIGKILL the controller refuses the new broker incarnation until the old
# session expires (default 9s), hence the shorter session.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4000
log.flush.offset.checkpoint.interval.ms=1000
num.recovery.threads.per.data.dir=2
EOF
  cat >"$LOG4J" <<'EOF'
# Everything goes to stdout, which kafka.sh appends to kafka.log.
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = OUT
logger.state.name = state.change.logger
logger.state.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.clients.name = org.apache.kafka.clients
logger.clients.level = warn
EOF
}

# KAFKA_HEAP_OPTS is deliberately word-split (a list of JVM flags); the
# classpath wildcard is expanded by java, not by the shell.
# shellcheck disable=SC2206
JAVA=(java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
      -Djava.awt.headless=true -Dlog4j2.configurationFile="$LOG4J"
      -cp "$LIBS/*")

format_storage() {
  [[ -f "$DATA/meta.properties" ]] && return 0
  log "formatting KRaft storage in $DATA"
  "${JAVA[@]}" kafka.tools.StorageTool format --ignore-formatted \
      -t "$CLUSTER_ID" -c "$PROPS" >>"$LOG" 2>&1 \
    || { tail -n 30 "$LOG" >&2; die "storage format failed (log: $LOG)"; }
}

start() {
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  command -v java >/dev/null || die "java not found (Kafka $KAFKA_VERSION needs Java 17+)"
  if port_open "$KAFKA_PORT" || port_open "$KAFKA_CONTROLLER_PORT"; then
    die "port $KAFKA_PORT or $KAFKA_CONTROLLER_PORT is already taken by another process"
  fi
  fetch_jars
  write_config
  format_storage

  # Keep one old log: tests restart the broker often and each start logs ~1 MB.
  if [[ -f "$LOG" ]] && (( $(stat -c %s "$LOG") > 50000000 )); then mv -f "$LOG" "$LOG.1"; fi
  # Remember where this start's output begins, to wait for *its* started line.
  local offset=0 t0=$SECONDS
  [[ -f "$LOG" ]] && offset="$(stat -c %s "$LOG")"
  echo "=== kafka.sh start $(date -u +%FT%TZ) ===" >>"$LOG"
  # setsid: own session, so the broker outlives the shell that started it and
  # is not hit by signals sent to that shell's process group.
  setsid "${JAVA[@]}" kafka.Kafka "$PROPS" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"

  # "Kafka Server started" is logged once the broker is unfenced and serving;
  # a plain TCP connect succeeds earlier (the socket is bound before that).
  while ((SECONDS - t0 < KAFKA_START_TIMEOUT)); do
    # The launched pid itself: until setsid has exec'd java its command line is the forked
    # shell's, and running_pid would call a healthy start dead.
    if ! alive "$(cat "$PIDFILE")"; then
      tail -n 40 "$LOG" >&2; die "broker exited during startup (log: $LOG)"
    fi
    if tail -c +"$((offset + 1))" "$LOG" | grep -q 'Kafka Server started' \
        && port_open "$KAFKA_PORT"; then
      log "started (pid $(cat "$PIDFILE")) on 127.0.0.1:$KAFKA_PORT in $((SECONDS - t0))s"
      return 0
    fi
    sleep 0.3
  done
  tail -n 40 "$LOG" >&2
  die "broker not ready after ${KAFKA_START_TIMEOUT}s (log: $LOG)"
}

# stop: SIGTERM = controlled shutdown (flushes, writes clean-shutdown markers,
# so the next start skips log recovery); SIGKILL only if it overstays.
stop() {
  local pid sig="${1:-TERM}" t0=$SECONDS
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE"; log "not running"; return 0
  fi
  kill -s "$sig" "$pid" 2>/dev/null || true
  while alive "$pid"; do
    if ((SECONDS - t0 >= KAFKA_STOP_TIMEOUT)); then
      log "still alive after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
  # The ports must be free before a restart rebinds them.
  while port_open "$KAFKA_PORT" && ((SECONDS - t0 < KAFKA_STOP_TIMEOUT + 10)); do sleep 0.2; done
  rm -f "$PIDFILE"
  log "stopped ($sig) in $((SECONDS - t0))s"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "kafka $KAFKA_VERSION running (pid $pid) on 127.0.0.1:$KAFKA_PORT, data $DATA"
  else
    echo "kafka not running"; return 3
  fi
}

case "${1:-}" in
  start)   start ;;
  stop)    stop TERM ;;
  kill)    stop KILL ;;   # crash-like stop: next start runs log recovery
  restart) stop TERM; start ;;
  status)  status ;;
  env)     echo "export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT" ;;
  *) echo "usage: $0 start|stop|kill|restart|status|env" >&2; exit 2 ;;
esac
