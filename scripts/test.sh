#!/usr/bin/env bash
# The whole test suite, as CI runs it: unit, integration (real containers, needs root),
# then the OCI conformance suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
baseline=$(mktemp)
trap 'rm -f "$baseline"' EXIT
bash scripts/check-leftovers.sh --snapshot "$baseline"
npm test
npm run conformance
bash scripts/check-leftovers.sh --baseline "$baseline"
