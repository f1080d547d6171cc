#!/usr/bin/env bash
# Installs the Node tools the tests run, pinned by package.json and package-lock.json beside this
# script, into its node_modules; and Debian's nodejs and npm first when they are missing, with
# apt-get when running as root (as CI does), else says how. Does nothing when all is in place.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "install.sh: node or npm is missing: sudo apt-get install -y nodejs npm" >&2
    exit 1
  fi
  echo "install.sh: installing nodejs and npm (apt-get)..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if npm ls --depth=0 >/dev/null 2>&1; then
  exit 0
fi
echo "install.sh: npm install (as package-lock.json pins) in $(pwd)..." >&2
# Not `npm ci`: it refuses a lock without @stripe/cli's optional packages for other platforms, which
# the registry reached here does not serve; `npm install --no-save` installs what the lock pins and
# leaves it as it is. No install scripts: @stripe/cli's would only download the binary that
# @stripe/cli-linux-x64 already brings.
npm install --no-save --ignore-scripts --no-audit --no-fund >&2
