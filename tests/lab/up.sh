#!/usr/bin/env bash
# Brings the lab up, idempotently (run as root; `npm run lab:up`):
#   1. LXD with the locally built Debian 13 image (tests/support/lxd/setup-lxd.sh);
#   2. a private Docker engine used only to build images (own socket, data root and PID
#      file; no bridge and no iptables rules, so it cannot disturb LXD's networking);
#   3. a registry on the LXD bridge that instances use as their Docker Hub mirror;
#   4. the stack's images, built locally and pushed under their Docker Hub names
#      (tests/lab/images/build.sh; cached: a second run builds nothing);
#   5. pebble, an ACME CA (Debian's `pebble`), on the LXD bridge, and pebble-challtestsrv
#      as the DNS server pebble resolves domains with (on loopback; a scenario points
#      its domains at its instance through the management API, `add-a`).
# Prints shell assignments on stdout: TTD_LAB_MIRROR=..., TTD_LAB_IMAGE=...,
# TTD_LAB_ACME_CA=... (the directory URL), TTD_LAB_ACME_ROOT=... (the CA certificate of
# pebble's own HTTPS endpoint, for Caddy's acme_ca_root) and TTD_LAB_ACME_DNS=... (the
# challtestsrv management URL), TTD_LAB_DNS_RESOLVER=... (its DNS server, for https.dns_resolvers)
# and TTD_LAB_ACME_LOG=... (pebble's log). The root that signs the certificates pebble issues is
# made anew at each start: fetch it from https://GATEWAY:15000/roots/0.
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
for package in docker.io docker-registry debootstrap curl pebble openssl; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "lab:up: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 7>&-: the LXD daemon it may start must not hold the lab lock for its whole life.
image_alias=$(bash "$here/../support/lxd/setup-lxd.sh" "$cache" 7>&- | tail -1)
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

# pebble's own HTTPS endpoint needs a certificate for the gateway address; a small CA of
# our own signs it (Debian's package ships none), and Caddy trusts that CA (acme_ca_root).
pebble_dir="$lab_cache/pebble"
acme_root="$pebble_dir/endpoint-ca.pem"
if ! openssl x509 -in "$pebble_dir/endpoint.pem" -noout -ext subjectAltName 2>/dev/null | grep -q "IP Address:$gateway\b" \
   || ! openssl x509 -in "$pebble_dir/endpoint.pem" -noout -checkend 86400 >/dev/null 2>&1; then
  echo "lab:up: making the certificate of pebble's endpoint ($gateway)" >&2
  mkdir -p "$pebble_dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj '/CN=ttd lab pebble endpoint CA' \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
    -keyout "$pebble_dir/endpoint-ca.key" -out "$acme_root" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=pebble' \
    -keyout "$pebble_dir/endpoint.key" -out "$pebble_dir/endpoint.csr" 2>/dev/null
  printf 'subjectAltName=IP:%s,IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$gateway" >"$pebble_dir/endpoint.ext"
  openssl x509 -req -in "$pebble_dir/endpoint.csr" -CA "$acme_root" -CAkey "$pebble_dir/endpoint-ca.key" -CAcreateserial -days 825 \
    -extfile "$pebble_dir/endpoint.ext" -out "$pebble_dir/endpoint.pem" 2>/dev/null
  # A running pebble still serves the old certificate.
  [[ -f $run_dir/pebble.pid ]] && kill "$(cat "$run_dir/pebble.pid")" 2>/dev/null && rm -f "$run_dir/pebble.pid"
fi

acme_dns="http://127.0.0.1:18055"
if ! running "$run_dir/challtestsrv.pid"; then
  echo "lab:up: starting pebble-challtestsrv (DNS 127.0.0.1:18053, management $acme_dns)" >&2
  # Unknown names resolve to 127.0.0.1 and get no AAAA answer; scenarios add their domains.
  setsid nohup pebble-challtestsrv -defaultIPv4 127.0.0.1 -defaultIPv6 '' -dns01 127.0.0.1:18053 -http01 '' -https01 '' -tlsalpn01 '' \
    -management 127.0.0.1:18055 </dev/null >"$run_dir/challtestsrv.log" 2>&1 7>&- &
  echo $! >"$run_dir/challtestsrv.pid"
  for _ in $(seq 1 50); do curl -sS -o /dev/null -X POST -d '{}' "$acme_dns/clear-request-history" 2>/dev/null && break; sleep 0.2; done
  running "$run_dir/challtestsrv.pid" || { tail -20 "$run_dir/challtestsrv.log" >&2; exit 1; }
fi

acme_ca="https://$gateway:14000/dir"
if ! running "$run_dir/pebble.pid"; then
  echo "lab:up: starting pebble ($acme_ca)" >&2
  cat >"$run_dir/pebble.json" <<JSON
{
  "pebble": {
    "listenAddress": "$gateway:14000",
    "managementListenAddress": "$gateway:15000",
    "certificate": "$pebble_dir/endpoint.pem",
    "privateKey": "$pebble_dir/endpoint.key",
    "httpPort": 80,
    "tlsPort": 443,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
JSON
  # No artificial validation delays, no rejected nonces: the lab wants certificates fast.
  PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 setsid nohup pebble -config "$run_dir/pebble.json" -dnsserver 127.0.0.1:18053 \
    </dev/null >"$run_dir/pebble.log" 2>&1 7>&- &
  echo $! >"$run_dir/pebble.pid"
  for _ in $(seq 1 50); do curl -fsS -o /dev/null --cacert "$acme_root" "$acme_ca" 2>/dev/null && break; sleep 0.2; done
  curl -fsS -o /dev/null --cacert "$acme_root" "$acme_ca" || { tail -20 "$run_dir/pebble.log" >&2; exit 1; }
fi

DOCKER_HOST="unix://$docker_socket" bash "$here/images/build.sh" "$registry" "$lab_cache"

echo "TTD_LAB_MIRROR=http://$registry"
echo "TTD_LAB_IMAGE=$image_alias"
echo "TTD_LAB_ACME_CA=$acme_ca"
echo "TTD_LAB_ACME_ROOT=$acme_root"
echo "TTD_LAB_ACME_DNS=$acme_dns"
echo "TTD_LAB_DNS_RESOLVER=127.0.0.1:18053"
echo "TTD_LAB_ACME_LOG=$run_dir/pebble.log"
