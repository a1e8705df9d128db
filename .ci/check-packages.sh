#!/usr/bin/env bash
# Packaging checks for the three packages: build ESM + CJS + .d.ts, pack each as it would be published
# (pnpm pack rewrites workspace: ranges), then run publint and @arethetypeswrong/cli on every entry point.
# Last, the API reference is generated from the JSDoc (typedoc; warnings are errors, e.g. broken links).
set -euo pipefail
cd "$(dirname "$0")/.."
corepack pnpm build >/dev/null
out=$(mktemp -d)
declare -A entries=(
  [schema]=". Entity Event EventType Import ListEventsResponse Metadata Monitor MonitorRun SourceRef Timestamp Webset WebsetEnrichment WebsetItem WebsetSearch"
  [client]=". Errors EventsClient FetchHttpClient NodeHttpClient RequestLimits Retry Webhook"
  [testing]=". Arbitraries ExaApi ExaApiServer Fixtures Webhooks"
)
failed=0
for name in schema client testing; do
  (cd "packages/$name" && corepack pnpm pack --pack-destination "$out/$name" >/dev/null)
  tarball=$(ls "$out/$name"/*.tgz)
  echo "== @effect-exa/$name ($(du -k "$tarball" | cut -f1) KiB packed)"
  if ! (cd "packages/$name" && corepack pnpm exec publint --strict --pack npm); then failed=1; fi
  # shellcheck disable=SC2086
  if ! corepack pnpm exec attw "$tarball" --format table-flipped --entrypoints ${entries[$name]}; then failed=1; fi
done
echo "== API reference (typedoc -> docs/api)"
if ! corepack pnpm exec typedoc --logLevel Warn; then failed=1; fi
exit $failed
