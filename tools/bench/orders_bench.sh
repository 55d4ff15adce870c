#!/usr/bin/env bash
# Committed orders per second at 64 concurrent buyers, through the whole
# path: gateway → center → Redis (session, stock gate) → MySQL (the retry
# lookup, then the order's transaction, committed with fsync). Also how fast a sold-out
# campaign turns a rush away end to end.
#
#   tools/bench/orders_bench.sh [seconds] [rounds]      (default 10 s, 3 rounds)
#
# Starts its own MariaDB, Redis, center and gateway under build/bench-env.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-10}
rounds=${2:-3}
env_dir=$root/build/bench-env
center_port=15093
gateway_port=18093

./tools/build qrcloud-center qrcloud-gateway qrcloud-qr-decode bench_decide >/dev/null
./tools/deps start "$env_dir" auto auto
set -a; . "$env_dir/env"; set +a
export QRCLOUD_MYSQL_DATABASE=qrcloud_center_ordersbench QRCLOUD_LOG_LEVEL=warn
redis-cli -p "$QRCLOUD_REDIS_PORT" FLUSHALL >/dev/null

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  ./tools/deps stop "$env_dir" >/dev/null
}
trap cleanup EXIT

build/bin/qrcloud-center --grpc_port=$center_port --metrics_port=0 --listen_address=127.0.0.1 \
  --public_url=http://127.0.0.1:$gateway_port --receipt_key_file="$env_dir/receipt.key" \
  --media_dir="$env_dir" --workers=64 --mysql_pool_size=48 --scan_rollup=false ${CENTER_FLAGS:-} \
  >"$env_dir/center.log" 2>&1 &
pids+=($!)
build/bin/qrcloud-gateway --http_port=$gateway_port --http_address=127.0.0.1 \
  --backends=center=127.0.0.1:$center_port --rate_limit_per_token=0 --rate_limit_per_address=0 \
  --scan_spool="$env_dir/scans.spool" ${GATEWAY_FLAGS:-} >"$env_dir/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$gateway_port/readyz" && break; sleep 0.1; done
gw=http://127.0.0.1:$gateway_port

# A qualified merchant, approved as the audit service would, with two
# campaigns: plenty of stock, and none.
. tools/bench/platform.sh
bench_admin "$env_dir"
bench_merchant "ordersbench-$$@example.com"
decide() { bench_decide "$@"; }
publish() {  # publish <stock>
  local id
  id=$(curl -fsS -X POST $gw/v1/merchants/$mid/campaigns -H "authorization: Bearer $token" \
    -d "{\"title\":\"Bench\",\"mode\":\"ORDER\",\"price\":{\"currency\":\"CNY\",\"minor\":\"100\"},\"stock\":\"$1\"}" | jq -r .id)
  curl -fsS -X POST $gw/v1/campaigns/$id:submit -H "authorization: Bearer $token" -d '{}' >/dev/null
  decide campaign.submitted "$id"
  echo "$id"
}
plenty=$(publish 10000000)
none=$(publish 1)
[[ "$plenty" =~ ^[A-Za-z0-9_-]+$ && "$none" =~ ^[A-Za-z0-9_-]+$ ]] || { echo "orders_bench: could not publish the campaigns" >&2; exit 1; }

# Buyers: sessions for 640 people.
tokens="$env_dir/buyers.txt"
: > "$tokens"
# (`wait` takes the curl jobs' pids: a bare `wait` would wait for the servers.)
batch=()
for i in $(seq 1 640); do
  b="buyer-$$-$i@example.com"
  curl -fsS -X POST $gw/v1/accounts -d "{\"kind\":\"PERSON\",\"login\":\"$b\",\"password\":\"bench-password\"}" >/dev/null &
  batch+=($!)
  if (( i % 16 == 0 )); then wait "${batch[@]}"; batch=(); fi
done
for i in $(seq 1 640); do
  curl -fsS -X POST $gw/v1/sessions -d "{\"login\":\"buyer-$$-$i@example.com\",\"password\":\"bench-password\"}" | jq -r .token >> "$tokens" &
  batch+=($!)
  if (( i % 16 == 0 )); then wait "${batch[@]}"; batch=(); fi
done
[ "$(grep -c . "$tokens")" -eq 640 ] || { echo "orders_bench: could not sign in every buyer" >&2; exit 1; }
# Sell out the second campaign.
curl -fsS -X POST $gw/v1/campaigns/$none/orders -H "authorization: Bearer $(head -1 "$tokens")" \
  -d '{"requestId":"sellout","quantity":1}' >/dev/null

wrk -t2 -c64 -d2s -s tools/bench/orders.lua "$gw/v1/campaigns/$plenty/orders" -- "$tokens" >/dev/null
count() { mariadb --no-defaults -h127.0.0.1 -P"$QRCLOUD_MYSQL_PORT" -u"$QRCLOUD_MYSQL_USER" -p"$QRCLOUD_MYSQL_PASSWORD" \
  -N -e "SELECT COUNT(*) FROM qrcloud_center_ordersbench.orders WHERE campaign_id = '$1'"; }
rates=()
for round in $(seq 1 "$rounds"); do
  before=$(count "$plenty")
  out=$(wrk -t2 -c64 -d${seconds}s --latency -s tools/bench/orders.lua "$gw/v1/campaigns/$plenty/orders" -- "$tokens")
  after=$(count "$plenty")
  committed=$(( after - before ))
  echo "round $round: committed orders $committed in ${seconds}s = $(( committed / seconds ))/s;" \
    "p50 $(awk '$1=="50%" {print $2}' <<<"$out"), p99 $(awk '$1=="99%" {print $2}' <<<"$out"), $(grep non200 <<<"$out")"
  rates+=("$(( committed / seconds ))")
done
echo "median committed orders/s over $rounds rounds: $(tr ' ' '\n' <<<"${rates[*]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') (${rates[*]})"
sold=$(wrk -t2 -c64 -d${seconds}s --latency -s tools/bench/orders.lua "$gw/v1/campaigns/$none/orders" -- "$tokens")
echo "sold-out campaign, end to end:"
echo "$sold" | grep -E "Requests/sec|50%|99%|non200"
