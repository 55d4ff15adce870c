#!/usr/bin/env bash
# The gateway's cost: a signed-in GET /v1/merchants/{id} through the gateway
# with wrk, beside the same call made directly over gRPC (grpc_load), in one
# run on one machine. Both at 64 concurrent requests.
#
#   tools/bench/gateway_bench.sh [seconds]      (default 10)
#
# Starts its own MariaDB, Redis, center and gateway on loopback ports under
# build/bench-env and stops them afterwards. Prints a Markdown table for
# docs/benchmarks.md. Besides req/s and latency it reports CPU time per
# request of every process involved (from /proc), the most direct measure
# of what the gateway adds.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-10}
env_dir=build/bench-env
center_port=15091
gateway_port=18091

./tools/build qrcloud-center qrcloud-gateway grpc_load >/dev/null
./tools/deps start "$env_dir" 13395 16395
set -a; . "$env_dir/env"; set +a
export QRCLOUD_MYSQL_DATABASE=qrcloud_center_bench QRCLOUD_LOG_LEVEL=warn

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ./tools/deps stop "$env_dir" >/dev/null
}
trap cleanup EXIT

build/bin/qrcloud-center --grpc_port=$center_port --metrics_port=0 --listen_address=127.0.0.1 \
  --media_dir="$env_dir/media" --receipt_key_file="$env_dir/receipt.key" >"$env_dir/center.log" 2>&1 &
center_pid=$!; pids+=($center_pid)
# Rate limits stay on (they are part of the real path), set high enough
# that the benchmark's single token and address are never refused.
build/bin/qrcloud-gateway --http_port=$gateway_port --http_address=127.0.0.1 \
  --center_address=127.0.0.1:$center_port \
  --rate_limit_per_token=100000000 --rate_limit_per_address=100000000 ${GATEWAY_FLAGS:-} \
  >"$env_dir/gateway.log" 2>&1 &
gateway_pid=$!; pids+=($gateway_pid)
for _ in $(seq 1 300); do
  curl -fs -o /dev/null "http://127.0.0.1:$gateway_port/readyz" && break
  sleep 0.1
done

gw=http://127.0.0.1:$gateway_port
login="bench-$$-$RANDOM@example.com"
curl -fsS -X POST $gw/v1/accounts -d "{\"kind\":\"MERCHANT\",\"login\":\"$login\",\"password\":\"bench-password\"}" >/dev/null
session=$(curl -fsS -X POST $gw/v1/sessions -d "{\"login\":\"$login\",\"password\":\"bench-password\"}")
token=$(jq -r .token <<<"$session")
mid=$(jq -r .account.merchantId <<<"$session")

mysqld_pid=$(cat "$env_dir/mysql.pid")
redis_pid=$(cat "$env_dir/redis.pid")
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# cpu_ms_per_request <requests> <before...> <after...> for center gateway mysqld redis
snapshot() { echo "$(ticks $center_pid) $(ticks $gateway_pid) $(ticks $mysqld_pid) $(ticks $redis_pid)"; }

# Warm both paths up.
wrk -t2 -c64 -d2s -H "Authorization: Bearer $token" "$gw/v1/merchants/$mid" >/dev/null
build/bin/grpc_load --target=127.0.0.1:$center_port --token="$token" --merchant="$mid" \
  --concurrency=64 --duration=2s --warmup=0s >/dev/null

