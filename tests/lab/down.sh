#!/usr/bin/env bash
# Stops what tests/lab/up.sh started, by the PIDs it recorded; idempotent. Caches (images,
# registry data, root file systems) stay on disk for the next lab:up. LXD is left running:
# the provider tests share it (its PID is in the cache directory's lxd.pid).
set -euo pipefail

run_dir=/run/ttd-lab
stop() {
  local pidfile=$1 name=$2 pid
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    echo "lab:down: stopping $name (PID $pid)" >&2
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
}
stop "$run_dir/pebble.pid" pebble
stop "$run_dir/challtestsrv.pid" pebble-challtestsrv
stop "$run_dir/registry.pid" registry
stop "$run_dir/dockerd.pid" dockerd
