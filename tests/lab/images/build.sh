#!/usr/bin/env bash
# Builds the images the stack runs and pushes them, under their Docker Hub names, to the
# lab registry that instances use as their Docker Hub mirror. Idempotent: when the
# registry already holds every image of this recipe, nothing is built.
#
#   tests/lab/images/build.sh REGISTRY CACHE_DIR      (REGISTRY: host:port)
#
# Needs DOCKER_HOST pointing at the lab's dockerd (tests/lab/up.sh starts it).
set -euo pipefail

registry=$1
cache=$2
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../../.." && pwd)
base=ttd-lab/debian:trixie

# The names the config defaults to (src/config/schema.ts DEFAULT_IMAGES), so that a
# config without an [images] section pulls exactly these.
images_json=$(cd "$project" && node --input-type=module -e "const { DEFAULT_IMAGES } = await import('./dist/src/config/schema.js'); console.log(JSON.stringify(DEFAULT_IMAGES))")
image_of() { node -e "console.log(JSON.parse(process.argv[1])[process.argv[2]])" "$images_json" "$1"; }
# Hub names in the registry: official images live under library/.
hub_path() { local name=${1%:*}; [[ $name == */* ]] || name="library/$name"; echo "$name"; }

services="tracker mysql postgresql prometheus grafana caddy backup"
# The stand-in tracker's PostgreSQL client: not a dependency of the project, so pinned here.
pg_package=pg@8.23.1

recipe=$( (cd "$here" && find . -type f ! -name '*.md' -print0 | sort -z | xargs -0 sha256sum; echo "$images_json") | sha256sum | cut -c1-16)
marker="$cache/images.recipe"
present() {
  local service image
  for service in $services; do
    image=$(image_of "$service")
    curl -fsS -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
      "http://$registry/v2/$(hub_path "$image")/manifests/${image##*:}" || return 1
  done
}
if [[ -f $marker && $(cat "$marker") == "$recipe" ]] && present; then
  echo "lab images: recipe $recipe already in the registry" >&2
  exit 0
fi

if ! docker image inspect "$base" >/dev/null 2>&1; then
  mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [[ -n "$mirror" ]] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list)
  rootfs="$cache/.rootfs-minbase"
  rm -rf --one-file-system "$rootfs"
  echo "lab images: debootstrap trixie (minbase) for the base image (about a minute)" >&2
  debootstrap --variant=minbase trixie "$rootfs" "$mirror" >"$cache/debootstrap-minbase.log" 2>&1 \
    || { tail -20 "$cache/debootstrap-minbase.log" >&2; exit 1; }
  # The images' apt uses the same mirror as the host.
  echo "deb $mirror trixie main" >"$rootfs/etc/apt/sources.list"
  rm -f "$rootfs"/etc/apt/sources.list.d/*
  tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
  rm -rf --one-file-system "$rootfs"
fi

# The stand-in tracker runs the bittorrent-tracker package (the same release the
# suite's announce tests use), reads its TOML with smol-toml and talks to PostgreSQL
# with pg.
tracker_context="$cache/.tracker-context"
rm -rf "$tracker_context" && mkdir -p "$tracker_context"
cp "$here/tracker/"* "$tracker_context/"
versions=$(cd "$project" && node -e "for (const p of ['bittorrent-tracker', 'smol-toml']) console.log(p + '@' + require('./node_modules/' + p + '/package.json').version)")
# shellcheck disable=SC2086 # one package spec per word
(cd "$tracker_context" && echo '{"private":true}' >package.json && npm install --silent --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline $versions "$pg_package" >/dev/null)

for service in $services; do
  image=$(image_of "$service")
  context="$here/$service"
  [[ $service == tracker ]] && context=$tracker_context
  target="$registry/$(hub_path "$image"):${image##*:}"
  echo "lab images: building $image ($service)" >&2
  DOCKER_BUILDKIT=0 docker build --network host -t "$image" -t "$target" "$context" >"$cache/build-$service.log" 2>&1 \
    || { tail -30 "$cache/build-$service.log" >&2; echo "lab images: building $image failed; full log in $cache/build-$service.log" >&2; exit 1; }
  docker push --quiet "$target" >/dev/null
done
rm -rf "$tracker_context"
echo "$recipe" >"$marker"
echo "lab images: pushed recipe $recipe to $registry" >&2
