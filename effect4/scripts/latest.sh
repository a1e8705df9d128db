#!/usr/bin/env bash
# Does the Effect 4 line still pass on npm's newest `effect`? The packages peer on the minor they were tested with
# (`>=4.1.5 <4.2.0`), and effect/http, effect/persistence and effect/Arbitrary may change in any minor: this says
# when a new one breaks us, without touching the checked-in lockfile.
#
#   scripts/latest.sh          tries effect@latest with @effect/vitest@latest
#   scripts/latest.sh 4.2.0    tries that version (or dist-tag) of both (and of the catalog's other @effect/*)
#
# In a scratch copy of effect4/ (a temp dir beside symlinks to the repository's packages/ and node_modules/, which the
# shared conformance suite reads), it sets the workspace catalog's `effect`, `@effect/vitest` and any other `@effect/*`
# package to the versions npm resolves (and `vitest` to the newest the new @effect/vitest accepts, when the pinned one
# is outside its peer range), installs, type-checks (tsc -b) and runs every test, all through scripts/node.sh.
#
# Prints one line on stdout and exits:
#   0  `effect 4.x.y: passes (…)`, or `effect 4.x.y: the version the line pins …` when npm's latest is exactly what
#      the workspace pins (scripts/test.sh tests that; LATEST_FORCE=1 runs the scratch copy anyway)
#   1  `effect 4.x.y: FAILS: <first error>` (the scratch copy and its logs are kept; stderr says where)
#   2  `effect@latest: skipped: …` when the npm registry cannot be reached
# The root workspace must be installed (`corepack pnpm install` at the repository root) for the conformance suite.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
repo="$(dirname "$root")"
tag="${1:-latest}"
node_sh="$here/node.sh"

# npm's own retries can take minutes against an unreachable registry: one quick try.
npm_view() { # $1: package@tag-or-range; prints the versions npm resolves, one a line (oldest first)
  timeout 60 "$node_sh" npm view "$1" version --json --fetch-retries=0 --fetch-timeout=20000 --loglevel=error |
    "$node_sh" node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{const v=JSON.parse(s||"null");if(v===null)process.exit(1);for(const x of [v].flat())if(typeof x==="string")console.log(x)})'
}

scratch="$(mktemp -d "${TMPDIR:-/tmp}/effect4-latest.XXXXXX")"
keep=0
cleanup() { [ "$keep" = 1 ] || rm -rf "$scratch"; }
trap cleanup EXIT
trap 'exit 143' TERM INT
log="$scratch/log"

# A registry that does not answer is a skip; a version that does not exist is a failure of the request.
if ! effect="$(npm_view "effect@$tag" 2>"$log" | tail -n 1)" || [ -z "$effect" ]; then
  if grep -q -E 'E404|ETARGET' "$log"; then
    echo "effect@$tag: FAILS: npm has no such version"
    exit 1
  fi
  reason="$(grep -m 1 -E 'code|error|ERR' "$log" || true)"
  echo "effect@$tag: skipped: the npm registry cannot be reached${reason:+ ($reason)}"
  exit 2
fi

catalog_of() { sed -n "s/^  \"\\{0,1\\}$1\"\\{0,1\\}: *\\([^ ]*\\) *$/\\1/p" "$root/pnpm-workspace.yaml"; }
pinned_effect="$(catalog_of effect)"

# The catalog's @effect/* packages (@effect/vitest, and any other the workspace tests with) are released with
# effect: each at the same version or tag when npm has it, else at its latest.
companions=()
for name in $(sed -n 's/^  "\(@effect\/[^"]*\)":.*/\1/p' "$root/pnpm-workspace.yaml"); do
  version="$(npm_view "$name@$tag" 2>/dev/null | tail -n 1)"
  [ -n "$version" ] || version="$(npm_view "$name@latest" 2>/dev/null | tail -n 1)"
  if [ -z "$version" ]; then
    echo "effect@$tag: skipped: the npm registry did not say which $name goes with effect $effect"
    exit 2
  fi
  companions+=("$name=$version")
done
companion() { # $1: a package name; prints the version chosen for it
  local entry
  for entry in "${companions[@]}"; do [ "${entry%=*}" = "$1" ] && echo "${entry##*=}"; done
}
vitest_effect="$(companion @effect/vitest)"

# vitest: the pinned one when the new @effect/vitest accepts it, else the newest it accepts.
vitest="$(catalog_of vitest)"
peer="$(timeout 60 "$node_sh" npm view "@effect/vitest@$vitest_effect" peerDependencies.vitest --fetch-retries=0 --fetch-timeout=20000 --loglevel=error 2>/dev/null || true)"
if [ -n "$peer" ]; then
  accepted="$(npm_view "vitest@$peer" 2>/dev/null || true)"
  if [ -n "$accepted" ] && ! printf '%s\n' "$accepted" | grep -q -x -F "$vitest"; then
    vitest="$(printf '%s\n' "$accepted" | grep -v -- - | tail -n 1)"
  fi
fi

# Nothing new to try when npm resolves exactly what the line pins: scripts/test.sh (which CI runs just before) tests
# that. LATEST_FORCE=1 runs the scratch copy anyway.
same=1
[ "$effect" = "$pinned_effect" ] && [ "$vitest" = "$(catalog_of vitest)" ] || same=0
for entry in "${companions[@]}"; do
  pinned="$(awk -v name="\"${entry%=*}\":" '$1 == name { print $2 }' "$root/pnpm-workspace.yaml")"
  [ "${entry##*=}" = "$pinned" ] || same=0
done
if [ "$same" = 1 ] && [ "${LATEST_FORCE:-0}" != 1 ]; then
  echo "effect $effect: the version the line pins, with its pinned companions (scripts/test.sh tests it; LATEST_FORCE=1 to run it here too)"
  exit 0
fi

# The working tree's effect4/ without what is installed, built or fetched; ../packages and ../node_modules as the
# repository has them, so the conformance suite finds its scenarios and the Effect 3 emulator.
tar -C "$repo" -cf - --exclude=node_modules --exclude=.node --exclude=dist --exclude=.tsbuild \
  --exclude='*.tsbuildinfo' --exclude=.vitest-report.json effect4 | tar -C "$scratch" -xf -
ln -s "$repo/packages" "$scratch/packages"
ln -s "$repo/node_modules" "$scratch/node_modules"
work="$scratch/effect4"
edits=(-e "s/^(  effect:).*/\\1 $effect/" -e "s/^(  vitest:).*/\\1 $vitest/")
with=""
for entry in "${companions[@]}"; do
  edits+=(-e "s|^(  \"${entry%=*}\":).*|\\1 ${entry##*=}|")
  with="$with${entry%=*} ${entry##*=}, "
done
sed -i -E "${edits[@]}" "$work/pnpm-workspace.yaml"

tried="effect $effect"
with="${with}vitest $vitest; the line pins effect $pinned_effect"
fail() { # $1: the first error
  keep=1
  # The installed packages are 100 MB or more: keep the sources, the scratch lockfile and the log.
  find "$work" -name node_modules -prune -exec rm -rf {} + 2>/dev/null
  echo "effect4/scripts/latest.sh: the scratch copy (without node_modules) and its log are kept in $scratch" \
    "(log: $log; to reproduce: cd $work && $node_sh corepack pnpm install && $node_sh corepack pnpm exec vitest run)" >&2
  echo "$tried: FAILS: $1 ($with)"
  exit 1
}
step() { # $1: what; rest: the command, run in the scratch copy under a Node that can run it
  local what="$1"
  shift
  echo "== $what" >>"$log"
  (cd "$work" && "$node_sh" "$@") >>"$log" 2>&1
}

echo "effect4/scripts/latest.sh: trying $tried with $with" >&2
# CI=true: no prompts. The scratch lockfile is rewritten to the new versions; the checked-in one is not touched.
if ! CI=true step install corepack pnpm install --no-frozen-lockfile --reporter=append-only; then
  fail "pnpm install: $(grep -m 1 -E 'ERR_|ERROR|error' "$log" || tail -n 1 "$log")"
fi
if ! step tsc corepack pnpm exec tsc -b --pretty false; then
  fail "tsc: $(grep -m 1 -E 'error TS' "$log" || tail -n 1 "$log")"
fi
report="$scratch/report.json"
step vitest corepack pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$report"
tests=$?
if [ ! -f "$report" ]; then
  fail "vitest: no report ($(grep -m 1 -E 'Error' "$log" || tail -n 1 "$log"))"
fi
# Counts, and the first failing test's name and message's first line (or a file that failed to load).
summary="$("$node_sh" node -e '
  const r = require(process.argv[1])
  const failed = r.numFailedTests + (r.numRuntimeErrors ?? 0)
  let first = ""
  for (const file of r.testResults) {
    const t = file.assertionResults.find((a) => a.status === "failed")
    if (t) { first = `${t.fullName}: ${(t.failureMessages[0] ?? "").split("\n")[0]}`; break }
    if (file.status === "failed" && file.message) { first = `${file.name}: ${file.message.split("\n")[0]}`; break }
  }
  console.log(`${r.numPassedTests}\t${failed}\t${first}`)
' "$report")"
IFS=$'\t' read -r passed failed first <<<"$summary"
if [ "$tests" -ne 0 ] || [ "${failed:-1}" -ne 0 ]; then
  fail "${failed:-?} of $((passed + failed)) tests failed; first: ${first:-see the log}"
fi
echo "$tried: passes (tsc -b and $passed tests; $with)"
