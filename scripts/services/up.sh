#!/usr/bin/env bash
# Start the local test services (PostgreSQL + Kafka) and write
# $SERVICES_DIR/env for `source`. Idempotent: already-running services are
# left as they are. A service whose URL is already in the environment
# (DATABASE_URL / KAFKA_BROKERS) is not started: that value is used as is.
#
#   scripts/services/up.sh && source .services/env
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
export SERVICES_DIR="${SERVICES_DIR:-$REPO/.services}"
mkdir -p "$SERVICES_DIR"

# Start Kafka first in the background: its JVM start (and, once, its Maven
# download) is the slow part, and it overlaps with PostgreSQL's start.
kafka_pid=""
if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  "$HERE/kafka.sh" start & kafka_pid=$!
fi
if [[ -z "${DATABASE_URL:-}" ]]; then
  "$HERE/postgres.sh" start
  DATABASE_URL="$("$HERE/postgres.sh" env | sed 's/^export DATABASE_URL=//')"
fi
if [[ -n "$kafka_pid" ]]; then
  wait "$kafka_pid" || { echo "up.sh: kafka failed to start" >&2; exit 1; }
  KAFKA_BROKERS="$("$HERE/kafka.sh" env | sed 's/^export KAFKA_BROKERS=//')"
fi

# Write atomically so a concurrent reader never sources half a file.
tmp="$(mktemp "$SERVICES_DIR/env.XXXXXX")"
# Values are written bare when they are shell-safe (URLs, host:port lists),
# shell-quoted otherwise.
q() { if [[ "$1" =~ ^[A-Za-z0-9_@%+=:,./-]*$ ]]; then printf '%s' "$1"; else printf '%q' "$1"; fi; }
printf 'export DATABASE_URL=%s\nexport KAFKA_BROKERS=%s\n' "$(q "$DATABASE_URL")" "$(q "$KAFKA_BROKERS")" >"$tmp"
mv -f "$tmp" "$SERVICES_DIR/env"
echo "up.sh: services ready; env in $SERVICES_DIR/env:" >&2
cat "$SERVICES_DIR/env"
