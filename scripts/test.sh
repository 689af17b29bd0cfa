#!/usr/bin/env bash
# The README's test command runs this (after `npm install`): format, lint (with Nx module
# boundaries), type-check, unit tests, then end-to-end tests against a real Kafka broker,
# ClickHouse (chDB) and Redis that the e2e setup starts itself (installing Java, Maven and
# redis-server with apt when run as root, or printing the command otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true

step() { printf '\n== %s\n' "$*"; }

step "format (prettier --check)"
npx prettier --check .
step "lint (eslint + @nx/enforce-module-boundaries)"
# The boundaries rule reads Nx's project graph; compute it first or the rule is skipped.
npx nx show projects > /dev/null
npx eslint --max-warnings 0 .
step "type-check (tsc --noEmit; the dashboard with browser types, its specs with Node's)"
npx tsc -p tsconfig.json --noEmit
npx tsc -p apps/dashboard/tsconfig.json
npx tsc -p apps/dashboard/tsconfig.spec.json
step "unit tests"
npx jest --selectProjects unit
step "end-to-end tests (real Kafka, ClickHouse, Redis)"
npx jest --selectProjects e2e --runInBand
