#!/bin/sh
# Starts rtpengine with the flags Solde is tested with (see test/support/rtpengine.ts):
# userspace only, NG control on RTPENGINE_NG, RTP on RTPENGINE_INTERFACE within the port range.
set -eu
exec rtpengine --foreground --log-stderr --config-file=none --table=-1 \
  --interface="${RTPENGINE_INTERFACE:-127.0.0.1}" \
  --listen-ng="${RTPENGINE_NG:-127.0.0.1:22222}" \
  --port-min="${RTPENGINE_PORT_MIN:-30000}" --port-max="${RTPENGINE_PORT_MAX:-40000}" \
  --delete-delay=0 --log-level="${RTPENGINE_LOG_LEVEL:-5}"
