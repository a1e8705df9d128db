#!/usr/bin/env bash
# The Effect 4 packages as a user gets them. Packs @effect-exa/schema, @effect-exa/client and @effect-exa/testing of
# the Effect 4 line (pnpm pack: workspace and catalog ranges replaced), checks what the tarballs hold, runs publint
# and @arethetypeswrong/cli (the root workspace's, ESM-only profile) on them, then installs the schema and client
# tarballs with plain npm in a scratch project beside the `effect` npm resolves for their peer range: any `npm warn`
# (a peer or engine mismatch, a deprecation) fails it. There it runs packed/smoke.mjs: the package root and its
# Inbox and Lease entries imported (without the optional peer @effect/sql-pg installed), getEvent and listEvents
# against the Effect 3 line's emulator on loopback (`effect-exa emulator`, the command line's bundle), each decoded
# event compared with the JSON sent; the NodeTransport entry refusing to load without its optional peer undici, then,
# with undici added at the client's peer range (no warning either), getEvent over it. When npm's `effect@latest` is outside the peer range, it installs once more
# with it and says what npm says (informational: that is what the range is for).
#
# Needs the root workspace installed and built (`corepack pnpm install` builds the command line; `tsc -b` the rest)
# and effect4/ installed (scripts/test.sh); builds the three packages itself (`tsc -b`: nothing to do when test.sh just
# has).
# Everything Effect 4 runs under scripts/node.sh (Node >= 22.19). From anywhere:
#
#   bash effect4/scripts/packed.sh
#
# Prints one line on stdout and exits 0 (`effect4 packed: passes (…)`) or 1 (`effect4 packed: FAILS: <first error>`,
# the end of its log on stderr, the scratch folder kept).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
repo="$(dirname "$root")"
node_sh="$here/node.sh"
tools="$repo/node_modules/.bin"
key="packed-smoke-key"

