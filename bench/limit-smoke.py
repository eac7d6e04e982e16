#!/usr/bin/python3
"""The limit's smoke test (bench/configure-release.bench.mjs): the checks `ttd deploy` ends
with, as the fastest plain script makes them, all at once: a BEP 15 UDP announce, an HTTP
announce, and GETs of the health endpoints. Each argument is one URL:
udp://HOST:PORT/announce, http://HOST:PORT/announce, or any other http:// URL (a health
endpoint, which must answer 200). Exits 1 when any check fails, naming it."""
import os
import socket
import struct
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote_from_bytes, urlsplit

TIMEOUT = 5


def udp_announce(url):
    parts = urlsplit(url)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT)
        sock.connect((parts.hostname, parts.port))
        transaction = os.urandom(4)
        sock.send(struct.pack('>QI', 0x41727101980, 0) + transaction)
        reply = sock.recv(2048)
        if len(reply) < 16 or reply[:4] != b'\0\0\0\0' or reply[4:8] != transaction:
            raise RuntimeError('no connect reply')
        connection = reply[8:16]
        transaction = os.urandom(4)
        announce = connection + struct.pack('>I', 1) + transaction + os.urandom(20) + os.urandom(20) + struct.pack('>QQQIIIiH', 0, 0, 0, 2, 0, 0, -1, 6881)
        sock.send(announce)
        reply = sock.recv(2048)
        if len(reply) < 20 or reply[:4] != struct.pack('>I', 1) or reply[4:8] != transaction:
            raise RuntimeError('no announce reply')


def http_announce(url):
    query = f'info_hash={quote_from_bytes(os.urandom(20))}&peer_id={quote_from_bytes(os.urandom(20))}&port=6881&uploaded=0&downloaded=0&left=0&event=started&compact=1'
    with urllib.request.urlopen(f'{url}?{query}', timeout=TIMEOUT) as response:
        body = response.read()
    if not body.startswith(b'd') or b'interval' not in body:
        raise RuntimeError(f'not an announce reply: {body[:80]!r}')


def http_health(url):
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        if response.status != 200:
            raise RuntimeError(f'HTTP {response.status}')


def check(url):
    try:
        if url.startswith('udp://'):
            udp_announce(url)
        elif url.endswith('/announce'):
            http_announce(url)
        else:
            http_health(url)
        return None
    except Exception as error:  # every failure is the check's answer
        return f'{url}: {error}'


with ThreadPoolExecutor(max_workers=len(sys.argv) - 1 or 1) as pool:
    failures = [failure for failure in pool.map(check, sys.argv[1:]) if failure]
for failure in failures:
    print(failure, file=sys.stderr)
sys.exit(1 if failures else 0)