rounds=${ROUNDS:-3}
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}' <<<"$1"; }
# cpu_per_request <before> <after> <requests>: CPU ms per request of each process.
cpu_per_request() {
  local b=($1) a=($2) n=$3 out=()
  for i in 0 1 2 3; do out+=("$(awk -v d=$(( ${a[$i]} - ${b[$i]} )) -v hz=$hz -v n=$n 'BEGIN {printf "%.3f", d / hz * 1000 / n}')"); done
  echo "${out[*]}"
}
sum() { awk '{s=0; for (i=1;i<=NF;i++) s+=$i; printf "%.3f", s}' <<<"$*"; }
median() { tr ' ' '\n' <<<"$*" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

rows=()
gw_rps_all=(); grpc_rps_all=(); gw_cpu_all=(); grpc_cpu_all=(); tput_ratios=(); cpu_ratios=()
for round in $(seq 1 "$rounds"); do
  before=$(snapshot)
  wrk_out=$(wrk -t2 -c64 -d${seconds}s --latency -H "Authorization: Bearer $token" "$gw/v1/merchants/$mid")
  mid_snap=$(snapshot)
  # grpc_load's own warm-up is off: the same window is measured as for wrk.
  grpc_out=$(build/bin/grpc_load --target=127.0.0.1:$center_port --token="$token" --merchant="$mid" \
    --concurrency=64 --duration=${seconds}s --warmup=0s)
  after=$(snapshot)

  gw_rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$wrk_out")
  gw_p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$wrk_out")")
  gw_p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$wrk_out")")
  gw_requests=$(awk '/requests in/ {print $1}' <<<"$wrk_out")
  gw_bad=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$wrk_out")
  grpc_rps=$(awk '$1=="req/s" {print $2}' <<<"$grpc_out")
  grpc_p50=$(awk '$1=="p50_ms" {printf "%.2f", $2}' <<<"$grpc_out")
  grpc_p99=$(awk '$1=="p99_ms" {printf "%.2f", $2}' <<<"$grpc_out")
  grpc_requests=$(awk '$1=="requests" {print $2}' <<<"$grpc_out")
  grpc_errors=$(awk '$1=="requests" {print $4}' <<<"$grpc_out")
  [ -z "$gw_bad" ] && [ "$grpc_errors" = 0 ] || { echo "errors: gateway [$gw_bad] gRPC [$grpc_errors]" >&2; exit 1; }

  gw_cpu=($(cpu_per_request "$before" "$mid_snap" "$gw_requests"))
  grpc_cpu=($(cpu_per_request "$mid_snap" "$after" "$grpc_requests"))
  gw_total=$(sum "${gw_cpu[@]}"); grpc_total=$(sum "${grpc_cpu[@]}")
  gw_rps_all+=("$gw_rps"); grpc_rps_all+=("$grpc_rps"); gw_cpu_all+=("$gw_total"); grpc_cpu_all+=("$grpc_total")
  tput_ratios+=("$(ratio "$gw_rps" "$grpc_rps")"); cpu_ratios+=("$(ratio "$gw_total" "$grpc_total")")
  rows+=("| $round | REST via gateway | $gw_rps | $gw_p50 | $gw_p99 | $gw_total (${gw_cpu[0]} + ${gw_cpu[1]} + ${gw_cpu[2]} + ${gw_cpu[3]}) |")
  rows+=("| $round | gRPC direct | $grpc_rps | $grpc_p50 | $grpc_p99 | $grpc_total (${grpc_cpu[0]} + ${grpc_cpu[1]} + ${grpc_cpu[2]} + ${grpc_cpu[3]}) |")
done

echo
echo "GET /v1/merchants/{id}, signed in, 64 concurrent, ${seconds} s per run, $rounds rounds;"
echo "$(nproc) cores ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/,"",$2); print $2}')), everything on this one machine."
echo
echo "| round | path | req/s | p50 ms | p99 ms | server CPU ms/request (center + gateway + MariaDB + Redis) |"
echo "| ---: | --- | ---: | ---: | ---: | --- |"
printf '%s\n' "${rows[@]}"
echo
echo "median req/s: gateway $(median "${gw_rps_all[@]}"), direct $(median "${grpc_rps_all[@]}")"
echo "median throughput ratio gateway/direct: $(median "${tput_ratios[@]}") (per round: ${tput_ratios[*]})"
echo "median server CPU per request: gateway path $(median "${gw_cpu_all[@]}") ms, direct $(median "${grpc_cpu_all[@]}") ms;"
echo "  ratio $(median "${cpu_ratios[@]}") (per round: ${cpu_ratios[*]})"