work="$(mktemp -d "${TMPDIR:-/tmp}/effect4-packed.XXXXXX")"
log="$work/log"
keep=0
emulator=""
cleanup() {
  [ -z "$emulator" ] || kill "$emulator" 2>/dev/null
  [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

fail() { # $1: the first error
  keep=1
  {
    echo "effect4/scripts/packed.sh: the end of its log ($log; the scratch folder $work is kept):"
    tail -n 40 "$log"
  } >&2
  echo "effect4 packed: FAILS: $1"
  exit 1
}
out="$work/step.out"
step() { # $1: what; rest: the command. Its output goes to $out and the log.
  echo "== $1 ($(date -u +%T))" >>"$log"
  shift
  local status=0
  "$@" >"$out" 2>&1 || status=$?
  cat "$out" >>"$log"
  return "$status"
}
first_line() { # $1: a pattern; $2: a file (default: the last step's output). The first line matching, else the last.
  grep -m 1 -E "$1" "${2:-$out}" || tail -n 1 "${2:-$out}"
}
in_dir() { # $1: a folder; rest: the command, run there
  local dir="$1"
  shift
  (cd "$dir" && "$@")
}
# npm as a user runs it (its default log level: warnings are shown), without the audit, funding and update notes.
npm_install() { # $1: the project folder; $2: where its output goes; rest: packages to add
  local dir="$1" output="$2"
  shift 2
  in_dir "$dir" timeout 120 "$node_sh" npm install --no-audit --no-fund --no-update-notifier "$@" >"$output" 2>&1
}
# An install as step 3 wants it: it succeeds without any `npm warn`, else the check fails saying so.
npm_install_clean() { # $1: what (for the message); rest: as npm_install
  local what="$1" output="$3" warnings
  shift
  if ! npm_install "$@"; then
    cat "$output" >>"$log"
    fail "$what: $(first_line 'npm (error|ERR)' "$output")"
  fi
  cat "$output" >>"$log"
  if ! warnings="$("$node_sh" node "$here/packed/npm-output.mjs" <"$output")"; then
    fail "$what warned: $(head -n 1 <<<"$warnings")"
  fi
}

# The warning detection this relies on.
step "self-test" "$node_sh" node --test "$here/packed/npm-output.test.mjs" ||
  fail "packed/npm-output.test.mjs fails"

[ -x "$tools/publint" ] && [ -x "$tools/attw" ] && [ -f "$repo/packages/cli/dist/effect-exa.js" ] ||
  fail "the root workspace is not installed and built (corepack pnpm install && corepack pnpm exec tsc -b)"
[ -d "$root/node_modules" ] || fail "effect4/ is not installed (bash effect4/scripts/test.sh)"
# What a prepack script would do: the tarballs hold dist/, built from the sources as they are (the packages only; the
# tests are scripts/test.sh's).
step "tsc -b" in_dir "$root" "$node_sh" corepack pnpm exec tsc -b --pretty false packages/schema packages/client \
  packages/testing ||
  fail "tsc -b: $(first_line 'error TS')"

# 1. Pack, check the contents, publint and attw.
declare -A tarball
for name in schema client testing; do
  dir="$root/packages/$name"
  step "pack $name" in_dir "$dir" "$node_sh" corepack pnpm pack --pack-destination "$work/tarballs/$name" ||
    fail "pnpm pack @effect-exa/$name: $(first_line 'ERR|rror')"
  tarball[$name]="$(ls "$work/tarballs/$name"/*.tgz)"
  listing="$(tar tzf "${tarball[$name]}")"
  manifest="$(tar xzOf "${tarball[$name]}" package/package.json)"
  if grep -q -E '"(workspace|catalog):' <<<"$manifest"; then
    fail "@effect-exa/$name's packed package.json keeps a workspace: or catalog: range"
  fi
  if grep -q -E '\.tsbuildinfo$|^package/test/' <<<"$listing"; then
    fail "@effect-exa/$name's tarball holds build info or tests"
  fi
  # Every module is built: its .js, .d.ts and their maps (a missing one would be a broken entry point).
  for source in $(cd "$dir/src" && find . -name '*.ts' ! -name '*.d.ts' | sed -e 's|^\./||' -e 's|\.ts$||'); do
    for built in js js.map d.ts d.ts.map; do
      grep -q -x -F "package/dist/$source.$built" <<<"$listing" ||
        fail "@effect-exa/$name's tarball has no dist/$source.$built"
    done
  done
  step "publint $name" "$tools/publint" "${tarball[$name]}" --strict ||
    fail "publint @effect-exa/$name: $(first_line '^ *[0-9]+\. ')"
  # Every module is an entry point (`exports["./*"]`), and `.` where the package has an index.
  entries="$(cd "$dir/src" && ls ./*.ts | sed -e 's|^\./||' -e 's|\.ts$||' -e 's|^index$|.|' | tr '\n' ' ')"
  # shellcheck disable=SC2086
  step "attw $name" "$tools/attw" "${tarball[$name]}" --profile esm-only --format table-flipped \
    --entrypoints $entries || fail "attw @effect-exa/$name: $(first_line '❌|🐛|💀|⚠️|rror')"
done

# 2. The emulator: the Effect 3 line's, as the command line serves it, seeded with three sample events.
node "$repo/packages/cli/bin/effect-exa.js" emulator --port 0 --seed 3 --api-key "$key" --json \
  >"$work/emulator.json" 2>"$work/emulator.err" &
emulator=$!

# 3. The scratch project: the tarballs and `effect` at the client's peer range, as a user's package.json has them.
# (Until the packages are on npm, `overrides` points the client's dependency on the schema at its tarball.)
client_peer() { # $1: a peer dependency of the packed client; prints its range
  tar xzOf "${tarball[client]}" package/package.json | "$node_sh" node -e \
    'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>console.log(JSON.parse(s).peerDependencies[process.argv[1]]))' "$1"
}
range="$(client_peer effect)"
app="$work/app"
mkdir -p "$app"
manifest_for() { # $1: the effect version or range
  cat <<JSON
{
  "name": "effect4-packed-smoke",
  "private": true,
  "type": "module",
  "dependencies": {
    "@effect-exa/client": "file:${tarball[client]}",
    "@effect-exa/schema": "file:${tarball[schema]}",
    "effect": "$1"
  },
  "overrides": { "@effect-exa/schema": "\$@effect-exa/schema" }
}
JSON
}
manifest_for "$range" >"$app/package.json"
cp "$here/packed/smoke.mjs" "$app/"
npm_install_clean "npm install" "$app" "$work/npm.out"
version_of() { # $1: a package installed in the scratch project
  "$node_sh" node -p "require('$app/node_modules/$1/package.json').version"
}
effect="$(version_of effect)"
installed="@effect-exa/client $(version_of @effect-exa/client), @effect-exa/schema $(version_of @effect-exa/schema), effect $effect"
echo "== installed ($(date -u +%T)): $installed" >>"$log"

# 4. The smoke program against the emulator.
# It prints its address as JSON once it listens (started before the install, it is ready by now on most machines).
for _ in $(seq 1 300); do
  if [ -s "$work/emulator.json" ] || ! kill -0 "$emulator" 2>/dev/null; then break; fi
  sleep 0.1
done
base_url="$("$node_sh" node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).baseUrl)' \
  "$work/emulator.json" 2>/dev/null)" || {
  cat "$work/emulator.err" >>"$log"
  fail "the emulator did not start: $(tail -n 1 "$work/emulator.err")"
}
run_smoke() { in_dir "$app" env EXA_BASE_URL="$base_url" EXA_API_KEY="$key" timeout 60 "$node_sh" node smoke.mjs 2>"$work/smoke.err"; }
if ! smoke="$(run_smoke)"; then
  cat "$work/smoke.err" >>"$log"
  fail "smoke.mjs: $(first_line 'Error' "$work/smoke.err")"
fi
echo "== smoke ($(date -u +%T)): $smoke" >>"$log"

# 4b. With the optional peer undici added at the client's range, as a user of NodeTransport does: no warning either,
# and getEvent over it.
undici_range="$(client_peer undici)"
npm_install_clean "npm install undici@$undici_range" "$app" "$work/npm-undici.out" "undici@$undici_range"
if ! smoke_undici="$(run_smoke)"; then
  cat "$work/smoke.err" >>"$log"
  fail "smoke.mjs with undici: $(first_line 'Error' "$work/smoke.err")"
fi
smoke="$smoke; with undici $("$node_sh" node -p "require('$app/node_modules/undici/package.json').version"): ${smoke_undici##*, }"
echo "== smoke with undici ($(date -u +%T)): $smoke_undici" >>"$log"

# 5. npm's effect@latest: inside the peer range it is what step 3 installed; outside, what does npm say?
npm_view() { timeout 60 "$node_sh" npm view "$1" version --json --fetch-retries=0 --loglevel=error 2>>"$log"; }
latest="$(npm_view effect@latest | tr -d '"')"
if [ -z "$latest" ]; then
  about_latest="npm did not say which effect is latest"
elif [ "$latest" = "$effect" ]; then
  about_latest="effect $effect is npm's latest"
elif npm_view "effect@$range" | grep -q -F "\"$latest\""; then
  # Inside the range, yet npm installed another: it resolves a range to its newest, so this should not happen.
  fail "npm installed effect $effect for $range, though its latest ($latest) is inside it"
else
  other="$work/app-latest"
  mkdir -p "$other"
  manifest_for "$latest" >"$other/package.json"
  if ! npm_install "$other" "$work/npm-latest.out"; then
    about_latest="npm's latest effect $latest is outside the peer range; npm install fails: $(first_line 'npm (error|ERR)' "$work/npm-latest.out")"
  elif warnings="$("$node_sh" node "$here/packed/npm-output.mjs" <"$work/npm-latest.out")"; then
    about_latest="npm's latest effect $latest is outside the peer range, yet npm installs it without a warning"
  else
    about_latest="npm's latest effect $latest is outside the peer range; npm says: $(head -n 1 <<<"$warnings")"
  fi
  cat "$work/npm-latest.out" >>"$log"
fi

node="$("$node_sh" node --version)"
npm="$("$node_sh" npm --version)"
echo "effect4 packed: passes ($installed on Node ${node#v} with npm $npm, no npm warning; publint and attw clean; $smoke; $about_latest)"
