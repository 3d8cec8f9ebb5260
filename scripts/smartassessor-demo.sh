#!/usr/bin/env bash
# The Smart Assessor flow on the demo data (A1–A4): sets up Node, PostgreSQL and Redis on loopback like
# scripts/demo.sh, migrates, then runs dist/src/smartassessor-demo.js, which seeds the demo provider,
# switches it to Smart Assessor (the simulator's SOAP endpoint, started in-process), runs the Look Up Smart
# Assessor ID refresh, enrols a learner whose main officer is not linked, links an officer, enrols a learner
# whose main officer is linked, and prints what Smart Assessor received each time. Resets the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_all

log "building"
npm run build --silent

export NODE_ENV="${NODE_ENV:-development}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export REDIS_PREFIX="${REDIS_PREFIX:-pics-sa-demo}"

log "database: migrate (worker schema + dev-only PICS schema)"
node dist/src/cli.js migrate --create-database --with-pics-dev

log "the Smart Assessor demo"
node dist/src/smartassessor-demo.js
