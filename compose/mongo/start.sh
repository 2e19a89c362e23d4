#!/bin/bash
# Starts MongoDB with access control as a single-node replica set. A replica set with users needs a
# key file for its members' internal authentication (mongod refuses to start without one): made
# once, on the first start, in the config volume, readable by the mongodb user only. The image's
# entrypoint then creates the root user and runs create-users.js on an empty data directory.
set -euo pipefail
key=/data/configdb/replica-set.key
if [ ! -s "$key" ]; then
  head -c 756 /dev/urandom | base64 -w 0 > "$key"
fi
chown mongodb:mongodb "$key"
chmod 400 "$key"
exec docker-entrypoint.sh mongod --replSet rs0 --bind_ip_all --keyFile "$key"
