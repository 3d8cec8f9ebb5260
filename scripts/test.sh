#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: services, dependencies, promtool, pgbouncer, typecheck, build,
# Jest; then (for a full run, with no arguments) the enrol and sync scenarios again on a Redis Cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_all
ensure_promtool
ensure_pgbouncer
npm test -- "$@"
if [ "$#" -eq 0 ]; then npm run test:redis-cluster; fi
