#!/usr/bin/env bash
# `npm test`: real services up, then typecheck, lint and every vitest project (unit,
# conformance, integration), stopping at the first stage that fails. Extra arguments go
# to vitest, e.g. `npm test -- --project unit`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The registry integration tests need the optional Confluent-compatible registry too
# (scripts/registry.sh); the pipeline itself defaults to its embedded registry.
export INGEST_WITH_REGISTRY="${INGEST_WITH_REGISTRY:-1}"

stage() { printf '\n==> %s\n' "$1"; }
fail() {
  printf '\nnpm test FAILED at: %s\n' "$1" >&2
  exit 1
}

stage "services: scripts/services.sh up (a no-op when they already run)"
bash scripts/services.sh up || fail "starting the services (see the server log lines above; scripts/services.sh logs shows more)"
echo "node $(node --version)"
bash scripts/services.sh status || fail "a service is down right after 'up' (scripts/services.sh logs)"

stage "typecheck: tsc --noEmit -p ."
npx tsc --noEmit -p . || fail "typecheck (fix the type errors above)"

stage "lint: biome check ."
npx biome check . || fail "lint/format (npx biome check --write . fixes the formatting part)"

stage "chdb: scripts/chdb.sh (ClickHouse 26.9 in-process, for the current-server DDL/query test)"
bash scripts/chdb.sh || fail "installing chdb-core into the cache venv (see pip's message above)"

stage "tests: vitest run"
npx vitest run "$@" || fail "tests (failures listed above)"

printf '\nnpm test passed\n'
