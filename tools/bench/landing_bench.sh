#!/usr/bin/env bash
# The landing node (issue 12): order placement at the node with 32 phones
# ordering at once (p50/p99 through its LAN front, with the node syncing to
# the center meanwhile), and 100,000 orders queued while the center was down
# drained to it, beside the center's own committed orders/s in the same run
# (tools/bench/orders_bench.sh, run after).
#
#   tools/bench/landing_bench.sh [seconds] [queued]    (default 10 s, 100000)
#
# Starts its own MariaDB, Redis, center and gateway under
# build/bench-env-landing, a merchant whose landing business the audit
# approved, its menu and tables, and qrcloud-landing registered with the
# center (its data dir under the same folder), as tools/up would.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-10}
queued=${2:-100000}
env_dir=$root/build/bench-env-landing
center_port=15094
gateway_port=18094
node_grpc=15095
node_lan=18095

[ "${SKIP_BUILD:-0}" = 1 ] || ./tools/build qrcloud-center qrcloud-gateway qrcloud-landing bench_decide >/dev/null
./tools/deps start "$env_dir" auto auto
set -a; . "$env_dir/env"; set +a
db=qrcloud_center_landingbench
export QRCLOUD_MYSQL_DATABASE=$db QRCLOUD_LOG_LEVEL=warn
redis-cli -p "$QRCLOUD_REDIS_PORT" FLUSHALL >/dev/null
sql() { mariadb --no-defaults -h127.0.0.1 -P"$QRCLOUD_MYSQL_PORT" -u"$QRCLOUD_MYSQL_USER" \
  -p"$QRCLOUD_MYSQL_PASSWORD" -N "$@"; }
sql -e "DROP DATABASE IF EXISTS $db"
rm -rf "$env_dir/node"
mkdir -m 0700 "$env_dir/node"

center_pid=""; gateway_pid=""; node_pid=""
stop() {
  if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi
}
cleanup() {
  stop "$node_pid"; stop "$gateway_pid"; stop "$center_pid"
  ./tools/deps stop "$env_dir" >/dev/null
}
trap cleanup EXIT

start_center() {
  build/bin/qrcloud-center --grpc_port=$center_port --metrics_port=0 --listen_address=127.0.0.1 \
    --public_url=http://127.0.0.1:$gateway_port --receipt_key_file="$env_dir/receipt.key" \
    --media_dir="$env_dir" --scan_rollup=false >>"$env_dir/center.log" 2>&1 &
  center_pid=$!
  # The gateway is ready once the center answers it.
  for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$gateway_port/readyz" && break; sleep 0.1; done
}
start_node() {
  build/bin/qrcloud-landing --grpc_port=$node_grpc --metrics_port=0 --listen_address=127.0.0.1 \
    --data_dir="$env_dir/node" --node_id="$node_id" --center=127.0.0.1:$center_port \
    --center_api_key_file="$env_dir/node-api-key" --lan_port=$node_lan --config_interval=1s \
    >>"$env_dir/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$node_lan/healthz" && break; sleep 0.1; done
}
build/bin/qrcloud-gateway --http_port=$gateway_port --http_address=127.0.0.1 \
  --backends=center=127.0.0.1:$center_port --rate_limit_per_token=0 --rate_limit_per_address=0 \
  --scan_spool="$env_dir/scans.spool" >"$env_dir/gateway.log" 2>&1 &
gateway_pid=$!
start_center
gw=http://127.0.0.1:$gateway_port

# The merchant, its landing business approved, its menu and tables, its node.
. tools/bench/platform.sh
bench_admin "$env_dir"
bench_merchant "landingbench-$$@example.com"
curl -fsS -X POST "$gw/v1/merchants/$mid:setBusinessSwitches" -H "authorization: Bearer $token" \
  -d '{"cloudBusinessEnabled":true,"landingBusinessEnabled":true}' >/dev/null
bench_decide landing.requested "$mid"
config=$(curl -fsS -X PUT "$gw/v1/merchants/$mid/landing/config" -H "authorization: Bearer $token" \
  -d '{"menu":[{"id":"tea","name":"茉莉花茶 Jasmine tea","price":{"currency":"CNY","minor":"800"}},
               {"id":"noodles","name":"拌面 Noodles","price":{"currency":"CNY","minor":"1800"}}],
       "tables":[{"id":"T1","name":"桌 1","seats":4},{"id":"T2","name":"桌 2","seats":4}]}')
table_token=$(jq -r '.tables[] | select(.id == "T1") | .token' <<<"$config")
node=$(curl -fsS -X POST "$gw/v1/landing/nodes" -H "authorization: Bearer $token" \
  -d "{\"merchantId\":\"$mid\",\"name\":\"Bench\",\"lanUrl\":\"http://127.0.0.1:$node_lan\",\"requestId\":\"bench-$$\"}")
