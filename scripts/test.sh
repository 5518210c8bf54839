#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh machine.
#  1. starts PostgreSQL and Kafka on loopback (scripts/services) unless DATABASE_URL /
#     KAFKA_BROKERS are given;
#  2. type-checks everything and builds dist/ (process-level tests run compiled entry points);
#  3. runs jest (unit, integration, e2e). Extra arguments go to jest.
# JEST_JSON=<file> also writes jest's JSON report there (used by .ci/run for the totals).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${DATABASE_URL:-}" || -z "${KAFKA_BROKERS:-}" ]]; then
  bash scripts/services/up.sh >/dev/null
  # shellcheck disable=SC1091
  source .services/env
fi
export DATABASE_URL KAFKA_BROKERS

npx tsc -p tsconfig.json --noEmit
npm run --silent build

json=()
if [[ -n "${JEST_JSON:-}" ]]; then json=(--json "--outputFile=$JEST_JSON"); fi
# One worker: the Kafka tests restart the shared broker, and the machine has two cores.
exec node --experimental-vm-modules node_modules/jest/bin/jest.js --maxWorkers=1 "${json[@]}" "$@"
