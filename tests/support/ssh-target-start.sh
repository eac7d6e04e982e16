#!/usr/bin/env bash
# Runs the SSH test target's sshd as PID 1 of fresh mount, PID and UTS namespaces,
# chrooted into ROOTFS (LAB.md §3a). tests/support/ssh-target.ts starts it as
#   nsenter --net=/run/netns/NS unshare --mount --pid --uts --fork --kill-child --propagation private bash THIS ROOTFS
# The mounts live only in the private mount namespace and vanish when sshd exits.
# The same layout runs dockerd by hand later (the bind mount of ROOTFS onto itself is
# what `docker load` needs; /sys carries the cgroup mounts dockerd needs).
set -euo pipefail
rootfs=$1
mount --bind "$rootfs" "$rootfs"
mount -t proc proc "$rootfs/proc"
mount --rbind /sys "$rootfs/sys"
mount --rbind /dev "$rootfs/dev"
mount -t tmpfs -o mode=0755 tmpfs "$rootfs/run"
mkdir -p "$rootfs/run/sshd"
hostname ttd-ssh-target
exec chroot "$rootfs" /usr/sbin/sshd -D -e
