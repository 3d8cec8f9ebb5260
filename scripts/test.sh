#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: services, dependencies, promtool, typecheck, build, Jest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_all
ensure_promtool
npm test -- "$@"
