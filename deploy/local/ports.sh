# shellcheck shell=bash
# The local ports of tools/up (DESIGN.md section 4). Sourced by tools/up and
# tools/down from the repository root. Each service's gRPC and metrics ports
# are its line in services/services.txt (the binaries default to them).
QRCLOUD_LOCAL_GATEWAY_PORT=${QRCLOUD_LOCAL_GATEWAY_PORT:-8080}
QRCLOUD_LOCAL_MYSQL_PORT=${QRCLOUD_LOCAL_MYSQL_PORT:-3390}
QRCLOUD_LOCAL_REDIS_PORT=${QRCLOUD_LOCAL_REDIS_PORT:-6390}
# The demo merchant's landing node: its LAN front (table pages, menu, orders);
# its gRPC (the desk) and metrics ports are its line in services.txt.
QRCLOUD_LOCAL_LANDING_PORT=${QRCLOUD_LOCAL_LANDING_PORT:-8090}

# Prints the service list without comments: one line per cloud process,
# "name grpc_port metrics_port database center_roles". On-premise processes
# (database `on-premise`: the landing node) run at a merchant's site, not here.
qrcloud_services() {
  sed -e 's/#.*//' services/services.txt | awk 'NF == 5 && $4 != "on-premise" { print $1, $2, $3, $4, $5 }'
}

# Prints "grpc_port metrics_port" of the named process's line in services.txt
# (the cloud ones and the on-premise landing node alike).
qrcloud_service_ports() {
  sed -e 's/#.*//' services/services.txt | awk -v name="$1" '$1 == name { print $2, $3 }'
}
