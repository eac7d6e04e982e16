#!/usr/bin/env bash
# Brings the lab up, idempotently (run as root; `npm run lab:up`):
#   1. LXD with the locally built Debian 13 image (tests/support/lxd/setup-lxd.sh);
#   2. a private Docker engine used only to build images (own socket, data root and PID
#      file; no bridge and no iptables rules, so it cannot disturb LXD's networking);
#   3. a registry on the LXD bridge that instances use as their Docker Hub mirror;
#   4. the stack's images, built locally and pushed under their Docker Hub names
#      (tests/lab/images/build.sh; cached: a second run builds nothing).
# Prints shell assignments on stdout: TTD_LAB_MIRROR=... and TTD_LAB_IMAGE=...
# Everything started is recorded by PID under /run/ttd-lab; tests/lab/down.sh stops it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${TTD_TEST_CACHE:-/var/cache/torrust-tracker-deployer-tests}
lab_cache="$cache/lab"
run_dir=/run/ttd-lab
docker_socket="$run_dir/docker.sock"

if [[ $(id -u) -ne 0 ]]; then
  echo "lab:up: must run as root (it starts LXD, dockerd and a registry)" >&2
  exit 1
fi
mkdir -p "$lab_cache" "$run_dir"
exec 7>"$lab_cache/.up.lock"
flock 7

running() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

missing=()
for package in docker.io docker-registry debootstrap curl; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "lab:up: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

image_alias=$(bash "$here/../support/lxd/setup-lxd.sh" "$cache" | tail -1)
gateway=$(lxc network get lxdbr0 ipv4.address)
gateway=${gateway%/*}
registry="$gateway:5000"

if ! running "$run_dir/dockerd.pid"; then
  echo "lab:up: starting the lab's dockerd (socket $docker_socket)" >&2
  # 7>&-: the daemon must not hold the lab lock for its whole life.
  setsid nohup dockerd --host "unix://$docker_socket" --data-root "$lab_cache/docker" --exec-root "$run_dir/docker-exec" \
    --pidfile "$run_dir/dockerd.pid" --bridge none --iptables=false --ip-masq=false \
    --insecure-registry "$registry" </dev/null >"$run_dir/dockerd.log" 2>&1 7>&- &
  for _ in $(seq 1 100); do DOCKER_HOST="unix://$docker_socket" docker version >/dev/null 2>&1 && break; sleep 0.2; done
  DOCKER_HOST="unix://$docker_socket" docker version >/dev/null || { tail -20 "$run_dir/dockerd.log" >&2; exit 1; }
fi

if ! running "$run_dir/registry.pid"; then
  echo "lab:up: starting the registry on $registry" >&2
  mkdir -p "$lab_cache/registry"
  cat >"$run_dir/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $lab_cache/registry
  delete:
    enabled: true
http:
  addr: $registry
YAML
  setsid nohup docker-registry serve "$run_dir/registry.yml" </dev/null >"$run_dir/registry.log" 2>&1 7>&- &
  echo $! >"$run_dir/registry.pid"
  for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://$registry/v2/" && break; sleep 0.2; done
  curl -fsS -o /dev/null "http://$registry/v2/" || { tail -20 "$run_dir/registry.log" >&2; exit 1; }
fi

DOCKER_HOST="unix://$docker_socket" bash "$here/images/build.sh" "$registry" "$lab_cache"

echo "TTD_LAB_MIRROR=http://$registry"
echo "TTD_LAB_IMAGE=$image_alias"
