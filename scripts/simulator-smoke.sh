#!/usr/bin/env bash
# Raw-HTTP walk through the OneFile simulator with curl alone (no project client): authenticate, create a
# placement, classroom and assessor, enrol a learner, assign a standard, book a visit and review, read it all
# back, then go over the rate limit to show the 429s.
#   scripts/simulator-smoke.sh              starts its own simulator (needs `npm run build`), limit 30/min
#   SIM_URL=http://127.0.0.1:8400/api/v2.1 scripts/simulator-smoke.sh   uses a running one (demo seed)
set -euo pipefail
cd "$(dirname "$0")/.."

TOKEN_CUSTOMER=demo-customer-token-7f3c2a   # DEMO_CUSTOMER_TOKEN in src/demo/catalogue.ts
ORG=5740
LIMIT=30
sim_pid=
cleanup() { if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

if [ -z "${SIM_URL:-}" ]; then
  [ -f dist/src/simulator/main.js ] || { echo "dist/ is missing: run npm run build first" >&2; exit 1; }
  log=$(mktemp)
  node dist/src/simulator/main.js --port 0 --seed demo --rate-limit "$LIMIT" --window-ms 60000 >"$log" &
  sim_pid=$!
  for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
  SIM_URL=$(grep -o 'http://[^ ]*/api/v2.1' "$log")
  rm -f "$log"
fi
echo "simulator: $SIM_URL"

# call METHOD PATH [JSON]: logs the call, leaves the answer in $BODY; fails unless the status is 2xx.
call() {
  local method=$1 path=$2 body=${3:-} out status
  out=$(curl -sS -X "$method" "$SIM_URL$path" -H "X-TokenID: $SESSION" -H 'Content-Type: application/json' \
    ${body:+--data "$body"} -w '\n%{http_code}')
  status=${out##*$'\n'}
  BODY=${out%$'\n'*}
  printf '%-5s %-34s %s  %s\n' "$method" "$path" "$status" "${BODY:0:110}"
  [[ $status == 2* ]] || { echo "unexpected status $status" >&2; exit 1; }
}
# The new record's id: creates answer a bare id, or JSON with "ID" (users always; placements and classrooms
# when the simulator runs with --create-answer object).
new_id() { if [[ $BODY =~ ^[0-9]+$ ]]; then printf '%s' "$BODY"; else printf '%s' "$BODY" | grep -o '"ID":[0-9]*' | head -n 1 | cut -d: -f2; fi; }

SESSION=$(curl -sS -f -X POST "$SIM_URL/Authentication" -H "X-CustomerToken: $TOKEN_CUSTOMER")
echo "session: $SESSION"
call GET /Customer

call POST /Placement "{\"OrganisationID\":$ORG,\"Name\":\"Smoke Test Employer\",\"MISID\":\"E9999\"}"
placement=$(new_id)
call POST /Classroom "{\"OrganisationID\":$ORG,\"Name\":\"Smoke Cohort\"}"
classroom=$(new_id)
call POST /User "{\"OrganisationID\":$ORG,\"Role\":5,\"FirstName\":\"Sam\",\"LastName\":\"Smoke\",\"MISID\":\"O9999\"}"
assessor=$(new_id)
call POST /User "{\"OrganisationID\":$ORG,\"Role\":1,\"FirstName\":\"Lee\",\"LastName\":\"Learner\",\
\"Email\":\"lee@example.com\",\"MISID\":\"L9999\",\"DOB\":\"2005-04-01T00:00:00.000Z\",\"DefaultAssessorID\":$assessor,\
\"ClassroomID\":$classroom,\"PlacementID\":$placement}"
learner=$(new_id)
call POST "/Standard/55774/Assign/$learner"
aim=$(new_id)
call POST /Visit "{\"LearnerID\":$learner,\"OrganisationID\":$ORG,\"AssessorID\":$assessor,\
\"DateFrom\":\"2027-02-03T10:00:00.000Z\",\"DateTo\":\"2027-02-03T11:00:00.000Z\",\"VisitTypeID\":1}"
visit=$(new_id)
call POST /Review "{\"LearnerID\":$learner,\"AssessorID\":$assessor,\"ScheduledFor\":\"2027-02-03T10:00:00.000Z\",\
\"EndTime\":\"2027-02-03T11:00:00.000Z\",\"VisitID\":$visit}"
review=$(new_id)
echo "created: placement $placement, classroom $classroom, assessor $assessor, learner $learner, learning aim $aim, visit $visit, review $review"

echo "-- read back"
call GET "/User/$learner"
call GET "/Placement/$placement"
call GET "/Classroom/$classroom"
call GET "/LearningAim/$aim"
call POST /LearningAim/Search/1/10 "{\"UserID\":$learner}"
call GET "/Review/$review"
call POST /Review/Search/1/10 "{\"LearnerID\":$learner}"

echo "-- over the limit: GET /Customer until 10 calls past the first 429 (limit $LIMIT a minute when started here)"
declare -A seen=()
retry_after=
for _ in $(seq 1000); do
  headers=$(curl -sS -o /dev/null -D - "$SIM_URL/Customer" -H "X-TokenID: $SESSION")
  code=$(printf '%s' "$headers" | head -n 1 | cut -d' ' -f2)
  seen[$code]=$(( ${seen[$code]:-0} + 1 ))
  if [ "$code" = 429 ] && [ -z "$retry_after" ]; then
    retry_after=$(printf '%s' "$headers" | tr -d '\r' | grep -i '^retry-after:' | cut -d' ' -f2 || true)
  fi
  [ "${seen[429]:-0}" -ge 10 ] && break
done
for code in "${!seen[@]}"; do echo "  $code x ${seen[$code]}"; done
echo "  first 429 said Retry-After: ${retry_after:-(none)}"
[ "${seen[429]:-0}" -gt 0 ] || { echo "expected 429s" >&2; exit 1; }
curl -sS "${SIM_URL%/api/v2.1}/_admin/stats" | grep -o '"overLimit":[0-9]*' | sed 's/^/  /'
echo "smoke test passed"
