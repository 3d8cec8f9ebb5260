#!/usr/bin/env bash
# Mutation testing of the rules (StrykerJS, test/MUTATION.md): not part of the test suite (about 20 minutes on
# two cores; incremental after the first run). Stryker 10 needs Node ≥ 22: installed beside an older one first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_node
exec npx stryker run "$@"
