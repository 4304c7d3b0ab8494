#!/bin/bash
# Docker healthcheck: rtpengine answers an NG "ping" with "pong" on its control socket (UDP).
#   healthcheck.sh [host:port]   (default: $RTPENGINE_NG or 127.0.0.1:22222)
set -eu
ng="${1:-${RTPENGINE_NG:-127.0.0.1:22222}}"
exec 3<>"/dev/udp/${ng%:*}/${ng##*:}"
printf 'health d7:command4:pinge' >&3
timeout 2 dd bs=512 count=1 <&3 2>/dev/null | grep -q pong
