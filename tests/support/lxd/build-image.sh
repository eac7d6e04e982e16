#!/usr/bin/env bash
# Builds (once per machine) the Debian image that the LXD provider tests launch: systemd,
# sshd and cloud-init, from the Debian mirror with debootstrap (no internet images here).
# Run as root; idempotent: finished tarballs in the cache are reused, a half-built rootfs is
# thrown away and rebuilt.
#
#   tests/support/lxd/build-image.sh [CACHE_DIR]   (default /var/cache/torrust-tracker-deployer-tests)
#
# Prints the directory holding meta.tar.gz and rootfs.tar.gz on its last line.
set -euo pipefail

cache=${1:-${TTD_TEST_CACHE:-/var/cache/torrust-tracker-deployer-tests}}
suite=${TTD_LXD_SUITE:-trixie}
out="$cache/lxd-image-$suite"
# Bump when the package list or the setup below changes, so old caches are rebuilt.
recipe=1
# locales: without it cloud-init's locale module fails and `cloud-init status` says error.
# curl, ca-certificates, ufw: as in common cloud images (configure installs ufw and ca-certificates where they lack).
# python3-cffi-backend: debootstrap does not resolve the virtual package python3-cryptography needs.
packages=systemd-sysv,dbus,openssh-server,cloud-init,python3-cffi-backend,locales,sudo,iproute2,ifupdown,isc-dhcp-client,ca-certificates,curl,ufw,procps,python3

if [[ $(id -u) -ne 0 ]]; then
  echo "build-image: must run as root (debootstrap and chroot need it)" >&2
  exit 1
fi
command -v debootstrap >/dev/null || { echo "build-image: debootstrap is missing: apt-get install debootstrap (as root on Debian, npm test installs it: scripts/test-setup.mjs)" >&2; exit 1; }

mkdir -p "$cache"
exec 9>"$cache/.lxd-image-$suite.lock"
flock 9

if [[ -f "$out/recipe" && $(cat "$out/recipe") == "$recipe" && -f "$out/meta.tar.gz" && -f "$out/rootfs.tar.gz" ]]; then
  echo "$out"
  exit 0
fi

mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[[ -n "$mirror" ]] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[[ -n "$mirror" ]] || { echo "build-image: no Debian mirror found in /etc/apt/sources.list(.d)" >&2; exit 1; }

work="$cache/.building-lxd-$suite"
rootfs="$work/rootfs"
rm -rf --one-file-system "$work"
mkdir -p "$work"
echo "build-image: debootstrap $suite from $mirror (2-3 minutes, once per machine)" >&2
debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  echo "build-image: debootstrap failed; full log in $work/debootstrap.log" >&2
  exit 1
}

# The guest's apt uses the same mirror as the host (the only one reachable).
cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
SOURCES
rm -f "$rootfs/etc/apt/sources.list.d/"*.sources
echo 'C.UTF-8 UTF-8' >"$rootfs/etc/locale.gen"
chroot "$rootfs" locale-gen >/dev/null
echo 'LANG=C.UTF-8' >"$rootfs/etc/default/locale"
cat >"$rootfs/etc/network/interfaces" <<'IFACES'
auto lo
iface lo inet loopback

auto eth0
iface eth0 inet dhcp
IFACES
# Each instance gets its own identity: machine id, host keys (sshd regenerates them through
# cloud-init's ssh module) and no cloud-init state from the build.
: >"$rootfs/etc/machine-id"
rm -f "$rootfs"/etc/ssh/ssh_host_* "$rootfs/var/lib/dbus/machine-id"
rm -rf "$rootfs/var/lib/cloud" "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
# Only the LXD datasource: no probing for clouds that are not here.
echo 'datasource_list: [ LXD, NoCloud, None ]' >"$rootfs/etc/cloud/cloud.cfg.d/90-ttd-datasource.cfg"
echo 'ttd-lxd-image' >"$rootfs/etc/hostname"

cat >"$work/metadata.yaml" <<META
architecture: $(uname -m)
creation_date: $(date +%s)
properties:
  os: debian
  release: $suite
  description: Debian $suite with systemd, sshd and cloud-init (torrust-tracker-deployer tests)
META
tar -C "$work" -czf "$work/meta.tar.gz" metadata.yaml
tar -C "$rootfs" --numeric-owner -czf "$work/rootfs.tar.gz" .
mkdir -p "$work/out"
mv "$work/meta.tar.gz" "$work/rootfs.tar.gz" "$work/out/"
echo "$recipe" >"$work/out/recipe"
echo "$suite" >"$work/out/suite"
rm -rf --one-file-system "$out"
mv "$work/out" "$out"
rm -rf --one-file-system "$work"
echo "$out"
