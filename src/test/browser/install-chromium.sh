#!/usr/bin/env bash
# Makes sure Debian's chromium and chromedriver are installed, for the demo page's browser test:
# installs them with apt-get when missing and running as root (as CI does), else says how.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-chromium: /usr/bin/chromium or /usr/bin/chromedriver is missing:" \
    "sudo apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
echo "install-chromium: installing chromium and chromium-driver (apt-get)..." >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
