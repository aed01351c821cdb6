#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages when it is missing
# (tshark for the pcap corpus comparison), and makes sure the PostgreSQL the
# integration tests use is up. Safe to run repeatedly.
set -euo pipefail
want=()
command -v tshark >/dev/null 2>&1 || want+=(tshark)
if [ ${#want[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-deps: installing ${want[*]} from Debian's packages..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
  else
    echo "test-deps: missing ${want[*]}; install them (apt-get install ${want[*]}) or the tests that need them will fail." >&2
  fi
fi
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "test-deps: starting the local PostgreSQL..." >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi
