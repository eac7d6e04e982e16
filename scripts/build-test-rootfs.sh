#!/usr/bin/env bash
# Builds (once per machine) the Debian 13 root filesystem that the SSH tests boot as a
# real OpenSSH target (tests/support/ssh-target.ts). Run as root; idempotent: a finished
# rootfs is reused, a half-built one is thrown away and rebuilt.
#
#   scripts/build-test-rootfs.sh [CACHE_DIR]      (default /var/cache/torrust-tracker-deployer-tests)
#
# Prints the rootfs path on its last line.
set -euo pipefail

cache=${1:-${TTD_TEST_CACHE:-/var/cache/torrust-tracker-deployer-tests}}
suite=trixie
rootfs="$cache/rootfs-$suite-ssh"
# Bump when the package list or the setup below changes, so old caches are rebuilt.
recipe=2
packages=openssh-server,sudo,iproute2,ca-certificates,procps

if [[ $(id -u) -ne 0 ]]; then
  echo "build-test-rootfs: must run as root (debootstrap and chroot need it)" >&2
  exit 1
fi
command -v debootstrap >/dev/null || { echo "build-test-rootfs: debootstrap is missing: apt-get install debootstrap (as root on Debian, npm test installs it: scripts/test-setup.mjs)" >&2; exit 1; }

mkdir -p "$cache"
exec 9>"$cache/.build.lock"
flock 9

if [[ -f "$rootfs/.ttd-recipe" && $(cat "$rootfs/.ttd-recipe") == "$recipe" ]]; then
  echo "$rootfs"
  exit 0
fi

# The host's Debian mirror (the only one reachable); trixie lives on the same mirror.
mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[[ -n "$mirror" ]] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[[ -n "$mirror" ]] || { echo "build-test-rootfs: no Debian mirror found in /etc/apt/sources.list(.d)" >&2; exit 1; }

work="$cache/.building-$suite"
rm -rf --one-file-system "$work"
echo "build-test-rootfs: debootstrap $suite from $mirror into $work (1-2 minutes, once per machine)" >&2
debootstrap --variant=minbase --include="$packages" "$suite" "$work" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
  tail -20 "$cache/debootstrap.log" >&2
  echo "build-test-rootfs: debootstrap failed; full log in $cache/debootstrap.log" >&2
  exit 1
}

# A deploy user like the one cloud-init makes (passwordless sudo), and one without sudo
# so that the tests can see what a host without sudo rights says.
chroot "$work" useradd --create-home --shell /bin/bash --groups sudo torrust
echo 'torrust ALL=(ALL) NOPASSWD:ALL' >"$work/etc/sudoers.d/torrust"
chmod 0440 "$work/etc/sudoers.d/torrust"
chroot "$work" useradd --create-home --shell /bin/bash nosudo
# Locked accounts ('!') are refused by sshd even with a key when UsePAM is off; '*' is not.
chroot "$work" usermod -p '*' torrust
chroot "$work" usermod -p '*' nosudo

cat >"$work/etc/ssh/sshd_config.d/10-test-target.conf" <<'EOF'
# Key authentication only, as on a freshly provisioned cloud host.
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
EOF
# Host keys are made per target by tests/support/ssh-target.ts, never shared from the cache.
rm -f "$work"/etc/ssh/ssh_host_*
echo "$recipe" >"$work/.ttd-recipe"

rm -rf --one-file-system "$rootfs"
mv "$work" "$rootfs"
echo "$rootfs"
