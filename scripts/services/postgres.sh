#!/usr/bin/env bash
# Throwaway PostgreSQL on loopback for tests and CI (no Docker, no systemd).
#
#   postgres.sh start|stop|status|env
#
# Env knobs (defaults):
#   PG_PORT 55432   PG_USER idp   PG_PASSWORD idp   PG_DB idp
#   SERVICES_DIR <repo>/.services   PG_DIR $SERVICES_DIR/pg   PG_START_TIMEOUT 60 (s)
#
# Auth: the `postgres` superuser is trusted on 127.0.0.1 (the script's own admin
# connection, no password to manage); every other role needs its password
# (scram), so a wrong DATABASE_URL fails here as it would in production.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SERVICES_DIR="${SERVICES_DIR:-$REPO/.services}"

PG_PORT="${PG_PORT:-55432}"
PG_USER="${PG_USER:-idp}"
PG_PASSWORD="${PG_PASSWORD:-idp}"
PG_DB="${PG_DB:-idp}"
PG_DIR="${PG_DIR:-$SERVICES_DIR/pg}"
PG_START_TIMEOUT="${PG_START_TIMEOUT:-60}"
PGDATA="$PG_DIR/data"
PGLOG="$PG_DIR/postgres.log"

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# Server bin dir holding all the tools used here. Prefer the one behind an
# `initdb` on PATH (resolving symlinks: some images link only a few tools into
# /usr/local/bin), else the newest Debian /usr/lib/postgresql/<ver>/bin.
find_bindir() {
  local d t ok
  for d in $(command -v initdb >/dev/null && dirname "$(readlink -f "$(command -v initdb)")") \
           $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV); do
    ok=1
    for t in initdb postgres pg_ctl pg_isready psql; do [[ -x "$d/$t" ]] || ok=0; done
    ((ok)) && { echo "$d"; return 0; }
  done
  return 1
}

ensure_installed() {
  BIN="$(find_bindir || true)"
  [[ -n "$BIN" ]] && return 0
  [[ $EUID -eq 0 ]] || die "PostgreSQL server not installed; as root run: apt-get install -y postgresql"
  log "installing PostgreSQL from Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  BIN="$(find_bindir || true)"
  [[ -n "$BIN" ]] || die "postgresql installed but no initdb/postgres found"
}

# PostgreSQL refuses to run as root: as root, act as the `postgres` OS user
# (created by the Debian package); otherwise just run as ourselves.
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The data folder must be reachable by the postgres user; a checkout under a
# private home (e.g. /root, mode 700) is not, so fall back to a /tmp folder.
ALT_DIR="/tmp/idp-pg-$PG_PORT"
use_alt_dir() { PG_DIR="$ALT_DIR"; PGDATA="$PG_DIR/data"; PGLOG="$PG_DIR/postgres.log"; }
# For stop/status: the folder start chose is the one holding a cluster.
locate_dir() { [[ ! -d "$PGDATA" && -d "$ALT_DIR/data" ]] && use_alt_dir; return 0; }

prepare_dir() {
  mkdir -p "$PG_DIR"
  if [[ $EUID -eq 0 ]]; then
    chown postgres:postgres "$PG_DIR"
    if ! runuser -u postgres -- test -w "$PG_DIR"; then
      log "postgres user cannot reach $PG_DIR (a parent folder is private); using $ALT_DIR"
      use_alt_dir
      mkdir -p "$PG_DIR" && chown postgres:postgres "$PG_DIR"
    fi
  fi
  chmod 700 "$PG_DIR"
}

init_cluster() {
  [[ -f "$PGDATA/PG_VERSION" ]] && return 0
  log "initdb in $PGDATA"
  as_pg "$BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  # Listen address and port are passed at start (so PG_PORT can change);
  # only test tuning lives in the config file.
  cat >>"$PGDATA/postgresql.conf" <<'EOF'

# --- scripts/services/postgres.sh: tuned for tests ---
max_connections = 300
shared_buffers = 256MB
# Durable enough for tests (fsync stays on) but commits don't wait for the
# WAL flush: much faster for write-heavy suites; a crash loses <1s of commits.
synchronous_commit = off
unix_socket_directories = ''   # TCP on 127.0.0.1 only
log_min_messages = warning
log_connections = off
log_min_duration_statement = -1
EOF
  # Superuser trusted on loopback (admin connection of this script); everyone
  # else uses scram passwords. Only 127.0.0.1 is listened on anyway.
  cat >"$PGDATA/pg_hba.conf" <<'EOF'
# TYPE  DATABASE  USER      ADDRESS        METHOD
host    all       postgres  127.0.0.1/32   trust
host    all       all       127.0.0.1/32   scram-sha-256
EOF
}

is_running() { [[ -f "$PGDATA/postmaster.pid" ]] && as_pg "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

psql_admin() { "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }

wait_ready() {
  local t0=$SECONDS
  until "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2; do
    ((SECONDS - t0 < PG_START_TIMEOUT)) || { tail -n 30 "$PGLOG" >&2; die "not ready after ${PG_START_TIMEOUT}s"; }
    sleep 0.3
  done
}

ensure_db() {
  # Role and database are (re)created only when missing; the password is
  # (re)set every time so PG_PASSWORD changes apply.
  psql_admin -d postgres -v u="$PG_USER" -v p="$PG_PASSWORD" <<'EOF'
SELECT format('CREATE ROLE %I LOGIN CREATEDB', :'u')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'u', :'p') \gexec
EOF
  psql_admin -d postgres -v u="$PG_USER" -v d="$PG_DB" <<'EOF'
SELECT format('CREATE DATABASE %I OWNER %I', :'d', :'u')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'d') \gexec
EOF
}

start() {
  ensure_installed
  prepare_dir
  if is_running; then
    log "already running on 127.0.0.1:$PG_PORT ($PGDATA)"
    wait_ready
  else
    init_cluster
    local t0=$SECONDS
    # pg_ctl daemonizes the server; -w waits for startup (bounded by -t).
    as_pg "$BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t "$PG_START_TIMEOUT" \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1" start >/dev/null \
      || { tail -n 30 "$PGLOG" >&2; die "pg_ctl start failed (log: $PGLOG)"; }
    wait_ready   # pg_ctl -w saw "ready"; this also proves TCP works
    log "started on 127.0.0.1:$PG_PORT in $((SECONDS - t0))s"
  fi
  ensure_db
}

stop() {
  BIN="$(find_bindir || true)"
  [[ -n "$BIN" ]] || { log "not installed, nothing to stop"; return 0; }
  locate_dir
  if is_running; then
    # fast = roll back open transactions, disconnect clients, clean shutdown.
    as_pg "$BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
    log "stopped"
  else
    log "not running"
  fi
}

status() {
  BIN="$(find_bindir || true)"
  [[ -n "$BIN" ]] || { echo "postgres not installed"; return 3; }
  locate_dir
  if is_running; then
    echo "postgres running on 127.0.0.1:$PG_PORT, data $PGDATA"
  else
    echo "postgres not running"; return 3
  fi
}

case "${1:-}" in
  start)  start ;;
  stop)   stop ;;
  status) status ;;
  env)    echo "export DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
