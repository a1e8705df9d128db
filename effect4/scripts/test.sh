#!/usr/bin/env bash
# Installs (frozen lockfile), type-checks and tests the Effect 4 line under a Node that can run it (see node.sh),
# writing Vitest's JSON report to effect4/.vitest-report.json for CI to count. Works from a clean clone with only
# Node 20 and npm on the machine. Extra arguments go to `vitest run`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
run() { "$here/node.sh" "$@"; }
# CI=true: pnpm never prompts (no TTY) and refuses a lockfile that does not match package.json.
CI=true run corepack pnpm install --frozen-lockfile --reporter=append-only
run corepack pnpm exec tsc -b
rm -f .vitest-report.json
run corepack pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.vitest-report.json "$@"
