#!/usr/bin/env bash
# Installs the real drachtio-server v0.9.4 that Solde runs against and the real-server tests (test/real/)
# start: builds it from its source bundle, a folder holding build.sh and drachtio-server-0.9.4-src.tar.gz
# (the archive's own location works too). Does nothing when `drachtio` already runs. Needs root (Debian
# build packages); about 5-20 minutes on 2 cores.
#   usage: scripts/install-drachtio.sh <bundle folder | drachtio-server-0.9.4-src.tar.gz> [PREFIX]
#   or:    npm run install-drachtio -- <bundle folder> [PREFIX]
set -euo pipefail
if command -v drachtio >/dev/null 2>&1 && drachtio --version >/dev/null 2>&1; then
  echo "install-drachtio: drachtio $(drachtio --version 2>&1 | head -1) already at $(command -v drachtio)"
  exit 0
fi
source=${1:-${DRACHTIO_SOURCE:-}}
if [ -z "$source" ]; then
  echo "install-drachtio: say where drachtio-server's source bundle is (the folder with build.sh and" >&2
  echo "  drachtio-server-0.9.4-src.tar.gz), e.g.: npm run install-drachtio -- /path/to/drachtio/server" >&2
  exit 2
fi
[ -f "$source" ] && source=$(dirname "$source")
if [ ! -f "$source/build.sh" ] || [ ! -f "$source/drachtio-server-0.9.4-src.tar.gz" ]; then
  echo "install-drachtio: $source has no build.sh and drachtio-server-0.9.4-src.tar.gz side by side" >&2
  exit 2
fi
echo "install-drachtio: building drachtio-server v0.9.4 from $source (log lines below are build.sh's)"
bash "$source/build.sh" "${2:-/usr/local}"
