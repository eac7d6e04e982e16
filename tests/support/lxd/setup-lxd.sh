#!/usr/bin/env bash
# Makes a real LXD ready for the provider tests, idempotently (run as root):
#   1. installs the Debian `lxd` package (and dnsmasq-base, only recommended but needed for
#      DHCP on lxdbr0) when `lxc` is missing;
#   2. reuses a running daemon (found by its socket), or starts one and records its PID;
#   3. initialises it once with a preseed that names the lxdbr0 subnet (`lxd init --auto`
#      cannot pick one on these machines);
#   4. lets lxdbr0 through Docker's FORWARD drop when Docker runs on the host;
#   5. imports the locally built Debian image (build-image.sh), once.
# Prints the image alias on its last line.
#
#   tests/support/lxd/setup-lxd.sh [CACHE_DIR]   (default /var/cache/torrust-tracker-deployer-tests)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-${TTD_TEST_CACHE:-/var/cache/torrust-tracker-deployer-tests}}
subnet=${TTD_LXD_SUBNET:-10.210.0.1/24}
socket=/var/lib/lxd/unix.socket

if [[ $(id -u) -ne 0 ]]; then
  echo "setup-lxd: must run as root (it installs and starts LXD)" >&2
  exit 1
fi
mkdir -p "$cache"
exec 8>"$cache/.lxd-setup.lock"
flock 8

if ! command -v lxc >/dev/null || ! command -v lxd >/dev/null; then
  echo "setup-lxd: installing the Debian lxd package" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lxd lxd-client dnsmasq-base >/dev/null
fi

if ! { [[ -S $socket ]] && lxc query /1.0 >/dev/null 2>&1; }; then
  # No systemd on these machines (and policy-rc.d forbids starting services): run it by hand.
  mkdir -p /var/log/lxd
  # setsid: the daemon outlives the test run that started it (a run ending kills its process group).
  # Closing the lock descriptor: the daemon must not hold the setup lock for its whole life.
  setsid nohup lxd --group lxd --logfile=/var/log/lxd/lxd.log </dev/null >/dev/null 2>&1 8>&- &
  echo $! >"$cache/lxd.pid"
  echo "setup-lxd: started lxd (PID $(cat "$cache/lxd.pid"), recorded in $cache/lxd.pid)" >&2
  lxd waitready --timeout=60
fi

if ! lxc network show lxdbr0 >/dev/null 2>&1; then
  # A bridge on a subnet the machine already reaches (its own LAN, or an outer LXD when this
  # machine is itself a container on 10.210.0.0/24) would cut it off its gateway.
  taken=$(ip -4 route show to match "${subnet%/*}" | grep -v '^default' || true)
  if [[ -n "$taken" ]]; then
    echo "setup-lxd: $subnet is already routed on this machine ($taken): choose a free one, e.g. TTD_LXD_SUBNET=10.211.0.1/24 npm test" >&2
    exit 1
  fi
  echo "setup-lxd: initialising LXD (bridge lxdbr0 on $subnet, dir storage pool)" >&2
  lxd init --preseed <<PRESEED
networks:
- name: lxdbr0
  type: bridge
  config:
    ipv4.address: $subnet
    ipv4.nat: "true"
    ipv6.address: none
storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  devices:
    root:
      path: /
      pool: default
      type: disk
    eth0:
      name: eth0
      network: lxdbr0
      type: nic
PRESEED
fi

# Docker sets the FORWARD policy to DROP, which cuts the guests off the Debian mirror.
if iptables -n -L DOCKER-USER >/dev/null 2>&1; then
  iptables -C DOCKER-USER -i lxdbr0 -j ACCEPT 2>/dev/null || iptables -I DOCKER-USER -i lxdbr0 -j ACCEPT
  iptables -C DOCKER-USER -o lxdbr0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null \
    || iptables -I DOCKER-USER -o lxdbr0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
fi

image_dir=$(bash "$here/build-image.sh" "$cache" | tail -1)
alias="ttd-test/debian-$(cat "$image_dir/suite")-r$(cat "$image_dir/recipe")"
if ! lxc image info "$alias" >/dev/null 2>&1; then
  echo "setup-lxd: importing $image_dir as $alias" >&2
  lxc image import "$image_dir/meta.tar.gz" "$image_dir/rootfs.tar.gz" --alias "$alias" >/dev/null
fi
echo "$alias"
