#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian 12 machine (run as root).
# Idempotent: packages already present are not reinstalled.
set -euo pipefail

# One line per part of the suite that needs the package.
APT_PACKAGES=(
  openssh-client   # config: ssh-keygen for key fixtures
  caddy            # render: caddy validate --adapter caddyfile on the rendered Caddyfile
  prometheus       # render: promtool check config on the rendered prometheus.yml
  shellcheck       # render: shellcheck on the rendered configure.sh, run.sh and backup scripts
  cloud-init       # render: cloud-init schema on the rendered cloud-init.yml
  docker.io        # render: the docker CLI that runs the compose v2 plugin (no daemon needed)
  debootstrap      # ssh: builds the Debian 13 rootfs the SSH tests boot as a real OpenSSH target
  iproute2         # ssh: ip netns and the veth pair that reach the SSH test target
  util-linux       # ssh: nsenter and unshare run the target's sshd in its own namespaces
  lxd              # providers: the real LXD daemon the LXD provider tests create containers on
  lxd-client       # providers: the lxc client the LXD provider drives
  dnsmasq-base     # providers: DHCP and DNS on lxdbr0 (only a Recommends of lxd, and this script skips those)
  iptables         # providers: lets lxdbr0 through Docker's FORWARD drop (tests/support/lxd/setup-lxd.sh)
  tmux             # wizard: the built binary driven in a real terminal (tests/wizard/terminal.test.ts)
  openssl          # checks: the test CA and certificates for the HTTPS pinning tests
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# render: compose v2 for `docker compose config`. Bookworm only ships compose v1, so the
# trixie .deb (it depends only on libc6) is fetched from the same Debian mirror with a
# private apt state that leaves the system's sources untouched.
if ! docker compose version >/dev/null 2>&1; then
  mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [[ -n "$mirror" ]] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list)
  work=$(mktemp -d)
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$work/trixie.list"
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  apt_trixie=(-o "Dir::Etc::SourceList=$work/trixie.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
  apt-get "${apt_trixie[@]}" update -qq
  (cd "$work" && apt-get "${apt_trixie[@]}" download docker-compose/trixie)
  dpkg -i "$work"/docker-compose_*.deb >/dev/null
  rm -rf "$work"
  docker compose version
fi

# ssh: the Debian 13 rootfs the SSH tests boot (cached under /var/cache/torrust-tracker-deployer-tests;
# 1-2 minutes on a fresh machine, instant afterwards), built here so no test waits for it.
bash "$(dirname "${BASH_SOURCE[0]}")/build-test-rootfs.sh" >/dev/null

# providers: LXD started, initialised and given the locally built Debian 13 image with cloud-init
# (tests/support/lxd/; 3-5 minutes on a fresh machine, instant afterwards), so no test waits for it.
bash "$(dirname "${BASH_SOURCE[0]}")/../tests/support/lxd/setup-lxd.sh" >/dev/null
