#!/usr/bin/env bash
# Makes sure Debian's python3 can import jwt (PyJWT, package python3-jwt), for docs/api.md's
# Python token example: installs it with apt-get when missing and running as root (as CI does),
# else says how. Debian's python3 by path: a python3 earlier on PATH (pyenv) sees no Debian package.
set -euo pipefail
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jwt' 2>/dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-pyjwt: /usr/bin/python3 cannot import jwt: sudo apt-get install -y python3 python3-jwt" >&2
  exit 1
fi
echo "install-pyjwt: installing python3 and python3-jwt (apt-get)..." >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-jwt >/dev/null
