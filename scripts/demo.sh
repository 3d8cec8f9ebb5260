#!/usr/bin/env bash
# Sets up and runs the worker end to end on local defaults: Node, PostgreSQL and Redis on loopback, the
# worker's schema and the dev-only PICS schema with demo data, the OneFile simulator, then the daemon.
# It enrols a demo learner and runs a daily sync so there is something to look at, then keeps running
# until Ctrl-C. DEMO_EXIT=1 stops after the demo steps instead. DEMO_CENTRES=2 runs the multi-centre provider:
# a second OneFile centre, a learner enrolled into each, the sync, then a check that no record is in the wrong centre.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_all

log "building"
npm run build --silent

export NODE_ENV=development
export LOG_PRETTY="${LOG_PRETTY:-true}"
SIM_PORT="${SIM_PORT:-8099}"
export ONEFILE_BASE_URL="http://127.0.0.1:${SIM_PORT}/api/v2.1"
export HTTP_PORT="${HTTP_PORT:-8080}"
# PICSWeb's HTTP API needs a key: the demo makes one (kept in .demo-api-key, readable by this user only).
if [ -z "${API_KEYS:-}" ]; then
  [ -s .demo-api-key ] || (umask 077; node -e 'console.log(require("node:crypto").randomBytes(32).toString("hex"))' > .demo-api-key)
  API_KEYS="$(cat .demo-api-key)"
fi
export API_KEYS
cli() { node dist/src/cli.js "$@"; }

log "database: migrate (worker schema + dev-only PICS schema) and seed the demo provider"
cli migrate --create-database --with-pics-dev
CENTRES="${DEMO_CENTRES:-1}"
if [ "$CENTRES" = "2" ]; then SIM_SEED=demo-multi-centre; cli seed-demo --multi-centre; else SIM_SEED=demo; cli seed-demo; fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

log "starting the OneFile simulator on 127.0.0.1:${SIM_PORT}"
node dist/src/simulator/main.js --port "$SIM_PORT" --seed "$SIM_SEED" --environment practice > /tmp/pics-worker-simulator.log 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:${SIM_PORT}/_admin/stats" >/dev/null 2>&1 && break; sleep 0.2; done

log "starting the worker daemon (health, metrics and dashboard on http://127.0.0.1:${HTTP_PORT})"
node dist/src/main.js &
pids+=($!)
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:${HTTP_PORT}/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

wait_idle() {
  # Until no job is waiting or active in any queue (delayed ones are the schedule's next run, or retries).
  for _ in $(seq 1 120); do
    busy=$(cli status --json 2>/dev/null | node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        try { const j = JSON.parse(s); let n = 0;
          for (const c of Object.values(j.queues ?? {})) n += (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) + (c["waiting-children"] ?? 0);
          console.log(n); } catch { console.log(1); } });')
    [ "$busy" = "0" ] && return 0
    sleep 0.4
  done
}

log "connection test, qualification links, then enrol learner L0002 (Create in OneFile)"
cli connection-test || true
cli enqueue refresh-links
wait_idle
cli enqueue enrol L0002 --pathway 3=41301
wait_idle
cli enrol-status L0002 || true
log "learner L0007 has no email: enrolling it fails at once with a message a PICS user can act on"
cli enqueue enrol L0007 || true
wait_idle
cli enrol-status L0007 || true

if [ "$CENTRES" = "2" ]; then
  log "multi-centre: look-ups of both centres, then learner L0003 enrolled into the second centre (5741)"
  cli directory refresh
  wait_idle
  cli enqueue enrol L0003 --organisation 5741 --pathway 3=1041301
  wait_idle
  cli enrol-status L0003 || true
fi

log "the daily sync, run now"
cli enqueue sync-all
wait_idle
cli status
if [ "$CENTRES" = "2" ]; then
  log "multi-centre: every learner's OneFile records in its own centre"
  node scripts/check-centres.mjs "http://127.0.0.1:${SIM_PORT}/_admin"
fi

if [ "${DEMO_EXIT:-0}" = "1" ]; then exit 0; fi
log "PICSWeb's API: http://127.0.0.1:${HTTP_PORT}/api/v1 (document at /api/v1/openapi.json); key: KEY=\$(cat .demo-api-key) — README \"PICSWeb's HTTP API\""
log "running: dashboard http://127.0.0.1:${HTTP_PORT}/admin/queues (user ops, password dev-dashboard-password), metrics /metrics. Ctrl-C stops."
wait
