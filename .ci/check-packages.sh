#!/usr/bin/env bash
# Packaging checks for the four packages: pack each as it would be published (built clean, ESM + CJS + .d.ts, as its
# prepack does; pnpm pack rewrites workspace: ranges), then run publint and @arethetypeswrong/cli on every entry point,
# check what the tarballs hold, and install them into a scratch project outside the workspace to run a small
# program against the loopback emulator: ESM and CJS on Node, and ESM on Bun and Deno. Last, the API reference is generated from the JSDoc
# (typedoc; warnings are errors, e.g. broken links).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
# Every module of a package is an entry point (`exports["./*"]`): checked all, so a new module is never left out.
entries_of() {
  local modules
  modules=$(cd "packages/$1/src" && ls ./*.ts | sed -e 's|^\./||' -e 's|\.ts$||' | grep -vx index | tr '\n' ' ')
  echo ". $modules"
}
problems=()
problem() { problems+=("$1"); }
# The root build, once for all four packages (incremental: `pnpm test` has just type-checked and built), then packs
# that skip their scripts: each package's prepack would remove its dist and rebuild the whole repository, four builds
# from cold. What the clean build guarded against, files left in dist by a module since removed, is checked below
# (every built file has its source).
corepack pnpm run build >/dev/null || problem "the build (corepack pnpm run build)"
pack() { (cd "packages/$1" && corepack pnpm --config.ignore-scripts=true pack --pack-destination "$out/$1" >/dev/null); }
for name in schema client testing; do
  pack "$name"
  tarball=$(ls "$out/$name"/*.tgz)
  echo "== @effect-exa/$name ($(du -k "$tarball" | cut -f1) KiB packed)"
  # publint reads the tarball itself (`--pack npm` would pack, and so build, once more).
  if ! corepack pnpm exec publint run "$tarball" --strict; then problem "publint @effect-exa/$name"; fi
  # shellcheck disable=SC2086
  if ! corepack pnpm exec attw "$tarball" --format table-flipped --entrypoints $(entries_of "$name"); then problem "attw @effect-exa/$name"; fi
done
# The command line: one bundled file and its bin shim; publint checks the manifest (no types, no library entry).
pack cli
echo "== @effect-exa/cli ($(du -k "$out"/cli/*.tgz | cut -f1) KiB packed)"
if ! corepack pnpm exec publint run "$(ls "$out"/cli/*.tgz)" --strict; then problem "publint @effect-exa/cli"; fi
cli_listing=$(tar tzf "$out"/cli/*.tgz | sort | tr '\n' ' ')
if [ "$cli_listing" != "package/LICENSE package/README.md package/bin/effect-exa.js package/dist/effect-exa.js package/package.json " ]; then
  echo "the cli tarball holds: $cli_listing"; problem "the cli tarball's contents"
fi

echo "== tarball contents"
for tarball in "$out"/*/*.tgz; do
  listing=$(tar tzf "$tarball")
  if grep -E '\.tsbuildinfo$' <<<"$listing"; then echo "$tarball holds build info"; problem "$(basename "$tarball") holds build info"; fi
  # Every declaration file has its map beside it, and every map its declaration file.
  for map in $(grep -E '\.d\.ts\.map$' <<<"$listing"); do
    if ! grep -qxF "${map%.map}" <<<"$listing"; then echo "$tarball: $map has no .d.ts"; problem "$(basename "$tarball"): a map without .d.ts"; fi
  done
  for dts in $(grep -E '\.d\.ts$' <<<"$listing"); do
    if ! grep -qxF "$dts.map" <<<"$listing"; then echo "$tarball: $dts has no map"; problem "$(basename "$tarball"): a .d.ts without map"; fi
  done
  # Every built module has its source: nothing left over from a module since removed or renamed.
  name=$(basename "$(dirname "$tarball")")
  for built in $(grep -E '^package/dist/(esm|cjs)/.+\.(js|d\.ts)$' <<<"$listing" | sed -E 's#^package/dist/(esm|cjs)/##; s#\.(js|d\.ts)$##' | sort -u); do
    if [ ! -f "packages/$name/src/$built.ts" ]; then echo "$tarball: dist/$built has no source"; problem "$(basename "$tarball"): stale dist/$built"; fi
  done
  echo "$(basename "$tarball"): $(wc -l <<<"$listing") files"
done

echo "== installed from the tarballs, outside the workspace (ESM and CJS)"
scratch=$(mktemp -d)
cat > "$scratch/package.json" <<JSON
{
  "name": "effect-exa-smoke",
  "private": true,
  "dependencies": {
    "@effect-exa/client": "file:$(ls "$out"/client/*.tgz)",
    "@effect-exa/schema": "file:$(ls "$out"/schema/*.tgz)",
    "@effect-exa/testing": "file:$(ls "$out"/testing/*.tgz)",
    "effect": "^3.22",
    "@effect/platform": "^0.97"
  },
  "overrides": { "@effect-exa/client": "\$@effect-exa/client", "@effect-exa/schema": "\$@effect-exa/schema" }
}
JSON
cp .ci/smoke/esm.mjs .ci/smoke/cjs.cjs "$scratch/"
expected="webset.idle true NotFound true 1 ev_1"
if (cd "$scratch" && npm install --no-audit --no-fund --loglevel=error >/dev/null); then
  for program in esm.mjs cjs.cjs; do
    got=$(cd "$scratch" && node "$program" 2>&1 | tail -n 1)
    if [ "$got" = "$expected" ]; then echo "$program: ok"; else echo "$program: expected '$expected', got '$got'"; problem "$program: got '$got'"; fi
  done
  # Runs where our users run: the same ESM program on Bun and Deno (both installed from npm, as binaries).
  tools=$(mktemp -d)
  if (cd "$tools" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error bun@1.4 deno@2.9 >/dev/null); then
    for runtime in "bun esm.mjs" "deno run --allow-all esm.mjs"; do
      got=$(cd "$scratch" && timeout 120 "$tools/node_modules/.bin/"$runtime 2>&1 | tail -n 1)
      if [ "$got" = "$expected" ]; then echo "${runtime%% *}: ok"; else echo "${runtime%% *}: expected '$expected', got '$got'"; problem "${runtime%% *}: got '$got'"; fi
    done
  else
    echo "installing bun and deno from npm failed"; problem "installing bun and deno from npm"
  fi
else
  echo "npm install of the tarballs failed"; problem "npm install of the tarballs"
fi

echo "== the command line, installed from its tarball (it has no dependencies)"
cli_scratch=$(mktemp -d)
if (cd "$cli_scratch" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "$(ls "$out"/cli/*.tgz)" >/dev/null); then
  version=$(cd "$cli_scratch" && node_modules/.bin/effect-exa --version 2>&1 | grep -v "^$" | tail -n 1)
  expected_version=$(node -p 'require("./packages/cli/package.json").version')
  if [ "$version" = "$expected_version" ]; then echo "effect-exa --version: ok"; else echo "effect-exa --version: expected $expected_version, got '$version'"; problem "effect-exa --version: got '$version'"; fi
  # Nothing listens on port 9 of loopback: exit 7 (the API could not be reached), with a message.
  code=0
  (cd "$cli_scratch" && EXA_API_KEY=k node_modules/.bin/effect-exa events get ev_1 --base-url http://127.0.0.1:9 >/dev/null 2>&1) || code=$?
  if [ "$code" = 7 ]; then echo "effect-exa events get (unreachable): ok"; else echo "effect-exa events get (unreachable): expected exit 7, got $code"; problem "effect-exa events get (unreachable): exit $code"; fi
  if [ -n "$(ls "$cli_scratch/node_modules" | grep -v '^@effect-exa$' | grep -v '^\.')" ]; then
    echo "installing the cli brought other packages: $(ls "$cli_scratch/node_modules")"; problem "installing the cli brought other packages"
  fi
else
  echo "npm install of the cli tarball failed"; problem "npm install of the cli tarball"
fi

echo "== API reference (typedoc -> docs/api: an index, effect3/ and effect4/)"
# Both lines, as `corepack pnpm docs:api` makes them. The Effect 4 line's sources resolve `effect` from
# effect4/node_modules (effect 4), so that workspace is installed first (CI runs this before effect4/scripts/test.sh,
# whose install then finds it in place).
if ! install4=$(CI=true effect4/scripts/node.sh corepack pnpm --dir effect4 install --frozen-lockfile --reporter=append-only 2>&1); then
  echo "$install4" | tail -n 20; problem "installing effect4/ for the API reference"
elif ! corepack pnpm docs:api; then
  problem "typedoc (the API reference of both lines)"
fi

# One line at the end, so that the failure is named where CI's log is read (its tail).
if [ ${#problems[@]} -eq 0 ]; then
  echo "check:packages: passes"
else
  echo "check:packages: FAILS: $(IFS=';'; echo "${problems[*]}" | sed 's/;/; /g')"
  exit 1
fi
