#!/usr/bin/env bash
# Stop the local test services started by up.sh. Idempotent. Data folders are
# kept (delete $SERVICES_DIR to start from scratch).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
export SERVICES_DIR="${SERVICES_DIR:-$REPO/.services}"

rc=0
"$HERE/kafka.sh" stop || rc=1
"$HERE/postgres.sh" stop || rc=1
rm -f "$SERVICES_DIR/env"
exit $rc
