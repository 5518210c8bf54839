#!/usr/bin/env bash
# Headless Chromium for the browser tests (hosted pages, OAuth): Debian's `chromium` package,
# driven by playwright-core (no browser download from anywhere else). Idempotent; prints the
# binary's path. CHROMIUM_PATH overrides where the tests look for it.
#
#   chromium.sh            ensure it is installed (as root, with apt-get, when it is missing)
set -euo pipefail

bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$bin" ]]; then echo "$bin"; exit 0; fi
if [[ $EUID -ne 0 ]]; then
  echo "chromium.sh: $bin not found; as root run: apt-get install -y chromium" >&2
  exit 1
fi
echo "chromium.sh: installing Debian's chromium (once)" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
[[ -x "$bin" ]] || { echo "chromium.sh: install finished but $bin is missing" >&2; exit 1; }
echo "$bin"
