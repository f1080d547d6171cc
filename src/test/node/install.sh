#!/usr/bin/env bash
# Installs the npm packages that tests run (package.json, exact versions, package-lock.json) into
# src/test/node/node_modules: the Stripe CLI (StripeCliTest), openapi-typescript and typescript
# (OpenApiTypeScriptTest), jose (docs/api.md's Node token example), standardwebhooks (its Node event
# receiver). Idempotent: nothing to do when
# the lock file is the one installed last. Without node and npm it installs Debian's (apt-get, as
# root, as CI runs), else says how; a test that cannot run is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")"
exec 9<install.sh
flock 9   # two builds of one checkout install one at a time

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "install.sh: node or npm is missing: sudo apt-get install -y nodejs npm" >&2
    exit 1
  fi
  echo "install.sh: installing nodejs and npm (apt-get)..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "install.sh: node $(node --version) is too old: jose 6 (docs/api.md's example) needs Node.js 20 or newer" >&2
  exit 1
fi

stamp=node_modules/.installed-package-lock.json
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
echo "install.sh: npm install (as package-lock.json pins) in src/test/node..." >&2
# Not `npm ci`: it refuses a lock without @stripe/cli's optional packages for other platforms, which
# the registry reached here does not serve; `npm install --no-save` installs what the lock pins and
# leaves it as it is. No install scripts: @stripe/cli's would only download the binary that
# @stripe/cli-linux-x64 already brings.
npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error >&2
cp package-lock.json "$stamp"
