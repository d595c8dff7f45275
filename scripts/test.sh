#!/usr/bin/env bash
# The whole test suite, as CI runs it: unit, integration (real containers, needs root),
# then the OCI conformance suite, then the real clients (containerd, podman, Docker).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
baseline=$(mktemp)
trap 'rm -f "$baseline"' EXIT
bash scripts/check-leftovers.sh --snapshot "$baseline"
npm test
npm run conformance
# containerd, podman and Docker from Debian driving the runtime end to end.
npm run clients
bash scripts/check-leftovers.sh --baseline "$baseline"
