#!/usr/bin/env bash
# Installs and starts what the named parts of the test suite need, on Debian (or Ubuntu for
# the apt-only parts), as root. scripts/test-setup.mjs decides which parts it may install
# here and calls this; run by hand it takes the same part names:
#
#   scripts/install-test-tools.sh base validators tmux openssl challtestsrv restic hcloud-clients ssh-target lxd
#
# Idempotent and quiet when everything is there: it prints a line only for what it installs,
# builds or starts, and why.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# part|package|why (one line per package and the part of the suite that needs it)
PACKAGES='
base|openssh-client|ssh-keygen makes the keys of the config, wizard and SSH tests
validators|caddy|caddy validate on every rendered Caddyfile
validators|prometheus|promtool check config on every rendered prometheus.yml
validators|shellcheck|shellcheck on the rendered configure.sh, run.sh and backup scripts
validators|cloud-init|cloud-init schema on every rendered cloud-init.yml
validators|python3-yaml|the YAML parser run over every rendered .yml
validators|yamllint|yamllint (strict) over every rendered .yml
validators|sqlite3|the rendered SQLite backup script runs for real (its online .backup)
tmux|tmux|the wizard test drives the built binary in a real terminal
openssl|openssl|the HTTPS tests make a test CA and certificates
challtestsrv|pebble|pebble-challtestsrv is the real DNS server the DNS gate tests ask on loopback
restic|restic|restic reads the off-host repository the disaster-recovery scenario writes
restic|rclone|rclone serve restic is the REST repository of the off-host backup scenario
hcloud-clients|hcloud-cli|the official hcloud CLI checks the Hetzner API stand-in
hcloud-clients|python3-hcloud|the official Python client checks the Hetzner API stand-in
ssh-target|debootstrap|builds the Debian 13 system the SSH tests boot as a real OpenSSH server
ssh-target|iproute2|ip netns and the veth pair that reach the SSH test server
ssh-target|util-linux|nsenter and unshare run the SSH test server in its own namespaces
lxd|lxd|the LXD daemon the LXD provider tests create containers on
lxd|lxd-client|the lxc client the LXD provider drives
lxd|dnsmasq-base|DHCP and DNS on lxdbr0 (only a Recommends of lxd)
lxd|iptables|lets lxdbr0 through Docker'"'"'s FORWARD drop
lxd|iproute2|setup-lxd.sh checks that the lxdbr0 subnet is free (ip route)
lxd|debootstrap|builds the Debian 13 image the LXD tests launch
'

wanted() { [[ " $* " == *" $part "* ]]; }
say() { echo "test set-up: $*" >&2; }

# One dpkg-query for every package: it is the whole cost of a run on a ready machine.
installed=" $(dpkg-query -W -f='${db:Status-Abbrev}|${Package}\n' 2>/dev/null | awk -F'|' '$1 ~ /^ii/ {printf "%s ", $2}') "
missing=()
while IFS='|' read -r part package why; do
  if [[ -z "$part" ]] || ! wanted "$@"; then continue; fi
  [[ "$installed" == *" $package "* || " ${missing[*]} " == *" $package "* ]] && continue
  say "installing $package: $why"
  missing+=("$package")
done <<<"$PACKAGES"
updated=
apt_update_once() { [[ -n "$updated" ]] || { apt-get update -qq; updated=yes; }; }
apt_install() {
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
if ((${#missing[@]} > 0)); then apt_install "${missing[@]}"; fi

part=validators
# The docker CLI (no daemon: the tests only run `docker compose config`). Debian 13 ships it
# as docker-cli; Debian 12 only inside docker.io.
if wanted "$@" && ! command -v docker >/dev/null; then
  apt_update_once
  docker_package=docker.io
  if apt-cache show docker-cli >/dev/null 2>&1; then docker_package=docker-cli; fi
  say "installing $docker_package: the docker CLI that runs docker compose config (the tests need no Docker daemon)"
  apt_install "$docker_package"
fi

if wanted "$@" && ! docker compose version >/dev/null 2>&1; then
  compose=
  apt_update_once
  if apt-cache show docker-compose-v2 >/dev/null 2>&1; then compose=docker-compose-v2
  elif [[ $(apt-cache policy docker-compose 2>/dev/null | awk '/Candidate:/ {print $2}') == 2.* ]]; then compose=docker-compose
  fi
  if [[ -n "$compose" ]]; then
    say "installing $compose: docker compose config on every rendered compose file"
    apt_install "$compose"
  else
    # Debian 12 only ships compose v1: the trixie .deb (it depends only on libc6) comes from the
    # same Debian mirror, through a private apt state that leaves the system's sources untouched.
    say "installing docker-compose 2 from Debian trixie: docker compose config on every rendered compose file (this release only has compose v1)"
    mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [[ -n "$mirror" ]] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    [[ -n "$mirror" ]] || { say "no Debian mirror in /etc/apt/sources.list(.d) to fetch docker-compose from"; exit 1; }
    work=$(mktemp -d)
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$work/trixie.list"
    mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
    apt_trixie=(-qq -o APT::Sandbox::User=root -o "Dir::Etc::SourceList=$work/trixie.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
    apt-get "${apt_trixie[@]}" update
    (cd "$work" && apt-get "${apt_trixie[@]}" download docker-compose/trixie >/dev/null)
    dpkg -i "$work"/docker-compose_*.deb >/dev/null
    rm -rf "$work"
  fi
fi

# The Debian 13 rootfs the SSH tests boot, and LXD started, initialised and given the locally
# built Debian 13 image with cloud-init: cached under /var/cache/torrust-tracker-deployer-tests,
# minutes once (each script says when it builds), instant afterwards. Independent, so in parallel.
builds=()
part=ssh-target
if wanted "$@"; then bash "$here/build-test-rootfs.sh" >/dev/null & builds+=($!); fi
part=lxd
if wanted "$@"; then bash "$here/../tests/support/lxd/setup-lxd.sh" >/dev/null & builds+=($!); fi
for build in "${builds[@]}"; do wait "$build"; done
