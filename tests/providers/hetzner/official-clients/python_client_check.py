"""Drives the Hetzner API stand-in with Hetzner's official Python client (python3-hcloud),
making the calls the deployer makes, in its order. Prints one JSON object with what it saw;
the test asserts on it. Arguments: endpoint, token, environment name, public key line."""
import json
import sys

from hcloud import APIException, Client
from hcloud.firewalls.domain import FirewallResource, FirewallRule
from hcloud.images.domain import Image
from hcloud.locations.domain import Location
from hcloud.server_types.domain import ServerType

endpoint, token, environment, public_key = sys.argv[1:5]
client = Client(token=token, api_endpoint=endpoint, poll_interval=0.2)
labels = {"managed-by": "torrust-tracker-deployer", "environment": environment}
selector = f"managed-by=torrust-tracker-deployer,environment={environment}"
seen = {}

seen["locations"] = [location.name for location in client.locations.get_all()]
server_type = client.server_types.get_by_name("cx23")
seen["server_type"] = {"name": server_type.name, "prices": [price["location"] for price in server_type.prices], "deprecated": server_type.deprecated}
seen["server_type_names"] = [entry.name for entry in client.server_types.get_all()]
# This client version has no architecture filter: the x86 image has the lower id.
image = client.images.get_all(name="debian-13", include_deprecated=True)[0]
seen["image"] = {"id": image.id, "name": image.name, "created": str(image.created), "disk_size": image.disk_size}
seen["deprecated_image_hidden"] = len(client.images.get_all(name="debian-11")) == 0
seen["deprecated_image_listed"] = len(client.images.get_all(name="debian-11", include_deprecated=True)) > 0

key = client.ssh_keys.create(name=f"{environment}-ssh-key", public_key=public_key, labels=labels)
try:
    client.ssh_keys.create(name=f"{environment}-again", public_key=public_key, labels=labels)
    seen["duplicate_key"] = "accepted"
except APIException as error:
    seen["duplicate_key"] = error.code
seen["key_by_fingerprint"] = client.ssh_keys.get_all(fingerprint=key.fingerprint)[0].id == key.id

rules = [FirewallRule(direction="in", protocol="tcp", port="22", source_ips=["0.0.0.0/0", "::/0"], description="SSH"),
         FirewallRule(direction="in", protocol="udp", port="6969", source_ips=["0.0.0.0/0", "::/0"], description="UDP tracker")]
firewall = client.firewalls.create(name=f"{environment}-firewall", rules=rules, labels=labels).firewall
firewall = client.firewalls.get_by_id(firewall.id)
seen["rules"] = [{"port": rule.port, "protocol": rule.protocol, "destination_ips": rule.destination_ips} for rule in firewall.rules]

created = client.servers.create(
    name=f"{environment}-server", server_type=ServerType(name="cx23"), image=Image(id=image.id), location=Location(name="nbg1"),
    ssh_keys=[key], firewalls=[firewall], labels=labels, user_data="#cloud-config\nusers: []\n")
seen["root_password"] = created.root_password
created.action.wait_until_finished()
for action in created.next_actions:
    action.wait_until_finished()
server = client.servers.get_by_id(created.server.id)
seen["server"] = {"status": server.status, "ipv4": server.public_net.ipv4.ip, "floating_ips": server.public_net.floating_ips,
                  "firewalls": [entry.firewall.id for entry in server.public_net.firewalls], "labels": server.labels,
                  "datacenter": server.datacenter.location.name, "primary_disk_size": server.primary_disk_size}
seen["by_selector"] = [entry.name for entry in client.servers.get_all(label_selector=selector)]
seen["other_selector"] = [entry.name for entry in client.servers.get_all(label_selector="environment=someone-else")]

# destroy's order: the server (waiting for it), then the firewall, then the key.
client.servers.delete(server).wait_until_finished()
try:
    client.firewalls.remove_from_resources(firewall, [FirewallResource(type="server", server=server)])
    seen["detach_after_delete"] = "accepted"
except APIException as error:
    seen["detach_after_delete"] = error.code
client.firewalls.delete(firewall)
client.ssh_keys.delete(key)
seen["left"] = {"servers": len(client.servers.get_all(label_selector=selector)), "firewalls": len(client.firewalls.get_all(label_selector=selector)),
                "ssh_keys": len(client.ssh_keys.get_all(label_selector=selector))}
print(json.dumps(seen))