node_id=$(jq -r .node.id <<<"$node")
(umask 077; jq -r .apiKey <<<"$node" >"$env_dir/node-api-key")
start_node
desk="authorization: Bearer $(cat "$env_dir/node/desk-token")"
status() { curl -fsS "http://127.0.0.1:$node_lan/v1/sync/status" -H "$desk"; }
for _ in $(seq 1 100); do [ "$(status | jq -r '.configVersion // empty')" != "" ] && break; sleep 0.1; done
url="http://127.0.0.1:$node_lan/v1/tables/T1/orders"
center_orders() { sql -e "SELECT COUNT(*) FROM $db.orders WHERE source = 'LANDING'"; }

# 1. Placement, the center up and syncing: 32 phones ordering at once, in
# bursts (each orders again 250 ms after its answer), then as fast as the
# node answers (the node saturated: a stress figure, not a shop's).
wrk -t2 -c32 -d2s -s tools/bench/table_orders.lua "$url" -- "$table_token" >/dev/null
for pause in 250 0; do
  placed=$(wrk -t2 -c32 -d${seconds}s --latency -s tools/bench/table_orders.lua "$url" -- "$table_token" "$pause")
  echo "placement at the node, 32 phones, ${seconds} s, the center up, each phone pausing ${pause} ms:"
  echo "$placed" | grep -E "Requests/sec|50%|90%|99%|non200"
  grep -q "^non200 0$" <<<"$placed" || { echo "landing_bench: orders refused" >&2; exit 1; }
done
for _ in $(seq 1 600); do [ "$(status | jq -r '.pending // 0')" = 0 ] && break; sleep 0.1; done
before=$(center_orders)

# 2. The center down: `queued` orders taken and kept; then the center back.
stop "$center_pid"; center_pid=""
if curl -fs -o /dev/null "http://127.0.0.1:$gateway_port/readyz"; then
  echo "landing_bench: the center still answers after it was stopped" >&2; exit 1
fi
# Placement with the node alone on its machine (no center, MariaDB or
# flusher sharing the cores), as on the shop's PC with the internet down.
placed=$(wrk -t2 -c32 -d${seconds}s --latency -s tools/bench/table_orders.lua "$url" -- "$table_token" 250)
echo "placement at the node, 32 phones, ${seconds} s, the center away, each phone pausing 250 ms:"
echo "$placed" | grep -E "Requests/sec|50%|90%|99%|non200"
grep -q "^non200 0$" <<<"$placed" || { echo "landing_bench: orders refused" >&2; exit 1; }
t0=$(date +%s.%N)
wrk -t2 -c32 -d600s -s tools/bench/table_orders.lua "$url" -- "$table_token" >"$env_dir/wrk-queue.out" &
wrk_pid=$!
until [ "$(status | jq -r '.pending // 0')" -ge "$queued" ]; do
  sleep 0.2
  kill -0 "$wrk_pid" 2>/dev/null || { echo "landing_bench: wrk ended early" >&2; exit 1; }
done
kill -INT "$wrk_pid"; wait "$wrk_pid" || true
t1=$(date +%s.%N)
grep -q "^non200 0$" "$env_dir/wrk-queue.out" || { echo "landing_bench: orders refused while the center was down: $(cat "$env_dir/wrk-queue.out")" >&2; exit 1; }
pending=$(status | jq -r '.pending // 0')
echo "center down: $pending orders placed in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s, $pending pending at the node"
# The node as the shop's PC starts it after the outage, so the flusher's
# backoff while the center was away does not count: restarted, it syncs at
# once.
start_center
stop "$node_pid"; node_pid=""
d0=$(date +%s.%N)
start_node
while [ "$(status | jq -r '.pending // 0')" != 0 ]; do
  sleep 0.2
  awk -v s="$d0" -v n="$(date +%s.%N)" 'BEGIN {exit !(n - s > 600)}' && { echo "landing_bench: not drained in 10 minutes" >&2; exit 1; }
done
d1=$(date +%s.%N)
after=$(center_orders)
drained=$(( after - before ))
drain_s=$(awk -v a="$d0" -v b="$d1" 'BEGIN {printf "%.2f", b - a}')
echo "drained: $drained orders at the center in $drain_s s (node start included) = $(awk -v n="$drained" -v s="$drain_s" 'BEGIN {printf "%.0f", n / s}') orders/s"
[ "$drained" -eq "$pending" ] || { echo "landing_bench: $pending were pending, $drained arrived" >&2; exit 1; }
trap - EXIT
cleanup

echo "the center's own committed orders/s in the same run (tools/bench/orders_bench.sh $seconds 1):"
tools/bench/orders_bench.sh "$seconds" 1 | grep -E "^round|median"
